"""The retraining options, all checked before anything starts (nothing written, no notebook run)."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from future_skills.atomic import storage_error
from future_skills.exceptions import FutureSkillsError
from future_skills.model.choices import check_family, check_hyperparameters
from future_skills.monitoring.log_reader import parse_window
from future_skills.paths import ProjectPaths, model_filename
from future_skills.pipeline.limits import DEFAULT_CELL_TIMEOUT, DEFAULT_NOTEBOOK_TIMEOUT, TimeLimits
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
    cell_timeout: float | None = DEFAULT_CELL_TIMEOUT
    notebook_timeout: float | None = DEFAULT_NOTEBOOK_TIMEOUT
    new_registry: bool = False


def check_options(options: RetrainOptions) -> None:
    """Reject bad arguments before anything is written."""
    validate_version(options.version)
    check_hyperparameters(options.n_estimators, options.test_size, options.random_state)
    check_family(options.model)
    check_language(options.report_lang)
    if options.dataset_csv and options.skip_export:
        raise FutureSkillsError("--dataset-csv and --skip-export cannot be combined: choose one source of data.")
    for flag, value in (("--dataset-csv", options.dataset_csv), ("--validation-csv", options.validation_csv)):
        if value and not Path(value).is_file():
            raise FutureSkillsError(f"{flag} {value} does not exist or is not a file; check the path.")
    try:
        parse_window(options.window)
    except FutureSkillsError as exc:
        raise FutureSkillsError(f"--window: {exc}") from None
    TimeLimits(options.cell_timeout, options.notebook_timeout).check()


def check_writable(paths: ProjectPaths) -> None:
    """Each generated folder can take a new file (read-only mounts and missing permissions found now)."""
    for folder in (paths.runs_dir, paths.models_dir, paths.reports_dir):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".write-check.", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise storage_error(exc, folder) from exc


def refuse_fresh_registry(paths: ProjectPaths, new_registry: bool) -> None:
    """No registry.json next to existing model files: refuse to start a new registry unless asked."""
    if paths.registry_json.exists() or new_registry:
        return
    models = sorted(paths.models_dir.glob(model_filename("*")))
    if models:
        raise FutureSkillsError(
            f"{paths.registry_json} is missing but {paths.models_dir} holds {len(models)} model file(s) "
            f"({models[0].name}, …); restore registry.json from backup or git, or pass --new-registry to start "
            "a new registry beside them (run `future-skills doctor` first)."
        )
