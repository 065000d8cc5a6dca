"""Test session set-up shared by unit tests and nbmake notebook runs.

Nothing a test runs may touch the repository's real data/, runs/, models/, reports/ or
logs/: the whole session works under a temporary FUTURE_SKILLS_HOME, set before any
notebook kernel starts (kernels inherit the environment). Unit tests that need their
own root use the ``project_root`` fixture of tests/conftest.py.
"""
from __future__ import annotations

import os
import tempfile

_SESSION_ROOT = tempfile.mkdtemp(prefix="future-skills-test-")


def pytest_configure(config):
    os.environ["FUTURE_SKILLS_HOME"] = _SESSION_ROOT
    for name in ("FUTURE_SKILLS_MONITORING_LOG", "FUTURE_SKILLS_MODEL_PATH", "FUTURE_SKILLS_MODEL_VERSION",
                 "FUTURE_SKILLS_DB_URL", "FUTURE_SKILLS_CONFIG"):
        os.environ.pop(name, None)
    os.environ.setdefault("MPLBACKEND", "Agg")
