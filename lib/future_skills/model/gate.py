"""The promotion gate of DESIGN.md: four criteria (three automatic) and non-blocking targets.

``candidate`` and ``production`` are :func:`metrics.classification_metrics` dicts computed
on the SAME held-out rows that neither model was trained on (``evaluation.py`` guarantees
this). The number of rows compared is the sum of the candidate's class supports unless
``rows_compared`` is passed. Every threshold comes from ``config`` (:func:`config.load_config`).
"""
from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pandas as pd

from future_skills.model.metrics import rows_scored
from future_skills.registry.markdown import percent
from future_skills.schema import LEVELS

NAMES = {
    "no_regression": "No regression against production",
    "min_class_precision": "Minimum precision for every class",
    "validation_sample": "Manual validation sample",
    "approval": "Approval by DRH / data team",
}
AUTOMATIC = ("no_regression", "min_class_precision", "validation_sample")


def _criterion(cid: str, passed: bool | None, detail: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"id": cid, "name": NAMES[cid], "passed": passed, "detail": detail, "values": values}


def no_regression(candidate: dict, production: dict | None, rows: int, gate: dict,
                  production_version: str | None = None) -> dict[str, Any]:
    """Criterion 1: accuracy ≥ production's, or weighted F1 better by more than the allowed gain.

    ``production`` None with a ``production_version`` means production exists but could not be
    scored on any row it was not trained on: the criterion fails.
    """
    minimum = gate["min_comparison_rows"]
    values: dict[str, Any] = {
        "production_version": production_version, "rows_compared": rows, "min_comparison_rows": minimum,
        "f1_improvement_required": gate["f1_improvement"],
        "candidate_accuracy": candidate["accuracy"], "candidate_f1_weighted": candidate["f1_weighted"],
        "production_accuracy": None, "production_f1_weighted": None, "f1_gain": None,
    }
    prod = production_version or "production"
    if production is None and production_version is None:
        return _criterion("no_regression", True,
                          "No model is in production yet, so there is nothing to regress against.", values)
    if production is not None:
        gain = candidate["f1_weighted"] - production["f1_weighted"]
        values.update(production_accuracy=production["accuracy"],
                      production_f1_weighted=production["f1_weighted"], f1_gain=gain)
    if production is None or rows < minimum:
        return _criterion("no_regression", False,
                          f"Only {rows} held-out rows were never seen by either model and at least {minimum} "
                          f"are needed to compare the candidate with {prod} fairly.", values)
    numbers = (f"accuracy {percent(candidate['accuracy'])} vs {percent(production['accuracy'])} for {prod}, "
               f"weighted F1 {candidate['f1_weighted']:.3f} vs {production['f1_weighted']:.3f}, "
               f"on the same {rows} rows neither model was trained on")
    if candidate["accuracy"] >= production["accuracy"]:
        return _criterion("no_regression", True, f"Accuracy is not lower than {prod}'s: {numbers}.", values)
    if gain > gate["f1_improvement"]:
        return _criterion("no_regression", True,
                          f"Accuracy is lower but weighted F1 improves by {gain:+.3f} "
                          f"(more than {gate['f1_improvement']}): {numbers}.", values)
    return _criterion("no_regression", False,
                      f"Accuracy is lower than {prod}'s and weighted F1 does not improve by more than "
                      f"{gate['f1_improvement']} (change {gain:+.3f}): {numbers}.", values)


def min_class_precision(candidate: dict, gate: dict) -> dict[str, Any]:
    """Criterion 2: no class has a precision below the minimum."""
    minimum = gate["min_class_precision"]
    precisions = {level: candidate["per_class"][level]["precision"] for level in LEVELS}
    low = [level for level, value in precisions.items() if value < minimum]
    listing = ", ".join(f"{level} {percent(value)}" for level, value in precisions.items())
    values = {"minimum": minimum, "precision": precisions, "below_minimum": low}
    if low:
        return _criterion("min_class_precision", False,
                          f"Precision is below {percent(minimum)} for {', '.join(low)} ({listing}).", values)
    return _criterion("min_class_precision", True,
                      f"Every class has a precision of at least {percent(minimum)} ({listing}).", values)


def validation_sample(validation: dict | None, gate: dict) -> dict[str, Any]:
    """Criterion 3: when a manual sample is given, the candidate scores well enough on it."""
    minimum = gate["validation_min_accuracy"]
    if validation is None:
        return _criterion("validation_sample", True,
                          "Not provided: no manual validation sample was given, so this check does not apply.",
                          {"provided": False, "min_accuracy": minimum})
    cand, prod = validation["candidate_accuracy"], validation.get("production_accuracy")
    values = {"provided": True, "rows": validation.get("rows"), "min_accuracy": minimum,
              "candidate_accuracy": cand, "production_accuracy": prod}
    rows = f"{validation.get('rows')} HR-labelled rows"
    if cand < minimum:
        return _criterion("validation_sample", False,
                          f"On the manual sample ({rows}) the candidate is right {percent(cand)} of the time, "
                          f"below the minimum of {percent(minimum)}.", values)
    if prod is not None and cand < prod:
        return _criterion("validation_sample", False,
                          f"On the manual sample ({rows}) the candidate is right {percent(cand)} of the time, "
                          f"less than the production model ({percent(prod)}).", values)
    versus = f" (production: {percent(prod)})" if prod is not None else ""
    return _criterion("validation_sample", True,
                      f"On the manual sample ({rows}) the candidate is right {percent(cand)} of the time{versus}, "
                      f"at least the minimum of {percent(minimum)}.", values)


def approval_pending() -> dict[str, Any]:
    """Criterion 4: decided later by DRH in the registry; pending at evaluation time."""
    return _criterion("approval", None,
                      "Pending DRH approval: recorded in the registry with name and date when given.", {})


def targets(candidate: dict, config_targets: dict[str, float]) -> list[dict[str, Any]]:
    """Objectives (not blocking): a value meets its target when it is strictly above it."""
    rows = [("Accuracy", "accuracy", candidate["accuracy"]),
            ("Weighted F1", "f1_weighted", candidate["f1_weighted"])]
    rows += [(f"Precision {level}", f"precision_{level}", candidate["per_class"][level]["precision"])
             for level in LEVELS]
    return [{"metric": label, "key": key, "target": config_targets[key], "value": value,
             "met": bool(value > config_targets[key])} for label, key, value in rows]


def _verdict(criteria: list[dict[str, Any]], passed: bool) -> str:
    if passed:
        return ("The candidate passes the automatic promotion criteria; "
                "it may go to production once DRH approves it.")
    failed = [c["name"].lower() for c in criteria if c["id"] in AUTOMATIC and c["passed"] is False]
    return f"The candidate must not go to production: it fails {' and '.join(failed)}."


def promotion_gate(candidate: dict, production: dict | None, validation: dict | None,
                   config: dict, *, rows_compared: int | None = None,
                   production_version: str | None = None) -> dict[str, Any]:
    """Evaluate the gate; ``passed`` is True only when the three automatic criteria pass.

    ``validation`` is ``None`` or ``{"rows", "candidate_accuracy", "production_accuracy"}``.
    ``rows_compared`` defaults to the number of rows ``candidate`` was scored on;
    ``production_version`` names production in the sentences (and, with ``production=None``,
    says that production exists but could not be scored on unseen rows).
    """
    gate = config["gate"]
    rows = rows_scored(candidate) if rows_compared is None else int(rows_compared)
    criteria = [
        no_regression(candidate, production, rows, gate, production_version),
        min_class_precision(candidate, gate),
        validation_sample(validation, gate),
        approval_pending(),
    ]
    passed = all(c["passed"] is True for c in criteria if c["id"] in AUTOMATIC)
    return {
        "passed": passed,
        "verdict": _verdict(criteria, passed),
        "criteria": criteria,
        "targets": targets(candidate, config["targets"]),
        "thresholds": {"gate": copy.deepcopy(gate), "targets": copy.deepcopy(config["targets"])},
        "evaluated_at": datetime.now().isoformat(timespec="seconds"),
    }


def criteria_frame(gate_result: dict[str, Any]) -> pd.DataFrame:
    """The criteria as a table: ✔ pass / ✘ fail / ○ pending, with the sentence behind each."""
    marks = {True: "✔ pass", False: "✘ fail", None: "○ pending"}
    frame = pd.DataFrame(
        [{"Criterion": c["name"], "Result": marks[c["passed"]], "Details": c["detail"]}
         for c in gate_result["criteria"]]
    )
    return frame.set_index("Criterion")


def targets_frame(gate_result: dict[str, Any]) -> pd.DataFrame:
    """The objectives as a table: target, value, met / not met."""
    frame = pd.DataFrame(
        [{"Objective": t["metric"], "Target (above)": t["target"], "Candidate": t["value"],
          "Result": "✔ met" if t["met"] else "✘ not met"} for t in gate_result["targets"]]
    )
    return frame.set_index("Objective")
