"""Run one pipeline notebook with papermill under time limits, and turn any failure into one sentence.

:func:`run_notebook` is the single place where a notebook runs: a per-cell and a per-notebook
time limit, a kernel that dies (the out-of-memory killer) detected within about a second, and
an interrupted driver (Ctrl-C, SIGTERM) that kills its kernel and removes the kernel's socket
files before the interruption propagates. :func:`run_and_report` adds the HTML export that
every pipeline step does, failed or not.

The kernel manager is asynchronous on purpose: with a blocking client, nbclient waits for the
cell's reply inside its event loop and never gets to check that the kernel is still alive
(a killed kernel then hung the run forever).
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

import papermill
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError

from future_skills.exceptions import NotebookExecutionError
from future_skills.paths import NOTEBOOKS_DIR
from future_skills.pipeline.limits import TimeLimits
from future_skills.reporting.html import export_notebook_html

KERNEL_DIED = "the kernel died (out of memory?)"


class LocalIPCKernelManager(AsyncKernelManager):
    """A kernel reached through local IPC sockets instead of unencrypted loopback TCP ports."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        super().__init__(**kwargs)


class _KernelWatch:
    """The kernel of one notebook run: known once started, killable from a timer or an interrupt."""

    def __init__(self) -> None:
        self.manager: LocalIPCKernelManager | None = None
        self.expired = False

    def manager_class(self) -> type[LocalIPCKernelManager]:
        """A kernel manager class that reports its instance to this watch once the kernel runs."""
        watch = self

        class WatchedKernelManager(LocalIPCKernelManager):
            async def _async_post_start_kernel(self, **kw: Any) -> None:
                await super()._async_post_start_kernel(**kw)
                watch.manager = self

        return WatchedKernelManager

    def expire(self) -> None:
        """The notebook's time limit passed: kill the kernel (the run then sees a dead kernel)."""
        self.expired = True
        self.kill()

    def kill(self) -> None:
        """SIGKILL the kernel's process group (it runs in its own session) and remove its socket files."""
        manager = self.manager
        pid = getattr(getattr(manager, "provisioner", None), "pid", None)
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                os.waitpid(pid, os.WNOHANG)  # reap it now rather than leave a zombie
            except ChildProcessError:
                pass
        if manager is not None:
            remove_kernel_files(manager)


def remove_kernel_files(manager: Any) -> None:
    """Remove a kernel's connection file and IPC socket files (what ``cleanup_resources`` does, synchronously)."""
    try:
        manager.cleanup_connection_file()
        if manager.transport == "ipc":
            for port in (manager.shell_port, manager.iopub_port, manager.stdin_port,
                         manager.hb_port, manager.control_port):
                Path(f"{manager.ip}-{port}").unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - clean-up must never hide the original error
        pass


@dataclass
class StepResult:
    """A notebook that ran to the end: where its executed copy is and how long it took."""

    notebook: str
    output_path: Path
    seconds: float


@contextmanager
def kernel_environment(env: Mapping[str, str] | None) -> Iterator[None]:
    """Set ``env`` while a kernel starts (kernels inherit the environment), then restore it.

    This is how secrets reach a notebook: values passed as papermill parameters are written
    into the executed notebook and its HTML report; environment variables are not.
    """
    saved = {name: os.environ.get(name) for name in (env or {})}
    os.environ.update(env or {})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_notebook(notebook: str, output_path: Path, parameters: dict[str, Any], *,
                 kernel: str | None = None, progress: bool = True, cwd: Path | None = None,
                 env: Mapping[str, str] | None = None, limits: TimeLimits = TimeLimits()) -> StepResult:
    """Execute ``notebooks/<notebook>`` into ``output_path`` with ``parameters`` under ``limits``.

    Raises :class:`NotebookExecutionError` with one sentence naming the notebook and what
    happened (failing cell and error, time limit, dead kernel); the partially executed notebook
    is kept at ``output_path`` for diagnosis. An interruption (KeyboardInterrupt, also raised by
    SIGTERM, see :func:`interrupt_on_sigterm`) kills the kernel before it propagates.
    """
    started = time.perf_counter()
    output_path.parent.mkdir(parents=True, exist_ok=True)
    watch = _KernelWatch()
    timer = threading.Timer(limits.notebook_seconds, watch.expire) if limits.notebook_seconds else None
    try:
        if timer:
            timer.daemon = True
            timer.start()
        with kernel_environment(env):
            _execute(notebook, output_path, parameters, kernel, progress, cwd, limits, watch)
    except BaseException as exc:
        watch.kill()
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise _failure(exc, notebook, output_path, limits, watch.expired) from exc
    finally:
        if timer:
            timer.cancel()
    return StepResult(notebook, output_path, time.perf_counter() - started)


def _execute(notebook: str, output_path: Path, parameters: dict[str, Any], kernel: str | None,
             progress: bool, cwd: Path | None, limits: TimeLimits, watch: _KernelWatch) -> None:
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / notebook),
        str(output_path),
        parameters=parameters,
        kernel_name=kernel,
        progress_bar=progress and sys.stderr.isatty(),
        cwd=str(cwd) if cwd else None,
        report_mode=False,
        execution_timeout=limits.cell_seconds,
        kernel_manager_class=watch.manager_class(),
    )


def _failure(exc: BaseException, notebook: str, output_path: Path, limits: TimeLimits,
             expired: bool) -> NotebookExecutionError:
    """The one-sentence error for a notebook that did not run to the end."""
    kept = f"the executed notebook is kept at {output_path} for diagnosis" if output_path.exists() else \
        "no cell output was saved"
    if expired:
        error = f"time limit of {limits.notebook_seconds:g} s exceeded"
        message = (f"Notebook {notebook} was stopped after its time limit of {limits.notebook_seconds:g} s "
                   f"(--notebook-timeout); {kept}.")
    elif isinstance(exc, CellTimeoutError):
        error = f"cell time limit of {limits.cell_seconds:g} s exceeded"
        message = (f"Notebook {notebook} was stopped: a cell ran longer than {limits.cell_seconds:g} s "
                   f"(--cell-timeout); {kept}.")
    elif isinstance(exc, DeadKernelError) or "Kernel died" in str(exc):  # during a cell, or while starting
        error = KERNEL_DIED
        message = f"Notebook {notebook} stopped: {KERNEL_DIED}; {kept}."
    elif isinstance(exc, PapermillExecutionError):
        cell = exc.exec_count if exc.exec_count is not None else exc.cell_index
        error = f"{exc.ename}: {first_line(exc.evalue)}"
        return NotebookExecutionError(f"Notebook {notebook} failed at cell {cell} with {error}; {kept}.",
                                      notebook=notebook, cell=cell, error=error)
    else:  # kernel could not start, notebook unreadable, ...
        error = f"{type(exc).__name__}: {first_line(str(exc))}"
        message = (f"Notebook {notebook} could not be executed ({error}); check the kernel (--kernel) "
                   "and the installation.")
    return NotebookExecutionError(message, notebook=notebook, cell=None, error=error)


def run_and_report(notebook: str, output_path: Path, html_path: Path, parameters: dict[str, Any], *,
                   exporter: Any = None, **options: Any) -> StepResult:
    """:func:`run_notebook`, then export the executed notebook to ``html_path`` whether it succeeded or not.

    An interrupted run exports nothing (the HTML export takes seconds; an operator who pressed
    Ctrl-C wants the run to stop).
    """
    interrupted = False
    try:
        return run_notebook(notebook, output_path, parameters, **options)
    except (KeyboardInterrupt, SystemExit):
        interrupted = True
        raise
    finally:
        if not interrupted and output_path.exists():
            export_notebook_html(output_path, html_path, exporter)


@contextmanager
def interrupt_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM raises KeyboardInterrupt like Ctrl-C (main thread only; else a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def first_line(text: str | None) -> str:
    """The first non-empty line of ``text`` (error values can span many lines)."""
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""
