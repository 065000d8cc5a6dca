"""Warm kernels: each notebook gets its own kernel, forked from a template that imported the libraries once."""
from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from future_skills.exceptions import NotebookExecutionError
from future_skills.pipeline.execute import run_notebook
from future_skills.pipeline.limits import TimeLimits
from future_skills.pipeline.warm_kernels import WarmKernelPool, notebook_imports, warm_kernels
from helpers.notebooks import kernel_pid, process_alive, write_notebook

NO_LIMITS = TimeLimits(None, None)


def run_with_bare_template(notebook: Path, output: Path) -> None:
    """Run ``notebook`` in a kernel forked from a template that imports only what a kernel needs to start and what
    the request names, as the pool of a run in progress; the template is closed after."""
    import future_skills.pipeline.warm_kernels as warm

    pool = WarmKernelPool(modules=[]).start()
    warm._ACTIVE = pool
    try:
        run_notebook(str(notebook), output, {}, cwd=notebook.parent, limits=NO_LIMITS)
    finally:
        warm._ACTIVE = None
        pool.close()
REPORT = ("import gc, json, sys\n"
          "print(json.dumps({'ppid': os.getppid(), 'cwd': os.getcwd(), 'secret': os.environ.get('FS_TEST_SECRET'),"
          " 'preloaded': 'future_skills.model.training' in sys.modules, 'collecting': gc.isenabled(),"
          " 'frozen': gc.get_freeze_count(), 'debugger': sys.modules.get('debugpy') is not None}))")


def _printed(output: Path) -> dict:
    cell = nbformat.read(str(output), as_version=4).cells[1]
    return json.loads("".join(o.get("text", "") for o in cell.outputs))


def _wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_the_template_imports_what_the_pipeline_notebooks_import():
    modules = notebook_imports()
    assert {"pandas", "future_skills.model.training", "future_skills.monitoring.drift"} <= set(modules)
    assert not any(module.startswith(("%", "matplotlib inline")) for module in modules)
    assert len(modules) == len(set(modules))


def test_a_notebook_runs_in_its_own_kernel_forked_from_the_warm_template(tmp_path: Path):
    notebook = write_notebook(tmp_path / "warm.ipynb", REPORT)
    with warm_kernels() as pool:
        assert pool.wait_ready(60)
        run_notebook(str(notebook), tmp_path / "a.ipynb", {}, cwd=tmp_path, env={"FS_TEST_SECRET": "s3"},
                     limits=NO_LIMITS)
        first = kernel_pid(notebook)
        run_notebook(str(notebook), tmp_path / "b.ipynb", {}, cwd=tmp_path, limits=NO_LIMITS)
        template = pool._process.pid
    seen_a, seen_b = _printed(tmp_path / "a.ipynb"), _printed(tmp_path / "b.ipynb")
    assert seen_a["ppid"] == seen_b["ppid"] == template != os.getpid()
    assert kernel_pid(notebook) != first  # one kernel per notebook, never reused
    assert seen_a["preloaded"] is True  # the notebook never imported it: the template did
    # what the template imported is frozen (later collections skip it), and the kernel collects its own objects
    assert seen_a["collecting"] is True and seen_a["frozen"] > 50_000
    assert seen_a["debugger"] is False  # no frontend debugs a run's kernel: debugpy is never imported
    assert seen_a["cwd"] == str(tmp_path) and seen_a["secret"] == "s3" and seen_b["secret"] is None
    assert "FS_TEST_SECRET" not in os.environ
    assert not list(tmp_path.glob("kernel-*ipc-*"))  # socket files removed
    assert not process_alive(template)


def test_the_time_limit_kills_a_forked_kernel(tmp_path: Path):
    notebook = write_notebook(tmp_path / "slow.ipynb", "time.sleep(600)")
    with warm_kernels():
        with pytest.raises(NotebookExecutionError, match=r"a cell ran longer than 2 s"):
            run_notebook(str(notebook), tmp_path / "out.ipynb", {}, cwd=tmp_path, limits=TimeLimits(2, None))
    assert not process_alive(kernel_pid(notebook))
    assert not list(tmp_path.glob("kernel-*ipc-*"))


def test_a_forked_kernel_exits_when_its_template_dies(tmp_path: Path):
    notebook = write_notebook(tmp_path / "orphan.ipynb", "time.sleep(600)")
    pool = WarmKernelPool(modules=[]).start()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with warm_kernels():  # the pool below is already active: this reuses it
                run_notebook(str(notebook), tmp_path / "out.ipynb", {}, cwd=tmp_path, limits=NO_LIMITS)
        except BaseException as exc:  # noqa: BLE001 - the dead kernel is the expected outcome
            failure.append(exc)

    import future_skills.pipeline.warm_kernels as warm

    warm._ACTIVE = pool
    try:
        runner = threading.Thread(target=run)
        runner.start()
        _wait_for(lambda: kernel_pid(notebook))
        pool._process.kill()  # the driver's template dies (as under kill -9 of the whole run)
        _wait_for(lambda: not process_alive(kernel_pid(notebook)), 15)
        runner.join(60)
    finally:
        warm._ACTIVE = None
        pool.close()
    assert failure and isinstance(failure[0], NotebookExecutionError) and "kernel died" in str(failure[0])


def test_another_interpreters_kernel_is_started_the_ordinary_way():
    pool = WarmKernelPool(modules=[])
    pool._socket = object()  # as if started
    assert pool.can_launch([sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"])
    assert not pool.can_launch(["/usr/bin/false", "-m", "ipykernel_launcher", "-f", "x.json"])
    assert not pool.can_launch([sys.executable, "-m", "other_kernel", "-f", "x.json"])


def test_the_pipeline_driver_imports_no_model_or_plotting_library():
    """The kernels import scikit-learn, scipy.stats and matplotlib; the driver only waits for them (and imports
    nbconvert when it exports the first report, not while the first kernels start)."""
    import subprocess

    code = ("import sys, future_skills.cli, future_skills.pipeline.retrain; "
            "print(sorted(m for m in ('sklearn', 'scipy.stats', 'matplotlib', 'nbconvert') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "lib")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("warm", [True, False], ids=["forked", "ordinary"])
def test_a_kernel_runs_at_the_niceness_its_watch_asks_for(tmp_path: Path, warm: bool):
    from future_skills.pipeline.kernels import KernelWatch

    notebook = write_notebook(tmp_path / "nice.ipynb", "print(os.nice(0))")
    with warm_kernels(enabled=warm):
        run_notebook(str(notebook), tmp_path / "out.ipynb", {}, cwd=tmp_path, limits=NO_LIMITS,
                     watch=KernelWatch({}, tmp_path, nice=7))
    cell = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4).cells[1]
    assert int("".join(o.get("text", "") for o in cell.outputs)) == os.nice(0) + 7


def test_a_kernel_is_forked_once_the_template_has_imported_what_its_notebook_imports(tmp_path: Path, monkeypatch):
    """The template imports a notebook's modules before forking its kernel, even modules not on its own list:
    the kernel finds them in, and never imports them alongside the template."""
    (tmp_path / "fs_needed_module.py").write_text("VALUE = 1\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])))
    notebook = write_notebook(tmp_path / "needs.ipynb", "import sys\nprint('fs_needed_module' in sys.modules)",
                              "import fs_needed_module")
    run_with_bare_template(notebook, tmp_path / "out.ipynb")
    cell = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4).cells[1]
    assert "".join(o.get("text", "") for o in cell.outputs).strip() == "True"


def test_kernel_needs_are_the_kernel_modules_and_the_notebooks_own_imports():
    from future_skills.pipeline.warm_kernels import KERNEL_MODULES, kernel_needs, template_imports

    train = kernel_needs("02_train.ipynb")
    assert train[:len(KERNEL_MODULES)] == list(KERNEL_MODULES)
    assert "future_skills.model.training" in train and "future_skills.monitoring.drift" not in train
    # pandera is imported by 01_export only when it validates rows itself: no kernel waits for it
    assert not any(module.startswith("pandera") for module in template_imports() + train)


def test_the_report_kernels_start_with_what_their_calls_import_on_first_use():
    """03_evaluate's and 04_drift's kernels find in what reading Parquet, scoring a DataFrame, a table and a PNG
    import on first use; each of those modules exists (the template skips a failing import silently)."""
    import importlib

    from future_skills.pipeline.warm_kernels import REPORT_FIRST_USE, kernel_needs

    for notebook in ("03_evaluate.ipynb", "04_drift.ipynb"):
        assert set(REPORT_FIRST_USE) <= set(kernel_needs(notebook))
    assert not set(REPORT_FIRST_USE) & set(kernel_needs("02_train.ipynb"))  # forked as soon as its own are in
    for module in REPORT_FIRST_USE:
        importlib.import_module(module)


@pytest.mark.parametrize("ending", ["kernel up", "run over"])
def test_a_kernel_is_asked_for_once_the_one_before_it_is_up_or_never_will_be(ending: str):
    """The template forks kernels in the order they are asked for: a run asks in the order it needs them."""
    from future_skills.pipeline.kernels import KernelWatch

    first = KernelWatch()
    second = KernelWatch(after=first)

    async def ask_second() -> list[bool]:
        waiting = asyncio.ensure_future(second.turn())
        await asyncio.sleep(0.1)  # gives a wrong implementation the time to go ahead
        seen = [waiting.done()]
        if ending == "kernel up":
            first.settled.set()  # as when its kernel started
        else:
            with first:  # as when its notebook ended without a kernel (failed, or cancelled before its start)
                pass
        await asyncio.wait_for(waiting, 5)
        return seen + [waiting.done()]

    assert asyncio.run(ask_second()) == [False, True]


def test_a_kernel_whose_run_stopped_while_it_waited_its_turn_is_never_started():
    from future_skills.exceptions import NotebookCancelled
    from future_skills.pipeline.kernels import KernelWatch

    waiting = KernelWatch(notebook="03_evaluate.ipynb", after=KernelWatch())  # the one before never starts
    waiting.kill()  # as kill_running_kernels does when the run stops
    with pytest.raises(NotebookCancelled, match="03_evaluate.ipynb was not started"):
        asyncio.run(asyncio.wait_for(waiting.turn(), 5))
    assert waiting.manager is None


def test_a_kernel_client_tries_to_connect_again_within_milliseconds():
    """The client connects before a just-forked kernel has bound its sockets: zmq's 100 ms retry delayed every
    warm kernel's first answer."""
    import zmq

    from future_skills.pipeline.kernels import RECONNECT_MILLISECONDS, PromptKernelClient

    client = PromptKernelClient()
    socket = client.context.socket(zmq.DEALER)
    try:
        assert socket.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_MILLISECONDS < 100
    finally:
        socket.close(linger=0)
        client.context.term()


def test_a_closed_template_collects_its_ended_kernels_so_their_cpu_time_counts(tmp_path: Path):
    """The driver's getrusage(RUSAGE_CHILDREN) counts a kernel's CPU time only once the template has collected
    it and has itself been collected: the benchmark's CPU account of a run (BENCHMARKS.md)."""
    import resource

    notebook = write_notebook(tmp_path / "busy.ipynb", "sum(i * i for i in range(40_000_000))")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_with_bare_template(notebook, tmp_path / "out.ipynb")  # its imports: little CPU
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) > 2.0  # the kernel's loop


def test_a_kernel_killed_before_it_has_its_own_process_group_is_killed_all_the_same():
    """Killing a kernel whose process group cannot be found kills the process itself, as jupyter_client's
    provisioner does (a kernel that lived on without its socket files made the run wait a minute for it)."""
    import subprocess
    from types import SimpleNamespace

    from future_skills.pipeline.kernels import KernelWatch

    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])  # in pytest's process group
    try:
        assert os.getpgid(process.pid) != process.pid
        watch = KernelWatch()
        watch.manager = SimpleNamespace(provisioner=SimpleNamespace(pid=process.pid, process=process))
        watch.kill()
        process.wait(timeout=10)  # raises TimeoutExpired while it still runs
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_forked_kernel_has_its_own_process_group_when_the_template_answers(tmp_path: Path):
    """The template answers once the kernel has made its session, as Popen(start_new_session=True) returns: killing
    the group right away (a run stopping as a kernel starts) reaches the kernel."""
    pool = WarmKernelPool(modules=[]).start()
    kernels = []
    try:
        for number in range(3):
            command = [sys.executable, "-m", "ipykernel_launcher", "-f", str(tmp_path / f"kernel-{number}.json")]
            kernels.append(pool.launch(command, dict(os.environ), str(tmp_path)))
            assert os.getpgid(kernels[-1].pid) == kernels[-1].pid
    finally:
        for kernel in kernels:
            kernel.kill()
            kernel.wait(10)
        pool.close()
