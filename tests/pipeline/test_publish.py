"""Publishing: models/ first, the registry last; when either cannot be written the model waits in runs/<v>/
and ``future-skills publish`` finishes the job without retraining."""
from __future__ import annotations

import errno
from pathlib import Path

import pytest

from future_skills.cli import main
from future_skills.exceptions import StorageError
from future_skills.paths import ProjectPaths, get_paths
from future_skills.pipeline import publish as publishing
from future_skills.pipeline.manifest import RunStatus, load_manifest
from future_skills.pipeline.publish import publish_version
from future_skills.registry import store as registry_store
from future_skills.registry.store import Registry
from helpers.runs import leftovers, stage_model


@pytest.fixture
def paths(project_root: Path) -> ProjectPaths:
    return get_paths(project_root).ensure()


def _disk_full(*args, **kwargs):
    raise StorageError(f"Cannot write {args[0]}: the disk is full; free space on it, then run the command again.")


def _unchanged(paths: ProjectPaths, version: str) -> None:
    assert paths.staged_model(version).is_file(), "the trained model must wait in runs/<v>/model/"
    assert not paths.model_path(version).exists() and not paths.metadata_path(version).exists()
    assert not Registry(paths).exists(version)
    assert leftovers(paths) == []


def test_publish_moves_the_model_registers_it_then_drops_the_staging(paths: ProjectPaths):
    metadata = stage_model(paths, "v2")
    publish_version("v2", paths, Registry(paths))
    entry = Registry(paths).get("v2")
    assert entry.model_sha256 == metadata["model_sha256"] and entry.status.value == "candidate"
    assert paths.model_path("v2").is_file() and not paths.staged_model("v2").parent.exists()


def test_a_full_models_folder_keeps_the_model_in_runs(paths: ProjectPaths, monkeypatch):
    stage_model(paths, "v2")
    monkeypatch.setattr(publishing, "atomic_write_json", _disk_full)
    with pytest.raises(StorageError, match="disk is full"):
        publish_version("v2", paths, Registry(paths))
    _unchanged(paths, "v2")


def test_a_registry_that_cannot_be_written_moves_the_model_back(paths: ProjectPaths, monkeypatch):
    stage_model(paths, "v2")
    real = registry_store.atomic_write_json

    def failing(path, payload):
        if Path(path).name == "registry.json":
            raise OSError(errno.EROFS, "Read-only file system")
        return real(path, payload)

    monkeypatch.setattr(registry_store, "atomic_write_json", failing)
    with pytest.raises(OSError):
        publish_version("v2", paths, Registry(paths))
    _unchanged(paths, "v2")


def test_publish_command_finishes_an_unpublished_run(paths: ProjectPaths, capsys):
    stage_model(paths, "v2", RunStatus.UNPUBLISHED)
    assert main(["publish", "v2"]) == 0
    assert "v2 published and registered as candidate" in capsys.readouterr().out
    assert Registry(paths).exists("v2") and load_manifest(paths.run_dir("v2")).status == "succeeded"
    assert (paths.report_dir("v2") / "index.html").is_file()
    assert main(["publish", "v2"]) == 2  # already published: one sentence, nothing changes
    assert "already published" in capsys.readouterr().err


def test_publish_command_refuses_a_run_that_is_not_waiting(paths: ProjectPaths, capsys):
    stage_model(paths, "v2", RunStatus.FAILED)
    assert main(["publish", "v2"]) == 2
    assert "holds no trained model waiting to be published" in capsys.readouterr().err
