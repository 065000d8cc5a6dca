"""``models/audit_log.jsonl``: a tamper-evident, append-only record of every registry event.

Each line is one JSON object carrying ``prev``, the sha256 of the previous line's text (the
first line carries 64 zeros): a hash chain. Editing, deleting or inserting a line breaks the
chain at that place. Each line also records the registry's production pointer after the
event and ``registry_sha256``, the sha256 of ``registry.json`` as written with it, so a hand
edit of the registry shows too. Lines are appended with one ``os.write`` on an ``O_APPEND``
file under the registry lock and never rewritten; the log is never rotated or trimmed.

:func:`verify_audit` checks the chain, then replays the statuses and the production pointer
and compares them with ``registry.json``; it names the first line (or registry key) that breaks.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from future_skills.atomic import file_sha256
from future_skills.registry.entities import RegistryData
from future_skills.versions import version_sort_key

GENESIS = "0" * 64
SNAPSHOT_EVENT = "audit_started"  # first line of a log started on an existing registry


def line_hash(line: str) -> str:
    """sha256 of one line's text (without its newline)."""
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def read_lines(path: Path) -> list[str]:
    """The log's lines without newlines ([] when it does not exist yet)."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []


def chain_head(path: Path) -> tuple[int, str]:
    """(number of lines, sha256 of the last line); (0, GENESIS) for an empty log."""
    lines = read_lines(path)
    return (len(lines), line_hash(lines[-1])) if lines else (0, GENESIS)


def snapshot_record(data: RegistryData) -> dict[str, Any]:
    """The first line of a log started on a registry that already has versions."""
    return {"event": SNAPSHOT_EVENT, "statuses": {v: e.status.value for v, e in data.versions.items()},
            "comment": "the audit log starts here; earlier events are in registry.json's history"}


def append_records(path: Path, records: list[dict[str, Any]], *, at: str, production: str | None,
                   registry_file: Path) -> tuple[int, str]:
    """Append ``records`` as chained lines (one write); returns the new chain head.

    The caller holds the registry lock, so no other writer appends between reading the head
    and writing.
    """
    count, prev = chain_head(path)
    registry_sha = file_sha256(registry_file) if registry_file.exists() else None
    lines = []
    for record in records:
        line = json.dumps({"seq": count + 1, "at": at, **record, "production": production,
                           "registry_sha256": registry_sha, "prev": prev},
                          ensure_ascii=False, sort_keys=True, default=str)
        lines.append(line)
        count, prev = count + 1, line_hash(line)
    payload = "".join(line + "\n" for line in lines).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        written = 0
        while written < len(payload):
            written += os.write(fd, payload[written:])
        os.fsync(fd)
    finally:
        os.close(fd)
    return count, prev


@dataclass
class AuditResult:
    """What :func:`verify_audit` found: ``problems`` is empty when everything agrees."""

    lines: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _chain_problem(number: int, line: str, prev: str) -> tuple[str | None, dict[str, Any] | None]:
    """Why line ``number`` breaks the chain (None when it holds), and its parsed record."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return f"line {number} is not valid JSON: it was edited by hand", None
    if not isinstance(record, dict):
        return f"line {number} is not a JSON object: it was edited by hand", None
    if record.get("prev") != prev:
        return (f"line {number} does not carry the sha256 of line {number - 1}: a line was deleted, "
                f"inserted or edited at or before line {number}"), record
    if record.get("seq") != number:
        return f"line {number} says it is event {record.get('seq')}: it was edited or lines were removed", record
    return None, record


def replay(records: list[dict[str, Any]]) -> tuple[dict[str, str], str | None, bool]:
    """Statuses by version, the production pointer and whether serving is suspended, as the log says."""
    statuses: dict[str, str] = {}
    production, suspended = None, False
    for record in records:
        statuses.update(record.get("statuses") or {})
        if record.get("version") and record.get("to"):
            statuses[record["version"]] = record["to"]
        production = record.get("production", production)
        suspended = {"suspended": True, "resumed": False}.get(record.get("event"), suspended)
    return statuses, production, suspended


def history_records(data: RegistryData, seen: dict[str, int]) -> list[dict[str, Any]]:
    """Audit records of the history events added since ``seen`` (version -> events before)."""
    records = []
    for version in sorted(data.versions, key=version_sort_key):
        entry = data.versions[version]
        for event in entry.history[seen.get(version, 0):]:
            record = {"version": version, **event.to_dict()}
            record.pop("at")  # the audit line's own time
            if event.event in ("approved", "rejected", "force_promoted") and entry.approvals:
                record["approval"] = entry.approvals[-1].to_dict()
            records.append(record)
    return records


def verify_audit(log_path: Path, registry_file: Path, data: RegistryData, suspended: bool = False) -> AuditResult:
    """Check the chain line by line, then that ``data`` (registry.json) and the stop switch agree with it."""
    lines = read_lines(log_path)
    result = AuditResult(lines=len(lines))
    prev, records = GENESIS, []
    for number, line in enumerate(lines, start=1):
        problem, record = _chain_problem(number, line, prev)
        if problem:
            result.problems.append(f"{log_path.name} {problem}.")
            return result
        records.append(record)
        prev = line_hash(line)
    result.head = prev
    if not records:
        if data.versions:
            result.problems.append(f"{log_path.name} is missing or empty although registry.json holds versions.")
        return result
    recorded = records[-1].get("registry_sha256")
    actual = file_sha256(registry_file) if registry_file.exists() else None
    if recorded != actual:
        result.problems.append(f"{registry_file.name} is not the file written with line {len(lines)} of "
                               f"{log_path.name} (its sha256 differs): it was changed outside future-skills.")
    result.problems += _state_problems(records, data, log_path.name, suspended)
    return result


def _state_problems(records: list[dict[str, Any]], data: RegistryData, log_name: str,
                    suspended: bool) -> list[str]:
    """Where registry.json's statuses, production pointer or the stop switch disagree with the replayed log."""
    statuses, production, logged_suspension = replay(records)
    problems = []
    for version in sorted(set(statuses) | set(data.versions)):
        entry = data.versions.get(version)
        actual = entry.status.value if entry else None
        if actual != statuses.get(version):
            problems.append(f"registry.json versions.{version}.status is {actual} but {log_name} says "
                            f"{statuses.get(version)}.")
    if data.production != production:
        problems.append(f"registry.json production is {data.production} but {log_name} says {production}.")
    if suspended != logged_suspension:
        state = "exists" if suspended else "is missing"
        problems.append(f"the stop-switch file serving_suspended.json {state} but {log_name} says serving is "
                        f"{'suspended' if logged_suspension else 'running'}: it was changed outside future-skills.")
    return problems
