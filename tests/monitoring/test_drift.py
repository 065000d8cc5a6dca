"""Drift statistics and verdicts: PSI, KS, out-of-range, categorical, prediction mix, accuracy."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from future_skills.monitoring import drift
from future_skills.monitoring.drift import analyse_drift, population_stability_index, run_drift_analysis
from future_skills.monitoring.inputs import DriftInputs
from future_skills.monitoring.log_reader import empty_log_frame
from future_skills.schema import CATEGORICAL_FEATURES, NUMERIC_FEATURES
from helpers.drift_golden import with_catalog_names

SHIFTED = ("trend_score", "scarcity_index")


def reference_frame(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({name: rng.normal(50, 10, n) for name in NUMERIC_FEATURES})
    frame["job_role_id"] = rng.integers(1, 9, n)
    frame["skill_id"] = rng.integers(1, 13, n)
    return with_catalog_names(frame)


def current_frame(n: int = 1000, seed: int = 1, shift: tuple[str, ...] = (), level: str | None = None,
                  version: str = "ml_random_forest_v1") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = empty_log_frame().reindex(range(n))
    for name in NUMERIC_FEATURES:
        frame[name] = rng.normal(50, 10, n) + (15 if name in shift else 0)
    frame["timestamp"] = pd.Timestamp("2025-11-01") + pd.to_timedelta(rng.integers(0, 30 * 86400, n), unit="s")
    frame["job_role_id"] = rng.integers(1, 9, n)
    frame["skill_id"] = rng.integers(1, 13, n)
    frame["predicted_level"] = level or rng.choice(["LOW", "MEDIUM", "HIGH"], n)
    frame["model_version"] = version
    probs = rng.dirichlet([2, 2, 2], n)
    for i, lvl in enumerate(("LOW", "MEDIUM", "HIGH")):
        frame[f"prob_{lvl}"] = probs[:, i]
    frame["score"] = 100 * (0.5 * probs[:, 1] + probs[:, 2])
    return frame


def test_psi_matches_a_hand_computed_value():
    reference = np.arange(100)  # deciles 9.9, 19.8, …: ten bins of 10 values
    current = np.arange(50)     # the first five bins, 10 values each → share 0.2; five empty bins
    eps = drift.PSI_EPSILON
    expected = 5 * (0.2 - 0.1) * math.log(0.2 / 0.1) + 5 * (eps - 0.1) * math.log(eps / 0.1)
    assert population_stability_index(reference, current) == pytest.approx(expected, rel=1e-9)
    assert population_stability_index(reference, reference) == pytest.approx(0.0)


def test_psi_uses_open_outer_bins_and_ignores_nan():
    reference = np.arange(100, dtype=float)
    shifted = np.concatenate([np.full(10, -1e6), np.arange(10, 100), [np.nan]])  # far below the minimum
    assert population_stability_index(reference, shifted) == pytest.approx(0.0, abs=1e-12)


def test_ks_matches_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, 500), rng.normal(0.3, 1, 400)
    expected = stats.ks_2samp(a, b)
    assert drift.ks_test(a, b) == (pytest.approx(expected.statistic), pytest.approx(expected.pvalue))


def test_out_of_range_share():
    assert drift.out_of_range_share([0, 10], [-1, 0, 5, 10, 11]) == pytest.approx(0.4)


def test_unshifted_data_is_ok():
    report = analyse_drift(DriftInputs(reference=reference_frame(), current=current_frame()))
    assert {r["status"] for r in report["features"].values()} == {"ok"}
    assert {r["status"] for r in report["categorical"].values()} == {"ok"}
    assert report["verdict"] == "ok" and report["status"] == "analysed"
    json.dumps(dict(report))  # plain JSON


def test_two_shifted_features_drift_and_call_for_a_retrain():
    report = analyse_drift(DriftInputs(reference=reference_frame(), current=current_frame(shift=SHIFTED)))
    drifted = sorted(name for name, r in report["features"].items() if r["status"] == "drift")
    assert drifted == sorted(SHIFTED)
    assert report["verdict"] == "retrain"
    assert "trend_score" in report["reasons"][0] and "scarcity_index" in report["reasons"][0]
    assert set(report["features"]["trend_score"]) == {"psi", "ks_statistic", "ks_pvalue", "out_of_range_share",
                                                      "outside_contract_share", "status"}
    # values around 50 break the default 0–1 share rule; the economic indicator has no bound
    assert report["features"]["trend_score"]["outside_contract_share"] == 1.0
    assert report["features"]["economic_indicator"]["outside_contract_share"] == 0.0


def test_one_shifted_feature_is_only_watch():
    report = analyse_drift(DriftInputs(reference=reference_frame(), current=current_frame(shift=("trend_score",))))
    assert report["features"]["trend_score"]["status"] == "drift"
    assert report["verdict"] == "watch"


def test_too_few_rows_cap_the_verdict_at_watch():
    report = analyse_drift(DriftInputs(reference=reference_frame(), current=current_frame(n=20, shift=SHIFTED)))
    assert report["status"] == "insufficient_data" and report["verdict"] == "watch"
    assert any("too few" in reason for reason in report["reasons"])


def test_no_data_is_ok_with_a_reason():
    report = analyse_drift(DriftInputs(reference=reference_frame(), current=empty_log_frame(), malformed_lines=3))
    assert report["verdict"] == "ok" and report["status"] == "no_data"
    assert report["reasons"] == ["no predictions in the window"] and report["malformed_lines"] == 3


def test_unseen_categories_are_watched_and_named_through_the_catalog():
    current = current_frame()
    current.loc[:199, "job_role_id"] = 99  # 20 % of rows: a role created after training
    roles = pd.DataFrame({"job_role_id": [*range(1, 9), 99],
                          "job_role_name": [*(f"Role {i}" for i in range(1, 9)), "Prompt engineer"],
                          "job_department": [*(f"Dept {i % 3}" for i in range(1, 9)), "Dept 1"]})
    skills = reference_frame()[["skill_id", "skill_name", "skill_category"]].drop_duplicates()
    report = analyse_drift(DriftInputs(reference=reference_frame(), current=current, catalog=(roles, skills)))
    role = report["categorical"]["job_role_name"]
    assert role["unseen_share"] == pytest.approx(0.2) and role["status"] == "watch"
    assert role["unseen_values"] == ["Prompt engineer"]
    assert report["categorical"]["job_department"]["unseen_share"] == 0.0
    assert set(report["categorical"]) == set(CATEGORICAL_FEATURES)
    assert report["verdict"] == "watch"


def reference_predictions(n: int = 600, level_mix=(1 / 3, 1 / 3, 1 / 3), seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    levels = rng.choice(["LOW", "MEDIUM", "HIGH"], n, p=level_mix)
    probs = rng.dirichlet([2, 2, 2], n)
    frame = pd.DataFrame({"predicted_level": levels, "score": 100 * (0.5 * probs[:, 1] + probs[:, 2]),
                          "future_need_level": levels})
    for i, lvl in enumerate(("LOW", "MEDIUM", "HIGH")):
        frame[f"prob_{lvl}"] = probs[:, i]
    return frame


def test_prediction_mix_drift_with_one_drifted_feature_calls_for_a_retrain():
    inputs = DriftInputs(reference=reference_frame(), current=current_frame(shift=("trend_score",), level="HIGH"),
                         reference_predictions=reference_predictions(), model_version="ml_random_forest_v1",
                         test_accuracy=0.9)
    report = analyse_drift(inputs)
    mix = report["prediction_mix"]
    assert mix["status"] == "drift" and mix["current"]["HIGH"] == 1.0 and mix["rows"] == 1000
    assert report["verdict"] == "retrain"
    assert report["estimated_accuracy"]["rows"] == 1000
    assert 0 < report["estimated_accuracy"]["value"] <= 1 and "calibrated" in report["estimated_accuracy"]["assumption"]


def test_prediction_mix_only_uses_the_reference_models_rows():
    inputs = DriftInputs(reference=reference_frame(), current=current_frame(version="rules_v1"),
                         reference_predictions=reference_predictions(), model_version="ml_random_forest_v1")
    report = analyse_drift(inputs)
    assert report["prediction_mix"]["status"] == "no_data" and report["estimated_accuracy"] is None


def decisions_for(current: pd.DataFrame, correct_share: float, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    other = {"LOW": "HIGH", "MEDIUM": "LOW", "HIGH": "MEDIUM"}
    right = rng.random(len(current)) < correct_share
    labels = np.where(right, current["predicted_level"], current["predicted_level"].map(other))
    return pd.DataFrame({"job_role_id": current["job_role_id"], "skill_id": current["skill_id"],
                         "snapshot_date": current["timestamp"].dt.strftime("%Y-%m-%d"),
                         "future_need_level": labels,
                         "decided_at": (current["timestamp"] + pd.Timedelta(days=2)).dt.strftime("%Y-%m-%dT%H:%M:%S")})


def test_realised_accuracy_drop_calls_for_a_retrain():
    current = current_frame().drop_duplicates(["job_role_id", "skill_id"]).reset_index(drop=True)
    inputs = DriftInputs(reference=reference_frame(), current=current, decisions=decisions_for(current, 0.5),
                         model_version="ml_random_forest_v1", test_accuracy=0.9)
    realised = analyse_drift(inputs)["realised_accuracy"]
    assert realised["rows"] == len(current) and realised["accuracy"] == pytest.approx(0.5, abs=0.15)
    assert realised["drop"] == pytest.approx(0.9 - realised["accuracy"])
    assert analyse_drift(inputs)["verdict"] == "retrain"


def test_decisions_made_before_the_prediction_do_not_count():
    current = current_frame(n=100).drop_duplicates(["job_role_id", "skill_id"]).reset_index(drop=True)
    decisions = decisions_for(current, 1.0)
    decisions["decided_at"] = (current["timestamp"] - pd.Timedelta(hours=1)).dt.strftime("%Y-%m-%dT%H:%M:%S")
    report = analyse_drift(DriftInputs(reference=reference_frame(), current=current, decisions=decisions,
                                       model_version="ml_random_forest_v1", test_accuracy=0.9))
    assert report["realised_accuracy"] is None


def test_run_drift_analysis_without_production_model_writes_a_no_data_report(project_root):
    output = project_root / "out" / "drift.json"
    report = run_drift_analysis(output_json=output)
    saved = json.loads(output.read_text())
    assert saved["verdict"] == "ok" and saved["status"] == "no_data"
    assert "no model is in production" in saved["reasons"][0]
    assert report["verdict"] == "ok" and saved["thresholds"]["psi_drift"] == 0.25
    assert {"window", "generated_at", "reference", "rows", "malformed_lines", "features", "categorical",
            "prediction_mix", "score", "realised_accuracy", "estimated_accuracy", "verdict", "reasons",
            "thresholds"} <= set(saved)


def test_run_drift_analysis_defaults_to_the_version_run_folder(project_root):
    run_drift_analysis(version="v3")
    assert json.loads((project_root / "runs" / "v3" / "drift.json").read_text())["status"] == "no_data"


def test_bad_window_is_refused(project_root):
    from future_skills.exceptions import FutureSkillsError

    with pytest.raises(FutureSkillsError, match="Invalid window"):
        run_drift_analysis(window="last month")


def test_plots_and_tables_render_for_analysed_and_empty_reports():
    from matplotlib.figure import Figure

    from future_skills.reporting import drift_plots
    from future_skills.reporting import drift_view as drift_report
    report = analyse_drift(DriftInputs(reference=reference_frame(), current=current_frame(shift=SHIFTED),
                                       reference_predictions=reference_predictions(),
                                       model_version="ml_random_forest_v1", test_accuracy=0.9))
    figures = [drift_plots.feature_histograms(report), drift_plots.statistics_chart(report),
               drift_plots.prediction_mix_by_week(report)]
    assert all(isinstance(fig, Figure) for fig in figures)
    assert figures[0].axes[0].get_title().startswith("Trend score")
    assert len(drift_report.feature_table(report)) == len(NUMERIC_FEATURES)
    assert drift_report.verdict_sentence(report).startswith("**Retrain recommended.**")
    assert "Realised accuracy" in drift_report.accuracy_sentence(report)
    assert len(drift_report.prediction_mix_table(report)) == 3
    empty = analyse_drift(DriftInputs(current=empty_log_frame(), no_data_reason="no model is in production"))
    assert drift_plots.feature_histograms(empty) is None and drift_plots.statistics_chart(empty) is None
    assert drift_plots.prediction_mix_by_week(empty) is None and drift_report.feature_table(empty) is None
    assert "no model is in production" in drift_report.verdict_sentence(empty)


def test_histograms_of_a_large_log_are_drawn_from_a_sample_that_the_title_announces():
    from future_skills.reporting import drift_plots

    frame = current_frame(n=500)
    same, note = drift_plots.chart_sample(frame, limit=1000)
    assert same is frame and note == ""
    sample, note = drift_plots.chart_sample(frame, limit=100)
    assert len(sample) == 100 and "random sample of 100 of 500 predictions" in note
    report = analyse_drift(DriftInputs(reference=reference_frame(), current=current_frame(shift=SHIFTED)))
    figure = drift_plots.feature_histograms(report)
    assert "sample" not in figure._suptitle.get_text()
