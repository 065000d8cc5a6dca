"""The life cycle of a model version: allowed status moves, promotion rules and rollback target.

Pure functions over registry entries (no I/O); :mod:`future_skills.registry.store` applies them
under its lock::

    candidate -> approved -> production -> archived
    candidate/approved -> rejected | failed        (both final)
    archived -> production                         (only through rollback)
"""
from __future__ import annotations

from future_skills.exceptions import TransitionError
from future_skills.registry.entities import Approval, RegistryData, RegistryEntry, Status
from future_skills.versions import version_sort_key

REGISTER_STATUSES = (Status.CANDIDATE, Status.PRODUCTION, Status.FAILED)
# Moves allowed by the life cycle; archived -> production only through rollback().
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.CANDIDATE: (Status.APPROVED, Status.REJECTED, Status.FAILED),
    Status.APPROVED: (Status.PRODUCTION, Status.REJECTED, Status.FAILED),
    Status.PRODUCTION: (Status.ARCHIVED,),
    Status.ARCHIVED: (Status.PRODUCTION,),
    Status.REJECTED: (),
    Status.FAILED: (),
}


def check_transition(entry: RegistryEntry, to_status: Status, *, rollback: bool = False) -> None:
    """Raise TransitionError unless the life cycle allows ``entry``'s status to become ``to_status``.

    archived -> production is allowed only for a rollback (``rollback=True``).
    """
    from_status = entry.status
    if to_status in TRANSITIONS.get(from_status, ()) and (from_status != Status.ARCHIVED or rollback):
        return
    allowed = TRANSITIONS.get(from_status, ())
    if allowed:
        moves = f"allowed moves from {from_status} are: {', '.join(allowed)}"
        if from_status == Status.ARCHIVED:
            moves += " (only with `future-skills rollback`)"
    else:
        moves = f"{from_status} is final, no further move is allowed"
    raise TransitionError(f"{entry.version} cannot go from {from_status} to {to_status}: {moves}.")


def promotion_blockers(entry: RegistryEntry) -> list[str]:
    """Why ``entry`` may not be promoted without --force (empty when it may)."""
    reasons: list[str] = []
    gate = entry.gate
    if not gate:
        reasons.append("no promotion gate result is recorded (run the evaluation notebook)")
    elif gate.get("passed") is not True:
        failed = [c for c in gate.get("criteria") or []
                  if c.get("passed") is False and c.get("id") != "approval"]
        for criterion in failed:
            detail = f" ({criterion['detail']})" if criterion.get("detail") else ""
            name = criterion.get("name") or criterion.get("id", "?")
            reasons.append(f"criterion '{name}' ({criterion.get('id', '?')}) failed{detail}")
        if not failed:
            reasons.append("the promotion gate did not pass")
    if entry.status != Status.APPROVED:
        reasons.append(f"not approved by DRH (status {entry.status})")
    return reasons


def record_approval_in_gate(entry: RegistryEntry, approval: Approval) -> None:
    """Mark the gate's approval criterion as met, with who and when (the other criteria are unchanged)."""
    for criterion in (entry.gate or {}).get("criteria") or []:
        if criterion.get("id") == "approval":
            who = approval.by if approval.by_person else f"{approval.by} (automatic, not a person)"
            criterion["passed"] = True
            criterion["detail"] = f"{approval.decision.capitalize()} by {who} on {approval.at[:10]}."
            criterion["values"] = {"by": approval.by, "at": approval.at, "comment": approval.comment,
                                   "by_person": approval.by_person}


def refusal_message(entry: RegistryEntry, reasons: list[str]) -> str:
    version = entry.version
    override = "override with --force --by NAME --comment TEXT"
    if entry.status != Status.APPROVED:
        hint = f"Approve it with `future-skills approve {version} --by NAME` or {override}."
    else:
        hint = f"To promote it anyway, {override}."
    return f"{version} cannot be promoted: {'; '.join(reasons)}. {hint}"


def rollback_target(data: RegistryData) -> str | None:
    """The version production returns to on rollback, from ``production_history``.

    The history is replayed as a stack (promote pushes, rollback pops back to its target),
    so repeated rollbacks walk further back; versions no longer archived are skipped.
    """
    stack: list[str] = []
    for record in data.production_history:
        target = record.after
        if record.event == "rollback" and target in stack:
            del stack[len(stack) - stack[::-1].index(target):]
        else:
            stack.append(target)
    current = data.production
    for version in reversed(stack):
        entry = data.versions.get(version)
        if version != current and entry and entry.status == Status.ARCHIVED:
            return version
    return None


def same_model(data: RegistryData, new: RegistryEntry) -> str | None:
    """The earliest version whose model sha256 equals ``new``'s (None when it is unique)."""
    same = [v for v, e in data.versions.items() if new.model_sha256 and e.model_sha256 == new.model_sha256]
    return sorted(same, key=version_sort_key)[0] if same else None
