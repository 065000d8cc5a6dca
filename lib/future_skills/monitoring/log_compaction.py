"""Compact the rotated prediction log files (``<log>.N`` … ``<log>.1``) into Parquet segments.

Run by ``future-skills compact-logs`` and before every ``drift``. Under the rotation lock
(``<log>.lock``, :func:`log_writer.rotation_lock`) each rotated file, oldest first, is parsed
exactly as the reader parses it (bad lines skipped and counted), written as the next segment
(:mod:`future_skills.monitoring.log_store`, atomically) and only then deleted; the live log is
left alone (writers append to it). Each segment records the sha256 of the file it replaced: after
a crash between writing a segment and deleting its file, the next compaction finds that digest
and only deletes the file (until then a reader counts those lines twice).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from future_skills.monitoring.log_reader import log_files, parse_log_bytes, read_bytes
from future_skills.monitoring.log_store import flat_table, segment_counts, segment_source, segments, write_segment
from future_skills.monitoring.log_writer import rotation_lock
from future_skills.settings import load_settings


@dataclass
class CompactionResult:
    """What one compaction did: files compacted, segments written, lines moved, bytes saved."""

    files: list[Path] = field(default_factory=list)
    segments: list[Path] = field(default_factory=list)
    lines: int = 0
    malformed_lines: int = 0
    jsonl_bytes: int = 0
    parquet_bytes: int = 0

    def sentence(self) -> str:
        """One line for the console."""
        if not self.files:
            return "No rotated log file to compact."
        return (f"Compacted {len(self.files)} rotated log file(s), {self.lines} lines ({self.malformed_lines} "
                f"malformed skipped), {self.jsonl_bytes / 1e6:.1f} MB of JSONL into {self.parquet_bytes / 1e6:.1f} MB "
                f"of Parquet in {self.segments[0].parent}.")


def compact_logs(log_path: Path | str | None = None) -> CompactionResult:
    """Compact every rotated file of the log into Parquet segments (see the module docstring)."""
    log = Path(log_path) if log_path is not None else load_settings().monitoring_log
    result = CompactionResult()
    if not log.parent.exists():
        return result
    with rotation_lock(log):
        rotated = [f for f in log_files(log) if f != log]
        done = {segment_source(path): path for path in segments(log)} if rotated else {}
        for file in rotated:  # oldest first, so segment numbers follow time
            data = read_bytes([file])
            digest = hashlib.sha256(data).hexdigest()
            segment = done.get(digest)
            if segment is None:
                frame, malformed, total = parse_log_bytes(data)
                segment = write_segment(log, flat_table(frame), total, malformed, source_sha256=digest)
            else:
                total, malformed = segment_counts(segment)
            file.unlink()
            result.files.append(file)
            result.segments.append(segment)
            result.lines += total
            result.malformed_lines += malformed
            result.jsonl_bytes += len(data)
            result.parquet_bytes += segment.stat().st_size
    return result
