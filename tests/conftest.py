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


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server started for the session and stopped at its end (never skipped).

    Its data folder is created directly under the system temp folder: run as root, pgserver starts
    PostgreSQL as an unprivileged user, who cannot enter pytest's owner-only temporary folders.
    """
    import shutil
    import tempfile

    from helpers.postgres import start_server

    folder = Path(tempfile.mkdtemp(prefix="future-skills-pg-"))
    server = start_server(folder)
    try:
        yield server
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_hr_template(postgres_server) -> str:
    """The name of a database holding the demo HR tables, loaded once and copied for each test."""
    from helpers.postgres import create_database, load_demo_tables

    load_demo_tables(create_database(postgres_server, "hr_template"))
    return "hr_template"


@pytest.fixture
def postgres_hr_url(postgres_server, postgres_hr_template: str) -> str:
    """A fresh PostgreSQL database holding the demo HR tables (a copy of the template): its SQLAlchemy URL."""
    from helpers.postgres import create_database

    return create_database(postgres_server, template=postgres_hr_template)


@pytest.fixture
def registered_models_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered test entries come with their model file (promote and rollback verify it)."""
    from helpers.registry import model_files_follow_registrations

    model_files_follow_registrations(monkeypatch)


@pytest.fixture
def serving_project(project_root: Path):
    """A project root with model v1 in production and serving's caches cleared before and after."""
    from future_skills.serving import predict as serving
    from helpers.monitoring import install_model

    serving.clear_cache()
    install_model("v1")
    yield project_root
    serving.clear_cache()
