"""serving.predict: production model (sha256 verified, cached), pinned models, rules fallback, logging."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from future_skills.exceptions import FutureSkillsError
from future_skills.model import scoring
from future_skills.paths import get_paths
from future_skills.serving import predict as serving
from future_skills.serving.predict import FALLBACK_ENGINE, RESULT_COLUMNS, RulesFallbackWarning, predict
from helpers.monitoring import install_model, pairs, tamper


@pytest.fixture(autouse=True)
def fresh_state(project_root):
    serving.clear_cache()
    yield project_root
    serving.clear_cache()


def fallback_warnings(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, RulesFallbackWarning)]


def test_no_production_model_uses_rules_and_warns_once():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        first = predict(pairs(5), log=False)
        second = predict(pairs(3), log=False)
    assert list(first.columns) == list(RESULT_COLUMNS)
    assert set(first["engine"]) == {"rules"} and set(second["model_version"]) == {"rules_v1"}
    messages = fallback_warnings(record)
    assert len(messages) == 1 and "no model is in production" in messages[0]
    assert serving.engine_status()["reason"] == "no model is in production"


def test_production_model_scores_with_expected_need():
    install_model("v1")
    result = predict(pairs(30), log=False)
    assert set(result["engine"]) == {"ML (RandomForest)"}
    assert set(result["model_version"]) == {"ml_random_forest_v1"}
    expected = 100 * (0.5 * result["prob_MEDIUM"] + result["prob_HIGH"])
    assert np.allclose(result["score"], expected, atol=0.02)
    probs = result[["prob_LOW", "prob_MEDIUM", "prob_HIGH"]].to_numpy()
    assert (np.array(["LOW", "MEDIUM", "HIGH"])[probs.argmax(axis=1)] == result["predicted_level"]).all()
    assert result["job_role_id"].tolist() == pairs(30)["job_role_id"].tolist()


def test_sha_mismatch_falls_back_to_rules_with_the_reason():
    entry = install_model("v1")
    tamper(get_paths().root / entry.model_path)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = predict(pairs(4), log=False)
    assert set(result["engine"]) == {FALLBACK_ENGINE}  # says the model was expected but unusable
    messages = fallback_warnings(record)
    assert len(messages) == 1 and "sha256" in messages[0] and "v1" in messages[0]


def test_model_is_cached_and_reloaded_when_the_file_changes(monkeypatch):
    entry = install_model("v1")
    calls = []
    from future_skills.model import store as model_store
    real = model_store.load_model
    monkeypatch.setattr(serving, "load_model", lambda *a, **k: calls.append(a) or real(*a, **k))
    predict(pairs(2), log=False)
    predict(pairs(2), log=False)
    assert len(calls) == 1
    tamper(get_paths().root / entry.model_path)  # new mtime: verified again, and now refused
    with pytest.warns(RulesFallbackWarning):
        assert set(predict(pairs(2), log=False)["engine"]) == {FALLBACK_ENGINE}
    assert len(calls) == 2


def test_model_version_setting_pins_a_registry_version(monkeypatch):
    install_model("v1")
    install_model("v2", status="candidate", seed=3)
    monkeypatch.setenv("FUTURE_SKILLS_MODEL_VERSION", "v2")
    assert set(predict(pairs(3), log=False)["model_version"]) == {"ml_random_forest_v2"}
    monkeypatch.setenv("FUTURE_SKILLS_MODEL_VERSION", "v9")
    with pytest.warns(RulesFallbackWarning, match="v9"):
        assert set(predict(pairs(3), log=False)["engine"]) == {"rules"}


def test_model_path_setting_is_verified_by_registry_or_sidecar(monkeypatch, tmp_path):
    entry = install_model("v1")
    model = get_paths().root / entry.model_path
    monkeypatch.setenv("FUTURE_SKILLS_MODEL_PATH", str(model))
    assert set(predict(pairs(2), log=False)["model_version"]) == {"ml_random_forest_v1"}

    copy = tmp_path / "elsewhere" / "model.pkl"
    copy.parent.mkdir()
    copy.write_bytes(model.read_bytes())
    monkeypatch.setenv("FUTURE_SKILLS_MODEL_PATH", str(copy))
    with pytest.warns(RulesFallbackWarning, match="sidecar"):
        assert set(predict(pairs(2), log=False)["engine"]) == {"rules"}
    copy.with_suffix(".json").write_text(json.dumps({"model_sha256": entry.model_sha256, "model_version": "v7"}))
    assert set(predict(pairs(2), log=False)["model_version"]) == {"ml_random_forest_v7"}


def test_missing_numeric_columns_are_named():
    with pytest.raises(FutureSkillsError, match="2 of 2 pairs break the input contract") as err:
        predict(pairs(2).drop(columns=["scarcity_index", "hiring_difficulty"]), log=False)
    assert "scarcity_index is missing" in str(err.value) and "hiring_difficulty is missing" in str(err.value)
    with pytest.raises(FutureSkillsError, match="skill_id"):
        predict([{"job_role_id": 1}], log=False)


def test_unknown_and_missing_categories_never_crash():
    install_model("v1")
    frame = pairs(3)
    frame.loc[0, "skill_name"] = "Quantum basket weaving"
    frame.loc[1, "job_department"] = None
    with pytest.warns(serving.NamesUnknownWarning):
        result = predict(frame.drop(columns=["job_role_name"]), log=False)
    assert set(result["engine"]) == {"ML (RandomForest)"} and len(result) == 3


def test_records_are_accepted_and_logged_with_ids_only(monkeypatch, tmp_path):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(log))
    install_model("v1")
    records = pairs(3).to_dict("records")
    result = predict(records, timestamp="2025-11-27T14:30:00")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) == 3 and "Role" not in log.read_text() and "Skill " not in log.read_text()
    first = lines[0]
    assert first["timestamp"] == "2025-11-27T14:30:00"
    assert first["job_role_id"] == records[0]["job_role_id"] and first["skill_id"] == records[0]["skill_id"]
    assert first["model_version"] == "ml_random_forest_v1" and first["engine"] == "ML (RandomForest)"
    assert set(first["features"]) == {"trend_score", "internal_usage", "training_requests", "scarcity_index",
                                      "hiring_difficulty", "avg_salary_k", "economic_indicator"}
    assert first["probabilities"]["HIGH"] == pytest.approx(result["prob_HIGH"].iloc[0])
    assert first["score"] == pytest.approx(result["score"].iloc[0])


def test_log_follows_the_setting_unless_told(monkeypatch, tmp_path):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(log))
    monkeypatch.setenv("FUTURE_SKILLS_ENABLE_MONITORING", "false")
    with pytest.warns(RulesFallbackWarning):
        predict(pairs(2))
    assert not log.exists()
    predict(pairs(2), log=True, timestamp=pd.to_datetime(["2025-01-01 10:00", "2025-01-02 11:00"]))
    stamps = [json.loads(line)["timestamp"] for line in log.read_text().splitlines()]
    assert stamps == ["2025-01-01T10:00:00", "2025-01-02T11:00:00"]


def test_a_logging_failure_does_not_fail_the_prediction(monkeypatch, tmp_path):
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(tmp_path))  # a directory: cannot be appended to
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        result = predict(pairs(2), log=True)
    assert len(result) == 2


def ids_only(role_ids: list[int], skill_ids: list[int]) -> pd.DataFrame:
    numeric = pairs(len(role_ids))[["trend_score", "internal_usage", "training_requests", "scarcity_index",
                                    "hiring_difficulty", "avg_salary_k", "economic_indicator"]]
    return numeric.assign(job_role_id=role_ids, skill_id=skill_ids)


@pytest.fixture(scope="module")
def demo_catalog_db(tmp_path_factory):
    from future_skills.data.demo import build_demo_database

    return build_demo_database(tmp_path_factory.mktemp("hr") / "hr.sqlite")


def test_pairs_given_by_ids_get_their_names_from_the_hr_catalog(monkeypatch, demo_catalog_db):
    from future_skills.data.database import load_catalog

    url = f"sqlite:///{demo_catalog_db}"
    monkeypatch.setenv("FUTURE_SKILLS_DB_URL", url)
    roles, skills = load_catalog(url)
    frame = ids_only([int(roles.job_role_id[0]), int(roles.job_role_id[4])],
                     [int(skills.skill_id[2]), int(skills.skill_id[7])])
    frame.loc[1, "skill_name"] = "Given name"  # a name given by the caller is kept
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NamesUnknownWarning: everything was found
        prepared = serving.prepare_frame(frame)
    assert prepared.loc[0, "job_role_name"] == roles.job_role_name[0]
    assert prepared.loc[1, "job_department"] == roles.job_department[4]
    assert prepared.loc[0, "skill_name"] == skills.skill_name[2]
    assert prepared.loc[1, "skill_name"] == "Given name"
    assert prepared.loc[1, "skill_category"] == skills.skill_category[7]


def test_ids_the_catalog_lacks_are_unknown_with_one_warning(monkeypatch, demo_catalog_db):
    monkeypatch.setenv("FUTURE_SKILLS_DB_URL", f"sqlite:///{demo_catalog_db}")
    with pytest.warns(serving.NamesUnknownWarning, match="HR catalog does not supply them"):
        prepared = serving.prepare_frame(ids_only([99999, 1], [1, 99999]))
    assert prepared.loc[0, "job_role_name"] == "unknown" and prepared.loc[1, "skill_category"] == "unknown"
    assert prepared.loc[0, "skill_name"] != "unknown"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        serving.prepare_frame(ids_only([99999], [1]))  # same reason: not repeated


def test_without_a_database_names_are_unknown_and_no_demo_database_is_built():
    install_model("v1")
    with pytest.warns(serving.NamesUnknownWarning):
        result = predict(ids_only([1, 2], [3, 4]), log=False)
    assert set(result["engine"]) == {"ML (RandomForest)"}
    assert not get_paths().demo_db.exists()


def test_the_served_copy_chooses_threads_per_batch_and_scores_the_same():
    from future_skills.model.store import load_model

    entry = install_model("v1")
    model, choice = serving.active_model()
    assert model.named_steps["model"].n_jobs is None  # ml_predict picks 1 thread or all, per batch size
    original = load_model(choice.path, entry.model_sha256)  # the file itself is unchanged
    assert original.named_steps["model"].n_jobs != None  # noqa: E711 - as trained
    frame = serving.prepare_frame(pairs(50))
    big = pd.concat([frame] * (scoring.PARALLEL_MIN_ROWS // 50 + 1), ignore_index=True)
    for batch in (frame, big):
        expected = original.predict_proba(batch[list(scoring.FEATURES)])
        served = scoring.ml_predict(model, batch)
        assert np.allclose(served[["prob_LOW", "prob_MEDIUM", "prob_HIGH"]].to_numpy(),
                           np.round(expected[:, [list(original.classes_).index(c) for c in ("LOW", "MEDIUM", "HIGH")]], 4))
