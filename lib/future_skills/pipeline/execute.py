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

import contextlib
import json
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import nbformat.validator
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.log import logger as papermill_logger
from papermill.utils import merge_kwargs, remove_args

from future_skills.exceptions import NotebookCancelled, NotebookExecutionError
from future_skills.paths import NOTEBOOKS_DIR
from future_skills.pipeline.kernels import KernelWatch
from future_skills.pipeline.limits import TimeLimits
from future_skills.reporting.html import export_notebook_html

KERNEL_DIED = "the kernel died (out of memory?)"
ENGINE = "future-skills"
SAVE_EVERY_SECONDS = 2.0  # while cells run, the executed notebook on disk is at most this far behind


class SparseSaves(NotebookExecutionManager):
    """papermill's execution record, written when the run starts, ends or fails, and every few seconds between.

    papermill writes and validates the whole executed notebook at each cell's start and end: on a
    30-cell report that was 0.6 s of a 1-s notebook. A driver killed with SIGKILL now leaves a
    notebook at most :data:`SAVE_EVERY_SECONDS` behind; every other ending is saved in full.
    """

    saved_at: float | None = None

    def save(self, **kwargs: Any) -> None:
        now = time.monotonic()
        if self.end_time is None and self.saved_at is not None and now - self.saved_at < SAVE_EVERY_SECONDS:
            return
        self.saved_at = now
        super().save(**kwargs)


class GatedClient(PapermillNotebookClient):
    """papermill's notebook client, which calls ``before_cells`` once the kernel is up and then starts the notebook.

    A kernel can so be started ahead of its notebook's inputs: ``before_cells`` waits for them (or raises to
    cancel), and the executed notebook's clock starts when its first cell may run.
    """

    def __init__(self, nb_man: NotebookExecutionManager, before_cells: Callable[[], None], **kw: Any) -> None:
        super().__init__(nb_man, **kw)
        self.before_cells = before_cells

    def papermill_execute_cells(self) -> None:
        self.before_cells()
        self.nb_man.notebook_start()
        super().papermill_execute_cells()


class SparseSavesEngine(NBClientEngine):
    """papermill's nbclient engine with :class:`SparseSaves` as its execution record, and a ``before_cells`` hook
    (:class:`GatedClient`)."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str | None, output_path: str | None = None,
                         progress_bar: bool = True, log_output: bool = False, autosave_cell_every: int = 30,
                         before_cells: Callable[[], None] = lambda: None, **kwargs: Any) -> Any:
        manager = SparseSaves(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                              autosave_cell_every=autosave_cell_every)
        try:
            cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, before_cells=before_cells,
                                         **kwargs)
        except NotebookCancelled:
            manager.cleanup_pbar()
            raise  # stopped before its first cell: no executed notebook is written
        except BaseException:
            cls.record_end(manager)
            raise
        cls.record_end(manager)
        return manager.nb

    @staticmethod
    def record_end(manager: NotebookExecutionManager) -> None:
        """Write the executed notebook as it ended (also when its kernel never started)."""
        manager.cleanup_pbar()
        if manager.start_time is None:
            manager.notebook_start()
        manager.notebook_complete()

    @classmethod
    def execute_managed_notebook(cls, nb_man: NotebookExecutionManager, kernel_name: str | None,
                                 log_output: bool = False, stdout_file: Any = None, stderr_file: Any = None,
                                 start_timeout: int = 60, execution_timeout: float | None = None,
                                 before_cells: Callable[[], None] = lambda: None, **kwargs: Any) -> Any:
        """papermill's own (its keyword handling), with :class:`GatedClient` as the client."""
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        options = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                               kernel_name=kernel_name, log=papermill_logger, log_output=log_output,
                               stdout_file=stdout_file, stderr_file=stderr_file)
        return GatedClient(nb_man, before_cells, **options).execute()


papermill_engines.register(ENGINE, SparseSavesEngine)


@dataclass
class StepResult:
    """A notebook that ran to the end: where its executed copy is and how long it took."""

    notebook: str
    output_path: Path
    seconds: float


def compile_validator(notebooks: Iterable[str]) -> None:
    """Compile nbformat's schema validator for the pipeline ``notebooks`` once, in the calling thread.

    papermill validates each notebook as it reads it, and a run starts its four notebooks at once, in four threads:
    each compiled the same validator (fastjsonschema, ~40 ms of CPU) while none had put it in nbformat's cache yet.
    """
    formats = set()
    for name in notebooks:
        notebook = json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))
        formats.add((notebook["nbformat"], notebook["nbformat_minor"]))
    for version, minor in sorted(formats):
        nbformat.validator.get_validator(version=version, version_minor=minor)


def run_notebook(notebook: str, output_path: Path, parameters: dict[str, Any], *,
                 kernel: str | None = None, progress: bool = True, cwd: Path | None = None,
                 env: Mapping[str, str] | None = None, limits: TimeLimits = TimeLimits(),
                 watch: KernelWatch | None = None, ready: Callable[[], None] | None = None) -> StepResult:
    """Execute ``notebooks/<notebook>`` into ``output_path`` with ``parameters`` under ``limits``.

    ``watch`` is the kernel's :class:`KernelWatch` when the caller acts on the kernel while it runs
    (lowers its priority); by default one is made for ``env`` and ``cwd``. ``ready``, when given, is
    called once the kernel is up and before the first cell: it may wait (a kernel started ahead of
    the notebook's inputs) or raise :class:`NotebookCancelled`, which propagates and writes nothing;
    the notebook's time limit then counts from its return.

    Raises :class:`NotebookExecutionError` with one sentence naming the notebook and what
    happened (failing cell and error, time limit, dead kernel); the partially executed notebook
    is kept at ``output_path`` for diagnosis. An interruption (KeyboardInterrupt, also raised by
    SIGTERM, see :func:`interrupt_on_sigterm`) kills the kernel before it propagates.
    """
    started = time.perf_counter()
    output_path.parent.mkdir(parents=True, exist_ok=True)
    watch = watch or KernelWatch(env, cwd, notebook=notebook)
    timer = threading.Timer(limits.notebook_seconds, watch.expire) if limits.notebook_seconds else None
    if timer:
        timer.daemon = True

    def begin() -> None:
        if ready:
            ready()
            if timer:
                timer.start()

    try:
        if timer and not ready:
            timer.start()
        with watch, (contextlib.chdir(cwd) if cwd else contextlib.nullcontext()):
            _execute(notebook, output_path, parameters, kernel, progress, limits, watch, begin)
    except BaseException as exc:
        watch.kill()
        if isinstance(exc, (KeyboardInterrupt, SystemExit, NotebookCancelled)):
            raise
        raise _failure(exc, notebook, output_path, limits, watch.expired) from exc
    finally:
        if timer:
            timer.cancel()
    return StepResult(notebook, output_path, time.perf_counter() - started)


def _execute(notebook: str, output_path: Path, parameters: dict[str, Any], kernel: str | None,
             progress: bool, limits: TimeLimits, watch: KernelWatch, before_cells: Callable[[], None]) -> None:
    """papermill in the current folder (the caller's): kernel and driver share it for the IPC socket files."""
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / notebook),
        str(output_path),
        parameters=parameters,
        kernel_name=kernel,
        progress_bar=progress and sys.stderr.isatty(),
        report_mode=False,
        engine_name=ENGINE,
        shutdown_kernel="immediate",  # every output is in: a graceful shutdown only waited (0.3 s a notebook)
        execution_timeout=limits.cell_seconds,
        kernel_manager_class=watch.manager_class(),
        before_cells=before_cells,
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
