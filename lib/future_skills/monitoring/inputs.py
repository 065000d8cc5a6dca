"""Everything a drift analysis compares, loaded from the project: reference, log, catalog, decisions.

Missing pieces never stop the report: without a production model or a log there is simply no
data (``no_data_reason``); without the HR database or the reference model's split, the
sections that need them are skipped and ``notes`` say why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from future_skills.atomic import atomic_write_with
from future_skills.data import database
from future_skills.data.dataset import read_snapshot
from future_skills.data.demo import ensure_demo_database
from future_skills.exceptions import FutureSkillsError
from future_skills.model.scoring import ml_model_version
from future_skills.model.store import verify_model_file
from future_skills.monitoring.log_reader import empty_log_frame, read_prediction_log
from future_skills.paths import ProjectPaths, get_paths, relative_to_root
from future_skills.registry.entities import RegistryEntry
from future_skills.registry.reader import RegistryReader
from future_skills.schema import LABEL
from future_skills.settings import load_settings


@dataclass
class DriftInputs:
    """What :func:`drift.analyse_drift` compares; tests build it directly from frames."""

    current: pd.DataFrame = field(default_factory=empty_log_frame)
    reference: pd.DataFrame | None = None
    window: str = "30d"
    reference_info: dict[str, Any] | None = None
    malformed_lines: int = 0
    total_lines: int = 0
    log_files: list[Path] = field(default_factory=list)
    catalog: tuple[pd.DataFrame, pd.DataFrame] | None = None
    reference_predictions: pd.DataFrame | None = None  # predicted_level, score, prob_*, future_need_level
    decisions: pd.DataFrame | None = None
    model_version: str | None = None  # the reference model's ``model_version`` in the log
    test_accuracy: float | None = None
    notes: list[str] = field(default_factory=list)
    no_data_reason: str | None = None


def reference_dataset_path(version: str, entry: RegistryEntry, paths: ProjectPaths) -> Path:
    """``runs/<version>/dataset.csv``, else the dataset path recorded in the registry entry."""
    standard = paths.dataset_csv(version)
    recorded = entry.dataset.get("csv_path")
    if standard.exists() or not recorded:
        return standard
    path = Path(recorded)
    return path if path.is_absolute() else paths.root / path


def predictions_cache(version: str, entry: RegistryEntry, paths: ProjectPaths) -> Path | None:
    """``runs/monitoring/.cache/<version>-<model sha256>.parquet``: the reference model's test predictions,
    kept so that a drift run needs neither to unpickle the model nor to import scikit-learn."""
    if not entry.model_sha256:
        return None
    return paths.runs_dir / "monitoring" / ".cache" / f"{version}-{entry.model_sha256[:16]}.parquet"


def reference_predictions(version: str, entry: RegistryEntry, dataset: pd.DataFrame,
                          paths: ProjectPaths) -> pd.DataFrame:
    """The reference model's predictions on its own test split (sha256-verified model).

    The model file is always checked against its sha256; the predictions come from the cache
    (:func:`predictions_cache`) when it exists, else are computed and cached.
    """
    cache = predictions_cache(version, entry, paths)
    if cache is not None and cache.exists():
        verify_model_file(paths.registered_model_file(entry), entry.model_sha256)
        try:
            return pd.read_parquet(cache)
        except (OSError, ValueError):
            pass  # unreadable cache: recompute it

    # Imported on a cache miss only: these import scikit-learn (~0.3 s), which a cached drift run never needs.
    from future_skills.model.evaluation import candidate_test_rows
    from future_skills.model.scoring import ml_predict
    from future_skills.model.store import load_model
    from future_skills.model.training import read_split

    model = load_model(paths.registered_model_file(entry), entry.model_sha256)
    split_path = paths.split_csv(version)
    test = candidate_test_rows(dataset, read_split(split_path), split_path).reset_index(drop=True)
    predicted = ml_predict(model, test)
    predicted[LABEL] = test[LABEL].astype(str).to_numpy()
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_with(cache, lambda handle: predicted.to_parquet(handle, index=False))
    return predicted


def _attach_reference_model(inputs: DriftInputs, version: str, entry: RegistryEntry, paths: ProjectPaths) -> None:
    inputs.model_version = ml_model_version(version)
    try:
        predictions = reference_predictions(version, entry, inputs.reference, paths)
    except (FutureSkillsError, OSError, KeyError, ValueError) as exc:
        inputs.notes.append(f"The prediction mix and score are not compared: the test predictions of {version} "
                            f"cannot be made ({exc})")
        inputs.test_accuracy = entry.metrics.get("accuracy")
        return
    inputs.reference_predictions = predictions
    inputs.test_accuracy = float((predictions["predicted_level"] == predictions[LABEL]).mean())


def _attach_database(inputs: DriftInputs, db_url: str | None) -> None:
    """Catalog (ID → names) and HR decisions; a database problem only adds a note."""
    try:
        url = ensure_demo_database(db_url or load_settings().db_url)
        inputs.catalog = database.load_catalog(url)
        inputs.decisions = database.load_decisions(url)
    except FutureSkillsError as exc:
        inputs.notes.append(f"The HR database was not used (IDs mapped through the reference dataset, "
                            f"no realised accuracy): {exc}")


def load_drift_inputs(*, reference_version: str | None = "auto", log_path: str | Path | None = None,
                      window: str = "30d", db_url: str | None = None, paths: ProjectPaths | None = None,
                      since: Any = None, until: Any = None, now: datetime | None = None) -> DriftInputs:
    """Reference dataset + model, log over the window, catalog and decisions (see module docstring)."""
    paths = paths or get_paths()
    log = read_prediction_log(log_path, window=window, since=since, until=until, now=now)
    inputs = DriftInputs(current=log.frame, window=window if since is None and until is None else
                         f"{since or '…'} to {until or '…'}", malformed_lines=log.malformed_lines,
                         total_lines=log.total_lines, log_files=log.files)
    entry = RegistryReader(paths).resolve(reference_version)
    if entry is None:
        inputs.no_data_reason = "no model is in production, so there is no reference to compare with"
        return inputs
    version = entry.version
    dataset_path = reference_dataset_path(version, entry, paths)
    inputs.reference_info = {"version": version, "dataset": relative_to_root(dataset_path, paths.root), "rows": None}
    if not dataset_path.exists():
        inputs.no_data_reason = f"the training dataset of {version} ({dataset_path}) is missing"
        return inputs
    inputs.reference = read_snapshot(dataset_path)  # typed copy when intact, else under the contract it was trained with
    inputs.reference_info["rows"] = int(len(inputs.reference))
    if log.frame.empty:
        where = f"in the window {inputs.window}" if log.total_lines else "(the prediction log is empty or missing)"
        inputs.no_data_reason = f"no predictions {where}"
        return inputs
    _attach_reference_model(inputs, version, entry, paths)
    _attach_database(inputs, db_url)
    return inputs

