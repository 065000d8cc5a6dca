"""Every row of "What changed since production" has a readable label and values, in English and French."""
from __future__ import annotations

import re

import pytest

from future_skills.registry.diff import diff_versions
from future_skills.reporting.changes_view import HIDDEN, LABELS, change_row, row_label
from future_skills.reporting.run_index import CHANGE_SECTIONS


def metadata(version: str, trees: int, rows: int, end: str, family: str = "rf") -> dict:
    hyper = {"n_estimators": trees, "model_family": family, "model_requested": "auto", "model_reason": "auto: why",
             "model_type": "RandomForestClassifier", "random_state": 42 + trees, "test_size": 0.2 + trees / 1e4,
             "class_weight": "balanced" if trees > 100 else None, "stratified_split": trees > 100,
             "max_depth": trees, "min_samples_leaf": trees, "max_samples": trees, "max_features": "sqrt" if trees >
             100 else None, "categorical_encoding": f"one-hot {trees}", "max_iter": trees, "learning_rate": trees / 1e3,
             "max_leaf_nodes": trees, "early_stopping": trees > 100, "validation_fraction": trees / 1e3,
             "n_iter_no_change": trees, "n_iter_fitted": trees}
    return {"model_version": version, "hyperparameters": hyper,
            "dataset": {"sha256": version * 32, "total_samples": rows,
                        "class_distribution": {"LOW": rows // 3, "MEDIUM": rows // 3 + 1, "HIGH": rows // 2},
                        "period": {"start": "2024-12-31", "end": end}, "features_used": ["a", "b"][: 1 + (trees > 100)]},
            "feature_importance_top10": {"trend_score": trees / 1e3, "skill_category=Communication": trees / 2e3}}


def rows() -> list[dict]:
    diff = diff_versions(metadata("v1", 100, 4800, "2026-09-30"), metadata("v2", 200, 6523, "2026-11-24"))
    return [r for r in diff["rows"] if r["changed"] and r["section"] in CHANGE_SECTIONS
            and (r["section"], r["name"]) not in HIDDEN]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_changed_row_has_a_catalogue_label_not_a_raw_key(lang):
    shown = [change_row(r, lang) for r in rows()]
    assert len(shown) >= 20
    for row, raw in zip(shown, rows()):
        item = row["label"].split(":", 1)[1].strip()
        assert "_" not in row["label"] and "Sha256" not in row["label"], row["label"]
        assert raw["name"] in LABELS[lang] or raw["section"] == "feature_importance" or \
            raw["name"].startswith("class_distribution"), raw["name"]  # worded by the catalogue, not guessed
        assert item and item != raw["name"]


def test_french_rows_read_in_french_with_french_numbers_and_dates():
    shown = {r["name"]: change_row(r, "fr") for r in rows()}
    assert shown["sha256"]["label"] == "Données\u00a0: empreinte des données d'entraînement (sha256)"
    assert shown["class_distribution HIGH"]["label"].endswith("paires classées ÉLEVÉ par la RH")
    assert shown["period end"]["b"] == "24 novembre 2026"
    assert shown["total_samples"]["b"] == "6\u202f523" and shown["total_samples"]["delta"] == "+1\u202f723"
    assert shown["stratified_split"]["b"] == "oui"
    assert shown["skill_category=Communication"]["label"].endswith("Catégorie de compétence «\u00a0Communication\u00a0»")
    assert not any(re.search(r"\d\.\d", " ".join(r.values())) for r in shown.values())


def test_english_labels():
    assert row_label("dataset", "sha256") == "Data: fingerprint of the training data (sha256)"
    assert row_label("hyperparameters", "n_estimators") == "Training setting: number of trees"
    assert row_label("feature_importance", "trend_score") == "Importance of a signal: Trend score"
    assert row_label("feature_importance", "skill_category=Security") == \
        "Importance of a signal: Skill category “Security”"


def test_sentences_of_the_metadata_stay_out_of_the_table():
    assert not any(r["name"] in ("model_reason", "categorical_encoding") for r in rows())
