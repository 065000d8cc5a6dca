"""The recommendation DRH reads first: approve, approve with reservations, or reject, and why.

It only combines results already computed (the gate, the paired comparison, the evidence, the
production model's drift report); it returns reason codes with their numbers, and the view
(``reporting.decision_view``) words them in the reader's language.
"""
from __future__ import annotations

from typing import Any

from future_skills.schema import LEVELS

APPROVE, RESERVATIONS, REJECT = "approve", "approve_with_reservations", "reject"
NEAR_MINIMUM = 0.03       # a class precision within 3 points of the hard minimum is a risk
WEAK_GROUP_GAP = -0.05    # a group 5 points below the overall accuracy is a risk
MAX_REASONS = 5
ORDER = {"blocking": 0, "risk": 1, "support": 2, "info": 3}


def _reason(code: str, kind: str, **values: Any) -> dict[str, Any]:
    return {"code": code, "kind": kind, "values": values}


def _gate_reasons(gate: dict[str, Any]) -> list[dict[str, Any]]:
    reasons = []
    failed = [c["id"] for c in gate.get("criteria", []) if c.get("passed") is False]
    if failed:
        reasons.append(_reason("gate_failed", "blocking", criteria=failed))
    for c in gate.get("criteria", []):
        if c["id"] == "validation_sample" and c.get("checked") is False:
            reasons.append(_reason("no_manual_sample", "risk"))
        if c["id"] == "min_class_precision":
            minimum = c["values"]["minimum"]
            near = {lv: p for lv, p in c["values"]["precision"].items() if minimum <= p < minimum + NEAR_MINIMUM}
            for level, precision in near.items():
                reasons.append(_reason("near_minimum", "risk", level=level, precision=precision, minimum=minimum))
    missed = [t for t in gate.get("targets", []) if not t["met"]]
    if missed:
        reasons.append(_reason("objectives_missed", "risk",
                               missed=[{"key": t["key"], "value": t["value"], "target": t["target"]} for t in missed]))
    return reasons


def _comparison_reasons(evaluation: dict[str, Any]) -> list[dict[str, Any]]:
    paired = evaluation.get("paired") or {}
    if not evaluation.get("production_version"):
        return [_reason("no_production", "info")]
    if not paired.get("production"):
        return []
    values = {k: paired.get(k) for k in ("difference", "difference_low", "difference_high", "p_value", "rows")}
    if not paired["significant"]:
        reasons = [_reason("within_chance", "risk", **values)]
    else:
        reasons = [_reason("better" if paired["difference"] > 0 else "worse",
                           "support" if paired["difference"] > 0 else "risk", **values)]
    recent = evaluation.get("recent")
    disagree = recent and recent.get("production") and (recent["difference"] >= 0) != (paired["difference"] >= 0)
    if disagree:  # the live evidence block always shows it; a reason only when it tells another story
        kind = "support" if recent["difference"] >= 0 else "risk"
        reasons.append(_reason("recent", kind, rows=recent["rows"], after=recent.get("after"),
                               candidate=recent["candidate"]["accuracy"], production=recent["production"]["accuracy"],
                               significant=recent["significant"]))
    return reasons


def _group_reasons(evaluation: dict[str, Any]) -> list[dict[str, Any]]:
    reasons = []
    for column, block in (evaluation.get("groups") or {}).items():
        gap = block.get("weakest_gap")
        if gap is not None and gap <= WEAK_GROUP_GAP:
            weakest = block["groups"][block["weakest"]]
            reasons.append(_reason("weak_group", "risk", column=column, group=block["weakest"],
                                   accuracy=weakest["accuracy"], rows=weakest["rows"], gap=gap))
    return reasons


def _drift_reasons(drift: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not drift or drift.get("status") == "no_data" or drift.get("verdict") not in ("watch", "retrain"):
        return []
    realised = drift.get("realised_accuracy") or {}
    drifted = [f for f, r in (drift.get("features") or {}).items() if r.get("status") == "drift"]
    return [_reason("production_drift", "info", verdict=drift["verdict"],
                    version=(drift.get("reference") or {}).get("version"), window=drift.get("window"),
                    realised=realised.get("accuracy"), realised_rows=realised.get("rows"),
                    tested=realised.get("test_accuracy"), drifted=drifted)]


def error_rates(candidate: dict[str, Any]) -> list[dict[str, Any]]:
    """Per level: how often the model is wrong when it says that level, and how many of HR's it misses."""
    return [{"level": level, "wrong_when_said": 1 - candidate["per_class"][level]["precision"],
             "missed": 1 - candidate["per_class"][level]["recall"],
             "support": candidate["per_class"][level]["support"]} for level in LEVELS]


def recommend(metadata: dict[str, Any], drift: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"recommendation", "reasons", "error_rates"}`` for the candidate described by ``metadata``."""
    gate, evaluation = metadata.get("gate") or {}, metadata.get("evaluation") or {}
    reasons = (_gate_reasons(gate) + _comparison_reasons(evaluation) + _group_reasons(evaluation)
               + _drift_reasons(drift))
    reasons.sort(key=lambda r: ORDER[r["kind"]])
    if any(r["kind"] == "blocking" for r in reasons) or not gate:
        recommendation = REJECT
    elif any(r["kind"] == "risk" for r in reasons):
        recommendation = RESERVATIONS
    else:
        recommendation = APPROVE
    return {"recommendation": recommendation, "reasons": reasons[:MAX_REASONS], "all_reasons": reasons,
            "error_rates": error_rates(evaluation["candidate"]) if evaluation.get("candidate") else []}
