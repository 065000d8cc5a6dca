"""Paths, settings, versions, config and atomic writes."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from future_skills.atomic import atomic_write_json, file_sha256
from future_skills.exceptions import ConfigError, InvalidVersionError
from future_skills.paths import REPO_ROOT, get_paths, relative_to_root, report_paths
from future_skills.settings import load_settings
from future_skills.thresholds import DEFAULTS, load_config
from future_skills.versions import validate_version, version_sort_key


@pytest.mark.parametrize("version", ["v1", "v2", "v10", "v2.1", "v0"])
def test_valid_versions(version):
    assert validate_version(version) == version


@pytest.mark.parametrize("version", ["2", "V2", "v", "v2.", "v2.1.3", "v2-beta", "../v2", "", " v2",
                                     "v2\n", "v\u0663", "v\uff12", "v" + "9" * 300, "v1234567"])
def test_invalid_versions_raise_one_sentence(version):
    with pytest.raises(InvalidVersionError, match="use 'v' followed by digits") as err:
        validate_version(version)
    assert len(str(err.value)) < 200  # a 300-character version is not echoed whole


def test_version_sort_is_numeric():
    assert sorted(["v10", "v2.1", "v9", "v2"], key=version_sort_key) == ["v2", "v2.1", "v9", "v10"]


def test_paths_follow_future_skills_home(project_root: Path):
    paths = get_paths()
    assert paths.root == project_root.resolve()
    assert paths.dataset_csv("v3") == project_root.resolve() / "runs" / "v3" / "dataset.csv"
    assert paths.model_path("v3").name == "future_skills_model_v3.pkl"
    assert relative_to_root(paths.model_path("v3"), paths.root) == "models/future_skills_model_v3.pkl"
    assert report_paths("v3")["drift"] == "reports/v3/04_drift.html"


def test_paths_default_to_the_repository(monkeypatch):
    monkeypatch.delenv("FUTURE_SKILLS_HOME", raising=False)
    assert get_paths().root == REPO_ROOT


def test_settings_defaults_and_overrides(project_root: Path, monkeypatch):
    settings = load_settings()
    assert settings.enable_monitoring is True
    assert settings.monitoring_log == project_root.resolve() / "logs" / "predictions_monitoring.jsonl"
    assert settings.db_url.startswith("sqlite:///") and settings.db_url.endswith("future_skills_hr.sqlite")
    monkeypatch.setenv("FUTURE_SKILLS_ENABLE_MONITORING", "false")
    monkeypatch.setenv("FUTURE_SKILLS_MODEL_VERSION", "v2")
    monkeypatch.setenv("FUTURE_SKILLS_DB_URL", "postgresql+psycopg://u@h/db")
    settings = load_settings()
    assert settings.enable_monitoring is False and settings.model_version == "v2"
    assert settings.db_url == "postgresql+psycopg://u@h/db"


def test_config_defaults_and_file_overrides(project_root: Path):
    assert load_config() == DEFAULTS
    (project_root / "future_skills.toml").write_text("[gate]\nmin_class_precision = 0.65\n")
    config = load_config()
    assert config["gate"]["min_class_precision"] == 0.65
    assert config["targets"] == DEFAULTS["targets"]
    assert DEFAULTS["gate"]["min_class_precision"] == 0.60  # defaults are not mutated
    (project_root / "future_skills.toml").write_text(
        '[gate]\nrequire_validation_sample = true\n[model_card]\nowner = "HR data team"\n')
    config = load_config()
    assert config["gate"]["require_validation_sample"] is True and config["model_card"]["owner"] == "HR data team"


@pytest.mark.parametrize("text, message", [
    ("[gate\n", "not valid TOML"),
    ("[nope]\nx = 1\n", "unknown section"),
    ("[gate]\nmin_precision = 1\n", "unknown key gate.min_precision"),
    ("[gate]\nmin_class_precision = 'high'\n", "must be a number"),
    ("[gate]\nrequire_validation_sample = 1\n", "must be true or false"),
    ("[model_card]\nowner = 3\n", "must be text"),
])
def test_bad_config_files_are_clear_errors(project_root: Path, text, message):
    (project_root / "future_skills.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config()


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path):
    target = tmp_path / "sub" / "file.json"
    atomic_write_json(target, {"a": 1})
    assert target.read_text().strip().startswith("{")
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]
    assert len(file_sha256(target)) == 64


def test_atomic_write_gives_plain_permissions_and_keeps_existing_ones(tmp_path: Path):
    old_umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        atomic_write_json(fresh, {"a": 1})
        assert fresh.stat().st_mode & 0o777 == 0o644  # as open() would, not mkstemp's 0600
        private = tmp_path / "private.json"
        private.write_text("{}")
        private.chmod(0o640)
        atomic_write_json(private, {"b": 2})
        assert private.stat().st_mode & 0o777 == 0o640 and json.loads(private.read_text()) == {"b": 2}
    finally:
        os.umask(old_umask)
