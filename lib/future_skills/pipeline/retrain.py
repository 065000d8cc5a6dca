"""The retraining pipeline: run the four notebooks, export reports, publish and register.

``run_retrain.py`` and ``future-skills retrain`` are thin CLIs over :func:`run_retrain`.
The pipeline, not the notebooks, decides every path: notebooks write under
``runs/<version>/`` (the model is *staged* there) and only after the notebooks succeeded is
the model moved into ``models/`` and registered, the registry last (see :mod:`.publish`).
A failure leaves the executed notebooks and their HTML for diagnosis, and no model file or
registry entry for that version. One run per version at a time, and a run killed at any
point is recognised and set aside by the next run of that version (see :mod:`.recovery`).
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from future_skills.atomic import crash_point
from future_skills.data.database import db_url_for_notebook, masked_url
from future_skills.data.dataset import discard_validated, read_dataset_csv, read_failures, write_validated
from future_skills.data.demo import ensure_demo_database
from future_skills.environment import environment_info, git_commit, installed_packages, login_name
from future_skills.exceptions import (
    FutureSkillsError,
    NotebookExecutionError,
    PermissionRefusedError,
    StorageError,
    VersionExistsError,
)
from future_skills.model.gate_texts import verdict_text
from future_skills.model.store import CheckedFile, check_file
from future_skills.paths import ProjectPaths, get_paths
from future_skills.pipeline.execute import interrupt_on_sigterm
from future_skills.pipeline.kernels import lower_this_thread_priority
from future_skills.pipeline.limits import TimeLimits
from future_skills.pipeline.manifest import RunManifest, RunStatus, load_manifest, notebook_hashes
from future_skills.pipeline.options import RetrainOptions, check_options, check_writable, refuse_fresh_registry
from future_skills.pipeline.publish import publish_hint, publish_version
from future_skills.pipeline.recovery import (
    refuse_existing_version,
    refuse_orphan_files,
    set_aside_previous_run,
    version_lock,
)
from future_skills.pipeline.steps import BACKGROUND_NICE, StepRunner
from future_skills.pipeline.warm_kernels import warm_kernels
from future_skills.registry.entities import Decision
from future_skills.registry.governance import check_auto_promote_allowed
from future_skills.registry.store import Registry, now_iso
from future_skills.reporting.html import compile_templates, write_run_index
from future_skills.reporting.run_index import build_index_context
from future_skills.reporting.status_block import refresh_status_blocks, render_status_block, status_context
from future_skills.reporting.texts import cli_text
from future_skills.reporting.train_view import family_sentence
from future_skills.versions import validate_version


def _recorded_parameters(options: RetrainOptions) -> dict[str, Any]:
    """The options as run.json records them: the database password masked."""
    recorded = asdict(options)
    if recorded.get("db_url"):
        recorded["db_url"] = masked_url(recorded["db_url"])
    return recorded


def notebook_parameters(options: RetrainOptions, paths: ProjectPaths, production: str | None,
                        db_url: str | None, run_id: str) -> dict[str, dict[str, Any]]:
    """The papermill parameters of each notebook: the pipeline decides every path."""
    v = options.version
    dataset = str(paths.dataset_csv(v))
    model, metadata = str(paths.staged_model(v)), str(paths.staged_metadata(v))
    split = str(paths.split_csv(v))
    lang = options.report_lang
    return {
        "01_export.ipynb": {"version": v, "db_url": db_url, "dataset_csv": options.dataset_csv,
                            "skip_export": options.skip_export, "output_csv": dataset, "report_lang": lang,
                            "validated": str(paths.validated_csv_rows(v)) if options.dataset_csv else None},
        "02_train.ipynb": {"version": v, "dataset_csv": dataset, "model": options.model,
                           "n_estimators": options.n_estimators,
                           "test_size": options.test_size, "random_state": options.random_state,
                           "model_path": model, "metadata_path": metadata, "split_csv": split, "run_id": run_id,
                           "report_lang": lang},
        "03_evaluate.ipynb": {"version": v, "dataset_csv": dataset, "split_csv": split, "model_path": model,
                              "metadata_path": metadata, "production_version": production,
                              "validation_csv": options.validation_csv, "report_lang": lang},
        "04_drift.ipynb": {"version": v, "reference_version": production, "log_path": None,
                           "window": options.window, "db_url": db_url,
                           "output_json": str(paths.run_dir(v) / "drift.json"), "report_lang": lang},
    }


@dataclass
class RetrainResult:
    """The outcome the CLI prints."""

    version: str
    status: str
    run_dir: Path
    report_index: Path
    gate_passed: bool | None
    promoted: bool
    message: str
    warnings: list[str]
    seconds: float | None = None
    notebooks_seconds: float | None = None


class _Run:
    """State of one pipeline run; keeps :func:`run_retrain` short and the clean-up in one place."""

    def __init__(self, options: RetrainOptions, paths: ProjectPaths, echo: Callable[[str], None]) -> None:
        self.options, self.paths, self.echo = options, paths, echo
        self.registry = Registry(paths)
        self.version = options.version
        self.run_dir = paths.run_dir(options.version)
        self.report_dir = paths.report_dir(options.version)
        self.production = self.registry.production_version()
        self.limits = TimeLimits(options.cell_timeout, options.notebook_timeout)
        self.warnings: list[str] = []
        self.model_check: Future | None = None  # the staged model hashed while 03_evaluate runs
        self.manifest = RunManifest(
            run_id=f"{self.version}-{datetime.now().strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}",
            version=self.version, status=RunStatus.RUNNING.value, started_at=now_iso(),
            parameters=_recorded_parameters(options), git_commit=git_commit(),
            environment=environment_info(), production_before=self.production,
            notebooks_sha256=notebook_hashes(), packages=installed_packages(),
        )

    def save_manifest(self) -> None:
        self.manifest.save(self.run_dir)

    def execute(self, db_url: str | None) -> None:
        """Run the notebooks (see :mod:`.steps`); each one is exported to HTML, failed or not."""
        db_parameter, kernel_env = db_url_for_notebook(db_url)
        params = notebook_parameters(self.options, self.paths, self.production, db_parameter, self.manifest.run_id)
        steps = StepRunner(self.manifest, self.run_dir, self.report_dir, self.paths, kernel=self.options.kernel,
                           limits=self.limits, echo=self.echo, warn=self.warn)
        steps.run_all(params, kernel_env, after=self.after_step)

    def after_step(self, notebook: str) -> None:
        """Once 01_export succeeded, compile in the background the pages the run's end writes (index.html, the status
        blocks: this process then only waits for 02_train, and earlier it competed with the notebooks' start) and
        remove the rows handed on to it; once 02_train did, say its model and hash it while 03_evaluate runs."""
        if notebook == "01_export.ipynb":
            in_background(compile_templates, self.options.report_lang)
            discard_validated(self.paths.validated_csv_rows(self.version))  # in the snapshot now: no second copy
        elif notebook == "02_train.ipynb":
            self.echo_family()
            self.model_check = in_background(check_staged, self.paths.staged_model(self.version))

    def checked_model(self) -> CheckedFile | None:
        """The staged model as hashed ahead (``publish_model`` reads it again if it changed since), or None."""
        return self.model_check.result() if self.model_check is not None else None

    def echo_family(self) -> None:
        """Say which model family 02_train chose and why (from the staged metadata)."""
        try:
            metadata = json.loads(self.paths.staged_metadata(self.version).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        self.echo("      " + family_sentence(metadata, self.options.report_lang).replace("**", ""))

    def warn(self, sentence: str) -> None:
        self.warnings.append(sentence)
        self.echo(f"warning: {sentence}")

    def auto_promote(self, metadata: dict[str, Any]) -> bool:
        """``--auto-promote``: promote when criteria 1–3 pass; recorded as not a person's approval."""
        gate = metadata.get("gate") or {}
        if not gate.get("passed"):
            lang = self.options.report_lang
            reason = gate.get("verdict", "the promotion gate did not pass") if lang == "en" else \
                verdict_text(gate.get("criteria", []), False, lang)
            self.echo(cli_text("auto_refused", lang, reason=reason))
            return False
        try:
            check_auto_promote_allowed()
        except PermissionRefusedError:  # the governance refusal, worded in the run's language
            lang = self.options.report_lang
            self.echo(cli_text("auto_refused", lang, reason=cli_text("auto_disabled", lang)))
            return False
        operator = self.options.operator or login_name() or "operator"
        comment = "auto-promoted by run_retrain --auto-promote (criteria 1-3 passed); no person approved it"
        self.registry.approve(self.version, by=operator, comment=comment, decision=Decision.AUTO_APPROVED)
        self.registry.promote(self.version, by=operator, comment=comment, automatic=True)
        self.echo(cli_text("auto_promoted", self.options.report_lang, version=self.version, operator=operator))
        return True

    def fail(self, exc: BaseException) -> None:
        """Record how the run ended; keep the staged model only when publishing can be retried."""
        unpublished = isinstance(exc, StorageError) and self.paths.staged_model(self.version).exists() \
            and not self.registry.exists(self.version)
        if not unpublished:
            shutil.rmtree(self.paths.staged_model(self.version).parent, ignore_errors=True)
        status = RunStatus.UNPUBLISHED if unpublished else (
            RunStatus.INTERRUPTED if isinstance(exc, KeyboardInterrupt) else RunStatus.FAILED)
        self.manifest.status, self.manifest.finished_at = status.value, now_iso()
        self.manifest.error = str(exc) or type(exc).__name__
        try:  # the disk may be full: recording the failure must not hide it
            self.save_manifest()
            if not isinstance(exc, KeyboardInterrupt):
                self.write_index(None, _failure_details(exc, self))
        except (OSError, StorageError):
            pass

    def write_index(self, metadata: dict[str, Any] | None, failure: dict[str, Any] | None) -> Path:
        return write_index(self.manifest, metadata, failure, self.paths, self.registry)


def in_background(work: Callable[..., Any], *args: Any) -> Future:
    """Run ``work(*args)`` in a thread of its own at a lower priority, in the gaps the notebooks leave."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="background", initializer=lower_this_thread_priority,
                              initargs=(BACKGROUND_NICE,))
    done = pool.submit(work, *args)
    pool.shutdown(wait=False)  # the work goes on; whoever needs its result waits for it
    return done


def check_staged(model: Path) -> CheckedFile | None:
    """The staged ``model`` hashed while 03_evaluate runs (``model.store.check_file``): publishing then does not
    read it again at the end of the run (0.06 s for the demo's 76 MB forest). None when it cannot be read."""
    try:
        return check_file(model)
    except OSError:
        return None  # publishing hashes it itself, and says what is wrong


def write_index(manifest: RunManifest, metadata: dict[str, Any] | None, failure: dict[str, Any] | None,
                paths: ProjectPaths, registry: Registry) -> Path:
    """``reports/<version>/index.html`` of a run, in the language the run was asked for."""
    version, lang = manifest.version, manifest.parameters.get("report_lang", "en")
    context = build_index_context(version=version, paths=paths, manifest=manifest.to_dict(), metadata=metadata,
                                  registry=registry, failure=failure, lang=lang)
    context["status_block"] = render_status_block(status_context(registry.load(), version, paths, lang), lang)
    return write_run_index(paths.report_dir(version) / "index.html", context, lang)


def run_retrain(options: RetrainOptions, paths: ProjectPaths | None = None,
                echo: Callable[[str], None] = print) -> RetrainResult:
    """Run the whole retraining pipeline for ``options.version``; see the module docstring."""
    started = time.perf_counter()
    check_options(options)
    with warm_kernels(enabled=not options.kernel):  # the template imports while the dataset is checked
        given = None
        if options.dataset_csv:  # every broken rule at once, before anything is written or a kernel starts
            checks, details = [], {}
            given = (read_dataset_csv(options.dataset_csv, checks=checks, details=details), checks, details)
        paths = paths or get_paths()
        check_writable(paths)
        paths.ensure()
        os.environ["FUTURE_SKILLS_HOME"] = str(paths.root)  # the notebook kernels inherit the same root
        refuse_fresh_registry(paths, options.new_registry)
        return _locked_run(options, paths, echo, started, given)


def _locked_run(options: RetrainOptions, paths: ProjectPaths, echo: Callable[[str], None],
                started: float, given: tuple | None = None) -> RetrainResult:
    """The run under its version lock, after setting aside what a killed run of the version left."""
    registry = Registry(paths)
    with version_lock(options.version, paths), interrupt_on_sigterm():
        refuse_existing_version(options.version, paths, registry)
        moved, interrupted = set_aside_previous_run(options.version, paths)
        if moved:
            kind = "interrupted" if interrupted else "failed"
            echo(f"An earlier {kind} run of {options.version} was set aside at {moved}.")
        refuse_orphan_files(options.version, paths)
        return _run(options, paths, registry, echo, started, given)


def _run(options: RetrainOptions, paths: ProjectPaths, registry: Registry, echo: Callable[[str], None],
         started: float, given: tuple | None = None) -> RetrainResult:
    """The run itself; ``given``: the ``--dataset-csv``'s (rows, checks, details) validated up front."""
    db_url = options.db_url
    if not options.dataset_csv and not options.skip_export:
        db_url = ensure_demo_database(db_url)
    run = _Run(options, paths, echo)
    run.run_dir.mkdir(parents=True, exist_ok=True)
    run.save_manifest()
    try:
        if given is not None:  # 01_export takes these rows instead of parsing and checking the file again
            write_validated(*given, options.dataset_csv, paths.validated_csv_rows(options.version))
        run.execute(db_url)
        metadata = publish_version(options.version, paths, registry, run.checked_model())
        run.manifest.promoted = run.auto_promote(metadata) if options.auto_promote else False
    except BaseException as exc:
        run.fail(exc)
        if run.manifest.status == RunStatus.UNPUBLISHED.value:
            raise StorageError(publish_hint(options.version, exc)) from exc  # type: ignore[arg-type]
        raise
    crash_point("finish")
    return finish_run(run.manifest, metadata, paths, registry, run.warnings, started)


def finish_run(manifest: RunManifest, metadata: dict[str, Any], paths: ProjectPaths, registry: Registry,
               warnings: list[str], started: float | None = None) -> RetrainResult:
    """Record a published run as succeeded and write its index.html (also after ``publish``).

    ``started`` (``time.perf_counter()`` when the run began) gives the run's total seconds.
    """
    manifest.status, manifest.finished_at = RunStatus.SUCCEEDED.value, now_iso()
    manifest.production_after = registry.production_version()
    manifest.save(paths.run_dir(manifest.version))
    index = write_index(manifest, metadata, None, paths, registry)
    refresh_status_blocks(paths, registry.load())  # an auto-promotion archived the previous production
    if started is not None:
        manifest.seconds = round(time.perf_counter() - started, 2)
        manifest.save(paths.run_dir(manifest.version))
    gate = metadata.get("gate") or {}
    lang = manifest.parameters.get("report_lang", "en")
    verdict = verdict_text(gate.get("criteria", []), bool(gate.get("passed")), lang) if gate else ""
    return RetrainResult(manifest.version, registry.get(manifest.version).status.value,
                         paths.run_dir(manifest.version), index, gate.get("passed"), manifest.promoted,
                         verdict, warnings, manifest.seconds, manifest.notebooks_seconds)


def _failure_details(exc: BaseException, run: _Run) -> dict[str, Any]:
    """Notebook, cell, error and report link for the FAILED banner of index.html; a refused dataset's broken
    rules as records (``refused``), which the page words in its own language."""
    if isinstance(exc, NotebookExecutionError):
        report = exc.notebook.replace(".ipynb", ".html")
        exists = (run.report_dir / report).exists()
        refused = read_failures(run.run_dir)  # the export's broken rules, when the dataset was refused
        return {"notebook": exc.notebook, "cell": exc.cell, "error": exc.error,
                "report": report if exists else None, "refused": refused}
    return {"notebook": None, "error": str(exc) or type(exc).__name__, "report": None}


def publish_staged(version: str, paths: ProjectPaths | None = None) -> RetrainResult:
    """``future-skills publish VERSION``: publish a trained model that could not be published, without retraining."""
    validate_version(version)
    paths = paths or get_paths()
    registry = Registry(paths)
    with version_lock(version, paths), interrupt_on_sigterm():
        if registry.exists(version):
            raise VersionExistsError(f"{version} is already published (status {registry.get(version).status.value}).")
        manifest = load_manifest(paths.run_dir(version))
        if manifest is None or manifest.status != RunStatus.UNPUBLISHED.value or \
                not paths.staged_model(version).is_file():
            raise FutureSkillsError(f"runs/{version} holds no trained model waiting to be published; "
                                    f"retrain it with `python run_retrain.py --version {version}`.")
        refuse_orphan_files(version, paths)
        metadata = publish_version(version, paths, registry)
        manifest.error = None
        return finish_run(manifest, metadata, paths, registry, [])
