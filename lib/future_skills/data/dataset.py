"""Dataset snapshots: read a dataset CSV, write a run's validated snapshot, describe it.

A run's snapshot (``runs/<version>/dataset.csv``) is immutable once written; beside it,
``dataset.json`` records its sha256, row count, period, class mix and where it came from.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from future_skills.atomic import atomic_write_bytes, atomic_write_json, atomic_write_with, file_sha256
from future_skills.data.validation import CheckResult, validate_dataset
from future_skills.exceptions import DatasetValidationError
from future_skills.paths import get_paths, relative_to_root
from future_skills.schema import LABEL, LEVELS, NUMERIC_FEATURES


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


def snapshot_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The snapshot CSV (header row, comma-separated UTF-8), written by Arrow: ~7x faster than pandas at 1M rows."""
    import pyarrow as pa
    from pyarrow import csv

    sink = pa.BufferOutputStream()
    csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue().to_pybytes()


def parquet_copy(csv_path: Path | str) -> Path:
    """Where the typed Parquet copy of a snapshot CSV lives: beside it, same name."""
    return Path(csv_path).with_suffix(".parquet")


def write_snapshot(frame: pd.DataFrame, path: Path | str, source: str = "") -> dict[str, Any]:
    """Write the snapshot CSV once, its typed Parquet copy and its ``dataset.json`` sidecar; return the sidecar.

    The Parquet copy lets later steps take the validated rows without parsing the CSV again
    (:func:`read_snapshot`); the CSV stays the audit record.
    """
    target = Path(path)
    data = snapshot_csv_bytes(frame)
    atomic_write_bytes(target, data)
    parquet = parquet_copy(target)
    atomic_write_with(parquet, lambda handle: frame.to_parquet(handle, index=False))
    info = {"csv_path": relative_to_root(target), "sha256": hashlib.sha256(data).hexdigest(), "source": source,
            "exported_at": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            "parquet_path": relative_to_root(parquet), "parquet_sha256": file_sha256(parquet),
            **describe_snapshot(frame)}
    atomic_write_json(target.with_suffix(".json"), info)
    return info


def read_snapshot(path: Path | str) -> pd.DataFrame:
    """A dataset CSV's rows: from its Parquet copy when the sidecar vouches for both files, else parsed and validated.

    The copy is used only when the CSV and the Parquet file both still have the sha256 recorded
    at export (the rows were validated then); anything else reads the CSV with
    :func:`read_dataset_csv`, which validates every row.
    """
    source = Path(path)
    sidecar, parquet = source.with_suffix(".json"), parquet_copy(source)
    try:
        info = json.loads(sidecar.read_text(encoding="utf-8"))
        vouched = (parquet.is_file() and source.is_file() and info.get("parquet_sha256") == file_sha256(parquet)
                   and info.get("sha256") == file_sha256(source))
    except (OSError, ValueError, AttributeError):
        vouched = False
    if not vouched:
        return read_dataset_csv(source)
    return pd.read_parquet(parquet)


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


def numeric_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Min, mean, max and missing share of each numeric feature, for the export report."""
    numbers = frame[list(NUMERIC_FEATURES)].astype(float)
    return pd.DataFrame({"min": numbers.min(), "mean": numbers.mean(), "median": numbers.median(),
                         "max": numbers.max()}).round(2)


def snapshot_sentence(snapshot: dict[str, Any]) -> str:
    """One plain sentence: how many rows, from where, over which period."""
    period = snapshot.get("period") or {}
    return (f"**{snapshot['total_samples']:,} rows** ({snapshot['job_roles']} job roles × {snapshot['skills']} skills, "
            f"{snapshot['snapshot_dates']} snapshot dates from {period.get('start')} to {period.get('end')}) "
            f"were read from the {snapshot['source']} and all passed validation.")


def levels_by_date(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows per quarter of snapshot date and need level (quarters keep the table short)."""
    quarters = pd.PeriodIndex(pd.to_datetime(frame["snapshot_date"]), freq="Q").astype(str)
    table = pd.crosstab(quarters, frame[LABEL]).reindex(columns=list(LEVELS), fill_value=0)
    table["Total"] = table.sum(axis=1)
    table.index.name, table.columns.name = "Quarter", None
    return table


def snapshot_table(snapshot: dict[str, Any]) -> pd.DataFrame:
    """The snapshot's file, fingerprint, source and export time."""
    return pd.DataFrame({"Value": {"File": snapshot["csv_path"], "sha256": snapshot["sha256"],
                                   "Source": snapshot["source"], "Exported at": snapshot["exported_at"]}})
