"""``future-skills doctor``: leftovers of interrupted runs, registered files, impossible registry states."""
from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from pathlib import Path

import pytest

from future_skills.cli import main
from future_skills.paths import ProjectPaths, get_paths
from future_skills.pipeline.doctor import diagnose, repair
from future_skills.pipeline.recovery import version_lock
from future_skills.registry.store import Registry
from helpers.registry import make_entry
from helpers.runs import stage_model


@pytest.fixture
def paths(project_root: Path) -> ProjectPaths:
    paths = get_paths(project_root).ensure()
    entry = make_entry("v1", status="production")
    model = paths.model_path("v1")
    model.write_bytes(b"the v1 model")
    entry["model_sha256"] = hashlib.sha256(b"the v1 model").hexdigest()
    Registry(paths).register(entry)
    return paths


def _debris(paths: ProjectPaths) -> None:
    stage_model(paths, "v2")  # a killed run: manifest "running", staged model
    (paths.run_dir("v2") / "kernel-ipc-1").write_bytes(b"")
    paths.model_path("v3").write_bytes(b"orphan")
    (paths.models_dir / ".registry.json.x1y2.tmp").write_text("{")
    paths.registry_md.write_text("stale\n")


def _kinds(paths: ProjectPaths) -> set[str]:
    return {f.kind for f in diagnose(paths)}


def test_a_clean_project_has_no_finding(paths: ProjectPaths):
    assert diagnose(paths) == []


def test_leftovers_are_listed_then_fixed(paths: ProjectPaths):
    _debris(paths)
    assert _kinds(paths) == {"stale run", "staged model", "orphan model file", "temporary file", "stale socket",
                             "registry view"}
    done = repair(diagnose(paths))
    assert len(done) == 6 and all(sentence.endswith(").") for sentence in done)
    assert diagnose(paths) == []
    assert json.loads((paths.run_dir("v2") / "run.json").read_text())["status"] == "interrupted"
    assert paths.model_path("v1").is_file() and Registry(paths).production_version() == "v1"  # registered: kept


def test_a_live_run_is_not_debris(paths: ProjectPaths):
    _debris(paths)
    with version_lock("v2", paths):
        kinds = _kinds(paths)
    assert "stale run" not in kinds and "staged model" not in kinds and "temporary file" not in kinds


def test_a_young_temporary_file_under_logs_may_be_a_live_write(paths: ProjectPaths):
    young, old = paths.logs_dir / ".predictions.jsonl.a.tmp", paths.logs_dir / ".predictions.jsonl.b.tmp"
    young.write_text("")
    old.write_text("")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert [f.path for f in diagnose(paths)] == ["logs/.predictions.jsonl.b.tmp"]


def test_a_registry_command_in_progress_owns_its_temporary_file(paths: ProjectPaths):
    from filelock import FileLock

    (paths.models_dir / ".registry.json.x1y2.tmp").write_text("{")
    with FileLock(str(paths.registry_json) + ".lock"):
        assert diagnose(paths) == []
    assert [f.kind for f in diagnose(paths)] == ["temporary file"]


def test_a_damaged_registered_model_is_reported_and_never_removed(paths: ProjectPaths):
    paths.model_path("v1").write_bytes(b"damaged")
    findings = diagnose(paths)
    assert [(f.kind, f.fix) for f in findings] == [("registered model", None)]
    assert "does not match the sha256" in findings[0].problem
    repair(findings)
    assert paths.model_path("v1").read_bytes() == b"damaged"


def test_impossible_registry_states_are_reported(paths: ProjectPaths):
    data = json.loads(paths.registry_json.read_text())
    data["versions"]["v2"] = {**make_entry("v2", status="production"), "model_path": None}
    data["production"] = "v9"
    paths.registry_json.write_text(json.dumps(data))
    problems = " ".join(f.problem for f in diagnose(paths) if f.kind == "registry")
    assert "2 versions have status production (v1, v2)" in problems
    assert "production points at v9, which is not registered" in problems


def test_a_missing_registry_next_to_models_is_reported(paths: ProjectPaths):
    paths.registry_json.unlink()
    findings = [f for f in diagnose(paths) if f.kind == "registry"]
    assert len(findings) == 1 and "--new-registry" in findings[0].problem


def test_markdown_that_cannot_be_written_does_not_fail_the_committed_change(paths: ProjectPaths, registered_models_exist):
    Registry(paths).register(make_entry("v2"))
    paths.registry_md.unlink()
    paths.registry_md.mkdir()  # cannot be replaced by a file
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        Registry(paths).approve("v2", by="Claire Martin")
    assert Registry(paths).get("v2").status.value == "approved"  # the change is committed
    assert any("doctor --fix" in str(w.message) for w in record)
    paths.registry_md.rmdir()
    assert _kinds(paths) == {"registry view"}
    repair(diagnose(paths))
    assert "v2" in paths.registry_md.read_text() and diagnose(paths) == []


def test_doctor_command_exit_codes(paths: ProjectPaths, capsys):
    _debris(paths)
    assert main(["doctor"]) == 1
    assert "6 problem(s) found (6 fixable with `future-skills doctor --fix`)" in capsys.readouterr().out
    assert main(["doctor", "--fix"]) == 0
    out = capsys.readouterr().out
    assert out.count("fixed: ") == 6 and "No problem found" in out
