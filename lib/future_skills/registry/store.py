"""The model registry: ``models/registry.json`` is the source of truth for every version.

Each change is one read-modify-write under a file lock, written atomically (a reader sees
the old registry or the new one, never a mix), and re-renders ``models/MODEL_REGISTRY.md``.
The rules of a version's life cycle (allowed moves, promotion blockers, rollback target)
live in :mod:`future_skills.registry.lifecycle`.

Every change appends ``{at, event, from, to, by, comment}`` to the entry's ``history``;
promotions and rollbacks also append to the top-level ``production_history``.
"""
from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from future_skills.atomic import atomic_write_json, atomic_write_text
from future_skills.exceptions import PromotionRefusedError, RegistryError, StorageError, VersionExistsError
from future_skills.paths import ProjectPaths, get_paths, relative_to_root, report_paths
from future_skills.registry.lifecycle import (
    REGISTER_STATUSES,
    check_transition,
    promotion_blockers,
    record_approval_in_gate,
    refusal_message,
    rollback_target,
)
from future_skills.registry.markdown import render_registry_markdown
from future_skills.versions import validate_version, version_sort_key

SCHEMA_VERSION = 1
# Fields that only the life-cycle methods may change.
PROTECTED_FIELDS = frozenset({"version", "status", "history", "approvals"})
LOCK_TIMEOUT_SECONDS = 60.0


def now_iso() -> str:
    """Registry timestamps: local time, ISO 8601 to the second (as the pipeline's run records)."""
    return datetime.now().isoformat(timespec="seconds")


def empty_registry() -> dict[str, Any]:
    """The registry before any version is registered."""
    return {"schema_version": SCHEMA_VERSION, "production": None, "versions": {}, "production_history": []}


def history_event(event: str, from_status: str | None, to_status: str | None,
                  by: str | None = None, comment: str | None = None) -> dict[str, Any]:
    """One ``history`` / ``production_history`` record."""
    return {"at": now_iso(), "event": event, "from": from_status, "to": to_status, "by": by, "comment": comment}


def _require(value: str | None, what: str) -> str:
    """A non-empty, stripped text argument (``by``, a comment, a reason)."""
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{what} is required: give a non-empty value.")
    return value.strip()


def _optional(value: str | None) -> str | None:
    """An optional comment: stripped, and None when blank."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


class Registry:
    """Read and change ``models/registry.json`` (see the module docstring)."""

    def __init__(self, paths: ProjectPaths | None = None) -> None:
        self.paths = paths or get_paths()

    @property
    def path(self) -> Path:
        return self.paths.registry_json

    def _display_path(self) -> str:
        return relative_to_root(self.path, self.paths.root)

    # ----------------------------------------------------------------- reading
    def load(self) -> dict[str, Any]:
        """The whole registry (an empty one when the file does not exist yet)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return empty_registry()
        except UnicodeDecodeError as exc:
            raise RegistryError(
                f"{self._display_path()} is not valid JSON (not UTF-8 text): "
                "restore it from backup or git, or move it away to start an empty registry."
            ) from exc
        except OSError as exc:
            raise RegistryError(f"{self._display_path()} cannot be read ({exc.strerror}); check its permissions.") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RegistryError(
                f"{self._display_path()} is not valid JSON (line {exc.lineno}): "
                "restore it from backup or git, or move it away to start an empty registry."
            ) from exc
        if not isinstance(data, dict) or not isinstance(data.get("versions", {}), dict):
            raise RegistryError(
                f"{self._display_path()} does not hold a registry object with a 'versions' mapping: "
                "restore it from backup or git."
            )
        for key, default in empty_registry().items():
            data.setdefault(key, default)
        return data

    def versions(self) -> list[dict[str, Any]]:
        """All entries, oldest version first (v2 before v10)."""
        data = self.load()
        return [data["versions"][v] for v in sorted(data["versions"], key=version_sort_key)]

    def get(self, version: str) -> dict[str, Any]:
        """One version's entry; RegistryError when it is not registered."""
        return _entry(self.load(), version)

    def exists(self, version: str) -> bool:
        return version in self.load()["versions"]

    def production_version(self) -> str | None:
        return self.load()["production"]

    def production_entry(self) -> dict[str, Any] | None:
        data = self.load()
        return data["versions"].get(data["production"]) if data["production"] else None

    # ----------------------------------------------------------------- writing
    @contextmanager
    def _change(self) -> Iterator[dict[str, Any]]:
        """Locked read-modify-write: yields the registry, saves it if the block succeeds."""
        self.paths.models_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_SECONDS)
        try:
            lock.acquire()
        except Timeout as exc:
            raise RegistryError(
                f"{self._display_path()} stayed locked for {LOCK_TIMEOUT_SECONDS:.0f} s by another process; "
                "wait for it to finish, or delete the .lock file if no future-skills process is running."
            ) from exc
        try:
            data = self.load()
            yield data
            self._save(data)
        finally:
            lock.release()

    def _save(self, data: dict[str, Any]) -> None:
        """Commit ``data`` to registry.json, then re-render the Markdown view of it.

        The Markdown is rendered before the commit (a rendering bug changes nothing); a failure
        to *write* it after the commit is a warning, not a failure of the committed change, and
        the next change (or ``future-skills doctor --fix``) writes it again.
        """
        markdown = render_registry_markdown(data)
        atomic_write_json(self.path, data)
        self.write_markdown(markdown)

    def write_markdown(self, markdown: str | None = None) -> bool:
        """(Re)write MODEL_REGISTRY.md from registry.json; False (with a warning) when it cannot be written."""
        try:
            atomic_write_text(self.paths.registry_md, markdown or render_registry_markdown(self.load()))
        except (OSError, StorageError) as exc:
            warnings.warn(f"{relative_to_root(self.paths.registry_md, self.paths.root)} was not updated ({exc}); "
                          "registry.json holds the change: run `future-skills doctor --fix` to render it again.",
                          stacklevel=2)
            return False
        return True

    def register(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Add a new version (status candidate, failed, or production = auto-promotion)."""
        new = self._new_entry(entry)
        version, status = new["version"], new["status"]
        with self._change() as data:
            if version in data["versions"]:
                existing = data["versions"][version]["status"]
                raise VersionExistsError(
                    f"Version {version} is already in the registry (status {existing}); "
                    "versions are never overwritten, so choose a new version."
                )
            new["history"].append(history_event("registered", None, status))
            data["versions"][version] = new
            if status == "production":
                approvals = [a for a in new["approvals"] if a.get("by")]
                by = approvals[-1]["by"] if approvals else None
                self._switch_production(data, version, by=by, comment="registered as production",
                                        event="promote", archive_event="archived")
        return copy.deepcopy(new)

    def _new_entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        """A validated copy of ``entry`` with the list/default fields filled in."""
        if not isinstance(entry, dict):
            raise RegistryError("A registry entry must be a mapping with at least 'version' and 'status'.")
        new = copy.deepcopy(entry)
        version = validate_version(new.get("version"))
        new.setdefault("status", "candidate")
        if new["status"] not in REGISTER_STATUSES:
            raise RegistryError(
                f"{version} cannot be registered with status {new['status']!r}: "
                f"use one of {', '.join(REGISTER_STATUSES)}."
            )
        new.setdefault("created_at", now_iso())
        new.setdefault("gate", None)
        new.setdefault("reports", report_paths(version))
        new.setdefault("notes", "")
        new["approvals"] = list(new.get("approvals") or [])
        new["history"] = list(new.get("history") or [])
        return new

    def _switch_production(self, data: dict[str, Any], version: str, *, by: str | None,
                           comment: str | None, event: str, archive_event: str) -> None:
        """Archive the current production and point ``production`` at ``version`` (same write)."""
        previous = data["production"]
        old = data["versions"].get(previous) if previous and previous != version else None
        if old is not None and old["status"] == "production":
            old["history"].append(history_event(archive_event, "production", "archived", by, comment))
            old["status"] = "archived"
        data["production"] = version
        data["production_history"].append(
            {"at": now_iso(), "event": event, "from": previous, "to": version, "by": by, "comment": comment}
        )

    def _move(self, data: dict[str, Any], version: str, to_status: str, event: str,
              by: str | None, comment: str | None) -> dict[str, Any]:
        """Check and apply one status change of ``version``, recording it in its history."""
        entry = _entry(data, version, copy_entry=False)
        check_transition(entry, to_status)
        entry["history"].append(history_event(event, entry["status"], to_status, by, comment))
        entry["status"] = to_status
        return entry

    def approve(self, version: str, *, by: str, comment: str | None = None,
                decision: str = "approved") -> dict[str, Any]:
        """candidate -> approved, recording who approved and when.

        ``decision="auto-approved"`` records an approval given by ``run_retrain --auto-promote``.
        """
        by, comment = _require(by, "The approver's name (--by)"), _optional(comment)
        if decision not in ("approved", "auto-approved"):
            raise RegistryError(f"Unknown approval decision {decision!r}: use approved or auto-approved.")
        with self._change() as data:
            entry = self._move(data, version, "approved", "approved", by, comment)
            approval = {"decision": decision, "by": by, "at": now_iso(), "comment": comment}
            entry["approvals"].append(approval)
            record_approval_in_gate(entry, approval)
        return copy.deepcopy(entry)

    def reject(self, version: str, *, by: str, comment: str) -> dict[str, Any]:
        """candidate/approved -> rejected (final); the reason is required."""
        by = _require(by, "The name of who rejects the version (--by)")
        comment = _require(comment, "The reason for the rejection (--comment)")
        with self._change() as data:
            entry = self._move(data, version, "rejected", "rejected", by, comment)
            entry["approvals"].append({"decision": "rejected", "by": by, "at": now_iso(), "comment": comment})
        return copy.deepcopy(entry)

    def promote(self, version: str, *, by: str, comment: str | None = None,
                force: bool = False) -> dict[str, Any]:
        """approved (with a passed gate) -> production; the previous production is archived.

        ``force=True`` overrides the gate and the approval; it needs ``by`` and ``comment`` and
        is recorded as an approval with decision "forced".
        """
        comment = _optional(comment)
        if force:
            by = _require(by, "The name of who promotes the version (--by)")
            if not comment:
                raise RegistryError("A forced promotion needs a --comment explaining why the gate or approval "
                                    "is overridden.")
        with self._change() as data:
            entry = _entry(data, version, copy_entry=False)
            if entry["status"] not in ("candidate", "approved"):
                check_transition(entry, "production")
            if force:
                entry["approvals"].append({"decision": "forced", "by": by, "at": now_iso(), "comment": comment})
            else:
                reasons = promotion_blockers(entry)
                if reasons:
                    raise PromotionRefusedError(refusal_message(entry, reasons))
                by = _require(by, "The name of who promotes the version (--by)")
            event = "force_promoted" if force else "promoted"
            entry["history"].append(history_event(event, entry["status"], "production", by, comment))
            entry["status"] = "production"
            self._switch_production(data, version, by=by, comment=comment, event="promote", archive_event="archived")
        return copy.deepcopy(entry)

    def rollback(self, *, by: str, comment: str | None = None) -> dict[str, Any]:
        """Put the previous production version back; the current one is archived."""
        by, comment = _require(by, "The name of who rolls back (--by)"), _optional(comment)
        with self._change() as data:
            current = data["production"]
            if not current:
                raise RegistryError("There is no production version to roll back from; "
                                    "promote one with `future-skills promote VERSION`.")
            target = rollback_target(data)
            if target is None:
                raise RegistryError(f"There is nothing to roll back to: no earlier production version "
                                    f"than {current} is still archived in the registry.")
            entry = _entry(data, target, copy_entry=False)
            check_transition(entry, "production", rollback=True)
            entry["history"].append(history_event("restored", "archived", "production", by, comment))
            entry["status"] = "production"
            self._switch_production(data, target, by=by, comment=comment, event="rollback",
                                    archive_event="rolled_back")
        return copy.deepcopy(entry)

    def mark_failed(self, version: str, *, reason: str) -> dict[str, Any]:
        """candidate/approved -> failed (final), e.g. when a post-registration check fails."""
        reason = _require(reason, "The reason for marking the version failed")
        with self._change() as data:
            entry = self._move(data, version, "failed", "failed", None, reason)
            entry["notes"] = f"{entry['notes']}; {reason}" if entry.get("notes") else reason
        return copy.deepcopy(entry)

    def update_entry(self, version: str, /, **fields: Any) -> dict[str, Any]:
        """Set other fields of an entry (gate, reports, notes, …); history event "updated"."""
        protected = sorted(PROTECTED_FIELDS & fields.keys())
        if protected:
            raise RegistryError(f"update_entry cannot change {', '.join(protected)}: "
                                "use approve, reject, promote, rollback or mark_failed.")
        if not fields:
            raise RegistryError("update_entry needs at least one field to change.")
        with self._change() as data:
            entry = _entry(data, version, copy_entry=False)
            entry.update(copy.deepcopy(fields))
            entry["history"].append(history_event("updated", entry["status"], entry["status"],
                                                  comment=f"updated {', '.join(sorted(fields))}"))
        return copy.deepcopy(entry)


def _entry(data: dict[str, Any], version: str, copy_entry: bool = True) -> dict[str, Any]:
    """``data``'s entry for ``version`` (a copy unless asked), or RegistryError."""
    validate_version(version)
    entry = data["versions"].get(version)
    if entry is None:
        raise RegistryError(f"Version {version} is not in the registry; run `future-skills registry` to list versions.")
    return copy.deepcopy(entry) if copy_entry else entry
