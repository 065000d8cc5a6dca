"""One run per version at a time, and a killed run recognised, set aside and reclaimed by the next one."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from future_skills.exceptions import FutureSkillsError, VersionExistsError
from future_skills.paths import ProjectPaths, get_paths
from future_skills.pipeline.manifest import RunStatus, load_manifest
from future_skills.pipeline.options import RetrainOptions, check_options, refuse_fresh_registry
from future_skills.pipeline.publish import publish_model
from future_skills.pipeline.recovery import (
    VersionBusyError,
    refuse_existing_version,
    refuse_orphan_files,
    set_aside_previous_run,
    version_is_busy,
    version_lock,
)
from future_skills.registry.store import Registry
from helpers.runs import stage_model

HOLD_LOCK = """
import sys, time
from future_skills.paths import get_paths
from future_skills.pipeline.recovery import version_lock
with version_lock("v2", get_paths(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def paths(project_root: Path) -> ProjectPaths:
    return get_paths(project_root).ensure()


def test_a_second_run_of_the_same_version_refuses_at_once(paths: ProjectPaths):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(paths.root)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert version_is_busy("v2", paths) and not version_is_busy("v3", paths)
        with pytest.raises(VersionBusyError, match=r"Another run of v2 is in progress"):
            with version_lock("v2", paths):
                pass
    finally:
        holder.kill()
        holder.wait()
    assert not version_is_busy("v2", paths)  # the lock dies with its process (kill -9 included)


def test_an_interrupted_run_is_set_aside_and_its_published_files_reclaimed(paths: ProjectPaths):
    stage_model(paths, "v2")  # run.json says running: its process was killed
    publish_model("v2", paths)  # killed after moving the model into models/, before registering it
    moved, interrupted = set_aside_previous_run("v2", paths)
    assert interrupted and moved.name.startswith("v2.interrupted-")
    assert not paths.model_path("v2").exists() and not paths.metadata_path("v2").exists()
    assert (moved / "model" / paths.staged_model("v2").name).is_file()  # kept with its run, not deleted
    assert load_manifest(moved).status == RunStatus.INTERRUPTED.value
    refuse_orphan_files("v2", paths)  # nothing left in the way of the new run


def test_files_of_another_origin_in_models_are_refused_not_taken(paths: ProjectPaths):
    stage_model(paths, "v2")
    paths.model_path("v2").write_bytes(b"someone else's model")
    set_aside_previous_run("v2", paths)
    assert paths.model_path("v2").read_bytes() == b"someone else's model"
    with pytest.raises(VersionExistsError, match="future-skills doctor"):
        refuse_orphan_files("v2", paths)


def test_a_failed_run_is_set_aside_as_failed(paths: ProjectPaths):
    stage_model(paths, "v2", RunStatus.FAILED)
    moved, interrupted = set_aside_previous_run("v2", paths)
    assert not interrupted and moved.name.startswith("v2.failed-")


@pytest.mark.parametrize("status,message", [(RunStatus.SUCCEEDED, "choose a new version"),
                                            (RunStatus.UNPUBLISHED, "future-skills publish v2")])
def test_finished_or_waiting_runs_are_never_overwritten(paths: ProjectPaths, status: RunStatus, message: str):
    stage_model(paths, "v2", status)
    with pytest.raises(VersionExistsError, match=message):
        refuse_existing_version("v2", paths, Registry(paths))


def test_a_missing_registry_next_to_models_needs_new_registry(paths: ProjectPaths):
    paths.model_path("v1").write_bytes(b"model")
    with pytest.raises(FutureSkillsError, match="--new-registry"):
        refuse_fresh_registry(paths, new_registry=False)
    refuse_fresh_registry(paths, new_registry=True)


@pytest.mark.parametrize("change,flag", [
    ({"window": "banana"}, "--window"), ({"version": "v" + "1" * 300}, "Invalid model version"),
    ({"version": "v\u0663"}, "Invalid model version"), ({"cell_timeout": 0}, "--cell-timeout"),
    ({"notebook_timeout": -5}, "--notebook-timeout"), ({"validation_csv": "/no/such.csv"}, "--validation-csv"),
])
def test_every_option_is_checked_before_anything_starts(change: dict, flag: str):
    with pytest.raises(FutureSkillsError, match=flag) as err:
        check_options(RetrainOptions(**{"version": "v2", **change}))
    assert len(str(err.value)) < 250


def test_run_retrain_refuses_a_bad_window_before_writing_anything(tmp_path: Path):
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, str(repo / "run_retrain.py"), "--version", "v2", "--window", "banana"],
                            env={"PATH": "/usr/bin:/bin", "FUTURE_SKILLS_HOME": str(tmp_path)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "--window: Invalid window 'banana'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_manifest_records_notebook_hashes_and_packages():
    from future_skills.environment import installed_packages
    from future_skills.pipeline.manifest import notebook_hashes

    hashes, packages = notebook_hashes(), installed_packages()
    assert set(hashes) == {"01_export.ipynb", "02_train.ipynb", "03_evaluate.ipynb", "04_drift.ipynb"}
    assert all(len(h) == 64 for h in hashes.values())
    assert "scikit-learn" in packages and "pandas" in packages
    json.dumps(packages)
