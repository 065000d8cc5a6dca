"""Read the prediction log (its compacted Parquet segments, rotated files and live file) into a flat DataFrame.

Compacted segments (:mod:`future_skills.monitoring.log_store`) are read by column with the time
window pushed down; the JSONL files as follows, fast, skipping bad lines.

Fast path: the files' bytes are concatenated (oldest first: ``.5`` … ``.1``, then the log)
and parsed at once by ``pyarrow.json.read_json`` with an explicit schema; rows missing a
required field come back with nulls and are dropped and counted. If pyarrow refuses the
data (a torn, empty, non-JSON or mistyped line), the slow path skips the lines that cannot
be objects (not ``{…}``), parses the rest in chunks of 5,000 lines and, only for a chunk
pyarrow still refuses, checks each line with ``json.loads`` (object, required fields, types).
Every skipped line is counted in ``malformed_lines``; the reader never raises on a bad line.

The line format and the flat columns are defined in :mod:`future_skills.monitoring.log_format`;
individual missing values become NaN.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from future_skills.exceptions import FutureSkillsError, MonitoringLogError
from future_skills.monitoring.log_format import LINE_SCHEMA, LOG_COLUMNS, REQUIRED_FIELDS, TEXT_FIELDS, flat_name
from future_skills.monitoring.log_store import read_segments, segments
from future_skills.schema import ID_COLUMNS
from future_skills.settings import load_settings

_WINDOW = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_PARSE_OPTIONS = pa_json.ParseOptions(explicit_schema=LINE_SCHEMA, unexpected_field_behavior="ignore")
_CHUNK_LINES = 5000  # slow path: lines parsed together; a refused chunk is checked line by line


@dataclass
class LogReadResult:
    """The good lines in the window (``frame``), how many lines were malformed, which files were read."""

    frame: pd.DataFrame
    malformed_lines: int = 0
    files: list[Path] = field(default_factory=list)
    total_lines: int = 0


def parse_window(text: str | None) -> timedelta | None:
    """``"30d"``, ``"12w"``, ``"24h"`` → a timedelta; ``"all"`` (or None) → None (no limit)."""
    if text is None or str(text).strip().lower() == "all":
        return None
    match = _WINDOW.match(str(text))
    if not match or int(match.group(1)) <= 0:
        raise FutureSkillsError(
            f"Invalid window {text!r}: use a positive number followed by h, d or w (24h, 30d, 12w) or 'all'."
        )
    return timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


def log_files(path: Path) -> list[Path]:
    """The log and its rotated files that exist, oldest first (``.N`` … ``.1``, then the log)."""
    rotated = []
    for candidate in path.parent.glob(f"{path.name}.*"):
        suffix = candidate.name[len(path.name) + 1:]
        if suffix.isdigit():
            rotated.append((int(suffix), candidate))
    ordered = [p for _, p in sorted(rotated, reverse=True)]
    return ordered + ([path] if path.exists() else [])


def read_bytes(files: list[Path]) -> bytes:
    """All files' bytes, each ending with a newline (a torn last line stays one bad line)."""
    chunks = []
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise MonitoringLogError(f"Cannot read the prediction log {file} ({exc}); check its permissions.") from exc
        if data and not data.endswith(b"\n"):
            data += b"\n"
        chunks.append(data)
    return b"".join(chunks)


def _arrow_table(data: bytes) -> pa.Table:
    """Parse JSON lines with the explicit schema (unknown keys ignored)."""
    return pa_json.read_json(io.BytesIO(data), parse_options=_PARSE_OPTIONS)


def _complete_rows(table: pa.Table) -> tuple[pa.Table, int]:
    """Drop rows that lack a required field (pyarrow fills those with nulls); returns (table, dropped)."""
    if not any(table.column(name).null_count for name in REQUIRED_FIELDS):
        return table, 0
    keep = pc.and_(*[pc.is_valid(table.column(name)) for name in REQUIRED_FIELDS[:2]])
    for name in REQUIRED_FIELDS[2:]:
        keep = pc.and_(keep, pc.is_valid(table.column(name)))
    kept = table.filter(keep)
    return kept, table.num_rows - kept.num_rows


def _to_frame(table: pa.Table) -> pd.DataFrame:
    """Flatten ``features.*`` to the feature names and ``probabilities.*`` to ``prob_<LEVEL>``."""
    table = table.flatten()
    return table.rename_columns([flat_name(name) for name in table.column_names]).to_pandas()


def _valid_number(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _good_line(line: bytes) -> bool:
    """Whether a line is a JSON object with every required field, of parseable types."""
    try:
        obj = json.loads(line)
    except ValueError:
        return False
    if not isinstance(obj, dict) or any(obj.get(key) is None for key in REQUIRED_FIELDS):
        return False
    features, probabilities = obj["features"], obj.get("probabilities")
    if not isinstance(features, dict) or not isinstance(obj["timestamp"], str):
        return False
    if probabilities is not None and not isinstance(probabilities, dict):
        return False
    ids_ok = all(isinstance(obj[k], int) and not isinstance(obj[k], bool) and abs(obj[k]) < 2**63
                 for k in ID_COLUMNS)
    strings_ok = all(isinstance(obj.get(k), (str, type(None))) for k in TEXT_FIELDS)
    numbers = [obj.get("score"), *features.values(), *(probabilities or {}).values()]
    return ids_ok and strings_ok and all(_valid_number(v) for v in numbers)


def _parse_chunk(lines: list[bytes]) -> tuple[pa.Table | None, int]:
    """One chunk of object-looking lines; if pyarrow refuses it, check its lines one by one."""
    try:
        table = _arrow_table(b"\n".join(lines) + b"\n")
        if table.num_rows == len(lines):
            return table, 0
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass
    good = [line for line in lines if _good_line(line)]
    if not good:
        return None, len(lines)
    try:
        return _arrow_table(b"\n".join(good) + b"\n"), len(lines) - len(good)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):  # e.g. 1e999: line by line
        return _parse_chunk_lines(good, len(lines))


def _parse_chunk_lines(lines: list[bytes], total: int) -> tuple[pa.Table | None, int]:
    """Last resort for a chunk: parse each line alone, keep those pyarrow accepts."""
    tables = []
    for line in lines:
        try:
            tables.append(_arrow_table(line + b"\n"))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            continue
    return (pa.concat_tables(tables) if tables else None), total - len(tables)


def _slow_table(data: bytes) -> tuple[pa.Table | None, int]:
    """Skip lines that cannot be objects (torn, empty, not JSON), parse the rest in chunks.

    Returns the parsed table and the number of lines skipped so far.
    """
    lines = data.split(b"\n")[:-1]
    candidates = [line for line in lines if line.startswith(b"{") and line.rstrip().endswith(b"}")]
    bad = len(lines) - len(candidates)
    tables = []
    for start in range(0, len(candidates), _CHUNK_LINES):
        table, skipped = _parse_chunk(candidates[start:start + _CHUNK_LINES])
        bad += skipped
        if table is not None:
            tables.append(table)
    return (pa.concat_tables(tables) if tables else None), bad


def _parse_timestamps(values: pd.Series) -> pd.Series:
    """ISO 8601 strings → naive datetimes (aware ones converted to UTC); unparseable → NaT."""
    try:
        parsed = pd.to_datetime(values, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):  # naive and aware timestamps mixed
        parsed = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed.astype("datetime64[ns]")


def empty_log_frame() -> pd.DataFrame:
    """A frame with the log columns and no rows."""
    frame = pd.DataFrame({name: pd.Series(dtype="float64") for name in LOG_COLUMNS})
    frame["timestamp"] = pd.Series(dtype="datetime64[ns]")
    for name in ID_COLUMNS:
        frame[name] = pd.Series(dtype="int64")
    for name in TEXT_FIELDS:
        frame[name] = pd.Series(dtype="object")
    return frame


def parse_log_bytes(data: bytes) -> tuple[pd.DataFrame, int, int]:
    """(frame of good lines, malformed count, total line count) of the concatenated log bytes."""
    lines_total = data.count(b"\n")
    if not lines_total:
        return empty_log_frame(), 0, 0
    table, bad = None, 0
    try:
        table = _arrow_table(data)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass
    if table is None or table.num_rows != lines_total:
        table, bad = _slow_table(data)
    if table is None:
        return empty_log_frame(), lines_total, lines_total
    table, incomplete = _complete_rows(table)
    frame = _to_frame(table).reindex(columns=list(LOG_COLUMNS))
    frame["timestamp"] = _parse_timestamps(frame["timestamp"])
    # Unusable lines are skipped and counted: no timestamp, or a number JSON allows but no statistic can use
    # (1e999 reads as infinity).
    unusable = frame["timestamp"].isna() | np.isinf(frame.select_dtypes("number")).any(axis=1)
    bad += incomplete + int(unusable.sum())
    if unusable.any():
        frame = frame.loc[~unusable]
    return frame.reset_index(drop=True), bad, lines_total


def _as_datetime(value: str | date | datetime | None, name: str, end_of_day: bool = False) -> datetime | None:
    """A since/until bound; a date-only ``until`` means the end of that day."""
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise FutureSkillsError(f"Invalid {name} {value!r}: give an ISO date such as 2025-11-01.") from exc
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(None)
    date_only = isinstance(value, date) and not isinstance(value, datetime) or (
        isinstance(value, str) and len(value.strip()) <= 10)
    if end_of_day and date_only:
        stamp = stamp + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return stamp.to_pydatetime()


def window_bounds(window: str | None = "30d", since=None, until=None,
                  now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """(lower, upper) time bounds: ``since``/``until``; without ``since``, the window before ``until`` (or now)."""
    span = parse_window(window)
    lower = _as_datetime(since, "since")
    upper = _as_datetime(until, "until", end_of_day=True)
    if lower is None and span is not None:
        lower = (upper or now or datetime.now()) - span
    return lower, upper


def filter_window(frame: pd.DataFrame, *, window: str | None = "30d", since=None, until=None,
                  now: datetime | None = None) -> pd.DataFrame:
    """Rows with ``since <= timestamp <= until``; without ``since``, the window before ``until`` (or now).

    When every row is inside, the frame itself is returned (no copy: logs can hold millions of rows).
    """
    lower, upper = window_bounds(window, since, until, now)
    mask = np.ones(len(frame), dtype=bool)
    if lower is not None:
        mask &= (frame["timestamp"] >= pd.Timestamp(lower)).to_numpy()
    if upper is not None:
        mask &= (frame["timestamp"] <= pd.Timestamp(upper)).to_numpy()
    if mask.all():
        return frame if isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 else \
            frame.reset_index(drop=True)
    return frame.loc[mask].reset_index(drop=True)


def read_prediction_log(path: Path | str | None = None, *, window: str | None = "30d", since=None,
                        until=None, now: datetime | None = None) -> LogReadResult:
    """Read the prediction log: its Parquet segments (compacted), rotated files and the live file.

    See the module docstring; a missing log is not an error: the frame is empty and nothing is malformed.
    With segments, the text columns come back as categoricals (dictionary-encoded in Parquet).
    """
    lower, upper = window_bounds(window, since, until, now)  # a bad window fails before any reading
    log = Path(path) if path is not None else load_settings().monitoring_log
    files, stored = log_files(log), segments(log)
    frame, bad, total = parse_log_bytes(read_bytes(files))
    frame = filter_window(frame, window=window, since=since, until=until, now=now)
    if stored:
        frame, stored_total, stored_bad = read_segments(stored, lower, upper, tail=frame)
        bad, total = bad + stored_bad, total + stored_total
    return LogReadResult(frame=frame, malformed_lines=bad, files=stored + files, total_lines=total)
