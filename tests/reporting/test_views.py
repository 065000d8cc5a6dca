"""The notebook views: tables and sentences built from the logic's plain data, in English and French."""
from __future__ import annotations

import pandas as pd
import pytest

from future_skills.formatting import NARROW_NBSP
from future_skills.model.gate import promotion_gate
from future_skills.model.metrics import classification_metrics
from future_skills.reporting import evaluate_view, export_view, train_view
from future_skills.reporting.metrics_view import comparison_frame, per_class_frame, show, summary_frame
from future_skills.schema import LABEL, LEVELS
from future_skills.thresholds import load_config
from helpers.model import make_dataset

Y_TRUE = ["LOW", "LOW", "MEDIUM", "HIGH", "HIGH", "HIGH"]
Y_PRED = ["LOW", "MEDIUM", "MEDIUM", "HIGH", "LOW", "HIGH"]


def test_metric_tables_for_the_notebooks():
    cand = classification_metrics(Y_TRUE, Y_PRED)
    prod = classification_metrics(Y_TRUE, Y_TRUE)
    table = comparison_frame(cand, prod, ("v2", "v1"))
    assert table.loc["Accuracy", "Difference"] == pytest.approx(4 / 6 - 1)
    assert "Precision MEDIUM" in table.index and "Recall HIGH" in table.index
    assert list(table.columns) == ["Candidate v2", "Production v1", "Difference"]
    assert list(comparison_frame(cand, None, ("v2", None)).columns) == ["Candidate v2"]
    assert per_class_frame(cand).loc["HIGH", "Support (rows)"] == 3
    assert summary_frame(cand).loc["Accuracy", "Value"] == pytest.approx(4 / 6)
    french = comparison_frame(cand, prod, ("v2", "v1"), lang="fr")
    assert french.loc["Précision MOYEN", "Différence"] == table.loc["Precision MEDIUM", "Difference"]
    assert per_class_frame(cand, "fr").loc["ÉLEVÉ", "Effectif (lignes)"] == 3


def test_levels_by_date_counts_every_row_once():
    frame = make_dataset(dates=["2025-01-31", "2025-02-28", "2025-05-31"])
    table = export_view.levels_by_date(frame)
    assert list(table.columns) == [*LEVELS, "Total"] and table.index.is_monotonic_increasing
    quarters = pd.PeriodIndex(pd.to_datetime(frame["snapshot_date"]), freq="Q").astype(str)
    assert table["Total"].to_dict() == pd.Series(quarters).value_counts().to_dict()
    assert (table[list(LEVELS)].sum(axis=1) == table["Total"]).all()
    assert table[list(LEVELS)].sum().to_dict() == frame[LABEL].value_counts().to_dict()
    assert list(export_view.levels_by_date(frame, "fr").columns) == ["FAIBLE", "MOYEN", "ÉLEVÉ", "Total"]


def test_snapshot_sentence_in_both_languages():
    snapshot = {"total_samples": 6523, "job_roles": 12, "skills": 20, "snapshot_dates": 8, "source": "HR database",
                "period": {"start": "2024-12-31", "end": "2026-11-24"}}
    assert "**6,523 rows**" in export_view.snapshot_sentence(snapshot)
    assert "31 December 2024 to 24 November 2026" in export_view.snapshot_sentence(snapshot)
    french = export_view.snapshot_sentence(snapshot, "fr")
    assert f"**6{NARROW_NBSP}523 lignes**" in french and "du 31 décembre 2024 au 24 novembre 2026" in french


def test_criteria_and_targets_tables(project_root):
    candidate = {"accuracy": 0.78, "f1_weighted": 0.76,
                 "per_class": {lv: {"precision": 0.72, "recall": 0.8, "f1": 0.8, "support": 40} for lv in LEVELS}}
    result = promotion_gate(candidate, None, None, load_config())
    assert "✘ not met" in set(evaluate_view.targets_frame(result)["Result"])
    assert list(evaluate_view.criteria_frame(result)["Result"]) == ["✔ pass", "✔ pass", "– not checked",
                                                                    "○ pending"]
    french = evaluate_view.criteria_frame(result, "fr")
    assert list(french["Résultat"]) == ["✔ réussi", "✔ réussi", "– non vérifié", "○ en attente"]
    assert "MOYEN 72,0" in french.loc["Précision minimale pour chaque niveau", "Détails"]
    assert list(evaluate_view.targets_frame(result, "fr").index)[0] == "Taux de bonnes réponses"


def test_evaluation_sentences():
    result = {"version": "v2", "production_version": "v1", "test_rows": 1305, "excluded_overlap": 645,
              "rows_compared": 660, "validation": None}
    assert "same **660** rows" in evaluate_view.rows_sentence(result)
    assert "**1,305** rows aside" in evaluate_view.rows_sentence(result)
    assert "mêmes **660** lignes" in evaluate_view.rows_sentence(result, "fr")
    assert evaluate_view.validation_sentence(result) == "No manual validation sample was provided for this version."
    alone = {**result, "production_version": None}
    assert "scored alone" in evaluate_view.rows_sentence(alone)


def test_training_sentence_and_tables():
    metadata = {"model_version": "v2", "training_date": "2026-11-24T03:51:36", "training_duration_seconds": 3.25,
                "metrics": {"accuracy": 0.8552},
                "dataset": {"csv_path": "runs/v2/dataset.csv", "total_samples": 6523,
                            "period": {"start": "2024-12-31", "end": "2026-11-24"}, "train_samples": 5218,
                            "test_samples": 1305, "class_distribution": {"LOW": 1815, "MEDIUM": 1772, "HIGH": 2936},
                            "features_used": ["trend_score"]},
                "hyperparameters": {"n_estimators": 200}}
    assert train_view.trained_sentence(metadata).startswith(
        "Model **v2** was trained on 24 November 2026 in **3.2 seconds**; it is right on **85.5%** of its 1,305 "
        "test rows")
    assert "85,5" in train_view.trained_sentence(metadata, "fr")
    table = train_view.data_table(metadata)
    assert table.loc["Rows (role × skill × date)", "Value"] == "6,523"
    assert table.loc["Need levels decided by HR", "Value"].startswith("LOW 1,815 (28%)")
    assert train_view.hyperparameter_table(metadata).loc["n_estimators", "Value"] == "200"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_training_report_explains_the_family_that_was_trained(lang):
    """A gradient-boosted model's report does not describe a forest voting, nor importance as its decisions."""
    forest, boosted = ({"hyperparameters": {"model_family": family}} for family in ("rf", "hgb"))
    tree_words = {"en": ("random forest", "vote", "forest's decisions"), "fr": ("forêt", "votent", "forêt")}[lang]
    boosting = {"en": ("gradient boosting", "target encoding", "permutation importance", "shuffled"),
                "fr": ("gradient boosting", "encodage par la cible", "importance par permutation", "mélangées")}[lang]
    rf_text = train_view.method_paragraph(forest, lang) + train_view.importance_paragraph(forest, lang)
    hgb_text = train_view.method_paragraph(boosted, lang) + train_view.importance_paragraph(boosted, lang)
    assert all(word in rf_text for word in tree_words) and "permutation" not in rf_text
    assert all(word in hgb_text for word in boosting) and not any(word in hgb_text for word in tree_words)
    assert train_view.method_paragraph({"hyperparameters": {}}, lang) == train_view.method_paragraph(forest, lang)


def test_the_family_and_settings_of_a_french_training_report_read_in_french():
    from future_skills.reporting import model_card

    params = {"n_estimators": 200, "model_family": "rf", "model_requested": "auto", "model_type":
              "RandomForestClassifier", "model_reason": "auto: 5,218 training rows is below 50,000, so the original "
              "random forest is kept", "test_size": 0.2, "class_weight": "balanced", "stratified_split": True,
              "max_depth": None, "max_features": "sqrt", "categorical_encoding": "one-hot (unknown categories ignored)"}
    metadata = {"hyperparameters": params, "dataset": {"train_samples": 5218}}
    assert train_view.family_sentence(metadata) == model_card.family_sentence(metadata)  # English as before
    french = train_view.family_sentence(metadata, "fr")
    assert french.startswith("Famille de modèle\u00a0: **forêt aléatoire** de 200 arbres (RandomForestClassifier)")
    assert "5\u202f218 lignes d'entraînement, moins de 50\u202f000" in french and "training rows" not in french
    assert "auto\u00a0: 5" in french and "\u00a0\u00a0" not in french  # French typography applied once
    asked = train_view.family_sentence({**metadata, "hyperparameters": {**params, "model_requested": "rf"}}, "fr")
    assert "--model rf a été demandé" in asked
    table = train_view.hyperparameter_table(metadata, "fr")
    values = dict(zip(table.index, table["Valeur"]))
    assert values["Nombre d'arbres"] == "200" and values["Part des paires gardées pour le test"] == "0,2"
    assert values["Paires de test tirées par niveau"] == "oui" and values["Type de modèle"] == "forêt aléatoire"
    assert values["Codage des catégories"].startswith("une colonne par catégorie")
    assert not any("_" in name for name in table.index) and "True" not in values.values()
    assert not any("training rows" in v for v in values.values())


def test_tables_show_numbers_in_the_report_language():
    frame = pd.DataFrame({"Share": [0.8552, float("nan")], "Rows": [6523, 12]}, index=["a", "b"])
    french = show(frame, "fr").to_html()
    assert "0,855" in french and f"6{NARROW_NBSP}523" in french and "—" in french
    english = show(frame, "en", digits=2).to_html()
    assert "0.86" in english and "6,523" in english


def test_sources_never_show_a_database_url_or_a_machine_path():
    assert export_view.readable_source("HR database sqlite:////work/x/data/hr.sqlite") == "HR database"
    assert export_view.readable_source("HR database postgresql+psycopg://u:***@h/db", "fr") == "la base RH"
    assert export_view.readable_source("CSV file /tmp/x/data.csv") == "CSV file data.csv"
    assert export_view.readable_source("earlier snapshot runs/v1/dataset.csv") == "earlier snapshot runs/v1/dataset.csv"


def test_marks_keep_their_colour_in_notebook_tables():
    frame = pd.DataFrame({"Result": ["✔ pass", "✘ fail", "– not checked", "plain"]})
    html = show(frame).to_html()
    assert "#1a7f37" in html and "#cf222e" in html and "#57606a" in html
    assert "#1a7f37" in show(pd.DataFrame({"R": ["✔ réussi"]}), "fr").to_html()


def test_validation_rules_read_in_french():
    assert export_view.rule_text("between 0 and 1", "fr") == "entre 0 et 1"
    assert export_view.rule_text("one row per job role, skill and date", "fr") == \
        "une seule ligne par métier, compétence et date"
    assert export_view.rule_text("at least 5 rows per level", "fr") == "au moins 5 lignes par niveau"
    assert export_view.rule_text("a value in every row") == "a value in every row"
    assert export_view.rule_text("something new", "fr") == "something new"


def test_csv_format_and_refusal_read_in_french():
    from future_skills.data.validation import CheckResult
    from future_skills.exceptions import DatasetValidationError

    found = {"encoding": "UTF-8", "delimiter": "semicolon", "decimal": ",", "line_endings": "LF",
             "notes": ["UTF-8, semicolon-separated, decimal comma, LF line endings"]}
    assert export_view.format_note(found) == "UTF-8, semicolon-separated, decimal comma, LF line endings"
    french = export_view.format_note(found, "fr")
    assert french == "UTF-8, séparateur point-virgule, décimales avec virgule, fins de ligne LF"
    refused = DatasetValidationError("3 rows break a rule.\nFix the file.",
                                     failures=[CheckResult("trend_score", "a number", 3, [{"line": 4, "value": "x"}])])
    assert export_view.refusal_sentence(refused) == "**The dataset was refused.** 1 rule of the dataset contract failed."
    assert export_view.refusal_sentence(refused, "fr") == ("**Le jeu de données a été refusé.** 1 règle du contrat "
                                                           "de données n'est pas respectée.")
    empty = DatasetValidationError("the file has a header but no data rows; export it again.")
    assert export_view.refusal_sentence(empty).endswith("the file has a header but no data rows; export it again.")
    assert export_view.refusal_advice([], "fr") == "Que faire\u00a0: corrigez ces lignes dans les données et relancez."
    table = export_view.refusal_table(refused, "fr")
    assert list(table.columns)[:3] == ["Règle", "Colonne", "Lignes en erreur"]
    assert table.iloc[0, 0] == "un nombre"
    assert list(export_view.refusal_table(refused).columns)[0] == "Rule"
