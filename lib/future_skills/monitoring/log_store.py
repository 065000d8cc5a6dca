"""Compacted prediction log: rotated JSONL files stored as Parquet segments, read by column.

Segments live beside the log, in ``<log>.parquet/segment-<NNNNNN>.parquet`` (numbered oldest
first), in the flat layout of :data:`log_format.FLAT_SCHEMA` (typed timestamp, dictionary-encoded
texts). Each segment's metadata keeps the ``total_lines`` and ``malformed_lines`` of the JSONL file
it replaced, so a drift report counts the same lines whether a file was compacted or not.
Reading pushes the time window down to the row groups, so old segments cost almost nothing.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pandas.api.types import union_categoricals

from future_skills.exceptions import MonitoringLogError
from future_skills.monitoring.log_format import FLAT_SCHEMA, LOG_COLUMNS, TEXT_FIELDS

ROW_GROUP_ROWS = 131_072  # rows per Parquet row group: the unit the time window can skip
COMPRESSION = "zstd"  # measured smaller and faster to read than snappy on the log's columns
_COUNTS = (b"total_lines", b"malformed_lines")
_SOURCE = b"source_sha256"


def segment_dir(log: Path) -> Path:
    """``<log>.parquet``: the folder of the log's compacted segments."""
    return log.with_name(log.name + ".parquet")


def segments(log: Path) -> list[Path]:
    """The log's Parquet segments, oldest first."""
    folder = segment_dir(log)
    return sorted(folder.glob("segment-*.parquet")) if folder.is_dir() else []


def flat_table(frame: pd.DataFrame) -> pa.Table:
    """A flat log frame (:data:`LOG_COLUMNS`) as an Arrow table of :data:`FLAT_SCHEMA`."""
    table = pa.Table.from_pandas(frame.reindex(columns=list(LOG_COLUMNS)), preserve_index=False)
    columns = []
    for field in FLAT_SCHEMA:
        column = table.column(field.name)
        if field.name in TEXT_FIELDS:
            column = pc.dictionary_encode(column.cast(pa.string())).cast(field.type)
        columns.append(column.cast(field.type))
    return pa.Table.from_arrays(columns, schema=FLAT_SCHEMA)


def write_segment(log: Path, table: pa.Table, total_lines: int, malformed_lines: int,
                  source_sha256: str = "") -> Path:
    """Write the next segment atomically (temporary file, then rename) with its line counts and source digest."""
    folder = segment_dir(log)
    folder.mkdir(parents=True, exist_ok=True)
    existing = segments(log)
    number = int(existing[-1].stem.split("-")[1]) + 1 if existing else 1
    target = folder / f"segment-{number:06d}.parquet"
    metadata = {**(table.schema.metadata or {}), _COUNTS[0]: str(total_lines).encode(),
                _COUNTS[1]: str(malformed_lines).encode(), _SOURCE: source_sha256.encode()}
    temporary = target.with_suffix(".tmp")
    pq.write_table(table.replace_schema_metadata(metadata), temporary, row_group_size=ROW_GROUP_ROWS,
                   compression=COMPRESSION)
    os.replace(temporary, target)
    return target


def segment_counts(path: Path) -> tuple[int, int]:
    """(total_lines, malformed_lines) of the JSONL file a segment replaced."""
    metadata = pq.read_schema(path).metadata or {}
    return int(metadata.get(_COUNTS[0], b"0")), int(metadata.get(_COUNTS[1], b"0"))


def segment_source(path: Path) -> str:
    """The sha256 of the JSONL file a segment replaced ("" when unknown)."""
    return (pq.read_schema(path).metadata or {}).get(_SOURCE, b"").decode()


def _overlapping_groups(parquet: pq.ParquetFile, lower: pd.Timestamp | None,
                        upper: pd.Timestamp | None) -> tuple[list[int], bool]:
    """(row groups whose time range meets [lower, upper], whether some of them also hold rows outside it)."""
    column = parquet.schema_arrow.get_field_index("timestamp")
    kept, partial = [], False
    for index in range(parquet.num_row_groups):
        stats = parquet.metadata.row_group(index).column(column).statistics
        if stats is None or not stats.has_min_max:
            kept.append(index)
            partial = True
            continue
        first, last = pd.Timestamp(stats.min), pd.Timestamp(stats.max)
        if (lower is not None and last < lower) or (upper is not None and first > upper):
            continue
        kept.append(index)
        partial = partial or (lower is not None and first < lower) or (upper is not None and last > upper)
    return kept, partial


def _plan(files: list[Path], low: pd.Timestamp | None,
          high: pd.Timestamp | None) -> tuple[list[tuple[Path, list[int], bool]], int, int, int]:
    """(per segment: file, row groups to read, partial?), rows to allocate, total lines, malformed lines."""
    plan, rows, total, malformed = [], 0, 0, 0
    for path in files:
        try:
            with pq.ParquetFile(path) as parquet:  # metadata only; the file is opened again to read
                groups, partial = _overlapping_groups(parquet, low, high)
                metadata = parquet.schema_arrow.metadata or {}
                rows += sum(parquet.metadata.row_group(g).num_rows for g in groups)
        except (OSError, pa.ArrowException) as exc:
            raise _unreadable(path, exc) from exc
        plan.append((path, groups, partial))
        total += int(metadata.get(_COUNTS[0], b"0"))
        malformed += int(metadata.get(_COUNTS[1], b"0"))
    return plan, rows, total, malformed


def _unreadable(path: Path, exc: Exception) -> MonitoringLogError:
    return MonitoringLogError(f"Cannot read the compacted log segment {path} ({exc}); restore or delete it "
                              "(it holds predictions that are no longer in JSONL).")


def read_segments(files: list[Path], lower: datetime | None, upper: datetime | None,
                  tail: pd.DataFrame | None = None) -> tuple[pd.DataFrame, int, int]:
    """(flat frame of the rows with ``lower <= timestamp <= upper``, then ``tail``; total lines, malformed lines).

    Only the row groups whose time range meets the window are read (min/max statistics), one
    segment at a time, straight into columns allocated once for all rows: the peak memory stays
    close to the frame's own size however many segments there are.
    """
    low, high = (pd.Timestamp(b) if b is not None else None for b in (lower, upper))
    plan, rows, total, malformed = _plan(files, low, high)
    tail_table = flat_table(tail) if tail is not None and len(tail) else None

    def tables() -> Iterator[pa.Table]:
        for path, groups, partial in plan:
            if not groups:
                continue
            try:
                with pq.ParquetFile(path) as parquet:
                    table = parquet.read_row_groups(groups)
            except (OSError, pa.ArrowException) as exc:
                raise _unreadable(path, exc) from exc
            yield table.filter(_inside(table, low, high)) if partial else table
            del table  # one decoded segment alive at a time
        if tail_table is not None:
            yield tail_table

    capacity = rows + (tail_table.num_rows if tail_table is not None else 0)
    return frame_from_tables(tables(), capacity), total, malformed


def frame_from_tables(tables: Iterable[pa.Table], capacity: int) -> pd.DataFrame:
    """One flat log frame from tables of :data:`FLAT_SCHEMA` (at most ``capacity`` rows in all), filled in place."""
    numbers = {f.name: np.empty(capacity, dtype=f.type.to_pandas_dtype()) for f in FLAT_SCHEMA
               if f.name not in TEXT_FIELDS}
    texts: dict[str, list[pd.Categorical]] = {name: [] for name in TEXT_FIELDS}
    filled = 0
    for table in tables:
        if not table.schema.equals(FLAT_SCHEMA):
            table = table.cast(FLAT_SCHEMA)
        for name, array in numbers.items():
            start = filled
            for chunk in table.column(name).chunks:  # chunk by chunk: no temporary copy of the whole column
                array[start:start + len(chunk)] = chunk.to_numpy(zero_copy_only=False)
                start += len(chunk)
        for name, parts in texts.items():
            parts.append(table.column(name).to_pandas().array)
        filled += table.num_rows
        del table  # before the next segment is decoded
        pa.default_memory_pool().release_unused()
    columns: dict[str, Any] = {name: array[:filled] for name, array in numbers.items()}
    for name, parts in texts.items():
        columns[name] = union_categoricals(parts) if parts else pd.Categorical([], categories=pd.Index([], dtype=str))
    return pd.DataFrame({name: columns[name] for name in LOG_COLUMNS}, copy=False)


def _inside(table: pa.Table, lower: pd.Timestamp | None, upper: pd.Timestamp | None) -> pa.ChunkedArray:
    stamps = table.column("timestamp")
    mask = pc.is_valid(stamps)
    if lower is not None:
        mask = pc.and_(mask, pc.greater_equal(stamps, pa.scalar(lower.as_unit("ns").value, pa.timestamp("ns"))))
    if upper is not None:
        mask = pc.and_(mask, pc.less_equal(stamps, pa.scalar(upper.as_unit("ns").value, pa.timestamp("ns"))))
    return mask
