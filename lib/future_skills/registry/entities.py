"""The registry's records as types: a version's status, an approval, a history event, an entry.

Entities only, no I/O (as MLflow's ``registry/entities``): :mod:`future_skills.registry.store`
reads and writes them; every other module reads attributes instead of indexing JSON keys.
``to_dict`` writes the same JSON keys as ``models/registry.json`` always had (new optional
keys only when set); keys this version does not know are kept in ``extra`` and written back.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """A version's place in the life cycle (the strings are the JSON values)."""

    CANDIDATE = "candidate"
    APPROVED = "approved"
    PRODUCTION = "production"
    ARCHIVED = "archived"
    REJECTED = "rejected"
    FAILED = "failed"


class Decision(StrEnum):
    """What an approval record says; ``auto-approved`` is a machine's, never a person's."""

    APPROVED = "approved"
    AUTO_APPROVED = "auto-approved"
    REJECTED = "rejected"
    FORCED = "forced"


def _parse_enum(kind: type[StrEnum], value: Any, what: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValueError(f"{what} {value!r} is not one of {allowed}") from None


@dataclass
class Actor:
    """Who made a decision: the claimed name, the OS account that ran the command, the host."""

    by: str | None
    account: str | None = None
    host: str | None = None

    def as_fields(self) -> dict[str, Any]:
        """The JSON fields of this actor (account and host only when known)."""
        fields: dict[str, Any] = {"by": self.by}
        fields.update({k: v for k, v in (("account", self.account), ("host", self.host)) if v})
        return fields


@dataclass
class Approval:
    """One decision on a version: approved / auto-approved / rejected / forced promotion."""

    decision: Decision
    by: str | None
    at: str
    comment: str | None = None
    account: str | None = None
    host: str | None = None
    role: str | None = None
    reports: dict[str, str | None] | None = None  # report name -> sha256 of what the approver saw

    @property
    def by_person(self) -> bool:
        """False for ``--auto-promote``: the pipeline approved, no person did."""
        return self.decision != Decision.AUTO_APPROVED

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Approval":
        return cls(decision=_parse_enum(Decision, data.get("decision"), "approval decision"),
                   by=data.get("by"), at=str(data.get("at") or ""), comment=data.get("comment"),
                   account=data.get("account"), host=data.get("host"), role=data.get("role"),
                   reports=copy.deepcopy(data.get("reports")))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"decision": self.decision.value, "by": self.by, "at": self.at, "comment": self.comment}
        for key in ("account", "host", "role", "reports"):
            if getattr(self, key) is not None:
                out[key] = copy.deepcopy(getattr(self, key))
        return out


@dataclass
class Event:
    """One ``history`` (statuses) or ``production_history`` (versions) record."""

    at: str
    event: str
    before: str | None  # JSON key "from"
    after: str | None  # JSON key "to"
    by: str | None = None
    comment: str | None = None
    account: str | None = None
    host: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Event":
        return cls(at=str(data.get("at") or ""), event=str(data.get("event") or ""), before=data.get("from"),
                   after=data.get("to"), by=data.get("by"), comment=data.get("comment"),
                   account=data.get("account"), host=data.get("host"))

    def to_dict(self) -> dict[str, Any]:
        out = {"at": self.at, "event": self.event, "from": self.before, "to": self.after,
               "by": self.by, "comment": self.comment}
        out.update({k: v for k, v in (("account", self.account), ("host", self.host)) if v})
        return out


_PLAIN_FIELDS = ("created_at", "run_id", "git_commit", "model_path", "metadata_path", "model_sha256",
                 "dataset", "metrics", "n_estimators", "gate", "reports", "notes")


@dataclass
class RegistryEntry:
    """One version in ``models/registry.json`` (see docs/CONTRACTS.md for each key)."""

    version: str
    status: Status = Status.CANDIDATE
    created_at: str | None = None
    run_id: str | None = None
    git_commit: str | None = None
    model_path: str | None = None
    metadata_path: str | None = None
    model_sha256: str | None = None
    dataset: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    n_estimators: int | None = None
    gate: dict[str, Any] | None = None
    reports: dict[str, str] = field(default_factory=dict)
    approvals: list[Approval] = field(default_factory=list)
    history: list[Event] = field(default_factory=list)
    notes: str = ""
    duplicate_of: str | None = None  # an earlier version with the same model sha256
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RegistryEntry":
        """Parse one JSON entry; ValueError names the first bad value."""
        known = {"version", "status", "approvals", "history", "duplicate_of", *_PLAIN_FIELDS}
        plain = {key: copy.deepcopy(data[key]) for key in _PLAIN_FIELDS if data.get(key) is not None}
        return cls(version=str(data.get("version")),
                   status=_parse_enum(Status, data.get("status", "candidate"), "status"),
                   approvals=[Approval.from_dict(a) for a in data.get("approvals") or []],
                   history=[Event.from_dict(e) for e in data.get("history") or []],
                   duplicate_of=data.get("duplicate_of"),
                   extra={k: copy.deepcopy(v) for k, v in data.items() if k not in known}, **plain)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.version, "status": self.status.value}
        out.update({key: copy.deepcopy(getattr(self, key)) for key in _PLAIN_FIELDS})
        out["approvals"] = [a.to_dict() for a in self.approvals]
        out["history"] = [e.to_dict() for e in self.history]
        if self.duplicate_of:
            out["duplicate_of"] = self.duplicate_of
        out.update(copy.deepcopy(self.extra))
        return out

    def decisions(self, *kinds: Decision) -> list[Approval]:
        """This version's approvals of the given kinds (all when none is given), oldest first."""
        return [a for a in self.approvals if not kinds or a.decision in kinds]

    def last_approval(self) -> Approval | None:
        """The latest approval (by a person or automatic) that let it towards production."""
        found = self.decisions(Decision.APPROVED, Decision.AUTO_APPROVED, Decision.FORCED)
        return found[-1] if found else None


@dataclass
class RegistryData:
    """The whole ``registry.json``: versions by name, the production pointer and its history."""

    schema_version: int = 1
    production: str | None = None
    versions: dict[str, RegistryEntry] = field(default_factory=dict)
    production_history: list[Event] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RegistryData":
        known = {"schema_version", "production", "versions", "production_history"}
        return cls(schema_version=int(data.get("schema_version", 1)), production=data.get("production"),
                   versions={name: RegistryEntry.from_dict(e) for name, e in (data.get("versions") or {}).items()},
                   production_history=[Event.from_dict(e) for e in data.get("production_history") or []],
                   extra={k: copy.deepcopy(v) for k, v in data.items() if k not in known})

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": self.schema_version, "production": self.production,
                "versions": {name: e.to_dict() for name, e in self.versions.items()},
                "production_history": [e.to_dict() for e in self.production_history],
                **copy.deepcopy(self.extra)}

    def production_entry(self) -> RegistryEntry | None:
        return self.versions.get(self.production) if self.production else None
