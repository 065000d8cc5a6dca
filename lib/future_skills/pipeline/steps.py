"""Run the retrain's notebooks: each as soon as what it reads is written, reports off the critical path.

01_export → 02_train → 03_evaluate each read what the previous one wrote (:data:`HANDOVER`): the
next notebook starts, in its own kernel, as soon as that file is written, while the previous one
still draws its tables and figures — as a build tool starts a task once its inputs exist. Every
kernel is started ahead, in pipeline order (the warm template forks them in the order asked), and
waits for its notebook's turn: a notebook's first cell then follows the handover at once instead
of a kernel start later (0.2 s). A notebook that fails stops the run: the next one, already running,
is killed and recorded as ``cancelled``; the kernels still waiting for their turn are stopped and
their notebooks never recorded. 04_drift reads production's prediction log and training data, not
the candidate, so it runs alongside them, its kernel asked for after theirs: nothing waits for it.
Each executed notebook is exported to HTML
by a background thread; all exports are finished before :meth:`StepRunner.run_all` returns, a
failed step's included (its report is what the operator reads). Every step is recorded in the
run manifest (``runs/<version>/run.json``) as it starts and ends, with its seconds.
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Callable

from future_skills.data.dataset import snapshot_sidecar
from future_skills.exceptions import NotebookCancelled, NotebookExecutionError
from future_skills.paths import NOTEBOOKS, ProjectPaths, relative_to_root
from future_skills.pipeline.execute import compile_validator, run_notebook
from future_skills.pipeline.kernels import KernelWatch, kill_running_kernels, lower_this_thread_priority
from future_skills.pipeline.limits import TimeLimits
from future_skills.pipeline.manifest import RunManifest, RunStatus, StepRecord
from future_skills.reporting.html import export_notebook_html, make_html_exporter
from future_skills.settings import load_settings

# Notebooks that read nothing the run's other notebooks write: started with the first one.
INDEPENDENT = frozenset({"04_drift.ipynb"})
# How much lower the CPU priority (niceness) of a notebook nothing waits for: an independent one, or one that
# handed over and only draws its report. It uses the gaps the notebook the run waits for leaves.
BACKGROUND_NICE = 10
# A failure of these notebooks is reported as a warning of the run; the model is still published.
NON_BLOCKING = frozenset({"04_drift.ipynb"})
WARNING = "warning"
CANCELLED = "cancelled"
# What a notebook writes last for the next one (from the parameters the pipeline gives it): once it is there,
# the next notebook may start.
HANDOVER: dict[str, Callable[[dict[str, Any]], Path]] = {
    "01_export.ipynb": lambda parameters: snapshot_sidecar(parameters["output_csv"]),
    "02_train.ipynb": lambda parameters: Path(parameters["metadata_path"]),
}
HANDOVER_POLL_SECONDS = 0.01
NBCLIENT_LOGGER = "papermill"  # papermill hands its logger to nbclient, which says when a kernel died
CLOCK_SLACK_NS = 100_000_000  # file times come from the kernel's coarse clock, a few ms behind time.time_ns()


class StepRunner:
    """The notebooks of one run, their HTML reports and their records in the manifest."""

    def __init__(self, manifest: RunManifest, run_dir: Path, report_dir: Path, paths: ProjectPaths, *,
                 kernel: str | None, limits: TimeLimits, echo: Callable[[str], None],
                 warn: Callable[[str], None]) -> None:
        self.manifest, self.run_dir, self.report_dir, self.paths = manifest, run_dir, report_dir, paths
        self.kernel, self.limits, self.echo, self.warn = kernel, limits, echo, warn
        self.exporter: Any = None  # built by the export thread when the first report is exported
        self.lock = threading.Lock()  # the manifest is written from two threads
        self.stopped = threading.Event()  # a blocking step failed: the steps still running are cancelled
        self.interrupted = threading.Event()  # the operator stopped the run: no more reports
        self.watches: dict[str, KernelWatch] = {}  # each notebook's kernel, asked for in pipeline order
        self.turns: dict[str, threading.Event] = {}  # set when a notebook's cells may run (or the run stopped)

    def save(self) -> None:
        """Write the manifest, its steps in pipeline order (two threads record steps)."""
        with self.lock:
            self.manifest.steps.sort(key=lambda step: NOTEBOOKS.index(step.notebook))
            self.manifest.save(self.run_dir)

    def run_all(self, parameters: dict[str, dict[str, Any]], kernel_env: dict[str, str],
                after: Callable[[str], None] = lambda notebook: None) -> None:
        """Run every notebook; raise the first blocking failure (in pipeline order) once the reports are written.

        ``after(notebook)`` is called once a blocking notebook succeeded.
        """
        started, since = time.perf_counter(), time.time_ns()
        compile_validator(NOTEBOOKS)  # before the four threads each read (and validate) their notebook
        chain = [name for name in NOTEBOOKS if name not in INDEPENDENT]
        self.turns = {name: threading.Event() for name in NOTEBOOKS}
        for name in [chain[0], *INDEPENDENT]:
            self.turns[name].set()
        quiet = KilledKernelsFilter(self.stopped)
        logging.getLogger(NBCLIENT_LOGGER).addFilter(quiet)
        # one working folder for the whole run: two notebooks at once must not change it under each other
        with contextlib.chdir(self.run_dir), \
                ThreadPoolExecutor(1, thread_name_prefix="html", initializer=lower_this_thread_priority,
                                   initargs=(BACKGROUND_NICE,)) as html, \
                ThreadPoolExecutor(len(NOTEBOOKS), thread_name_prefix="step") as steps:
            self.html = html
            futures: dict[str, Future] = {}
            try:
                previous = None
                for name in chain + sorted(INDEPENDENT):  # kernels asked for in this order
                    self.watches[name] = previous = KernelWatch(
                        kernel_env, self.run_dir, BACKGROUND_NICE if name in INDEPENDENT else 0, name, previous)
                    futures[name] = steps.submit(self._run_then, name, parameters[name], after)
                self._give_turns(chain, parameters, futures, since)
                for name in NOTEBOOKS:  # the first failure in pipeline order is the run's
                    futures[name].result()
            except BaseException as exc:
                self.stopped.set()
                for turn in self.turns.values():
                    turn.set()  # the kernels waiting for their turn see the run stopped
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    self.interrupted.set()
                    html.shutdown(cancel_futures=True)
                kill_running_kernels()
                raise
            finally:
                for future in futures.values():
                    future.exception()  # wait: nothing may write into the run after this returns
                logging.getLogger(NBCLIENT_LOGGER).removeFilter(quiet)
        self.manifest.notebooks_seconds = round(time.perf_counter() - started, 2)
        self.save()

    def _give_turns(self, chain: list[str], parameters: dict[str, dict[str, Any]], futures: dict[str, Future],
                    since_ns: int) -> None:
        """Let each notebook of ``chain`` start once the previous one has written what it reads (or has ended),
        until one fails; a notebook that handed over runs on at lower priority (it only draws its report)."""
        for position, name in enumerate(chain[:-1]):
            so_far = [futures[earlier] for earlier in chain[:position + 1]]
            if self._handed_over(name, parameters[name], so_far, since_ns):
                self.watches[name].lower_priority(BACKGROUND_NICE)
            elif _any_failed(so_far):
                return  # a notebook failed: the run stops once the failure is collected
            since_ns = time.time_ns()  # its product is written after its turn
            self.turns[chain[position + 1]].set()

    def _run_then(self, notebook: str, parameters: dict[str, Any],
                  after: Callable[[str], None]) -> StepRecord | None:
        step = self.run_step(notebook, parameters)
        if step is not None and step.status == RunStatus.SUCCEEDED.value and notebook not in NON_BLOCKING:
            after(notebook)
        return step

    @staticmethod
    def _handed_over(notebook: str, parameters: dict[str, Any], so_far: list[Future], since_ns: int) -> bool:
        """Wait until ``notebook`` (the last of ``so_far``) has written what the next one reads (True), or has
        ended, or an earlier notebook has failed (False)."""
        product = HANDOVER[notebook](parameters) if notebook in HANDOVER else None
        while not so_far[-1].done():
            if _any_failed(so_far):
                return False
            if product is not None and written_since(product, since_ns):
                return True
            wait([future for future in so_far if not future.done()], timeout=HANDOVER_POLL_SECONDS,
                 return_when=FIRST_COMPLETED)
        return False

    def run_step(self, notebook: str, parameters: dict[str, Any]) -> StepRecord | None:
        """One notebook, its kernel started now and its cells once its turn comes: recorded in the manifest from
        then and exported to HTML in the background. None when the run stopped before its turn."""
        output, report = self.run_dir / notebook, self.report_dir / notebook.replace(".ipynb", ".html")
        step = StepRecord(notebook, relative_to_root(output, self.paths.root), relative_to_root(report, self.paths.root))
        began: list[float] = []

        def take_turn() -> None:
            self.turns[notebook].wait()
            if self.stopped.is_set():
                raise NotebookCancelled(notebook)
            began.append(self._begin(step))

        try:
            run_notebook(notebook, output, parameters, kernel=self.kernel, cwd=self.run_dir, limits=self.limits,
                         watch=self.watches[notebook], ready=take_turn)
            step.status = RunStatus.SUCCEEDED.value
        except NotebookCancelled:
            return None
        except NotebookExecutionError as exc:
            if not began and self.stopped.is_set():  # killed while its kernel started: as if cancelled
                output.unlink(missing_ok=True)
                return None
            if not began:  # its kernel could not start: said now, not at its turn
                began.append(self._begin(step))
            self._failed(step, exc)
        finally:
            if began:
                self._end(step, output, report, began[0])
        self.echo(f"{self._label(notebook)}: {step.status} in {step.seconds:.1f} s")
        return step

    def _label(self, notebook: str) -> str:
        return f"[{NOTEBOOKS.index(notebook) + 1}/{len(NOTEBOOKS)}] {notebook}"

    def _begin(self, step: StepRecord) -> float:
        """Record ``step`` as running (manifest, console); the time it began."""
        with self.lock:
            self.manifest.steps.append(step)
        self.save()
        self.echo(f"{self._label(step.notebook)}: running" + (
            " (alongside the others: it reads production's log, not the candidate)"
            if step.notebook in INDEPENDENT else ""))
        return time.perf_counter()

    def _failed(self, step: StepRecord, exc: NotebookExecutionError) -> None:
        """Record how ``step`` failed: cancelled (the run stops), a warning (non-blocking) or the run's error."""
        step.status, step.cell, step.error = RunStatus.FAILED.value, exc.cell, exc.error
        if self.stopped.is_set():  # killed because the run stops
            step.status, step.error = CANCELLED, ("stopped because the run was interrupted"
                                                  if self.interrupted.is_set() else
                                                  "stopped because an earlier step failed")
        elif step.notebook not in NON_BLOCKING:
            raise exc
        else:
            self._non_blocking_failure(step, exc)

    def _end(self, step: StepRecord, output: Path, report: Path, began: float) -> None:
        """Record ``step``'s seconds and export its executed notebook to HTML in the background."""
        step.seconds = round(time.perf_counter() - began, 2)
        self.save()
        # an operator who stopped the run wants it to stop: no report (it takes seconds)
        if not self.interrupted.is_set() and output.exists():
            with contextlib.suppress(RuntimeError):  # interrupted meanwhile: the exports were cancelled
                self.html.submit(self._export, output, report)

    def _non_blocking_failure(self, step: StepRecord, exc: NotebookExecutionError) -> None:
        """A failed 04_drift: a warning of the run (the model is still published)."""
        step.status = WARNING
        self.warn(f"{step.notebook} could not analyse the prediction log {load_settings().monitoring_log} "
                  f"({exc.error}); the model is still published, see {step.report}.")

    def _export(self, output: Path, report: Path) -> None:
        try:
            self.exporter = self.exporter or make_html_exporter()
            export_notebook_html(output, report, self.exporter)
        except Exception as exc:  # noqa: BLE001 - a report that cannot be written is said, not fatal here
            self.warn(f"the HTML report {report.name} could not be written ({exc}).")


def _any_failed(futures: list[Future]) -> bool:
    """Whether one of ``futures`` has ended with an exception."""
    return any(future.done() and future.exception() is not None for future in futures)


class KilledKernelsFilter(logging.Filter):
    """Drops nbclient's "Kernel died ..." lines once the run stops: it killed those kernels itself, and the
    operator reads one sentence saying why the run stopped, not one line per kernel."""

    def __init__(self, stopped: threading.Event) -> None:
        super().__init__()
        self.stopped = stopped

    def filter(self, record: logging.LogRecord) -> bool:
        return not (self.stopped.is_set() and record.getMessage().startswith("Kernel died"))


def written_since(path: Path, since_ns: int) -> bool:
    """Whether ``path`` exists and was last written at or after ``since_ns`` (``time.time_ns()``)."""
    try:
        return path.stat().st_mtime_ns >= since_ns - CLOCK_SLACK_NS
    except OSError:
        return False
