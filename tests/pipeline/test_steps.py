"""The run's schedule: a notebook starts once the previous one wrote what it reads; a failure stops the rest.

``run_notebook`` is replaced by a fake that writes (or not) the step's product and waits for the
other steps through events, so these tests see the order of events, never their timing.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from future_skills.data.dataset import snapshot_sidecar
from future_skills.exceptions import NotebookExecutionError
from future_skills.paths import get_paths
from future_skills.pipeline import steps as steps_module
from future_skills.pipeline.limits import TimeLimits
from future_skills.pipeline.manifest import RunManifest
from future_skills.pipeline.steps import BACKGROUND_NICE, CANCELLED, StepRunner, written_since

WAIT = 30.0  # seconds an event may take before the test gives up (never reached when the code is right)


def parameters(run_dir: Path) -> dict[str, dict]:
    return {"01_export.ipynb": {"output_csv": str(run_dir / "dataset.csv")},
            "02_train.ipynb": {"metadata_path": str(run_dir / "model.json")},
            "03_evaluate.ipynb": {"metadata_path": str(run_dir / "model.json")}, "04_drift.ipynb": {}}


def runner(tmp_path: Path) -> StepRunner:
    paths = get_paths(tmp_path)
    run_dir = paths.run_dir("v1")
    run_dir.mkdir(parents=True)
    manifest = RunManifest(run_id="r", version="v1", status="running", started_at="now", parameters={},
                           git_commit="x", environment={}, production_before=None)
    return StepRunner(manifest, run_dir, paths.report_dir("v1"), paths, kernel=None, limits=TimeLimits(None, None),
                      echo=lambda line: None, warn=lambda line: None)


class FakeNotebooks:
    """Stands for ``run_notebook``: records starts and ends, and runs each step's script."""

    def __init__(self, scripts: dict) -> None:
        self.scripts = scripts
        self.started = {name: threading.Event() for name in steps_module.NOTEBOOKS}
        self.ended: list[str] = []

    def __call__(self, notebook, output, parameters, **options):
        options["ready"]()  # the notebook's turn (NotebookCancelled when the run stopped before it)
        self.started[notebook].set()
        try:
            self.scripts.get(notebook, lambda p: None)(parameters)
        finally:
            self.ended.append(notebook)


def test_the_next_notebook_starts_once_the_product_is_written_while_the_previous_still_runs(tmp_path, monkeypatch):
    run = runner(tmp_path)
    notebooks = FakeNotebooks({})

    def export(p):
        snapshot_sidecar(p["output_csv"]).write_text("{}")
        assert notebooks.started["02_train.ipynb"].wait(WAIT)  # 02 started while 01 still draws its report

    def train(p):
        Path(p["metadata_path"]).write_text("{}")
        assert notebooks.started["03_evaluate.ipynb"].wait(WAIT)

    notebooks.scripts = {"01_export.ipynb": export, "02_train.ipynb": train}
    monkeypatch.setattr(steps_module, "run_notebook", notebooks)
    finished: list[str] = []
    run.run_all(parameters(run.run_dir), {}, after=finished.append)
    assert notebooks.ended.index("01_export.ipynb") < notebooks.ended.index("02_train.ipynb")
    # once handed over, a notebook only draws its report: its kernel gives way to the next one's
    assert run.watches["01_export.ipynb"].nice == run.watches["02_train.ipynb"].nice == BACKGROUND_NICE
    assert run.watches["03_evaluate.ipynb"].nice == 0 and run.watches["04_drift.ipynb"].nice == BACKGROUND_NICE
    # every kernel is asked for ahead, in pipeline order, 04_drift's last: the template forks them in that order
    watches = run.watches
    assert watches["01_export.ipynb"].after is None
    assert [watches[name].after for name in ("02_train.ipynb", "03_evaluate.ipynb", "04_drift.ipynb")] == \
        [watches["01_export.ipynb"], watches["02_train.ipynb"], watches["03_evaluate.ipynb"]]
    assert sorted(finished) == ["01_export.ipynb", "02_train.ipynb", "03_evaluate.ipynb"]  # as each succeeded
    assert [s.status for s in run.manifest.steps] == ["succeeded"] * 4


def test_a_stale_product_does_not_start_the_next_notebook(tmp_path, monkeypatch):
    run = runner(tmp_path)
    stale = snapshot_sidecar(run.run_dir / "dataset.csv")
    stale.write_text("{}")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))  # left by an earlier run
    notebooks = FakeNotebooks({})

    def export(p):  # gives a wrong schedule half a second to start 02 on the old file
        assert not notebooks.started["02_train.ipynb"].wait(0.5)

    notebooks.scripts = {"01_export.ipynb": export}
    monkeypatch.setattr(steps_module, "run_notebook", notebooks)
    run.run_all(parameters(run.run_dir), {})
    assert [n for n in notebooks.ended if n != "04_drift.ipynb"] == ["01_export.ipynb", "02_train.ipynb",
                                                                     "03_evaluate.ipynb"]
    assert [s.status for s in run.manifest.steps] == ["succeeded"] * 4


def test_a_failure_after_the_handover_cancels_the_next_notebook_and_is_the_runs_error(tmp_path, monkeypatch):
    run = runner(tmp_path)
    notebooks = FakeNotebooks({})

    def export(p):
        snapshot_sidecar(p["output_csv"]).write_text("{}")
        assert notebooks.started["02_train.ipynb"].wait(WAIT)
        raise NotebookExecutionError("01 failed in its report", notebook="01_export.ipynb", cell=5, error="boom")

    def train(p):  # a kernel the run kills once it stops
        assert run.stopped.wait(WAIT)
        raise NotebookExecutionError("killed", notebook="02_train.ipynb", cell=None, error="the kernel died")

    notebooks.scripts = {"01_export.ipynb": export, "02_train.ipynb": train}
    monkeypatch.setattr(steps_module, "run_notebook", notebooks)
    with pytest.raises(NotebookExecutionError, match="01 failed"):
        run.run_all(parameters(run.run_dir), {})
    statuses = {s.notebook: s.status for s in run.manifest.steps}
    assert statuses["01_export.ipynb"] == "failed" and statuses["02_train.ipynb"] == CANCELLED
    # 03_evaluate's kernel waited for a turn that never came: stopped, and not recorded
    assert not notebooks.started["03_evaluate.ipynb"].is_set() and "03_evaluate.ipynb" not in statuses
    assert not (run.run_dir / "03_evaluate.ipynb").exists()


def test_a_later_failure_waits_for_the_earlier_notebook_and_the_first_in_order_wins(tmp_path, monkeypatch):
    run = runner(tmp_path)
    notebooks = FakeNotebooks({})
    both_failing = threading.Barrier(2, timeout=WAIT)

    def train(p):  # hands over, then dies with the evaluation (a killed template takes both kernels)
        Path(p["metadata_path"]).write_text("{}")
        both_failing.wait()
        raise NotebookExecutionError("02 died", notebook="02_train.ipynb", cell=None, error="the kernel died")

    def evaluate(p):
        both_failing.wait()
        raise NotebookExecutionError("03 died", notebook="03_evaluate.ipynb", cell=None, error="the kernel died")

    notebooks.scripts = {"01_export.ipynb": lambda p: snapshot_sidecar(p["output_csv"]).write_text("{}"),
                         "02_train.ipynb": train, "03_evaluate.ipynb": evaluate}
    monkeypatch.setattr(steps_module, "run_notebook", notebooks)
    with pytest.raises(NotebookExecutionError, match="02 died"):
        run.run_all(parameters(run.run_dir), {})


def test_written_since_reads_the_files_time(tmp_path: Path):
    path = tmp_path / "product.json"
    before = time.time_ns()
    assert not written_since(path, before)
    path.write_text("{}")
    assert written_since(path, before)
    os.utime(path, (time.time() - 60, time.time() - 60))
    assert not written_since(path, before)


def test_kernel_death_lines_are_dropped_only_once_the_run_stops_on_its_own():
    import logging

    from future_skills.pipeline.steps import KilledKernelsFilter

    stopped = threading.Event()
    quiet = KilledKernelsFilter(stopped)
    died = logging.LogRecord("papermill", logging.ERROR, __file__, 1, "Kernel died while waiting for execute reply.",
                             None, None)
    other = logging.LogRecord("papermill", logging.ERROR, __file__, 1, "Timeout waiting for IOPub output", None, None)
    assert quiet.filter(died) and quiet.filter(other)  # a kernel dying on its own is news
    stopped.set()  # the run killed its kernels
    assert not quiet.filter(died) and quiet.filter(other)

