"""The prediction log: one JSON line per prediction, appended safely by many processes.

The line format (IDs only, never names) is defined in :mod:`future_skills.monitoring.log_format`.

Concurrency: a batch is written with ONE ``os.write`` (looping only on partial writes) on a
file opened with ``O_APPEND`` while holding ``fcntl.flock`` on it, so lines of concurrent
processes never interleave or tear.

Rotation: before appending, when the log is not empty and ``size + batch > max_bytes``
(``FUTURE_SKILLS_MONITORING_MAX_BYTES``, default 50 MB), the files are shifted
``.4 → .5``, …, ``.1 → .2``, ``log → .1`` under the separate lock file ``<log>.lock``.
At most :data:`ROTATED_FILES_KEPT` (5) rotated files are kept in the shift; the oldest leaves it,
and is deleted only when older than :data:`RETENTION_DAYS` (six months, the EU AI Act minimum for
a deployer's logs); a younger one is archived as ``<log>.archived-<time>`` and never deleted.
A writer that opened the log just before a rotation notices (the inode changed) and retries.

Failures to log never fail a prediction: they are reported ONCE per process and reason
with :func:`warnings.warn` (category :class:`MonitoringWarning`, shown on stderr).
"""
from __future__ import annotations

import json
import math
import os
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from future_skills.monitoring.log_format import to_log_record
from future_skills.schema import LEVELS, NUMERIC_FEATURES, PROBABILITY_COLUMNS
from future_skills.settings import load_settings

try:  # pragma: no cover - fcntl exists on every POSIX system
    import fcntl
except ImportError:  # pragma: no cover - Windows: appends stay atomic per write, no locking
    fcntl = None  # type: ignore[assignment]

ROTATED_FILES_KEPT = 5
RETENTION_DAYS = 183  # prediction logs are kept at least six months
_MAX_ATTEMPTS = 10
_REPORTED: set[str] = set()


class MonitoringWarning(UserWarning):
    """The prediction log could not be written; predictions still succeed."""


def format_lines(records: Iterable[dict[str, Any]]) -> bytes:
    """The batch as newline-terminated JSON lines (UTF-8)."""
    return "".join(json.dumps(to_log_record(r)) + "\n" for r in records).encode("utf-8")


# Every field is pre-encoded JSON text (see _number_texts, _json_texts), substituted with %s.
_LINE = ('{"timestamp": %s, "job_role_id": %s, "skill_id": %s, "predicted_level": %s, "score": %s, '
         '"engine": %s, "model_version": %s, "features": {'
         + ", ".join(f'"{name}": %s' for name in NUMERIC_FEATURES)
         + '}, "probabilities": {' + ", ".join(f'"{level}": %s' for level in LEVELS) + "}}\n")


def _distinct_texts(values: np.ndarray, render: Any) -> list[str]:
    """``render`` applied to each distinct value of ``values`` once, spread back to every row.

    Values are told apart by their bits (a float64 or int64 viewed as int64), so -0.0 and 0.0
    stay distinct; a batch of 100k predictions has a few thousand distinct values per column.
    """
    uniques, inverse = np.unique(values.view(np.int64), return_inverse=True)
    texts = np.array([render(value) for value in uniques.view(values.dtype).tolist()], dtype=object)
    return texts[inverse].tolist()


def _number_texts(values: Any) -> list[str]:
    """Floats as ``json.dumps`` writes them (their repr), missing or non-finite ones as ``null``."""
    array = np.ascontiguousarray(values, dtype=np.float64)
    return _distinct_texts(array, lambda value: repr(value) if math.isfinite(value) else "null")


def _integer_texts(values: Any) -> list[str]:
    return _distinct_texts(np.ascontiguousarray(values, dtype=np.int64), str)


def _json_texts(values: Iterable[Any]) -> list[str]:
    """Each value as a JSON string (``null`` for None), encoding each distinct value once."""
    cache: dict[Any, str] = {}
    return [cache[v] if v in cache else cache.setdefault(v, "null" if v is None else json.dumps(str(v)))
            for v in values]


def format_columns(columns: dict[str, Any]) -> bytes:
    """The same lines as :func:`format_lines`, from columns (one sequence per flat key), ~20x faster on big batches.

    ``columns`` holds ``timestamp``, the IDs, ``predicted_level``, ``score``, ``engine``,
    ``model_version``, the numeric features and ``prob_<LEVEL>``. Each distinct value of a column
    is encoded once; one ``%`` per line puts the texts in place.
    """
    parts = [_json_texts(columns["timestamp"]),
             _integer_texts(columns["job_role_id"]), _integer_texts(columns["skill_id"]),
             _json_texts(columns["predicted_level"]), _number_texts(columns["score"]),
             _json_texts(columns["engine"]), _json_texts(columns["model_version"]),
             *(_number_texts(columns[name]) for name in NUMERIC_FEATURES),
             *(_number_texts(columns[name]) for name in PROBABILITY_COLUMNS)]
    return "".join([_LINE % row for row in zip(*parts)]).encode("utf-8")


def rotated_path(log_path: Path, number: int) -> Path:
    """``<log>.<number>``: rotated files, 1 the newest."""
    return log_path.with_name(f"{log_path.name}.{number}")


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


def _write_all(fd: int, data: bytes) -> None:
    """One write of the whole batch; loops only if the kernel accepted part of it."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``fd`` is still the file named ``path`` (not rotated away meanwhile)."""
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_ino, opened.st_dev) == (current.st_ino, current.st_dev)


def retire_oldest(path: Path, now: float | None = None) -> Path | None:
    """Delete ``path`` if older than the retention period, else archive it; returns the archive."""
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        return None
    if (now if now is not None else time.time()) - modified > RETENTION_DAYS * 86400:
        path.unlink(missing_ok=True)
        return None
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(modified))
    base = path.name.rsplit(".", 1)[0]
    number = 1
    while (archive := path.with_name(f"{base}.archived-{stamp}-{number}")).exists():  # under the rotation lock
        number += 1
    os.replace(path, archive)
    return archive


@contextmanager
def rotation_lock(log_path: Path) -> Iterator[None]:
    """Hold ``<log>.lock``: no rotation (and no compaction) happens meanwhile."""
    lock_fd = os.open(log_path.with_name(log_path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock(lock_fd)
        yield
    finally:
        os.close(lock_fd)


def rotate_if_needed(log_path: Path, incoming: int, max_bytes: int) -> bool:
    """Shift the log files when ``size + incoming > max_bytes``; returns whether it rotated.

    Runs under ``<log>.lock`` and, while renaming, holds the log's own lock so no write
    is in flight; the size is checked again under the locks (another process may have
    rotated already).
    """
    with rotation_lock(log_path):
        try:
            log_fd = os.open(log_path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            _lock(log_fd)
            size = os.fstat(log_fd).st_size
            if size == 0 or size + incoming <= max_bytes:
                return False
            retire_oldest(rotated_path(log_path, ROTATED_FILES_KEPT))
            for number in range(ROTATED_FILES_KEPT - 1, 0, -1):
                source = rotated_path(log_path, number)
                if source.exists():
                    os.replace(source, rotated_path(log_path, number + 1))
            os.replace(log_path, rotated_path(log_path, 1))
            return True
        finally:
            os.close(log_fd)


def _append_locked(log_path: Path, data: bytes, max_bytes: int | None) -> None:
    """Append ``data`` with one locked write, rotating first when the batch would overflow."""
    for _ in range(_MAX_ATTEMPTS):
        fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            _lock(fd)
            if not _same_file(fd, log_path):
                continue  # rotated between open and lock: write to the new file
            size = os.fstat(fd).st_size
            if not (max_bytes and size > 0 and size + len(data) > max_bytes):
                _write_all(fd, data)
                return
        finally:
            os.close(fd)  # closing releases the flock
        rotate_if_needed(log_path, len(data), max_bytes)
    raise OSError(f"the log {log_path} kept changing under concurrent rotation")


def report_once(reason: str) -> None:
    """Warn about a logging failure once per process and reason."""
    if reason not in _REPORTED:
        _REPORTED.add(reason)
        warnings.warn(f"Prediction log not written: {reason}. Predictions are unaffected.",
                      MonitoringWarning, stacklevel=3)


def append_predictions(records: list[dict[str, Any]], log_path: Path | str | None = None,
                       max_bytes: int | None = None, *, enabled: bool | None = None) -> int:
    """Append one log line per prediction; returns the number of lines written (0 when off or failed).

    ``enabled=None`` follows ``FUTURE_SKILLS_ENABLE_MONITORING``; ``log_path`` and
    ``max_bytes`` default to the settings. Never raises for I/O or bad records.
    """
    if not records:
        return 0
    return append_formatted(lambda: format_lines(records), len(records), log_path, max_bytes, enabled=enabled)


def append_formatted(format_batch: Any, count: int, log_path: Path | str | None = None,
                     max_bytes: int | None = None, *, enabled: bool | None = None) -> int:
    """Append the lines ``format_batch()`` returns (``count`` of them) like :func:`append_predictions` does."""
    settings = load_settings()
    if not count or not (settings.enable_monitoring if enabled is None else enabled):
        return 0
    path = Path(log_path) if log_path is not None else settings.monitoring_log
    limit = settings.log_max_bytes if max_bytes is None else max_bytes
    try:
        data = format_batch()
        path.parent.mkdir(parents=True, exist_ok=True)
        _append_locked(path, data, limit)
    except (OSError, TypeError, ValueError, KeyError) as exc:
        report_once(f"{type(exc).__name__}: {exc}")
        return 0
    return count
