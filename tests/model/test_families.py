"""families.py: auto's choice, the forest's bounds, the hgb pipeline, importances for both."""
from __future__ import annotations

import pytest

from future_skills.exceptions import FutureSkillsError
from future_skills.model import families
from future_skills.schema import CATEGORICAL_FEATURES, FEATURES, LABEL, NUMERIC_FEATURES
from helpers.model import make_dataset


def test_auto_keeps_the_forest_below_the_threshold_and_says_why():
    below = families.choose_family("auto", families.AUTO_HGB_MIN_ROWS - 1)
    at = families.choose_family("auto", families.AUTO_HGB_MIN_ROWS)
    assert (below.family, at.family) == ("rf", "hgb")
    assert below.requested == at.requested == "auto"
    assert "below" in below.reason and "reaches" in at.reason
    assert families.choose_family("rf", 10**7).family == "rf"
    assert families.choose_family("hgb", 10).family == "hgb"


def test_unknown_family_is_one_sentence():
    with pytest.raises(FutureSkillsError, match="--model must be one of rf, hgb, auto, got 'gbm'"):
        families.choose_family("gbm", 10)


def test_forest_is_the_original_on_small_data_and_bounded_on_large():
    small = families.build_rf(10, 0, rows=5_000).named_steps["model"]
    medium = families.build_rf(10, 0, rows=80_000).named_steps["model"]
    cap = families.RF_BOUNDS["max_rows_per_tree"]
    large, huge = (families.build_rf(10, 0, rows=n).named_steps["model"] for n in (cap * 3, cap * 30))
    assert (small.min_samples_leaf, small.max_samples) == (1, None)  # the demo's forest is unchanged
    assert medium.min_samples_leaf == 5 and medium.max_samples is None
    assert large.max_samples == huge.max_samples == cap  # trees stop growing with the data
    assert large.min_samples_leaf == huge.min_samples_leaf > medium.min_samples_leaf


def test_hgb_target_encodes_every_name_inside_the_pipeline():
    frame = make_dataset(n_roles=12, n_skills=15, seed=3)
    pipeline = families.build_hgb(0).fit(frame[list(FEATURES)], frame[LABEL])
    encoder = pipeline.named_steps["preprocess"].named_transformers_["categorical"]
    assert type(encoder).__name__ == "TargetEncoder" and list(encoder.feature_names_in_) == list(CATEGORICAL_FEATURES)
    unseen = frame.head(3).assign(job_role_name="never seen", skill_name="never seen either")
    assert pipeline.predict_proba(unseen[list(FEATURES)]).shape == (3, 3)  # unknown names do not fail
    top, by_feature, method = families.feature_importances(pipeline, 5, frame, frame[LABEL], 0)
    assert method.startswith("permutation") and len(top) == 5 and set(by_feature) == set(FEATURES)
    assert sum(by_feature.values()) == pytest.approx(1.0, abs=1e-4)
    assert max(by_feature, key=by_feature.get) in NUMERIC_FEATURES  # the label follows numeric signals


def test_hgb_importances_need_rows():
    frame = make_dataset(seed=3)
    pipeline = families.build_hgb(0).fit(frame[list(FEATURES)], frame[LABEL])
    with pytest.raises(FutureSkillsError, match="needs rows"):
        families.feature_importances(pipeline)


def test_training_threads_never_exceed_the_cpus():
    with families.model_threads() as threads:
        assert 1 <= threads <= (__import__("os").cpu_count() or 1)


def test_model_threads_counts_the_cores_at_most_once_a_second(monkeypatch):
    counts = []
    monkeypatch.setattr(families, "_LAST_COUNT", {"at": float("-inf"), "cores": 1})
    monkeypatch.setattr(families, "free_cores", lambda: counts.append(1) or 1)
    for _ in range(3):
        with families.model_threads() as threads:
            assert threads == 1
    assert len(counts) == 1  # batches scored back to back share one count
    monkeypatch.setattr(families, "_LAST_COUNT", {"at": families.time.monotonic() - 2.0, "cores": 1})
    with families.model_threads():
        pass
    assert len(counts) == 2  # a second later it counts again
