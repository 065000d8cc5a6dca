"""End to end under faults: a run killed while it writes the registry, a kernel killed mid-notebook, a
prediction log the drift step cannot read, and ``reproduce`` of a registered version.

tests/pipeline/crash_retrain.py kills runs at every other point (each notebook, HTML export, publishing).
"""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from helpers.crash import Snapshot, check_after_kill, children, cli, kill_run, retrain, wait_until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """v1 in production; the prediction log path is a directory, which the drift step cannot read."""
    root = tmp_path_factory.mktemp("faults")
    (root / "logs" / "predictions_monitoring.jsonl").mkdir(parents=True)
    run = retrain(root, "v1", "--auto-promote")
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, out + err
    root.joinpath("v1.out").write_text(out + err)
    return root


def test_an_unreadable_log_is_a_warning_and_the_model_is_still_published(root: Path):
    output = (root / "v1.out").read_text()
    assert "v1 registered as production" in output
    warning = next(line for line in output.splitlines() if line.startswith("warning: 04_drift.ipynb"))
    assert str(root / "logs" / "predictions_monitoring.jsonl") in warning and "still published" in warning
    steps = json.loads((root / "runs" / "v1" / "run.json").read_text())["steps"]
    assert [s["status"] for s in steps] == ["succeeded", "succeeded", "succeeded", "warning"]


def test_killed_while_writing_the_registry_then_recovered(root: Path):
    before = Snapshot.take(root)
    kill_run(root, "v2", "replace:registry.json")
    assert list((root / "models").glob(".registry.json.*.tmp"))  # the killed write's temporary file
    check_after_kill(root, before, "v2")


def steps_of(run_dir: Path) -> dict[str, str]:
    """Each notebook's status in the run's manifest so far."""
    try:
        return {s["notebook"]: s["status"] for s in json.loads((run_dir / "run.json").read_text())["steps"]}
    except (OSError, ValueError, KeyError):
        return {}


def test_a_dead_kernel_ends_the_run_within_30_seconds_with_one_sentence(root: Path):
    before = Snapshot.take(root)
    run = retrain(root, "v3")
    wait_until(lambda: run.poll() is not None or steps_of(root / "runs" / "v3").get("02_train.ipynb") == "running"
               and steps_of(root / "runs" / "v3").get("01_export.ipynb") == "succeeded", 600, "02_train")
    time.sleep(1.0)  # inside the notebook
    kernels = [kernel for template in children(run.pid) for kernel in children(template)]  # forked from the template
    for kernel in kernels:
        os.kill(kernel, signal.SIGKILL)  # what the out-of-memory killer does
    started = time.monotonic()
    out, err = run.communicate(timeout=60)
    assert time.monotonic() - started < 30
    assert run.returncode == 2
    assert err.strip().splitlines()[-1].startswith(
        "error: Notebook 02_train.ipynb stopped: the kernel died (out of memory?)")
    assert Snapshot.take(root).registry == before.registry
    assert not (root / "models" / "future_skills_model_v3.pkl").exists()
    assert cli(root, "doctor").returncode == 0


def test_reproduce_reports_identical(root: Path):
    result = cli(root, "reproduce", "v1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("v1: identical")
