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

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from future_skills.exceptions import MonitoringLogError
from future_skills.monitoring.log_format import FLAT_SCHEMA, LOG_COLUMNS, TEXT_FIELDS

ROW_GROUP_ROWS = 131_072  # rows per Parquet row group: the unit the time window can skip
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
    pq.write_table(table.replace_schema_metadata(metadata), temporary, row_group_size=ROW_GROUP_ROWS)
    os.replace(temporary, target)
    return target


def segment_counts(path: Path) -> tuple[int, int]:
    """(total_lines, malformed_lines) of the JSONL file a segment replaced."""
    metadata = pq.read_schema(path).metadata or {}
    return int(metadata.get(_COUNTS[0], b"0")), int(metadata.get(_COUNTS[1], b"0"))


def segment_source(path: Path) -> str:
    """The sha256 of the JSONL file a segment replaced ("" when unknown)."""
    return (pq.read_schema(path).metadata or {}).get(_SOURCE, b"").decode()


def read_segments(files: list[Path], lower: datetime | None, upper: datetime | None) -> tuple[pa.Table, int, int]:
    """(rows with ``lower <= timestamp <= upper``, total lines, malformed lines) of the segments."""
    filters = [("timestamp", op, pd.Timestamp(bound)) for op, bound in ((">=", lower), ("<=", upper))
               if bound is not None]
    tables, total, malformed = [], 0, 0
    for path in files:
        try:
            tables.append(pq.read_table(path, filters=filters or None, schema=FLAT_SCHEMA))
            lines, bad = segment_counts(path)
        except (OSError, pa.ArrowException) as exc:
            raise MonitoringLogError(f"Cannot read the compacted log segment {path} ({exc}); restore or delete it "
                                     "(it holds predictions that are no longer in JSONL).") from exc
        total, malformed = total + lines, malformed + bad
    table = pa.concat_tables(tables) if tables else FLAT_SCHEMA.empty_table()
    return table, total, malformed
