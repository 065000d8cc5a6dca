"""The rules engine: a transparent weighted score, thresholds 40/70, plausible probabilities."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from future_skills.exceptions import FutureSkillsError
from future_skills.serving.rules import RULES_ENGINE, RULES_VERSION, rules_predict, rules_score


def frame(**overrides) -> pd.DataFrame:
    row = {"trend_score": 0.5, "internal_usage": 0.5, "training_requests": 25.0, "scarcity_index": 0.5}
    row.update(overrides)
    return pd.DataFrame([row])


def test_score_is_the_documented_weighted_sum():
    # 100 * (0.35*0.8 + 0.25*0.6 + 0.20*(10/50) + 0.20*0.4) = 28 + 15 + 4 + 8 = 55
    score = rules_score(frame(trend_score=0.8, internal_usage=0.6, training_requests=10, scarcity_index=0.4))
    assert score[0] == pytest.approx(55.0)


def test_training_requests_saturate_and_score_stays_in_0_100():
    low = rules_score(frame(trend_score=0, internal_usage=0, training_requests=0, scarcity_index=0))
    high = rules_score(frame(trend_score=7.5, internal_usage=1, training_requests=10_000, scarcity_index=1))
    assert low[0] == 0.0 and high[0] == 100.0


@pytest.mark.parametrize("value, level", [(0, "LOW"), (39.9, "LOW"), (40, "MEDIUM"), (69.9, "MEDIUM"),
                                          (70, "HIGH"), (100, "HIGH")])
def test_levels_follow_thresholds(value, level):
    # all four signals equal to `value` (requests scaled so that they also give `value`) → score == value
    result = rules_predict(frame(trend_score=value / 100, internal_usage=value / 100, training_requests=value / 2,
                                 scarcity_index=value / 100))
    assert result["score"].iloc[0] == pytest.approx(value, abs=0.01)
    assert result["predicted_level"].iloc[0] == level


def test_probabilities_sum_to_one_and_agree_with_the_level():
    rng = np.random.default_rng(0)
    data = pd.DataFrame({name: rng.uniform(0, 1, 500) for name in
                         ("trend_score", "internal_usage", "scarcity_index")}).assign(
        training_requests=rng.uniform(0, 60, 500))
    result = rules_predict(data)
    probs = result[["prob_LOW", "prob_MEDIUM", "prob_HIGH"]].to_numpy()
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-3)
    argmax = np.array(["LOW", "MEDIUM", "HIGH"])[probs.argmax(axis=1)]
    assert (argmax == result["predicted_level"].to_numpy()).all()
    assert set(result["engine"]) == {RULES_ENGINE} and set(result["model_version"]) == {RULES_VERSION}
    assert list(result.index) == list(data.index)


def test_missing_columns_are_named():
    with pytest.raises(FutureSkillsError, match="scarcity_index"):
        rules_predict(frame().drop(columns=["scarcity_index"]))


def test_non_numeric_values_are_refused_with_the_column():
    with pytest.raises(FutureSkillsError, match="trend_score"):
        rules_predict(frame(trend_score="high"))


def test_missing_signals_count_as_zero_only_when_asked():
    partial = frame(trend_score=None).drop(columns=["scarcity_index"])
    with pytest.raises(FutureSkillsError):
        rules_score(partial)
    # 100 * (0.25*0.5 + 0.20*25/50) = 12.5 + 10 = 22.5: the missing trend and scarcity count for nothing
    assert rules_score(partial, missing_as_zero=True)[0] == pytest.approx(22.5)


def test_a_contract_on_another_scale_rescales_the_signals(project_root):
    (project_root / "future_skills.toml").write_text(
        "[dataset.ranges]\ntrend_score = { min = 0, max = 100 }\n", encoding="utf-8")
    # trend 80 on a 0-100 contract is the share 0.8: the same score as the documented example
    score = rules_score(frame(trend_score=80, internal_usage=0.6, training_requests=10, scarcity_index=0.4))
    assert score[0] == pytest.approx(55.0)
