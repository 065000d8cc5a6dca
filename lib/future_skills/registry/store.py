"""The model registry: ``models/registry.json`` is the source of truth for every version.

Each change is one read-modify-write under a file lock, written atomically (a reader sees
the old registry or the new one, never a mix), appended to the hash-chained audit log
(:mod:`future_skills.registry.audit`) and re-renders ``models/MODEL_REGISTRY.md``.
The rules of a version's life cycle live in :mod:`future_skills.registry.lifecycle`, who may
decide in :mod:`future_skills.registry.governance`; records are typed in
:mod:`future_skills.registry.entities`.

Every change appends ``{at, event, from, to, by, comment, account, host}`` to the entry's
``history``; promotions and rollbacks also append to the top-level ``production_history``.
"""
from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime
from typing import Any

from filelock import FileLock, Timeout

from future_skills.atomic import atomic_write_json, atomic_write_text, file_sha256
from future_skills.exceptions import (
    ModelIntegrityError,
    ModelNotFoundError,
    PromotionRefusedError,
    RegistryError,
    ReportsChangedError,
    StorageError,
    VersionExistsError,
)
from future_skills.paths import ProjectPaths, report_paths
from future_skills.registry import audit
from future_skills.registry.entities import (
    Actor,
    Approval,
    Decision,
    Event,
    RegistryData,
    RegistryEntry,
    Status,
)
from future_skills.registry.governance import (
    authorise,
    changed_reports,
    check_auto_promote_allowed,
    current_actor,
    report_fingerprints,
)
from future_skills.registry.lifecycle import (
    REGISTER_STATUSES,
    check_transition,
    promotion_blockers,
    record_approval_in_gate,
    refusal_message,
    rollback_target,
    same_model,
)
from future_skills.registry.markdown import render_registry_markdown
from future_skills.registry.reader import RegistryReader, find_entry
from future_skills.registry.suspension import Suspension, write_suspension
from future_skills.versions import validate_version

# Fields that only the life-cycle methods may change.
PROTECTED_FIELDS = frozenset({"version", "status", "history", "approvals", "duplicate_of"})
LOCK_TIMEOUT_SECONDS = 60.0


class DuplicateModelWarning(UserWarning):
    """A registered model file is byte-identical to an existing version's."""


def now_iso() -> str:
    """Registry timestamps: local time, ISO 8601 to the second (as the pipeline's run records)."""
    return datetime.now().isoformat(timespec="seconds")


def history_event(event: str, before: str | None, after: str | None, actor: Actor | None = None,
                  comment: str | None = None) -> Event:
    """One ``history`` / ``production_history`` record, stamped now."""
    actor = actor or Actor(by=None)
    return Event(at=now_iso(), event=event, before=before, after=after, by=actor.by, comment=comment,
                 account=actor.account, host=actor.host)


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


class Registry(RegistryReader):
    """Read and change ``models/registry.json`` (see the module docstring)."""

    def __init__(self, paths: ProjectPaths | None = None) -> None:
        super().__init__(paths)
        self._pending: list[dict[str, Any]] = []  # audit records that are not history events

    # ----------------------------------------------------------------- writing
    @contextmanager
    def _change(self) -> Iterator[RegistryData]:
        """Locked read-modify-write: yields the registry, saves and audits it if the block succeeds."""
        self.paths.models_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_SECONDS)
        try:
            lock.acquire()
        except Timeout as exc:
            raise RegistryError(
                f"{self._display_path()} stayed locked for {LOCK_TIMEOUT_SECONDS:.0f} s by another process; "
                "wait for it to finish, or delete the .lock file if no future-skills process is running."
            ) from exc
        self._pending = []
        try:
            data = self.load()
            seen = {v: len(e.history) for v, e in data.versions.items()}
            started = bool(data.versions) and not self.paths.audit_log.exists()
            yield data
            records = [audit.snapshot_record(self.load())] if started else []
            records += audit.history_records(data, seen) + self._pending
            self._save(data, records or [{"event": "changed"}])
        finally:
            self._pending = []
            lock.release()

    def _save(self, data: RegistryData, records: list[dict[str, Any]]) -> None:
        """Commit ``data`` to registry.json and the audit log, then re-render the Markdown view of it.

        A failure to write the Markdown after the commit is a warning, not a failure of the
        committed change; the next change (or ``future-skills doctor --fix``) writes it again.
        """
        render_registry_markdown(data)  # a rendering bug fails before anything is committed
        atomic_write_json(self.path, data.to_dict())
        head = audit.append_records(self.paths.audit_log, records, at=now_iso(), production=data.production,
                                    registry_file=self.path)
        self.write_markdown(self.markdown_text(data, head))

    def markdown_text(self, data: RegistryData | None = None, head: tuple[int, str] | None = None) -> str:
        """What MODEL_REGISTRY.md must hold for ``data`` (default: registry.json as it is now)."""
        if head is None and self.paths.audit_log.exists():
            head = audit.chain_head(self.paths.audit_log)
        return render_registry_markdown(data if data is not None else self.load(), audit_head=head)

    def write_markdown(self, text: str | None = None) -> bool:
        """(Re)write MODEL_REGISTRY.md; False, with a warning naming the file, when it cannot be written."""
        try:
            atomic_write_text(self.paths.registry_md, text if text is not None else self.markdown_text())
        except (OSError, StorageError) as exc:
            shown = self.paths.registry_md
            warnings.warn(f"{shown} was not updated ({exc}); registry.json holds the change: "
                          "run `future-skills doctor --fix` to render it again.", stacklevel=2)
            return False
        return True

    def register(self, entry: dict[str, Any] | RegistryEntry) -> RegistryEntry:
        """Add a new version (status candidate, failed, or production = auto-promotion)."""
        new = self._new_entry(entry)
        with self._change() as data:
            if new.version in data.versions:
                raise VersionExistsError(
                    f"Version {new.version} is already in the registry (status {data.versions[new.version].status}); "
                    "versions are never overwritten, so choose a new version."
                )
            new.duplicate_of = same_model(data, new)
            new.history.append(history_event("registered", None, new.status, current_actor(None)))
            data.versions[new.version] = new
            if new.status == Status.PRODUCTION:
                approvals = [a for a in new.approvals if a.by]
                by = approvals[-1].by if approvals else None
                self._switch_production(data, new.version, Actor(by=by), comment="registered as production",
                                        event="promote", archive_event="archived")
        if new.duplicate_of:
            warnings.warn(f"{new.version} has the same model file (sha256 {new.model_sha256[:12]}) as "
                          f"{new.duplicate_of}: same data and seed give the same model, so it adds nothing new.",
                          DuplicateModelWarning, stacklevel=2)
        return copy.deepcopy(new)

    def _new_entry(self, entry: dict[str, Any] | RegistryEntry) -> RegistryEntry:
        """A validated copy of ``entry`` with the default fields filled in."""
        if isinstance(entry, RegistryEntry):
            entry = entry.to_dict()
        if not isinstance(entry, dict):
            raise RegistryError("A registry entry must be a mapping with at least 'version' and 'status'.")
        version = validate_version(entry.get("version"))
        status = entry.get("status", Status.CANDIDATE)
        if status not in REGISTER_STATUSES:
            raise RegistryError(f"{version} cannot be registered with status {status!r}: "
                                f"use one of {', '.join(REGISTER_STATUSES)}.")
        try:
            new = RegistryEntry.from_dict(entry)
        except ValueError as exc:
            raise RegistryError(f"{version} cannot be registered: {exc}.") from exc
        new.created_at = new.created_at or now_iso()
        new.reports = new.reports or report_paths(version)
        return new

    def _switch_production(self, data: RegistryData, version: str, actor: Actor, *, comment: str | None,
                           event: str, archive_event: str) -> None:
        """Archive the current production and point ``production`` at ``version`` (same write)."""
        previous = data.production
        old = data.versions.get(previous) if previous and previous != version else None
        if old is not None and old.status == Status.PRODUCTION:
            old.history.append(history_event(archive_event, Status.PRODUCTION, Status.ARCHIVED, actor, comment))
            old.status = Status.ARCHIVED
        data.production = version
        data.production_history.append(history_event(event, previous, version, actor, comment))

    def _move(self, data: RegistryData, version: str, to_status: Status, event: str,
              actor: Actor, comment: str | None) -> RegistryEntry:
        """Check and apply one status change of ``version``, recording it in its history."""
        entry = find_entry(data, version, copy_entry=False)
        check_transition(entry, to_status)
        entry.history.append(history_event(event, entry.status, to_status, actor, comment))
        entry.status = to_status
        return entry

    def approve(self, version: str, *, by: str, comment: str | None = None,
                decision: Decision | str = Decision.APPROVED) -> RegistryEntry:
        """candidate -> approved, recording who approved, from which account, and what they saw.

        ``decision="auto-approved"`` is ``run_retrain --auto-promote``'s: recorded as not a
        person's approval, and refused when ``[governance] allow_auto_promote = false``.
        """
        by, comment = _require(by, "The approver's name (--by)"), _optional(comment)
        if decision not in (Decision.APPROVED, Decision.AUTO_APPROVED):
            raise RegistryError(f"Unknown approval decision {decision!r}: use approved or auto-approved.")
        decision, actor = Decision(decision), current_actor(by)
        role = check_auto_promote_allowed() if decision == Decision.AUTO_APPROVED else authorise("approve", actor)
        with self._change() as data:
            entry = self._move(data, version, Status.APPROVED, "approved", actor, comment)
            approval = Approval(decision=decision, by=by, at=now_iso(), comment=comment, account=actor.account,
                                host=actor.host, role=role, reports=report_fingerprints(self.paths, version))
            entry.approvals.append(approval)
            record_approval_in_gate(entry, approval)
        return copy.deepcopy(entry)

    def reject(self, version: str, *, by: str, comment: str) -> RegistryEntry:
        """candidate/approved -> rejected (final); the reason is required."""
        by = _require(by, "The name of who rejects the version (--by)")
        comment = _require(comment, "The reason for the rejection (--comment)")
        actor = current_actor(by)
        role = authorise("reject", actor)
        with self._change() as data:
            entry = self._move(data, version, Status.REJECTED, "rejected", actor, comment)
            entry.approvals.append(Approval(decision=Decision.REJECTED, by=by, at=now_iso(), comment=comment,
                                            account=actor.account, host=actor.host, role=role,
                                            reports=report_fingerprints(self.paths, version)))
        return copy.deepcopy(entry)

    def promote(self, version: str, *, by: str, comment: str | None = None, force: bool = False,
                automatic: bool = False) -> RegistryEntry:
        """approved (with a passed gate, reports unchanged since approval) -> production.

        The previous production is archived. ``force=True`` overrides the gate, the approval
        and the report check; it needs ``by`` and ``comment`` and is recorded as an approval
        with decision "forced". ``automatic=True`` is ``--auto-promote`` (no person decides:
        allowed only with ``[governance] allow_auto_promote``).
        """
        comment = _optional(comment)
        if force:
            by = _require(by, "The name of who promotes the version (--by)")
            if not comment:
                raise RegistryError("A forced promotion needs a --comment explaining why the gate or approval "
                                    "is overridden.")
        actor = current_actor(by)
        role = check_auto_promote_allowed() if automatic else authorise("promote", actor)
        with self._change() as data:
            entry = find_entry(data, version, copy_entry=False)
            if entry.status not in (Status.CANDIDATE, Status.APPROVED):
                check_transition(entry, Status.PRODUCTION)
            if force:
                entry.approvals.append(Approval(decision=Decision.FORCED, by=by, at=now_iso(), comment=comment,
                                                account=actor.account, host=actor.host, role=role))
            else:
                reasons = promotion_blockers(entry)
                if reasons:
                    raise PromotionRefusedError(refusal_message(entry, reasons))
                self._check_reports_unchanged(entry)
                actor.by = _require(by, "The name of who promotes the version (--by)")
            self._check_model_file(entry)  # even --force never puts a missing or damaged model in production
            event = "force_promoted" if force else "promoted"
            entry.history.append(history_event(event, entry.status, Status.PRODUCTION, actor, comment))
            entry.status = Status.PRODUCTION
            self._switch_production(data, version, actor, comment=comment, event="promote", archive_event="archived")
        return copy.deepcopy(entry)

    def _check_model_file(self, entry: RegistryEntry) -> None:
        """ModelNotFoundError / ModelIntegrityError unless the entry's model file matches its sha256."""
        path = self.paths.registered_model_file(entry)
        if not path.is_file():
            raise ModelNotFoundError(f"{entry.version} cannot go to production: its model file {path} is missing; "
                                     "restore it from backup or retrain.")
        if file_sha256(path) != (entry.model_sha256 or "").lower():
            raise ModelIntegrityError(f"{entry.version} cannot go to production: its model file {path} does not "
                                      "match the sha256 in the registry (modified or damaged); restore it or retrain.")

    def _check_reports_unchanged(self, entry: RegistryEntry) -> None:
        """ReportsChangedError when a report differs from what the last approval recorded."""
        approval = entry.last_approval()
        changed = changed_reports(approval.reports if approval else None,
                                  report_fingerprints(self.paths, entry.version))
        if changed:
            raise ReportsChangedError(
                f"{entry.version} cannot be promoted: its report(s) {', '.join(changed)} changed after "
                f"{approval.by} approved them on {approval.at[:10]}; have the new reports approved again "
                f"(reject {entry.version} and retrain, or promote with --force --comment)."
            )

    def rollback(self, *, by: str, comment: str | None = None) -> RegistryEntry:
        """Put the previous production version back; the current one is archived."""
        by, comment = _require(by, "The name of who rolls back (--by)"), _optional(comment)
        actor = current_actor(by)
        authorise("rollback", actor)
        with self._change() as data:
            current = data.production
            if not current:
                raise RegistryError("There is no production version to roll back from; "
                                    "promote one with `future-skills promote VERSION`.")
            target = rollback_target(data)
            if target is None:
                raise RegistryError(f"There is nothing to roll back to: no earlier production version "
                                    f"than {current} is still archived in the registry.")
            entry = find_entry(data, target, copy_entry=False)
            check_transition(entry, Status.PRODUCTION, rollback=True)
            self._check_model_file(entry)
            entry.history.append(history_event("restored", Status.ARCHIVED, Status.PRODUCTION, actor, comment))
            entry.status = Status.PRODUCTION
            self._switch_production(data, target, actor, comment=comment, event="rollback",
                                    archive_event="rolled_back")
        return copy.deepcopy(entry)

    def mark_failed(self, version: str, *, reason: str) -> RegistryEntry:
        """candidate/approved -> failed (final), e.g. when a post-registration check fails."""
        reason = _require(reason, "The reason for marking the version failed")
        with self._change() as data:
            entry = self._move(data, version, Status.FAILED, "failed", current_actor(None), reason)
            entry.notes = f"{entry.notes}; {reason}" if entry.notes else reason
        return copy.deepcopy(entry)

    def update_entry(self, version: str, /, **changes: Any) -> RegistryEntry:
        """Set other fields of an entry (gate, reports, notes, …); history event "updated"."""
        protected = sorted(PROTECTED_FIELDS & changes.keys())
        if protected:
            raise RegistryError(f"update_entry cannot change {', '.join(protected)}: "
                                "use approve, reject, promote, rollback or mark_failed.")
        if not changes:
            raise RegistryError("update_entry needs at least one field to change.")
        typed = {f.name for f in fields(RegistryEntry)} - {"extra"}
        with self._change() as data:
            entry = find_entry(data, version, copy_entry=False)
            for key, value in copy.deepcopy(changes).items():
                if key in typed:
                    setattr(entry, key, value)
                else:
                    entry.extra[key] = value
            entry.history.append(history_event("updated", entry.status, entry.status,
                                               comment=f"updated {', '.join(sorted(changes))}"))
        return copy.deepcopy(entry)

    def suspend(self, *, by: str, reason: str) -> Suspension:
        """Stop the ML model: serving answers with the rules engine until :meth:`resume`."""
        by, reason = _require(by, "The name of who suspends serving (--by)"), _require(reason, "The reason (--reason)")
        actor = current_actor(by)
        authorise("suspend", actor)
        suspension = Suspension(by=by, reason=reason, at=now_iso(), account=actor.account, host=actor.host)
        with self._change():
            write_suspension(self.paths.suspension_flag, suspension)
            self._pending.append({"event": "suspended", **actor.as_fields(), "comment": reason})
        return suspension

    def resume(self, *, by: str, comment: str | None = None) -> Suspension:
        """End a suspension: serving uses the production model again. Returns the suspension ended."""
        by, comment = _require(by, "The name of who resumes serving (--by)"), _optional(comment)
        actor = current_actor(by)
        authorise("resume", actor)
        with self._change():
            ended = self.suspension()
            if ended is None:
                raise RegistryError("Serving is not suspended, so there is nothing to resume.")
            self.paths.suspension_flag.unlink()
            self._pending.append({"event": "resumed", **actor.as_fields(), "comment": comment})
        return ended
