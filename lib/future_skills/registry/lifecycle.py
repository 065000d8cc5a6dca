"""The life cycle of a model version: allowed status moves, promotion rules and rollback target.

Pure functions over registry entries (no I/O); :mod:`future_skills.registry.store` applies them
under its lock::

    candidate -> approved -> production -> archived
    candidate/approved -> rejected | failed        (both final)
    archived -> production                         (only through rollback)
"""
from __future__ import annotations

from typing import Any

from future_skills.exceptions import TransitionError

REGISTER_STATUSES = ("candidate", "production", "failed")
# Moves allowed by the life cycle; archived -> production only through rollback().
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "candidate": ("approved", "rejected", "failed"),
    "approved": ("production", "rejected", "failed"),
    "production": ("archived",),
    "archived": ("production",),
    "rejected": (),
    "failed": (),
}

def check_transition(entry: dict[str, Any], to_status: str, *, rollback: bool = False) -> None:
    """Raise TransitionError unless the life cycle allows ``entry``'s status to become ``to_status``.

    archived -> production is allowed only for a rollback (``rollback=True``).
    """
    from_status = entry["status"]
    if to_status in TRANSITIONS.get(from_status, ()) and (from_status != "archived" or rollback):
        return
    allowed = TRANSITIONS.get(from_status, ())
    if allowed:
        moves = f"allowed moves from {from_status} are: {', '.join(allowed)}"
        if from_status == "archived":
            moves += " (only with `future-skills rollback`)"
    else:
        moves = f"{from_status} is final, no further move is allowed"
    raise TransitionError(f"{entry['version']} cannot go from {from_status} to {to_status}: {moves}.")


def promotion_blockers(entry: dict[str, Any]) -> list[str]:
    """Why ``entry`` may not be promoted without --force (empty when it may)."""
    reasons: list[str] = []
    gate = entry.get("gate")
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
    if entry["status"] != "approved":
        reasons.append(f"not approved by DRH (status {entry['status']})")
    return reasons


def record_approval_in_gate(entry: dict[str, Any], approval: dict[str, Any]) -> None:
    """Mark the gate's approval criterion as met, with who and when (the other criteria are unchanged)."""
    for criterion in (entry.get("gate") or {}).get("criteria") or []:
        if criterion.get("id") == "approval":
            criterion["passed"] = True
            criterion["detail"] = f"{approval['decision'].capitalize()} by {approval['by']} on {approval['at'][:10]}."
            criterion["values"] = {"by": approval["by"], "at": approval["at"], "comment": approval.get("comment")}


def refusal_message(entry: dict[str, Any], reasons: list[str]) -> str:
    version = entry["version"]
    override = "override with --force --by NAME --comment TEXT"
    if entry["status"] != "approved":
        hint = f"Approve it with `future-skills approve {version} --by NAME` or {override}."
    else:
        hint = f"To promote it anyway, {override}."
    return f"{version} cannot be promoted: {'; '.join(reasons)}. {hint}"


def rollback_target(data: dict[str, Any]) -> str | None:
    """The version production returns to on rollback, from ``production_history``.

    The history is replayed as a stack (promote pushes, rollback pops back to its target),
    so repeated rollbacks walk further back; versions no longer archived are skipped.
    """
    stack: list[str] = []
    for record in data.get("production_history", []):
        target = record.get("to")
        if record.get("event") == "rollback" and target in stack:
            del stack[len(stack) - stack[::-1].index(target):]
        else:
            stack.append(target)
    current = data.get("production")
    for version in reversed(stack):
        entry = data["versions"].get(version)
        if version != current and entry and entry.get("status") == "archived":
            return version
    return None
