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


def test_a_full_disk_at_the_end_of_a_run_keeps_the_model_for_publish(paths: ProjectPaths, monkeypatch, capsys):
    """The whole run's bookkeeping, the notebooks replaced by a staged model: exit 2, one sentence, publish retries."""
    from future_skills.pipeline import retrain as pipeline
    from future_skills.pipeline.options import RetrainOptions

    monkeypatch.setattr(pipeline._Run, "execute", lambda run, db_url: stage_model(paths, run.version) and None)
    room = publishing.atomic_write_json
    monkeypatch.setattr(publishing, "atomic_write_json", _disk_full)
    options = RetrainOptions(version="v2", dataset_csv=None, skip_export=True)
    with pytest.raises(StorageError) as err:
        pipeline.run_retrain(options, paths, echo=lambda line: None)
    assert "the disk is full" in str(err.value) and "`future-skills publish v2`" in str(err.value)
    _unchanged(paths, "v2")
    assert load_manifest(paths.run_dir("v2")).status == RunStatus.UNPUBLISHED.value
    monkeypatch.setattr(publishing, "atomic_write_json", room)  # space was freed
    assert main(["publish", "v2"]) == 0 and Registry(paths).exists("v2")


def test_a_read_only_folder_is_found_before_anything_starts(paths: ProjectPaths, monkeypatch):
    from future_skills import atomic
    from future_skills.pipeline import options as checks
    from future_skills.pipeline.options import RetrainOptions
    from future_skills.pipeline.retrain import run_retrain

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(checks.tempfile, "mkstemp", read_only)
    with pytest.raises(StorageError, match=f"Cannot write {paths.runs_dir}: the file system is read-only"):
        run_retrain(RetrainOptions(version="v2"), paths, echo=lambda line: None)
    assert not paths.run_dir("v2").exists() and atomic  # nothing was started


def test_the_staged_model_hashed_in_the_background_matches_the_training_records(paths: ProjectPaths, tmp_path: Path):
    from future_skills.atomic import file_sha256
    from future_skills.pipeline.retrain import check_staged, in_background

    stage_model(paths, "v2")
    checked = in_background(check_staged, paths.staged_model("v2")).result(timeout=60)
    assert checked is not None and checked.sha256 == file_sha256(paths.staged_model("v2"))
    assert in_background(check_staged, tmp_path / "missing.pkl").result(timeout=60) is None  # publishing hashes it itself
