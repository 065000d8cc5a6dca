"""The recommendation: reject on a failed gate, reservations on risks, approve when nothing is in the way."""
from __future__ import annotations

import copy

from future_skills.model.decision import recommend
from future_skills.thresholds import load_config
from helpers.reports import candidate_metadata


def codes(decision: dict) -> list[str]:
    return [r["code"] for r in decision["all_reasons"]]


def test_a_failed_gate_means_reject_and_says_which_criterion(project_root):
    metadata = candidate_metadata(cand_error=0.45, prod_error=0.10)
    decision = recommend(metadata)
    assert decision["recommendation"] == "reject"
    first = decision["reasons"][0]
    assert first["code"] == "gate_failed" and "no_regression" in first["values"]["criteria"]


def test_a_passing_candidate_with_a_missed_objective_gets_reservations(project_root):
    config = copy.deepcopy(load_config())
    config["targets"]["accuracy"] = 0.95
    decision = recommend(candidate_metadata(config=config))
    assert decision["recommendation"] == "approve_with_reservations"
    found = codes(decision)
    assert "objectives_missed" in found and "no_manual_sample" in found and "within_chance" in found
    missed = next(r for r in decision["all_reasons"] if r["code"] == "objectives_missed")["values"]["missed"]
    assert [m["key"] for m in missed] == ["accuracy"]
    assert len(decision["reasons"]) <= 5


def test_drift_of_production_is_reported_with_its_numbers(project_root):
    drift = {"status": "analysed", "verdict": "retrain", "window": "30d", "reference": {"version": "v1"},
             "realised_accuracy": {"accuracy": 0.814, "rows": 4814, "test_accuracy": 0.854},
             "features": {"trend_score": {"status": "drift"}, "internal_usage": {"status": "ok"}}}
    decision = recommend(candidate_metadata(), drift)
    reason = next(r for r in decision["all_reasons"] if r["code"] == "production_drift")
    assert reason["values"]["realised"] == 0.814 and reason["values"]["drifted"] == ["trend_score"]
    assert "production_drift" not in codes(recommend(candidate_metadata(), {**drift, "verdict": "ok"}))


def test_error_rates_follow_precision_and_recall(project_root):
    metadata = candidate_metadata()
    rates = {r["level"]: r for r in recommend(metadata)["error_rates"]}
    medium = metadata["evaluation"]["candidate"]["per_class"]["MEDIUM"]
    assert rates["MEDIUM"]["wrong_when_said"] == 1 - medium["precision"]
    assert rates["MEDIUM"]["missed"] == 1 - medium["recall"]


def test_recent_pairs_are_compared_when_production_exists(project_root):
    metadata = candidate_metadata()
    recent = metadata["evaluation"]["recent"]
    assert recent["rows"] == 80 and recent["after"] == "2026-09-30"
    assert candidate_metadata(with_production=False)["evaluation"]["recent"] is None
