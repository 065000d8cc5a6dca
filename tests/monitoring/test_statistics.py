"""The drift statistics registry: each built-in statistic, the status rule, the verdict, plugging a new one in."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from future_skills.exceptions import ConfigError
from future_skills.monitoring import builtin_statistics as builtin
from future_skills.monitoring import statistics
from future_skills.monitoring.drift import analyse_drift, verdict
from future_skills.monitoring.inputs import DriftInputs
from future_skills.monitoring.log_reader import read_prediction_log
from future_skills.monitoring.log_writer import format_lines
from future_skills.monitoring.statistics import Column, DriftStatistic, feature_status
from future_skills.schema import NUMERIC_FEATURES
from future_skills.thresholds import DEFAULTS, load_config
from helpers import drift_golden as golden

T = {**DEFAULTS["drift"]}
GOLDEN = Path(__file__).parent / "data" / "golden_drift.json"


def test_each_builtin_statistic_is_registered_for_its_feature_type():
    assert [s.name for s in statistics.registered("numeric")] == ["psi", "ks", "out_of_range"]
    assert [s.name for s in statistics.registered("categorical")] == ["unseen", "total_variation", "chi_square"]
    for statistic in statistics.registered():
        assert set(statistic.threshold_keys) <= set(DEFAULTS["drift"]), statistic.name
        assert statistic.display_name and statistic.explain(T)


@pytest.mark.parametrize(("psi", "level"), [(0.05, "ok"), (0.10, "watch"), (0.2499, "watch"), (0.25, "drift"),
                                            (float("nan"), "ok")])
def test_psi_level_follows_its_two_thresholds(psi, level):
    assert statistics._REGISTRY["psi"].level({"psi": psi}, T) == level


def test_ks_and_chi_square_are_tests_with_their_own_pvalue_thresholds():
    ks, chi = statistics._REGISTRY["ks"], statistics._REGISTRY["chi_square"]
    assert ks.kind == chi.kind == "test"
    thresholds = {**T, "ks_pvalue": 0.01, "chi2_pvalue": 0.05}
    assert ks.level({"ks_pvalue": 0.02}, thresholds) == "ok"
    assert chi.level({"chi2_pvalue": 0.02}, thresholds) == "drift"
    assert chi.level({"chi2_pvalue": None}, thresholds) == "ok"


def test_out_of_range_and_unseen_watch_strictly_above_their_threshold():
    assert statistics._REGISTRY["out_of_range"].level({"out_of_range_share": 0.05}, T) == "ok"
    assert statistics._REGISTRY["out_of_range"].level({"out_of_range_share": 0.051}, T) == "watch"
    assert statistics._REGISTRY["unseen"].level({"unseen_share": 0.05}, T) == "ok"
    assert statistics._REGISTRY["unseen"].level({"unseen_share": 0.06}, T) == "watch"


def test_categorical_statistics_on_counts():
    reference = pd.Series({"a": 50, "b": 50})
    current = pd.Series({"a": 70, "b": 20, "new": 10})
    assert builtin.unseen_values(reference, current) == {"unseen_share": pytest.approx(0.1), "unseen_values": ["new"]}
    assert builtin.total_variation(reference, current)["total_variation"] == pytest.approx(0.5 * (0.2 + 0.3 + 0.1))
    result = builtin.chi_square(reference, current)
    expected = stats.chi2_contingency(np.array([[50, 50, 0], [70, 20, 10]], dtype=float))
    assert result["chi2_pvalue"] == pytest.approx(expected[1]) and result["categories"] == 3
    assert builtin.chi_square(pd.Series({"a": 3}), pd.Series({"a": 2}))["chi2_note"].startswith("a single")
    assert "too few" in builtin.chi_square(pd.Series({"a": 2, "b": 1}), pd.Series({"a": 1, "b": 2}))["chi2_note"]


def test_large_sample_ks_is_scipys_statistic_and_pvalue_exactly():
    rng = np.random.default_rng(5)
    for reference, current in ((rng.normal(0, 1, 3000), rng.normal(0.05, 1, 25_000)),
                               (rng.integers(0, 6, 12_000).astype(float), rng.integers(0, 7, 15_000).astype(float))):
        expected = stats.ks_2samp(reference, current)
        assert builtin.ks_test(reference, current) == (float(expected.statistic), float(expected.pvalue))
        assert builtin._ks(np.sort(reference), np.sort(current)) == builtin.ks_test(reference, current)


def test_sorted_counting_gives_the_same_psi_and_out_of_range():
    rng = np.random.default_rng(6)
    reference, current = rng.integers(0, 6, 800).astype(float), rng.integers(0, 8, 5000).astype(float)
    assert builtin._psi(np.sort(reference), np.sort(current)) == builtin.population_stability_index(reference, current)
    assert builtin._outside(np.sort(reference), np.sort(current)) == builtin.out_of_range_share(reference, current)


@pytest.mark.parametrize(("values", "status"), [
    ({"psi": 0.3, "ks_pvalue": 0.001, "out_of_range_share": 0.0}, "drift"),
    ({"psi": 0.3, "ks_pvalue": 0.2, "out_of_range_share": 0.0}, "watch"),   # PSI drift unconfirmed by KS
    ({"psi": 0.01, "ks_pvalue": 0.001, "out_of_range_share": 0.2}, "watch"),  # out of range alone
    ({"psi": 0.01, "ks_pvalue": 0.001, "out_of_range_share": 0.0}, "ok"),    # a significant test alone
])
def test_numeric_status_rule(values, status):
    assert feature_status(values, statistics.registered("numeric"), T) == status


def test_total_variation_needs_a_significant_chi_square():
    categorical = statistics.registered("categorical")
    moved = {"unseen_share": 0.0, "total_variation": 0.2, "chi2_pvalue": 0.001}
    assert feature_status(moved, categorical, T) == "watch"
    assert feature_status({**moved, "chi2_pvalue": 0.2}, categorical, T) == "ok"
    assert feature_status({**moved, "chi2_pvalue": 0.02}, categorical, {**T, "chi2_pvalue": 0.05}) == "watch"


def test_an_effect_whose_test_is_not_used_stands_alone():
    psi_only = [statistics._REGISTRY["psi"]]
    assert feature_status({"psi": 0.3}, psi_only, T) == "drift"


def _section(drift=(), watch=()):
    return {name: {"status": "drift" if name in drift else "watch" if name in watch else "ok"}
            for name in NUMERIC_FEATURES}


def _report(features, mix="ok", rows=500, realised=None):
    return {"features": features, "categorical": {}, "prediction_mix": {"status": mix, "psi": 0.3},
            "score": {"status": "ok"}, "realised_accuracy": realised, "estimated_accuracy": None, "rows": rows}


def test_verdict_rules():
    two = _section(drift=NUMERIC_FEATURES[:2])
    assert verdict(_report(two), T)[0] == "retrain"
    one = _section(drift=NUMERIC_FEATURES[:1])
    assert verdict(_report(one), T)[0] == "watch"
    assert verdict(_report(one, mix="drift"), T)[0] == "retrain"
    assert verdict(_report(two, rows=10), T)[0] == "watch"
    drop = {"drop": 0.2, "accuracy": 0.6, "rows": 100, "enough_rows": True}
    assert verdict(_report(_section(), realised=drop), T)[0] == "retrain"
    assert verdict(_report(_section(), realised={**drop, "enough_rows": False}), T)[0] == "watch"
    assert verdict(_report(_section()), T) == ("ok", ["no feature, prediction-mix or accuracy signal crossed its "
                                                      "threshold"])


def test_register_refuses_undeclared_thresholds():
    bad = DriftStatistic("bad", "Bad", ("numeric",), ("no_such_key",), lambda r, c: {}, lambda v, t: "ok", ())
    with pytest.raises(ConfigError, match="no_such_key"):
        statistics.register(bad)
    assert "bad" not in [s.name for s in statistics.registered()]


@pytest.fixture
def mean_shift():
    """A plugged-in statistic: |mean difference| in reference standard deviations, drift from 1."""
    statistic = statistics.register(DriftStatistic(
        "mean_shift", "Mean shift", ("numeric",), ("mean_shift_drift",),
        lambda ref, cur: {"mean_shift": float(abs(cur.mean() - ref.mean()) / ref.std())},
        lambda v, t: "drift" if v["mean_shift"] >= t["mean_shift_drift"] else "ok",
        (Column("mean_shift", "Mean shift (sd)", "number", 2),), description="mean moved by {mean_shift_drift:g} sd",
        chart_key="mean_shift", drift_key="mean_shift_drift", defaults={"mean_shift_drift": 1.0}))
    yield statistic
    statistics.unregister("mean_shift")


def test_a_registered_statistic_reaches_the_json_the_verdict_the_table_and_the_chart(mean_shift):
    from future_skills.reporting import drift_plots, drift_view

    reference = golden.reference_frame()
    current = reference.sample(1000, random_state=1).reset_index(drop=True)
    current["timestamp"], current["predicted_level"], current["model_version"] = pd.Timestamp("2025-11-20"), "LOW", "x"
    for level in ("LOW", "MEDIUM", "HIGH"):
        current[f"prob_{level}"] = 1 / 3
    for name in NUMERIC_FEATURES[:2]:
        current[name] = current[name] + 12
    blind = {"drift": {**T, "psi_watch": 99.0, "psi_drift": 99.0, "out_of_range_watch": 1.0}}  # built-ins silent
    report = analyse_drift(DriftInputs(reference=reference, current=current), blind)
    assert report["features"][NUMERIC_FEATURES[0]]["mean_shift"] > 1
    assert report["thresholds"]["mean_shift_drift"] == 1.0
    assert report["verdict"] == "retrain" and NUMERIC_FEATURES[1] in report["reasons"][0]
    assert "Mean shift (sd)" in drift_view.feature_table(report).columns
    assert "Mean shift" in drift_view.statistics_glossary(report)
    assert len(drift_plots.statistics_chart(report).axes) == 2
    statistics.unregister("mean_shift")
    without = analyse_drift(DriftInputs(reference=reference, current=current), blind)
    assert without["verdict"] == "ok" and "mean_shift" not in without["features"][NUMERIC_FEATURES[0]]


def test_same_drift_json_as_before_the_registry_on_a_fixed_log():
    records = golden.log_records()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.jsonl"
        log.write_bytes(format_lines(records))
        result = read_prediction_log(log, window="30d", now=golden.NOW)
    report = analyse_drift(golden.inputs(records, result), load_config(Path(tmp) / "none.toml"))
    expected = json.loads(GOLDEN.read_text())
    actual = json.loads(json.dumps(golden.comparable(dict(report))))
    new_thresholds = {"total_variation_watch": 0.10, "chi2_pvalue": 0.01}  # the two thresholds this change added
    assert actual.pop("thresholds") == {**expected.pop("thresholds"), **new_thresholds}
    assert actual == expected


def test_numeric_features_compared_two_at_a_time_give_the_same_results(monkeypatch):
    from future_skills.monitoring import drift

    reference = golden.reference_frame()
    current = pd.DataFrame(golden.log_records(800))
    together = drift.numeric_drift(reference, current, T)
    monkeypatch.setattr(drift, "NUMERIC_WORKERS", 1)
    serial = drift.numeric_drift(reference, current, T)
    assert together == serial
    assert list(serial) == list(NUMERIC_FEATURES)


def test_the_new_thresholds_are_overridable_in_future_skills_toml(tmp_path: Path):
    config = tmp_path / "future_skills.toml"
    config.write_text("[drift]\nchi2_pvalue = 0.05\ntotal_variation_watch = 0.2\n")
    drift_thresholds = load_config(config)["drift"]
    assert drift_thresholds["chi2_pvalue"] == 0.05 and drift_thresholds["total_variation_watch"] == 0.2
    assert drift_thresholds["ks_pvalue"] == DEFAULTS["drift"]["ks_pvalue"]


def test_pairs_are_counted_the_same_with_far_apart_ids():
    from future_skills.monitoring.categorical import pair_counts

    near = pd.DataFrame({"job_role_id": [1, 1, 2, 1], "skill_id": [5, 5, 6, 7]})
    far = near.assign(skill_id=near["skill_id"] * 10**15, job_role_id=near["job_role_id"] * 10**15)
    expected = [(1, 5, 2), (1, 7, 1), (2, 6, 1)]
    assert list(pair_counts(near).itertuples(index=False, name=None)) == expected
    assert [(r // 10**15, s // 10**15, n) for r, s, n in pair_counts(far).itertuples(index=False, name=None)] == expected
