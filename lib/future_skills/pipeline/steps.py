"""Run the retrain's notebooks: the dependent ones in order, the independent one alongside, reports off the critical path.

01_export → 02_train → 03_evaluate each read what the previous one wrote. 04_drift reads
production's prediction log and training data, not the candidate, so it runs alongside them
on the second core. Each executed notebook is exported to HTML by a background thread while
the next one runs; all exports are finished before :meth:`StepRunner.run_all` returns, a
failed step's included (its report is what the operator reads). Every step is recorded in the
run manifest (``runs/<version>/run.json``) as it starts and ends, with its seconds.
"""
from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from future_skills.exceptions import NotebookExecutionError
from future_skills.paths import NOTEBOOKS, ProjectPaths, relative_to_root
from future_skills.pipeline.execute import run_notebook
from future_skills.pipeline.kernels import kill_running_kernels
from future_skills.pipeline.limits import TimeLimits
from future_skills.pipeline.manifest import RunManifest, RunStatus, StepRecord
from future_skills.reporting.html import export_notebook_html, make_html_exporter
from future_skills.settings import load_settings

# Notebooks that read nothing the run's other notebooks write: started with the first one.
INDEPENDENT = frozenset({"04_drift.ipynb"})
# A failure of these notebooks is reported as a warning of the run; the model is still published.
NON_BLOCKING = frozenset({"04_drift.ipynb"})
WARNING = "warning"
CANCELLED = "cancelled"


class StepRunner:
    """The notebooks of one run, their HTML reports and their records in the manifest."""

    def __init__(self, manifest: RunManifest, run_dir: Path, report_dir: Path, paths: ProjectPaths, *,
                 kernel: str | None, limits: TimeLimits, echo: Callable[[str], None],
                 warn: Callable[[str], None]) -> None:
        self.manifest, self.run_dir, self.report_dir, self.paths = manifest, run_dir, report_dir, paths
        self.kernel, self.limits, self.echo, self.warn = kernel, limits, echo, warn
        self.exporter = make_html_exporter()
        self.lock = threading.Lock()  # the manifest is written from two threads
        self.stopped = threading.Event()  # a blocking step failed: an independent one still running is cancelled

    def save(self) -> None:
        """Write the manifest, its steps in pipeline order (two threads record steps)."""
        with self.lock:
            self.manifest.steps.sort(key=lambda step: NOTEBOOKS.index(step.notebook))
            self.manifest.save(self.run_dir)

    def run_all(self, parameters: dict[str, dict[str, Any]], kernel_env: dict[str, str],
                after: Callable[[str], None] = lambda notebook: None) -> None:
        """Run every notebook; raise the first blocking failure once the reports are written."""
        started = time.perf_counter()
        # one working folder for the whole run: two notebooks at once must not change it under each other
        with contextlib.chdir(self.run_dir), ThreadPoolExecutor(1, thread_name_prefix="html") as html, \
                ThreadPoolExecutor(len(INDEPENDENT) or 1, thread_name_prefix="alongside") as side:
            self.html = html
            alongside = [side.submit(self.run_step, name, parameters[name], kernel_env)
                         for name in NOTEBOOKS if name in INDEPENDENT]
            try:
                for name in NOTEBOOKS:
                    if name not in INDEPENDENT:
                        self.run_step(name, parameters[name], kernel_env)
                        after(name)
                for future in alongside:
                    future.result()
            except BaseException as exc:
                self.stopped.set()
                kill_running_kernels()
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    html.shutdown(cancel_futures=True)
                raise
            finally:
                for future in alongside:
                    future.exception()  # wait: nothing may write into the run after this returns
        self.manifest.notebooks_seconds = round(time.perf_counter() - started, 2)
        self.save()

    def run_step(self, notebook: str, parameters: dict[str, Any], kernel_env: dict[str, str]) -> StepRecord:
        """One notebook, recorded in the manifest and exported to HTML in the background."""
        label = f"[{NOTEBOOKS.index(notebook) + 1}/{len(NOTEBOOKS)}] {notebook}"
        output = self.run_dir / notebook
        report = self.report_dir / notebook.replace(".ipynb", ".html")
        step = StepRecord(notebook, relative_to_root(output, self.paths.root), relative_to_root(report, self.paths.root))
        with self.lock:
            self.manifest.steps.append(step)
        self.save()
        self.echo(f"{label}: running" + (" (alongside the others: it reads production's log, not the candidate)"
                                         if notebook in INDEPENDENT else ""))
        started, interrupted = time.perf_counter(), False
        try:
            run_notebook(notebook, output, parameters, kernel=self.kernel, cwd=self.run_dir, env=kernel_env,
                         limits=self.limits)
            step.status = RunStatus.SUCCEEDED.value
        except NotebookExecutionError as exc:
            step.status, step.cell, step.error = RunStatus.FAILED.value, exc.cell, exc.error
            if notebook not in NON_BLOCKING:
                raise
            self._non_blocking_failure(step, exc)
        except (KeyboardInterrupt, SystemExit):
            interrupted = True  # the operator wants the run to stop: no report (it takes seconds)
            raise
        finally:
            step.seconds = round(time.perf_counter() - started, 2)
            self.save()
            if not interrupted and output.exists():
                self.html.submit(self._export, output, report)
        self.echo(f"{label}: {step.status} in {step.seconds:.1f} s")
        return step

    def _non_blocking_failure(self, step: StepRecord, exc: NotebookExecutionError) -> None:
        """A failed 04_drift: cancelled when another step failed first, else a warning of the run."""
        if self.stopped.is_set():
            step.status, step.error = CANCELLED, "stopped because an earlier step failed"
            return
        step.status = WARNING
        self.warn(f"{step.notebook} could not analyse the prediction log {load_settings().monitoring_log} "
                  f"({exc.error}); the model is still published, see {step.report}.")

    def _export(self, output: Path, report: Path) -> None:
        try:
            export_notebook_html(output, report, self.exporter)
        except Exception as exc:  # noqa: BLE001 - a report that cannot be written is said, not fatal here
            self.warn(f"the HTML report {report.name} could not be written ({exc}).")
