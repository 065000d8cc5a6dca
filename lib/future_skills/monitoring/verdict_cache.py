"""The last drift verdict, reused while nothing it depends on has changed (``drift --no-report`` polled by a scheduler).

A drift analysis is a pure function of its inputs, so an unchanged log answers with the last
report instead of recomputing it (a computed verdict costs ~1.1 s as a command on a small log: pandas,
the log and exact KS p-values; a reused one ~0.5 s). The report is reused only when all of these are
the same as when it was computed, else it is computed again and stored:

* the arguments (project root, reference version, window, log path) and every
  ``FUTURE_SKILLS_*`` environment variable;
* every log file and Parquet segment (path, size, modification time in ns, inode), every file
  of ``models/`` (registry, audit log, suspension flag, models) and the reference model's
  dataset snapshot and split (same signature); the model file still matches its sha256 (checked
  as a run checks it). The cached test predictions are not part of it: they are a function of these;
* the HR database, when it is a plain SQLite file (the file and its ``-wal`` journal, with their
  headers, which every commit changes); any other database (PostgreSQL...) can change unseen, so
  its verdicts are never reused;
* the config (:func:`thresholds.load_config`), the registered drift statistics, the code of
  ``future_skills`` (size and time of each module) and the numpy, pandas, pyarrow and scipy versions;
* the rows in the window: the window's lower bound has not moved back, nor past the oldest
  row that was in it (a row leaving the window changes the result).

A report is stored only when this digest is the same after the analysis as before it, so that
nothing written meanwhile (a prediction logged, the demo database built) is missed.

Only a digest of these is stored (``runs/monitoring/.cache/verdict.json``), never a URL.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
from pathlib import Path
from typing import Any

from future_skills.atomic import atomic_write_json
from future_skills.data.database import plain_sqlite_file
from future_skills.data.dataset import parquet_copy, snapshot_sidecar
from future_skills.exceptions import FutureSkillsError
from future_skills.model.store import verify_model_file
from future_skills.monitoring.inputs import reference_dataset_path
from future_skills.monitoring.log_reader import log_files
from future_skills.monitoring.log_store import segments
from future_skills.monitoring.statistics import registered
from future_skills.paths import ProjectPaths
from future_skills.registry.reader import RegistryReader
from future_skills.settings import load_settings
from future_skills.thresholds import load_config

FORMAT = 1
LIBRARIES = ("numpy", "pandas", "pyarrow", "scipy")
PACKAGE = Path(__file__).resolve().parents[1]


def cache_file(paths: ProjectPaths) -> Path:
    """Where the last verdict is kept."""
    return paths.runs_dir / "monitoring" / ".cache" / "verdict.json"


def _signature(path: Path) -> list[Any]:
    """(path, size, modification time in ns, inode) of a file, or (path, None) when it is absent."""
    try:
        stat = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino]


def _database_signature(database: Path) -> list[Any]:
    """The SQLite file and its ``-wal`` journal, with their headers: a commit changes the file change counter
    (or the WAL's size or salts) even when it lands within the same clock tick as the last one (same mtime)."""
    parts = []
    for path, header in ((database, 100), (Path(f"{database}-wal"), 32)):
        try:
            with open(path, "rb") as handle:
                head = handle.read(header).hex()
        except OSError:
            head = None
        parts.append([*_signature(path), head])
    return parts


def _folder_signature(folder: Path, pattern: str = "*") -> list[list[Any]]:
    return [_signature(path) for path in sorted(folder.glob(pattern)) if path.is_file()] if folder.is_dir() else []


def _code_signature() -> list[Any]:
    modules = _folder_signature(PACKAGE, "**/*.py")
    # the modules' own versions: already imported (scipy: only its light package), unlike metadata (4 ms each)
    versions = {name: importlib.import_module(name).__version__ for name in LIBRARIES}
    return [modules, versions,
            [(s.name, s.compute.__module__, s.compute.__qualname__, s.kind) for s in registered()]]


def _reference_signature(reference_version: str | None, paths: ProjectPaths, verify: bool) -> list[Any] | None:
    """The registry folder and the reference model's files; None when the model no longer matches its sha256
    (checked when ``verify``)."""
    entry = RegistryReader(paths).resolve(reference_version)
    if entry is None:
        return [_folder_signature(paths.models_dir)]
    try:
        if verify:
            verify_model_file(paths.registered_model_file(entry), entry.model_sha256)
    except FutureSkillsError:
        return None  # recomputed: the run says why the model cannot be used
    dataset = reference_dataset_path(entry.version, entry, paths)
    files = [dataset, parquet_copy(dataset), snapshot_sidecar(dataset), paths.split_csv(entry.version),
             paths.registered_model_file(entry)]
    return [_folder_signature(paths.models_dir), [_signature(f) for f in files]]


def verdict_key(*, reference_version: str | None, log_path: str | Path | None, window: str, db_url: str | None,
                paths: ProjectPaths, verify_model: bool = True) -> str | None:
    """The digest of everything a verdict depends on but the window's rows (module docstring); None when it
    cannot be known without reading (a database other than a SQLite file, a model failing its sha256).
    ``verify_model=False`` skips the sha256 (the same digest again, once the model has been checked)."""
    database = plain_sqlite_file(db_url or load_settings().db_url)  # the embedded demo database is one too
    reference = _reference_signature(reference_version, paths, verify_model)
    if database is None or reference is None:
        return None
    log = Path(log_path) if log_path is not None else load_settings().monitoring_log
    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith("FUTURE_SKILLS_"))
    parts = [FORMAT, str(paths.root), reference_version, window, str(log), environment,
             [_signature(f) for f in segments(log) + log_files(log)], reference,
             _database_signature(database), load_config(), _code_signature()]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def cached_report(key: str | None, lower_ns: int | None, paths: ProjectPaths) -> dict[str, Any] | None:
    """The stored report when ``key`` matches and the window's lower bound ``lower_ns`` (ns, None = no bound)
    keeps the same rows; else None."""
    if key is None:
        return None
    try:
        stored = json.loads(cache_file(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    before, oldest = stored.get("lower_ns"), stored.get("oldest_row_ns")
    if (before is None) != (lower_ns is None) or not isinstance(stored.get("report"), dict):
        return None
    if lower_ns is not None and not (before <= lower_ns and (oldest is None or lower_ns <= oldest)):
        return None
    return stored.get("report")


def store_report(key: str | None, lower_ns: int | None, oldest_row_ns: int | None, report: dict[str, Any],
                 paths: ProjectPaths) -> None:
    """Keep ``report`` as the last verdict (nothing when ``key`` is None); ``oldest_row_ns``: the window's
    oldest row (None without rows)."""
    if key is None:
        return
    record = {"key": key, "lower_ns": lower_ns, "oldest_row_ns": oldest_row_ns, "report": report}
    try:
        cache_file(paths).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_json(cache_file(paths), record)
    except OSError:
        pass  # a cache that cannot be written costs the next run its time, nothing else
