"""Fixtures shared by the unit tests."""
from __future__ import annotations

from pathlib import Path

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: end-to-end tests that run the whole pipeline")


@pytest.fixture
def project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty project root for one test (FUTURE_SKILLS_HOME points at it)."""
    root = tmp_path / "root"
    root.mkdir()
    monkeypatch.setenv("FUTURE_SKILLS_HOME", str(root))
    monkeypatch.delenv("FUTURE_SKILLS_MONITORING_LOG", raising=False)
    monkeypatch.delenv("FUTURE_SKILLS_MODEL_PATH", raising=False)
    monkeypatch.delenv("FUTURE_SKILLS_MODEL_VERSION", raising=False)
    monkeypatch.delenv("FUTURE_SKILLS_DB_URL", raising=False)
    return root
