"""A database password never lands in an executed notebook, a report or run.json.

Papermill writes every parameter into the executed notebook (and so into its HTML), so a URL
with a password reaches the kernel through ``FUTURE_SKILLS_DB_URL`` in its environment instead.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from future_skills.data.database import db_url_for_notebook
from future_skills.pipeline import drift_job as monitoring_jobs
from future_skills.pipeline.kernels import kernel_env
from future_skills.pipeline.retrain import RetrainOptions, _recorded_parameters

SECRET_URL = "postgresql+psycopg://hr:s3cret@db.example/hr"


def test_a_url_with_a_password_goes_through_the_kernel_environment():
    assert db_url_for_notebook(SECRET_URL) == (None, {"FUTURE_SKILLS_DB_URL": SECRET_URL})
    assert db_url_for_notebook("sqlite:////tmp/hr.sqlite") == ("sqlite:////tmp/hr.sqlite", {})
    assert db_url_for_notebook(None) == (None, {})


def test_the_kernel_environment_adds_the_secret_without_touching_this_process(monkeypatch):
    monkeypatch.setenv("FUTURE_SKILLS_DB_URL", "sqlite:////before.sqlite")
    monkeypatch.delenv("FUTURE_SKILLS_TEST_ONLY", raising=False)
    env = kernel_env({"FUTURE_SKILLS_DB_URL": SECRET_URL, "FUTURE_SKILLS_TEST_ONLY": "1"})
    assert env["FUTURE_SKILLS_DB_URL"] == SECRET_URL and env["FUTURE_SKILLS_TEST_ONLY"] == "1"
    assert env["PATH"] == os.environ["PATH"]
    assert os.environ["FUTURE_SKILLS_DB_URL"] == "sqlite:////before.sqlite"
    assert "FUTURE_SKILLS_TEST_ONLY" not in os.environ


def test_run_json_records_the_url_masked():
    recorded = _recorded_parameters(RetrainOptions(version="v2", db_url=SECRET_URL))
    assert recorded["db_url"] == "postgresql+psycopg://hr:***@db.example/hr"
    assert "s3cret" not in json.dumps(recorded)


def test_the_drift_job_passes_the_password_only_through_the_environment(project_root: Path, monkeypatch):
    seen: dict = {}

    def fake_run_notebook(notebook, output, parameters, *, kernel=None, cwd=None, env=None):
        seen.update(parameters=parameters, env=dict(env or {}))
        (cwd / "drift.json").write_text(json.dumps({"verdict": "ok"}))

    monkeypatch.setattr("future_skills.pipeline.execute.run_notebook", fake_run_notebook)
    monkeypatch.setattr("future_skills.reporting.html.export_notebook_html", lambda *a, **k: None)
    result = monitoring_jobs.run_drift_job(window="all", db_url=SECRET_URL)
    assert result["report"] == {"verdict": "ok"}
    assert seen["parameters"]["db_url"] is None
    assert "s3cret" not in json.dumps(seen["parameters"])
    assert seen["env"] == {"FUTURE_SKILLS_DB_URL": SECRET_URL}
