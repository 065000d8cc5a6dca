"""The notebook runner: time limits, a dead kernel found within seconds, Ctrl-C and SIGTERM stop at once.

Each test starts a real kernel on a two-cell notebook (about a second each).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime
from pathlib import Path

import nbformat
import nbformat.json_compat
import nbformat.validator
import pytest

from future_skills.exceptions import FutureSkillsError, NotebookCancelled, NotebookExecutionError
from future_skills.paths import NOTEBOOKS, NOTEBOOKS_DIR
from future_skills.pipeline.execute import KERNEL_DIED, compile_validator, run_and_report, run_notebook
from future_skills.pipeline.kernels import KernelWatch
from future_skills.pipeline.limits import TimeLimits
from helpers.notebooks import kernel_pid, process_alive, write_notebook

NO_LIMITS = TimeLimits(None, None)


def _sockets(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("kernel-*ipc-*"))


def _wait_for_pid(notebook: Path, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pid = kernel_pid(notebook)
        if pid:
            return pid
        time.sleep(0.1)
    raise AssertionError("the kernel never started")


def test_a_killed_kernel_is_reported_within_seconds_in_one_sentence(tmp_path: Path):
    notebook = write_notebook(tmp_path / "sleepy.ipynb", "time.sleep(600)")
    killer = threading.Thread(target=lambda: os.kill(_wait_for_pid(notebook), signal.SIGKILL))
    killer.start()
    started = time.monotonic()
    with pytest.raises(NotebookExecutionError) as err:
        run_notebook(str(notebook), tmp_path / "out.ipynb", {}, cwd=tmp_path, limits=NO_LIMITS)
    killer.join()
    assert time.monotonic() - started < 30
    assert f"Notebook {notebook} stopped: {KERNEL_DIED}" in str(err.value)
    assert err.value.error == KERNEL_DIED and "\n" not in str(err.value)
    assert _sockets(tmp_path) == []


def test_the_cell_time_limit_stops_a_cell_and_the_kernel(tmp_path: Path):
    notebook = write_notebook(tmp_path / "slow_cell.ipynb", "time.sleep(600)")
    with pytest.raises(NotebookExecutionError, match=r"a cell ran longer than 2 s \(--cell-timeout\)"):
        run_notebook(str(notebook), tmp_path / "out.ipynb", {}, cwd=tmp_path, limits=TimeLimits(2, None))
    assert not process_alive(kernel_pid(notebook)) and _sockets(tmp_path) == []


def test_the_notebook_time_limit_stops_many_short_cells(tmp_path: Path):
    notebook = write_notebook(tmp_path / "many_cells.ipynb", *["time.sleep(1)"] * 30)
    started = time.monotonic()
    with pytest.raises(NotebookExecutionError, match=r"stopped after its time limit of 4 s \(--notebook-timeout\)"):
        run_notebook(str(notebook), tmp_path / "out.ipynb", {}, cwd=tmp_path, limits=TimeLimits(10, 4))
    assert time.monotonic() - started < 20
    assert not process_alive(kernel_pid(notebook))


def test_a_failing_cell_names_the_cell_and_the_error_and_still_gets_its_report(tmp_path: Path):
    notebook = write_notebook(tmp_path / "broken.ipynb", "raise ValueError('bad input')")
    html = tmp_path / "broken.html"
    with pytest.raises(NotebookExecutionError, match="failed at cell 2 with ValueError: bad input") as err:
        run_and_report(str(notebook), tmp_path / "out.ipynb", html, {}, cwd=tmp_path, limits=NO_LIMITS)
    assert err.value.cell == 2 and html.is_file() and "bad input" in html.read_text()


@pytest.mark.parametrize("limits", [TimeLimits(0, None), TimeLimits(None, -1), TimeLimits(float("nan"), None),
                                    TimeLimits(None, float("inf"))])
def test_time_limits_must_be_positive_numbers(limits: TimeLimits):
    with pytest.raises(FutureSkillsError, match="must be a positive number of seconds"):
        limits.check()


DRIVER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from future_skills.pipeline.execute import interrupt_on_sigterm, run_notebook
    from future_skills.pipeline.limits import TimeLimits
    folder = Path(sys.argv[1])
    try:
        with interrupt_on_sigterm():
            run_notebook(str(folder / "sleepy.ipynb"), folder / "out.ipynb", {}, cwd=folder,
                         limits=TimeLimits(None, None))
    except KeyboardInterrupt:
        print("interrupted")
        sys.exit(130)
""")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_first_ctrl_c_or_sigterm_stops_the_run_and_its_kernel(tmp_path: Path, sig: signal.Signals):
    notebook = write_notebook(tmp_path / "sleepy.ipynb", "time.sleep(600)")
    # A terminal's Ctrl-C: SIGINT at its default even when the suite itself runs in the background (nohup, &),
    # where the shell sets it to "ignore" for every child.
    driver = subprocess.Popen([sys.executable, "-c", DRIVER, str(tmp_path)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    kernel = _wait_for_pid(notebook)
    time.sleep(0.5)
    started = time.monotonic()
    driver.send_signal(sig)  # once
    out, _ = driver.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert driver.returncode == 130 and "interrupted" in out
    assert not process_alive(kernel) and _sockets(tmp_path) == []


def test_the_executed_notebook_is_saved_at_the_end_not_at_every_cell(tmp_path: Path, monkeypatch):
    import papermill.engines

    writes: list[int] = []
    original = papermill.engines.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb", lambda nb, path: writes.append(1) or original(nb, path))
    notebook = write_notebook(tmp_path / "many.ipynb", *[f"print({i})" for i in range(12)])
    run_notebook(str(notebook), tmp_path / "out.ipynb", {}, cwd=tmp_path, limits=NO_LIMITS)
    cells = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4).cells
    assert [c.outputs[0]["text"].strip() for c in cells[1:]] == [str(i) for i in range(12)]
    assert len(writes) < 6  # papermill alone writes twice per cell: 26 times here


def test_a_kernel_started_ahead_runs_no_cell_before_its_turn_and_its_clock_starts_then(tmp_path: Path):
    """``ready`` is called once the kernel answers and before any cell; the notebook's start time is its turn."""
    notebook = write_notebook(tmp_path / "ahead.ipynb", "print('ran')")
    watch = KernelWatch({}, tmp_path)
    seen: dict = {}

    def ready() -> None:
        seen.update(kernel_up=watch.manager is not None, cell_ran=kernel_pid(notebook) is not None)
        seen["turn"] = time.time()

    run_notebook(str(notebook), tmp_path / "out.ipynb", {}, cwd=tmp_path, limits=NO_LIMITS, watch=watch, ready=ready)
    executed = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    assert seen["kernel_up"] and not seen["cell_ran"]
    assert datetime.fromisoformat(executed.metadata.papermill["start_time"]).timestamp() >= seen["turn"]
    assert executed.cells[1].outputs[0]["text"].strip() == "ran"


def test_a_kernel_cancelled_before_its_turn_is_killed_and_writes_nothing(tmp_path: Path):
    notebook = write_notebook(tmp_path / "never.ipynb", "print('ran')")
    watch = KernelWatch({}, tmp_path)

    def ready() -> None:
        raise NotebookCancelled("never.ipynb")

    with pytest.raises(NotebookCancelled):
        run_notebook(str(notebook), tmp_path / "out.ipynb", {}, cwd=tmp_path, limits=NO_LIMITS, watch=watch,
                     ready=ready)
    assert not (tmp_path / "out.ipynb").exists() and kernel_pid(notebook) is None
    assert not process_alive(watch.manager.provisioner.pid) and _sockets(tmp_path) == []


def test_the_notebook_time_limit_counts_from_its_turn_not_from_its_kernel_start(tmp_path: Path):
    """A kernel waiting longer than the notebook's time limit for its turn is not stopped for it."""
    notebook = write_notebook(tmp_path / "waits.ipynb", "print('ran')")
    run_notebook(str(notebook), tmp_path / "out.ipynb", {}, cwd=tmp_path, limits=TimeLimits(None, 1),
                 ready=lambda: threading.Event().wait(2))
    cells = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4).cells
    assert cells[1].outputs[0]["text"].strip() == "ran"


def test_the_validator_is_compiled_once_before_the_steps_read_their_notebooks(monkeypatch):
    """Four step threads read their notebook at once: each compiled nbformat's validator while none was cached."""
    compiled: list[int] = []
    original = nbformat.json_compat.FastJsonSchemaValidator.__init__
    monkeypatch.setattr(nbformat.json_compat.FastJsonSchemaValidator, "__init__",
                        lambda self, schema: compiled.append(1) or original(self, schema))
    monkeypatch.setattr(nbformat.validator, "validators", {})  # a fresh process's empty cache
    compile_validator(NOTEBOOKS)
    assert len(compiled) == 1
    for name in NOTEBOOKS:  # what papermill does in each step: read and validate
        nbformat.validate(nbformat.read(str(NOTEBOOKS_DIR / name), as_version=4))
    assert len(compiled) == 1
