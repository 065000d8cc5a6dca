"""Dataset snapshots: read a dataset CSV, write a run's validated snapshot, describe it.

A run's snapshot (``runs/<version>/dataset.csv``) is immutable once written; beside it,
``dataset.json`` records its sha256, row count, period, class mix and where it came from.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from future_skills.atomic import atomic_write_bytes, atomic_write_json, file_sha256
from future_skills.data.validation import CheckResult, validate_dataset
from future_skills.exceptions import DatasetValidationError
from future_skills.paths import get_paths, relative_to_root
from future_skills.schema import LABEL, LEVELS


def read_dataset_csv(path: Path | str, min_classes: int = 2,
                     checks: list[CheckResult] | None = None) -> pd.DataFrame:
    """A dataset CSV, validated; a missing or unreadable file is a DatasetValidationError."""
    source = Path(path)
    if not source.is_file():
        raise DatasetValidationError(f"The dataset CSV {source} does not exist; check the path "
                                     "(or run the export step first).")
    try:
        frame = pd.read_csv(source, dtype={"snapshot_date": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatasetValidationError(f"{source} is not a readable CSV ({reason}); export it again as "
                                     "comma-separated UTF-8 with a header row.") from None
    return validate_dataset(frame, min_classes, on_check=checks.extend if checks is not None else None)


def class_distribution(frame: pd.DataFrame) -> dict[str, int]:
    """Rows per need level, in LOW, MEDIUM, HIGH order."""
    counts = frame[LABEL].astype(str).value_counts()
    return {level: int(counts.get(level, 0)) for level in LEVELS}


def describe_snapshot(frame: pd.DataFrame) -> dict[str, Any]:
    """Rows, period, pairs and class mix of a dataset, for the metadata and the reports."""
    dates = frame["snapshot_date"].astype(str)
    return {
        "total_samples": int(len(frame)),
        "period": {"start": dates.min(), "end": dates.max()} if len(frame) else None,
        "snapshot_dates": int(dates.nunique()),
        "job_roles": int(frame["job_role_id"].nunique()),
        "skills": int(frame["skill_id"].nunique()),
        "class_distribution": class_distribution(frame),
    }


def write_snapshot(frame: pd.DataFrame, path: Path | str, source: str = "") -> dict[str, Any]:
    """Write the snapshot CSV atomically and its ``dataset.json`` sidecar; return the sidecar."""
    target = Path(path)
    atomic_write_bytes(target, frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    info = {"csv_path": relative_to_root(target), "sha256": file_sha256(target), "source": source,
            "exported_at": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            **describe_snapshot(frame)}
    atomic_write_json(target.with_suffix(".json"), info)
    return info


def last_exported_dataset(exclude: Path | None = None) -> Path:
    """The most recently written ``runs/<version>/dataset.csv`` (for --skip-export)."""
    runs = get_paths().runs_dir
    candidates = [p for p in runs.glob("*/dataset.csv") if exclude is None or p.resolve() != exclude.resolve()]
    if not candidates:
        raise DatasetValidationError(f"--skip-export found no earlier dataset under {runs}; run once without "
                                     "--skip-export (or give --dataset-csv).")
    return max(candidates, key=lambda p: p.stat().st_mtime)


def export_snapshot(version: str, db_url: str | None = None, dataset_csv: str | None = None,
                    skip_export: bool = False, output_csv: str | None = None) -> dict[str, Any]:
    """Export (or take) the dataset of a run, validate every row and write its snapshot.

    The source is, in order: ``dataset_csv`` when given, the last exported dataset with
    ``skip_export``, else the HR database (``db_url``, default: the embedded demo database).
    Returns the snapshot's ``dataset.json`` plus the checks that ran and the frame itself.
    """
    from future_skills.data.database import export_dataset, masked_url
    from future_skills.data.demo import ensure_demo_database

    output = Path(output_csv) if output_csv else get_paths().dataset_csv(version)
    checks: list[CheckResult] = []
    if dataset_csv:
        frame = read_dataset_csv(dataset_csv, checks=checks)
        source = f"CSV file {dataset_csv}"
    elif skip_export:
        previous = last_exported_dataset(exclude=output)
        frame = read_dataset_csv(previous, checks=checks)
        source = f"earlier snapshot {relative_to_root(previous)}"
    else:
        url = ensure_demo_database(db_url)
        frame = validate_dataset(export_dataset(url), on_check=checks.extend)
        source = f"HR database {masked_url(url)}"
    info = write_snapshot(frame, output, source)
    return {**info, "checks": checks, "frame": frame}
