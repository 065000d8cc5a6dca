"""The retraining pipeline: run the four notebooks, export reports, publish and register.

``run_retrain.py`` and ``future-skills retrain`` are thin CLIs over :func:`run_retrain`.
The pipeline, not the notebooks, decides every path: notebooks write under
``runs/<version>/`` (the model is *staged* there) and only after all four succeeded is
the model copied into ``models/`` and registered. A failure leaves the executed notebooks
and their HTML for diagnosis, and no model file or registry entry for that version.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from future_skills.atomic import atomic_write_json
from future_skills.data.database import db_url_for_notebook, masked_url
from future_skills.environment import environment_info, git_commit, login_name
from future_skills.exceptions import (
    FutureSkillsError,
    NotebookExecutionError,
    PermissionRefusedError,
    VersionExistsError,
)
from future_skills.model.families import check_family
from future_skills.model.store import verify_model_file
from future_skills.model.training import check_hyperparameters
from future_skills.paths import NOTEBOOKS, ProjectPaths, get_paths, relative_to_root
from future_skills.pipeline.execute import StepResult, run_notebook
from future_skills.registry.entities import Decision
from future_skills.registry.governance import check_auto_promote_allowed
from future_skills.registry.reader import read_metadata
from future_skills.registry.store import Registry, now_iso
from future_skills.reporting.html import export_notebook_html, make_html_exporter, write_run_index
from future_skills.reporting.run_index import build_index_context
from future_skills.reporting.status_block import refresh_status_blocks, render_status_block, status_context
from future_skills.reporting.texts import check_language
from future_skills.versions import validate_version


@dataclass
class RetrainOptions:
    """Everything ``run_retrain.py`` accepts (see its --help)."""

    version: str
    n_estimators: int = 200
    model: str = "auto"
    test_size: float = 0.2
    random_state: int = 42
    skip_export: bool = False
    dataset_csv: str | None = None
    db_url: str | None = None
    window: str = "30d"
    auto_promote: bool = False
    kernel: str | None = None
    validation_csv: str | None = None
    report_lang: str = "en"
    operator: str | None = None


@dataclass
class RunManifest:
    """``runs/<version>/run.json``: what ran, with which parameters, how long, and how it ended."""

    run_id: str
    version: str
    status: str
    started_at: str
    parameters: dict[str, Any]
    git_commit: str
    environment: dict[str, Any]
    production_before: str | None
    production_after: str | None = None
    finished_at: str | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    promoted: bool = False
    total_seconds: float | None = None


def check_options(options: RetrainOptions) -> None:
    """Reject bad arguments before anything is written."""
    validate_version(options.version)
    check_hyperparameters(options.n_estimators, options.test_size, options.random_state)
    check_language(options.report_lang)
    check_family(options.model)
    if options.dataset_csv and options.skip_export:
        raise FutureSkillsError("--dataset-csv and --skip-export cannot be combined: choose one source of data.")
    for flag, value in (("--dataset-csv", options.dataset_csv), ("--validation-csv", options.validation_csv)):
        if value and not Path(value).is_file():
            raise FutureSkillsError(f"{flag} {value} does not exist or is not a file; check the path.")


def refuse_existing_version(version: str, paths: ProjectPaths, registry: Registry) -> None:
    """A version is never overwritten: refuse it if the registry or models/ already has it."""
    if registry.exists(version):
        raise VersionExistsError(
            f"Version {version} already exists in the registry (status {registry.get(version).status}); "
            "choose a new version, e.g. the next number."
        )
    for path in (paths.model_path(version), paths.metadata_path(version)):
        if path.exists():
            raise VersionExistsError(
                f"{path} already exists although {version} is not in the registry; move it away or choose a new version."
            )
    manifest = paths.run_dir(version) / "run.json"
    if manifest.exists() and json.loads(manifest.read_text()).get("status") != "failed":
        raise VersionExistsError(f"runs/{version} already holds a run of {version}; choose a new version.")


def set_aside_failed_run(version: str, paths: ProjectPaths) -> Path | None:
    """Move the folders of an earlier failed (or interrupted) run of ``version`` aside, keeping them."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    moved = None
    for folder in (paths.run_dir(version), paths.report_dir(version)):
        if folder.exists():
            target = folder.with_name(f"{folder.name}.failed-{stamp}")
            folder.rename(target)
            moved = moved or target
    return moved


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
    return {
        "01_export.ipynb": {"version": v, "db_url": db_url, "dataset_csv": options.dataset_csv,
                            "skip_export": options.skip_export, "output_csv": dataset},
        "02_train.ipynb": {"version": v, "dataset_csv": dataset, "model": options.model,
                           "n_estimators": options.n_estimators,
                           "test_size": options.test_size, "random_state": options.random_state,
                           "model_path": model, "metadata_path": metadata, "split_csv": split, "run_id": run_id},
        "03_evaluate.ipynb": {"version": v, "dataset_csv": dataset, "split_csv": split, "model_path": model,
                              "metadata_path": metadata, "production_version": production,
                              "validation_csv": options.validation_csv},
        "04_drift.ipynb": {"version": v, "reference_version": production, "log_path": None,
                           "window": options.window, "db_url": db_url,
                           "output_json": str(paths.run_dir(v) / "drift.json")},
    }


def publish_model(version: str, paths: ProjectPaths) -> dict[str, Any]:
    """Move the staged model and metadata into models/ (each atomically) after checking the hash.

    The model is renamed, not copied (tens of MB per version kept once); across file systems
    it is copied to a temporary name first. The staging folder is removed afterwards.
    """
    staged_model, staged_meta = paths.staged_model(version), paths.staged_metadata(version)
    metadata = read_metadata(staged_meta)
    verify_model_file(staged_model, metadata.get("model_sha256") or "")  # "" (none recorded) never matches
    target = paths.model_path(version)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(staged_model, target)
    except OSError:  # models/ on another file system
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(staged_model, tmp)
        os.replace(tmp, target)
    metadata["model_path"] = relative_to_root(target, paths.root)  # where the model lives from now on
    atomic_write_json(paths.metadata_path(version), metadata)
    shutil.rmtree(staged_model.parent, ignore_errors=True)
    return metadata


def registry_entry(metadata: dict[str, Any], paths: ProjectPaths) -> dict[str, Any]:
    """The registry entry of a freshly trained version, from its metadata."""
    version = metadata["model_version"]
    dataset = metadata["dataset"]
    return {
        "version": version,
        "status": "candidate",
        "created_at": metadata["training_date"],
        "run_id": metadata.get("run_id"),
        "git_commit": metadata.get("git_commit"),
        "model_path": relative_to_root(paths.model_path(version), paths.root),
        "metadata_path": relative_to_root(paths.metadata_path(version), paths.root),
        "model_sha256": metadata["model_sha256"],
        "dataset": {key: dataset.get(key) for key in ("csv_path", "sha256", "total_samples", "period")},
        "metrics": {"accuracy": metadata["metrics"]["accuracy"], "f1_weighted": metadata["metrics"]["f1_weighted"]},
        "n_estimators": metadata["hyperparameters"]["n_estimators"],
        "model_family": metadata["hyperparameters"].get("model_family", "rf"),
        "model_reason": metadata["hyperparameters"].get("model_reason"),
        "gate": metadata.get("gate"),
        "reports": metadata.get("reports"),
        "approvals": [],
        "history": [],
        "notes": "",
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


class _Run:
    """State of one pipeline run; keeps :func:`run_retrain` short and the clean-up in one place."""

    def __init__(self, options: RetrainOptions, paths: ProjectPaths, echo: Callable[[str], None]) -> None:
        self.options, self.paths, self.echo = options, paths, echo
        self.registry = Registry(paths)
        self.version = options.version
        self.run_dir = paths.run_dir(options.version)
        self.report_dir = paths.report_dir(options.version)
        self.exporter = make_html_exporter()
        self.production = self.registry.production_version()
        self.manifest = RunManifest(
            run_id=f"{self.version}-{datetime.now().strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}",
            version=self.version, status="running", started_at=now_iso(),
            parameters=_recorded_parameters(options), git_commit=git_commit(),
            environment=environment_info(), production_before=self.production,
        )

    def save_manifest(self) -> None:
        atomic_write_json(self.run_dir / "run.json", asdict(self.manifest))

    def execute(self, db_url: str | None) -> None:
        """Run the notebooks in order; export each one to HTML, failed or not."""
        db_parameter, kernel_env = db_url_for_notebook(db_url)
        params = notebook_parameters(self.options, self.paths, self.production, db_parameter, self.manifest.run_id)
        for index, notebook in enumerate(NOTEBOOKS, start=1):
            self.echo(f"[{index}/{len(NOTEBOOKS)}] {notebook}: running")
            output = self.run_dir / notebook
            report = self.report_dir / notebook.replace(".ipynb", ".html")
            step: dict[str, Any] = {"notebook": notebook, "output": relative_to_root(output, self.paths.root),
                                    "report": relative_to_root(report, self.paths.root)}
            started = time.perf_counter()
            try:
                result: StepResult = run_notebook(notebook, output, params[notebook], kernel=self.options.kernel,
                                                  cwd=self.run_dir, env=kernel_env)
                step.update(status="succeeded", seconds=round(result.seconds, 2))
            except NotebookExecutionError as exc:
                step.update(status="failed", seconds=round(time.perf_counter() - started, 2),
                            cell=exc.cell, error=exc.error)
                raise
            finally:
                self.manifest.steps.append(step)
                if output.exists():
                    exported = time.perf_counter()
                    export_notebook_html(output, report, self.exporter)
                    step["report_seconds"] = round(time.perf_counter() - exported, 2)
                self.save_manifest()
            self.echo(f"[{index}/{len(NOTEBOOKS)}] {notebook}: done in {step['seconds']:.1f} s")
            if notebook == "02_train.ipynb":
                self.echo_family()

    def echo_family(self) -> None:
        """Say which model family 02_train chose and why (from the staged metadata)."""
        from future_skills.model.training import family_sentence

        try:
            metadata = json.loads(self.paths.staged_metadata(self.version).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        self.echo("      " + family_sentence(metadata).replace("**", ""))

    def publish(self) -> dict[str, Any]:
        """Copy the model into models/ and register it; undo the copy if registering fails."""
        metadata = publish_model(self.version, self.paths)
        try:
            self.registry.register(registry_entry(metadata, self.paths))
        except BaseException:
            self.paths.model_path(self.version).unlink(missing_ok=True)
            self.paths.metadata_path(self.version).unlink(missing_ok=True)
            raise
        return metadata

    def auto_promote(self, metadata: dict[str, Any]) -> bool:
        """``--auto-promote``: promote when criteria 1–3 pass; recorded as not a person's approval."""
        gate = metadata.get("gate") or {}
        if not gate.get("passed"):
            self.echo(f"Auto-promotion refused: {gate.get('verdict', 'the promotion gate did not pass')}")
            return False
        try:
            check_auto_promote_allowed()
        except PermissionRefusedError as exc:
            self.echo(f"Auto-promotion refused: {exc}")
            return False
        operator = self.options.operator or login_name() or "operator"
        comment = "auto-promoted by run_retrain --auto-promote (criteria 1-3 passed); no person approved it"
        self.registry.approve(self.version, by=operator, comment=comment, decision=Decision.AUTO_APPROVED)
        self.registry.promote(self.version, by=operator, comment=comment, automatic=True)
        self.echo(f"{self.version} auto-promoted to production by the pipeline (run by {operator}); this is not "
                  "an approval by a person (future-skills rollback undoes it).")
        return True

    def clean_up_failure(self) -> None:
        """No half-written model: remove the staged model and anything published for this version."""
        shutil.rmtree(self.paths.staged_model(self.version).parent, ignore_errors=True)
        if not self.registry.exists(self.version):
            self.paths.model_path(self.version).unlink(missing_ok=True)
            self.paths.metadata_path(self.version).unlink(missing_ok=True)

    def write_index(self, metadata: dict[str, Any] | None, failure: dict[str, Any] | None) -> Path:
        context = build_index_context(
            version=self.version, paths=self.paths, manifest=asdict(self.manifest), metadata=metadata,
            registry=self.registry, failure=failure,
        )
        lang = self.options.report_lang
        context["status_block"] = render_status_block(status_context(self.registry.load(), self.version, self.paths),
                                                      lang)
        return write_run_index(self.report_dir / "index.html", context, self.options.report_lang)


def run_retrain(options: RetrainOptions, paths: ProjectPaths | None = None,
                echo: Callable[[str], None] = print) -> RetrainResult:
    """Run the whole retraining pipeline for ``options.version``; see the module docstring."""
    started = time.perf_counter()
    check_options(options)
    paths = (paths or get_paths()).ensure()
    os.environ["FUTURE_SKILLS_HOME"] = str(paths.root)  # the notebook kernels inherit the same root
    registry = Registry(paths)
    refuse_existing_version(options.version, paths, registry)
    moved = set_aside_failed_run(options.version, paths)
    if moved:
        echo(f"An earlier failed run of {options.version} was kept at {moved}.")
    db_url = options.db_url
    if not options.dataset_csv and not options.skip_export:
        from future_skills.data.demo import ensure_demo_database

        db_url = ensure_demo_database(db_url)
    run = _Run(options, paths, echo)
    run.run_dir.mkdir(parents=True, exist_ok=True)
    run.save_manifest()
    try:
        run.execute(db_url)
        metadata = run.publish()
        run.manifest.promoted = run.auto_promote(metadata) if options.auto_promote else False
    except BaseException as exc:
        run.clean_up_failure()
        run.manifest.status, run.manifest.finished_at = "failed", now_iso()
        run.manifest.error = str(exc) or type(exc).__name__
        run.save_manifest()
        run.write_index(None, _failure_details(exc, run))
        raise
    run.manifest.status, run.manifest.finished_at = "succeeded", now_iso()
    run.manifest.production_after = registry.production_version()
    index = run.write_index(metadata, None)
    run.manifest.total_seconds = round(time.perf_counter() - started, 2)
    run.save_manifest()
    echo(timing_sentence(asdict(run.manifest)))
    refresh_status_blocks(paths, registry.load())  # an auto-promotion archived the previous production
    status = registry.get(options.version).status.value
    gate = metadata.get("gate") or {}
    return RetrainResult(options.version, status, run.run_dir, index, gate.get("passed"),
                         run.manifest.promoted, gate.get("verdict", ""))


def timing_sentence(manifest: dict[str, Any]) -> str:
    """Per-step and total wall time of a run, e.g. ``Timings: 01_export 3.1 s (+ report 0.9 s), … total 21.4 s``."""
    steps = ", ".join(f"{s['notebook'][:-6]} {s.get('seconds', 0):.1f} s (+ report {s.get('report_seconds', 0):.1f} s)"
                      for s in manifest.get("steps", []))
    return f"Timings: {steps}; total {manifest.get('total_seconds') or 0:.1f} s."


def _failure_details(exc: BaseException, run: _Run) -> dict[str, Any]:
    """Notebook, error sentence and report link for the FAILED banner of index.html."""
    if isinstance(exc, NotebookExecutionError):
        report = exc.notebook.replace(".ipynb", ".html")
        exists = (run.report_dir / report).exists()
        where = f" (cell {exc.cell})" if exc.cell is not None else ""
        return {"notebook": exc.notebook + where, "error": exc.error, "report": report if exists else None}
    return {"notebook": "pipeline (after the notebooks)", "error": str(exc) or type(exc).__name__, "report": None}
