"""Training: the model pipeline, the stratified train/test split, and one training run.

:func:`train_model` is what ``02_train.ipynb`` calls: it fits the pipeline on the train
split, scores it on the test split and writes three files — the split (which rows were
used for what, so a later evaluation can exclude rows a model memorised), the model
pickle and its metadata JSON. If anything fails, the files this call wrote are removed:
no half-written model is ever left behind.
"""
from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from future_skills.atomic import atomic_write_json, atomic_write_text, file_sha256
from future_skills.data.contract import load_contract
from future_skills.data.dataset import describe_snapshot, read_snapshot
from future_skills.environment import environment_info, git_commit
from future_skills.exceptions import DatasetValidationError
from future_skills.model import families
from future_skills.model.choices import check_family, check_hyperparameters
from future_skills.model.metrics import classification_metrics, confusion
from future_skills.model.store import save_model
from future_skills.paths import ProjectPaths, get_paths, relative_to_root, report_paths
from future_skills.schema import FEATURES, KEY_COLUMNS, LABEL, LEVELS
from future_skills.versions import validate_version

SPLIT_COLUMN = "split"


def build_pipeline(n_estimators: int, random_state: int, family: str = "rf", rows: int = 0) -> Pipeline:
    """The unfitted pipeline of ``family`` (see :mod:`future_skills.model.families`)."""
    return families.build_family(family, n_estimators, random_state, rows)


def split_dataset(frame: pd.DataFrame, test_size: float, random_state: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stratified (on the label) train/test split; the same inputs give the same split."""
    counts = frame[LABEL].value_counts()
    too_small = [str(level) for level, n in counts.items() if n < 2]
    if too_small:
        raise DatasetValidationError(
            f"Cannot split the dataset: level(s) {', '.join(too_small)} have fewer than 2 rows, "
            "so they cannot appear in both the train and the test rows; export more data.",
            column=LABEL, rule="min_rows_per_class",
        )
    try:
        train, test = train_test_split(
            frame, test_size=test_size, random_state=random_state, stratify=frame[LABEL].astype(str)
        )
    except ValueError as exc:
        raise DatasetValidationError(
            f"Cannot split {len(frame)} rows with test_size={test_size} ({exc}); "
            "use more rows or another test_size.", column=LABEL, rule="split",
        ) from exc
    return train, test


def key_tuples(frame: pd.DataFrame) -> list[tuple[int, int, str]]:
    """The (job_role_id, skill_id, snapshot_date) key of every row, as plain Python values."""
    dates = frame["snapshot_date"]
    if pd.api.types.is_datetime64_any_dtype(dates):
        dates = dates.dt.strftime("%Y-%m-%d")
    return list(zip(frame["job_role_id"].astype("int64").tolist(),
                    frame["skill_id"].astype("int64").tolist(),
                    [str(d) for d in dates.tolist()]))


def write_split(train: pd.DataFrame, test: pd.DataFrame, path: Path | str) -> None:
    """Write KEY_COLUMNS + ``split`` (train|test), sorted by key, atomically."""
    rows = [(*k, "train") for k in key_tuples(train)] + [(*k, "test") for k in key_tuples(test)]
    frame = pd.DataFrame(rows, columns=[*KEY_COLUMNS, SPLIT_COLUMN]).sort_values(list(KEY_COLUMNS))
    atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def read_split(path: Path | str) -> pd.DataFrame:
    """Read a split file written by :func:`write_split` (ids as int64, dates and split as text)."""
    split_path = Path(path)
    try:
        frame = pd.read_csv(split_path, dtype={"snapshot_date": str, SPLIT_COLUMN: str})
    except (OSError, ValueError) as exc:
        raise DatasetValidationError(
            f"Split file {split_path} cannot be read ({type(exc).__name__}); re-run the training notebook."
        ) from exc
    missing = [c for c in (*KEY_COLUMNS, SPLIT_COLUMN) if c not in frame.columns]
    bad = sorted(set(frame.get(SPLIT_COLUMN, pd.Series(dtype=str)).astype(str)) - {"train", "test"})
    if missing or bad:
        raise DatasetValidationError(
            f"Split file {split_path} is not a train/test split (missing columns {missing}, "
            f"unexpected split values {bad}); re-run the training notebook.", rule="split_file",
        )
    frame = frame[[*KEY_COLUMNS, SPLIT_COLUMN]].copy()
    frame["job_role_id"] = frame["job_role_id"].astype("int64")
    frame["skill_id"] = frame["skill_id"].astype("int64")
    return frame


def resolve_train_paths(version: str, dataset_csv: str | Path | None = None, model_path: str | Path | None = None,
                        metadata_path: str | Path | None = None, split_csv: str | Path | None = None,
                        paths: ProjectPaths | None = None) -> dict[str, Path]:
    """Notebook defaults: ``None`` -> the standard location for ``version`` under the project root."""
    validate_version(version)
    paths = paths or get_paths()
    chosen = {
        "dataset_csv": dataset_csv or paths.dataset_csv(version),
        "model_path": model_path or paths.staged_model(version),
        "metadata_path": metadata_path or paths.staged_metadata(version),
        "split_csv": split_csv or paths.split_csv(version),
    }
    return {key: Path(value) for key, value in chosen.items()}


def _dataset_block(frame: pd.DataFrame, dataset_csv: Path, split_path: Path,
                   train: pd.DataFrame, test: pd.DataFrame) -> dict[str, Any]:
    summary = describe_snapshot(frame)
    return {
        "csv_path": relative_to_root(dataset_csv),
        "sha256": file_sha256(dataset_csv),
        "total_samples": summary["total_samples"],
        "features_used": list(FEATURES),
        "class_distribution": summary["class_distribution"],
        "split_path": relative_to_root(split_path),
        "train_samples": int(len(train)),
        "test_samples": int(len(test)),
        "period": summary["period"],
        "contract": load_contract().as_dict(),  # the rules this model's data was checked against
    }


def _fit_and_score(frame: pd.DataFrame, model: str, n_estimators: int, test_size: float,
                   random_state: int) -> dict[str, Any]:
    """Split, choose the family, fit (timed) and score on the test rows; nothing is written here."""
    train, test = split_dataset(frame, test_size, random_state)
    choice = families.choose_family(model, len(train))
    pipeline = build_pipeline(n_estimators, random_state, choice.family, len(train))
    with families.model_threads():
        started = time.perf_counter()
        # labels as a fixed-width numpy text array: scikit-learn sorts them dozens of times (class checks,
        # target encoding), 7x faster than as Python objects (10 s of a 1M-row fit)
        pipeline.fit(train[list(FEATURES)], train[LABEL].to_numpy(dtype=str))
        duration = time.perf_counter() - started
        predictions = pipeline.predict(test[list(FEATURES)])
        top10, by_feature, method = families.feature_importances(pipeline, 10, test, test[LABEL], random_state)
    return {"train": train, "test": test, "pipeline": pipeline, "duration": duration, "choice": choice,
            "metrics": classification_metrics(test[LABEL], predictions),
            "confusion": confusion(test[LABEL], predictions).to_numpy().tolist(),
            "importances": {"feature_importance_top10": top10, "feature_importance_by_feature": by_feature,
                            "feature_importance_method": method}}


def train_model(*, version: str, dataset_csv: str | Path, n_estimators: int, test_size: float,
                random_state: int, model_path: str | Path, metadata_path: str | Path,
                split_path: str | Path, run_id: str | None = None, model: str = "auto") -> dict[str, Any]:
    """Train ``version`` on ``dataset_csv``; write split, model and metadata; return the metadata.

    ``model`` is the family (``rf``, ``hgb`` or ``auto``, see :mod:`future_skills.model.families`).
    The dataset is read from its typed Parquet copy when the export step left one that matches.
    """
    validate_version(version)
    check_hyperparameters(n_estimators, test_size, random_state)
    check_family(model)
    dataset_csv, model_path = Path(dataset_csv), Path(model_path)
    metadata_path, split_path = Path(metadata_path), Path(split_path)
    frame = read_snapshot(dataset_csv)
    fitted = _fit_and_score(frame, model, int(n_estimators), float(test_size), int(random_state))
    written: list[Path] = []
    try:
        write_split(fitted["train"], fitted["test"], split_path)
        written.append(split_path)
        sha256 = save_model(fitted["pipeline"], model_path)
        written.append(model_path)
        metadata = {
            "model_version": version,
            "training_date": datetime.now().isoformat(timespec="seconds"),
            "training_duration_seconds": round(fitted["duration"], 3),
            "dataset": _dataset_block(frame, dataset_csv, split_path, fitted["train"], fitted["test"]),
            "hyperparameters": families.hyperparameters(fitted["pipeline"], fitted["choice"], test_size),
            "metrics": fitted["metrics"],
            "confusion_matrix": {"labels": list(LEVELS), "rows_are": "HR label", "matrix": fitted["confusion"]},
            **fitted["importances"],
            "model_path": relative_to_root(model_path),
            "model_sha256": sha256,
            "model_size_bytes": model_path.stat().st_size,
            "run_id": run_id,
            "git_commit": git_commit(),
            "environment": environment_info(),
            "reports": report_paths(version),
        }
        atomic_write_json(metadata_path, metadata)
    except BaseException:  # atomic writes clean their own temp files; remove the finished ones
        for path in written:
            Path(path).unlink(missing_ok=True)
        raise
    return metadata


def confusion_from_metadata(metadata: dict[str, Any]) -> pd.DataFrame:
    """The test-row confusion matrix recorded in the metadata (rows = HR label, columns = predicted)."""
    recorded = metadata["confusion_matrix"]
    frame = pd.DataFrame(recorded["matrix"], index=recorded["labels"], columns=recorded["labels"])
    frame.index.name, frame.columns.name = "HR label", "Predicted"
    return frame
