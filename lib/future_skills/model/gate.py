"""The promotion gate: four criteria (three automatic) and non-blocking targets.

``candidate`` and ``production`` are :func:`metrics.classification_metrics` dicts computed
on the SAME held-out rows that neither model was trained on (``evaluation.py`` guarantees
this). The number of rows compared is the sum of the candidate's class supports unless
``rows_compared`` is passed. Every threshold comes from ``config`` (:func:`config.load_config`).
"""
from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from future_skills.model.gate_texts import criterion_detail, criterion_name, verdict_text
from future_skills.model.metrics import rows_scored
from future_skills.schema import LEVELS

AUTOMATIC = ("no_regression", "min_class_precision", "validation_sample")


def _criterion(cid: str, passed: bool | None, case: str, values: dict[str, Any],
               checked: bool = True) -> dict[str, Any]:
    """One criterion: outcome, the case behind it and its numbers; the sentence is rendered from them.

    ``checked`` False means the criterion did not apply (shown "not checked", never "pass").
    """
    criterion = {"id": cid, "name": criterion_name(cid), "passed": passed, "checked": checked,
                 "case": case, "values": values}
    criterion["detail"] = criterion_detail(criterion)
    return criterion


def no_regression(candidate: dict, production: dict | None, rows: int, gate: dict,
                  production_version: str | None = None) -> dict[str, Any]:
    """Criterion 1: accuracy ≥ production's, or weighted F1 better by more than the allowed gain.

    ``production`` None with a ``production_version`` means production exists but could not be
    scored on any row it was not trained on: the criterion fails.
    """
    values: dict[str, Any] = {
        "production_version": production_version, "rows_compared": rows,
        "min_comparison_rows": gate["min_comparison_rows"], "f1_improvement_required": gate["f1_improvement"],
        "candidate_accuracy": candidate["accuracy"], "candidate_f1_weighted": candidate["f1_weighted"],
        "production_accuracy": None, "production_f1_weighted": None, "f1_gain": None,
    }
    if production is None and production_version is None:
        return _criterion("no_regression", True, "no_production", values)
    if production is not None:
        values.update(production_accuracy=production["accuracy"],
                      production_f1_weighted=production["f1_weighted"],
                      f1_gain=candidate["f1_weighted"] - production["f1_weighted"])
    if production is None or rows < gate["min_comparison_rows"]:
        return _criterion("no_regression", False, "too_few_rows", values)
    if candidate["accuracy"] >= production["accuracy"]:
        return _criterion("no_regression", True, "accuracy_ok", values)
    if values["f1_gain"] > gate["f1_improvement"]:
        return _criterion("no_regression", True, "f1_gain", values)
    return _criterion("no_regression", False, "regression", values)


def min_class_precision(candidate: dict, gate: dict) -> dict[str, Any]:
    """Criterion 2: no class has a precision below the minimum."""
    minimum = gate["min_class_precision"]
    precisions = {level: candidate["per_class"][level]["precision"] for level in LEVELS}
    low = [level for level, value in precisions.items() if value < minimum]
    values = {"minimum": minimum, "precision": precisions, "below_minimum": low}
    return _criterion("min_class_precision", not low, "below" if low else "all_above", values)


def validation_sample(validation: dict | None, gate: dict) -> dict[str, Any]:
    """Criterion 3: when a manual sample is given (or required), the candidate scores well enough on it."""
    minimum = gate["validation_min_accuracy"]
    required = bool(gate.get("require_validation_sample", False))
    if validation is None:
        values = {"provided": False, "required": required, "min_accuracy": minimum}
        if required:
            return _criterion("validation_sample", False, "required_missing", values)
        return _criterion("validation_sample", None, "not_provided", values, checked=False)
    cand, prod = validation["candidate_accuracy"], validation.get("production_accuracy")
    values = {"provided": True, "required": required, "rows": validation.get("rows"), "min_accuracy": minimum,
              "candidate_accuracy": cand, "production_accuracy": prod}
    if cand < minimum:
        return _criterion("validation_sample", False, "below_minimum", values)
    if prod is not None and cand < prod:
        return _criterion("validation_sample", False, "below_production", values)
    return _criterion("validation_sample", True, "ok", values)


def approval_pending() -> dict[str, Any]:
    """Criterion 4: decided later by DRH in the registry; pending at evaluation time."""
    return _criterion("approval", None, "pending", {})


def targets(candidate: dict, config_targets: dict[str, float]) -> list[dict[str, Any]]:
    """Objectives (not blocking): a value meets its target when it is strictly above it."""
    rows = [("Accuracy", "accuracy", candidate["accuracy"]),
            ("Weighted F1", "f1_weighted", candidate["f1_weighted"])]
    rows += [(f"Precision {level}", f"precision_{level}", candidate["per_class"][level]["precision"])
             for level in LEVELS]
    return [{"metric": label, "key": key, "target": config_targets[key], "value": value,
             "met": bool(value > config_targets[key])} for label, key, value in rows]


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
    passed = all(c["passed"] is True for c in criteria if c["id"] in AUTOMATIC and c["checked"])
    return {
        "passed": passed,
        "verdict": verdict_text(criteria, passed),
        "criteria": criteria,
        "targets": targets(candidate, config["targets"]),
        "thresholds": {"gate": copy.deepcopy(gate), "targets": copy.deepcopy(config["targets"])},
        "evaluated_at": datetime.now().isoformat(timespec="seconds"),
    }
