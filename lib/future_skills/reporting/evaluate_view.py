"""What the evaluation report (03_evaluate) shows: sentences and tables from ``evaluate_candidate``'s data."""
from __future__ import annotations

from typing import Any

import pandas as pd

from future_skills.formatting import integer, level_name, mark, outcome, percent, points
from future_skills.model.gate_texts import criterion_detail, criterion_name, verdict_text
from future_skills.reporting import model_card
from future_skills.reporting.metrics_view import comparison_table, measure, metric_label
from future_skills.reporting.texts import catalogue_text

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "alone": "No production model to compare with: candidate **{version}** is scored alone on the **{test}** "
                 "rows it kept aside for testing and never saw during training.",
        "rows": "Candidate **{version}** kept **{test}** rows aside for testing. **{excluded}** of them were used to "
                "train the production model **{prod}** and are left out, so both models are compared on the same "
                "**{compared}** rows that neither of them has seen.",
        "no_sample": "No manual validation sample was provided for this version.",
        "sample": "On the manual validation sample ({rows} rows labelled by HR), the candidate agrees with HR on "
                  "**{cand}** of rows{versus}.{listed}",
        "sample_versus": ", the production model on **{prod}**",
        "sample_listed": " The **{count}** rows where a model disagrees with HR are listed below.",
        "sample_agree": " Both models agree with HR on every row.",
        "criterion": "Criterion", "result": "Result", "details": "Details", "objective": "Objective",
        "target": "Target (above)", "candidate": "Candidate",
        "job_role_id": "Job role ID", "skill_id": "Skill ID", "snapshot_date": "Snapshot date",
        "job_role_name": "Job role", "skill_name": "Skill", "hr_label": "HR level",
        "candidate_prediction": "Candidate {version}", "production_prediction": "Production {version}",
        "no_calibration": "The candidate gives no confidence for its answers: there is no calibration to show.",
    },
    "fr": {
        "alone": "Aucun modèle en production à comparer : le candidat **{version}** est évalué seul sur les "
                 "**{test}** lignes mises de côté pour le test, qu'il n'a jamais vues à l'entraînement.",
        "rows": "Le candidat **{version}** a mis **{test}** lignes de côté pour le test. **{excluded}** d'entre "
                "elles ont servi à entraîner le modèle en production **{prod}** et sont écartées : les deux modèles "
                "sont comparés sur les mêmes **{compared}** lignes, qu'aucun des deux n'a vues.",
        "no_sample": "Aucun échantillon de validation manuelle n'a été fourni pour cette version.",
        "sample": "Sur l'échantillon de validation manuelle ({rows} lignes étiquetées par la RH), le candidat est "
                  "d'accord avec la RH sur **{cand}** des lignes{versus}.{listed}",
        "sample_versus": ", le modèle en production sur **{prod}**",
        "sample_listed": " Les **{count}** lignes où un modèle contredit la RH sont listées ci-dessous.",
        "sample_agree": " Les deux modèles sont d'accord avec la RH sur toutes les lignes.",
        "criterion": "Critère", "result": "Résultat", "details": "Détails", "objective": "Objectif",
        "target": "Cible (au-dessus de)", "candidate": "Candidat",
        "job_role_id": "ID du métier", "skill_id": "ID de la compétence", "snapshot_date": "Date de l'instantané",
        "job_role_name": "Métier", "skill_name": "Compétence", "hr_label": "Niveau RH",
        "candidate_prediction": "Candidat {version}", "production_prediction": "Production {version}",
        "no_calibration": "Le candidat ne donne pas de confiance pour ses réponses : pas de calibration à montrer.",
    },
}


def text(key: str, lang: str = "en", **fields: Any) -> str:
    """One phrase of this report (a figure title, a heading) in ``lang``."""
    return catalogue_text(TEXT, key, lang, **fields)


def rows_sentence(result: dict[str, Any], lang: str = "en") -> str:
    """Plain-language account of which rows the models were compared on."""
    test, version, prod = integer(result["test_rows"], lang), result["version"], result["production_version"]
    if prod is None:
        return text("alone", lang, version=version, test=test)
    return text("rows", lang, version=version, test=test, excluded=integer(result["excluded_overlap"], lang),
              prod=prod, compared=integer(result["rows_compared"], lang))


def calibration_sentence(result: dict[str, Any], lang: str = "en") -> str:
    """How sure the candidate is on average against how often it is right (the model card's sentence)."""
    calibration = result.get("calibration")
    if not calibration or not calibration.get("bins"):
        return text("no_calibration", lang)
    return catalogue_text(model_card.TEXT, "calibration_text", lang,
                          confidence=percent(calibration["mean_confidence"], lang),
                          accuracy=percent(calibration["accuracy"], lang), gap=points(calibration["gap"], lang))


def validation_sentence(result: dict[str, Any], lang: str = "en") -> str:
    """Plain-language summary of the manual validation sample (or its absence)."""
    validation = result.get("validation")
    if not validation:
        return text("no_sample", lang)
    prod = validation.get("production_accuracy")
    versus = text("sample_versus", lang, prod=percent(prod, lang)) if prod is not None else ""
    count = validation["disagreements_count"]
    listed = text("sample_listed", lang, count=count) if count else text("sample_agree", lang)
    return text("sample", lang, rows=validation["rows"], cand=percent(validation["candidate_accuracy"], lang),
              versus=versus, listed=listed)


def disagreements_table(result: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """The validation rows where a model disagrees with HR, with readable column names."""
    columns = ["job_role_id", "skill_id", "snapshot_date", "job_role_name", "skill_name", "hr_label",
               "candidate_prediction", "production_prediction"]
    versions = {"candidate_prediction": result["version"], "production_prediction": result["production_version"]}
    labels = {c: text(c, lang, version=versions.get(c)) if c in versions else text(c, lang) for c in columns}
    table = result["disagreements"].copy()
    for column in ("hr_label", "candidate_prediction", "production_prediction"):
        if column in table:
            table[column] = table[column].map(lambda v: level_name(v, lang) if v is not None else "—")
    if result["production_version"] is None:
        table = table.drop(columns=["production_prediction"])
    return table.rename(columns=labels)


def criteria_frame(gate_result: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """The criteria as a table: pass / fail / pending / not checked, with the sentence behind each."""
    frame = pd.DataFrame([
        {text("criterion", lang): criterion_name(c["id"], lang),
         text("result", lang): str(mark(outcome(c["passed"], checked=c.get("checked", True)), lang)),
         text("details", lang): criterion_detail(c, lang)}
        for c in gate_result["criteria"]])
    return frame.set_index(text("criterion", lang))


def targets_frame(gate_result: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """The objectives as a table: target, value (formatted as on index.html), met / not met."""
    frame = pd.DataFrame([
        {text("objective", lang): metric_label(t["key"], lang),
         text("target", lang): measure(t["key"], t["target"], lang),
         text("candidate", lang): measure(t["key"], t["value"], lang),
         text("result", lang): str(mark("met" if t["met"] else "not_met", lang))}
        for t in gate_result["targets"]])
    return frame.set_index(text("objective", lang))


def comparison(result: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """Candidate and production side by side on the same rows, figures formatted as on index.html."""
    return comparison_table(result["candidate"], result["production"],
                            (result["version"], result["production_version"]), lang)


def verdict_markdown(result: dict[str, Any], lang: str = "en") -> str:
    """The gate's verdict in bold, in ``lang``."""
    gate = result["gate"]
    return f"**{verdict_text(gate['criteria'], gate['passed'], lang)}**"
