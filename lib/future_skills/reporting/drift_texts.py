"""Words of the drift report (04_drift), its charts and the monitoring history page, in English and French.

The monitoring layer declares each drift statistic's display name, description and column headers
in English (plain data); :data:`STATISTIC_TEXT` gives their French display text here, so the
monitoring layer stays free of presentation. A statistic without a French entry (a plug-in) keeps
its declared English text.
"""
from __future__ import annotations

from typing import Any, Mapping

from future_skills.formatting import check_language, decimal, is_number, percent, typography
from future_skills.monitoring.statistics import Column, DriftStatistic
from future_skills.reporting.texts import catalogue_text
from future_skills.thresholds import DEFAULTS

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "verdict_ok": "**No drift.** Recent predictions look like the data the model was trained on; nothing to do.",
        "verdict_watch": "**Watch.** Some signals moved; the model can stay in production, but keep an eye on the "
                         "next reports.",
        "verdict_retrain": "**Retrain recommended.** The data has moved away from what the model learned; train a "
                           "new version.",
        "status_ok": "OK", "status_watch": "Watch", "status_drift": "Drift", "status_no_data": "No data",
        "no_predictions": "no predictions in the window",
        "no_data": "**No drift analysis possible:** {reason}. The verdict stays *ok* because there is nothing to "
                   "compare; this report will fill in once predictions are logged.",
        "compared": "\nCompared {rows} predictions logged in the window *{window}* with the {reference_rows} "
                    "training rows of model **{version}**.",
        "feature": "Feature", "status": "Status", "predicted_level": "Predicted level",
        "test_split": "Test split (reference)", "logged": "Logged predictions",
        "mix_not_compared": "The predicted-level mix is not compared: {note}.", "no_data_note": "no data",
        "mix": "Mix of predicted levels: PSI {psi} ({status}), over {rows} predictions of the reference model. "
               "Mean score {current} vs {reference} on the test split (KS p-value {pvalue}, {score_status}).",
        "no_accuracy": "No accuracy can be measured without logged predictions.",
        "realised": "**Realised accuracy:** {accuracy} on {rows} predictions that HR decided on afterwards (test "
                    "accuracy {test}).",
        "no_realised": "**Realised accuracy:** no HR decision was recorded yet for the logged predictions.",
        "estimated": "**Estimated accuracy without labels:** {value} (mean confidence of {rows} predictions; {test} "
                     "on the test split). Assumes {assumption}.",
        "log": "Read {lines} log lines from {files} file(s); **{malformed} malformed lines** were skipped (torn, "
               "empty or invalid).",
    },
    "fr": {
        "verdict_ok": "**Pas de dérive.** Les prédictions récentes ressemblent aux données d'entraînement du "
                      "modèle ; rien à faire.",
        "verdict_watch": "**À surveiller.** Certains signaux ont bougé ; le modèle peut rester en production, mais "
                         "surveillez les prochains rapports.",
        "verdict_retrain": "**Réentraînement recommandé.** Les données se sont éloignées de ce que le modèle a "
                           "appris ; entraînez une nouvelle version.",
        "status_ok": "OK", "status_watch": "À surveiller", "status_drift": "Dérive", "status_no_data": "Pas de données",
        "no_predictions": "aucune prédiction sur la période",
        "no_data": "**Analyse de dérive impossible :** {reason}. Le verdict reste *ok* faute de données à "
                   "comparer ; ce rapport se remplira dès que des prédictions seront enregistrées.",
        "compared": "\n{rows} prédictions enregistrées sur la période *{window}* comparées aux {reference_rows} "
                    "lignes d'entraînement du modèle **{version}**.",
        "feature": "Signal", "status": "Statut", "predicted_level": "Niveau prédit",
        "test_split": "Jeu de test (référence)", "logged": "Prédictions enregistrées",
        "mix_not_compared": "La répartition des niveaux prédits n'est pas comparée : {note}.",
        "no_data_note": "pas de données",
        "mix": "Répartition des niveaux prédits : PSI {psi} ({status}), sur {rows} prédictions du modèle de "
               "référence. Score moyen {current} contre {reference} sur le jeu de test (valeur p du test KS "
               "{pvalue}, {score_status}).",
        "no_accuracy": "Aucun taux de bonnes réponses ne peut être mesuré sans prédictions enregistrées.",
        "realised": "**Taux de bonnes réponses constaté :** {accuracy} sur {rows} prédictions que la RH a "
                    "tranchées ensuite (taux sur le jeu de test : {test}).",
        "no_realised": "**Taux de bonnes réponses constaté :** aucune décision RH n'est encore enregistrée pour "
                       "les prédictions.",
        "estimated": "**Taux estimé sans décisions RH :** {value} (confiance moyenne de {rows} prédictions ; "
                     "{test} sur le jeu de test). Hypothèse : {assumption}.",
        "log": "{lines} lignes lues dans {files} fichier(s) de journal ; **{malformed} lignes mal formées** ont "
               "été ignorées (tronquées, vides ou invalides).",
    },
}

# Charts of the drift report (drift_plots) and of the monitoring history page.
CHART_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "sample": " (random sample of {limit} of {total} predictions)",
        "reference": "Training data (reference)", "current": "Logged predictions (current)",
        "share_rows": "Share of rows (%)",
        "moved": "Features that moved: training data vs recent predictions{sampled}",
        "watch": "watch", "drift": "drift", "threshold": "{label} threshold ({value})",
        "per_feature": "{name} per feature", "zero": "{name} (0 = same distribution as the training data)",
        "feature": "Feature",
        "per_week": "Predicted need level per week (all logged predictions)",
        "week": "Week starting (number of predictions)", "share_predictions": "Share of predictions (%)",
        "history_title": "{name} per feature, by date of the drift run", "run_date": "Date of the drift run",
    },
    "fr": {
        "sample": " (échantillon aléatoire de {limit} prédictions sur {total})",
        "reference": "Données d'entraînement (référence)", "current": "Prédictions enregistrées (actuelles)",
        "share_rows": "Part des lignes (%)",
        "moved": "Signaux qui ont bougé : données d'entraînement et prédictions récentes{sampled}",
        "watch": "surveillance", "drift": "dérive", "threshold": "seuil de {label} ({value})",
        "per_feature": "{name} par signal", "zero": "{name} (0 = même distribution qu'à l'entraînement)",
        "feature": "Signal",
        "per_week": "Niveau de besoin prédit par semaine (toutes les prédictions enregistrées)",
        "week": "Semaine du (nombre de prédictions)", "share_predictions": "Part des prédictions (%)",
        "history_title": "{name} par signal, selon la date de l'analyse de dérive",
        "run_date": "Date de l'analyse de dérive",
    },
}

# French names of the model's signals (drift tables and charts); English keeps readable() of the column name.
FEATURE_NAMES_FR: dict[str, str] = {
    "job_role_name": "Métier", "skill_name": "Compétence", "skill_category": "Catégorie de compétence",
    "job_department": "Département", "trend_score": "Tendance", "internal_usage": "Usage interne",
    "training_requests": "Demandes de formation", "scarcity_index": "Rareté",
    "hiring_difficulty": "Difficulté de recrutement", "avg_salary_k": "Salaire moyen (k€)",
    "economic_indicator": "Indicateur économique",
}

# French display text of the built-in statistics: name, description (thresholds as {key} numbers and
# {key_pct} percentages, already formatted), and column headers by column key.
STATISTIC_TEXT: dict[str, dict[str, Any]] = {
    "psi": {"name": "Indice de stabilité de population (PSI)",
            "description": "l'ampleur du déplacement de la distribution (0 = comme à l'entraînement) : stable "
                           "sous {psi_watch}, à surveiller à partir de {psi_watch}, en dérive à partir de {psi_drift}",
            "columns": {"psi": "PSI"}},
    "ks": {"name": "Test de Kolmogorov–Smirnov",
           "description": "si le déplacement dépasse le hasard (valeur p inférieure à {ks_pvalue})",
           "columns": {"ks_statistic": "Statistique KS", "ks_pvalue": "Valeur p KS"}},
    "out_of_range": {"name": "Part hors de la plage d'entraînement",
                     "description": "part des valeurs hors de la plage d'entraînement : à surveiller au-delà de "
                                    "{out_of_range_watch_pct}",
                     "columns": {"out_of_range_share": "Hors plage d'entraînement"}},
    "unseen": {"name": "Valeurs jamais vues à l'entraînement",
               "description": "part des valeurs que le modèle n'a jamais vues : à surveiller au-delà de "
                              "{unseen_category_watch_pct}",
               "columns": {"unseen_share": "Jamais vues à l'entraînement"}},
    "total_variation": {"name": "Changement de répartition (variation totale)",
                        "description": "part des lignes qui devraient changer de catégorie pour retrouver la "
                                       "répartition d'entraînement : à surveiller à partir de "
                                       "{total_variation_watch_pct} quand le test du khi-deux est significatif",
                        "columns": {"total_variation": "Changement de répartition (variation totale)"}},
    "chi_square": {"name": "Test du khi-deux",
                   "description": "si le changement de répartition dépasse le hasard (valeur p inférieure à "
                                  "{chi2_pvalue})",
                   "columns": {"chi2_pvalue": "Valeur p du khi-deux", "chi2_note": "Remarque"}},
}


def readable(feature: str, lang: str = "en") -> str:
    """``trend_score`` → ``Trend score`` (``Tendance`` in French): a signal's name in a chart, table or sentence."""
    if lang == "fr" and feature in FEATURE_NAMES_FR:
        return FEATURE_NAMES_FR[feature]
    return feature.replace("_k", " (k€)").replace("_", " ").capitalize()


def drift_text(key: str, lang: str = "en", **fields: object) -> str:
    """One phrase of the drift report in ``lang``."""
    return catalogue_text(TEXT, key, lang, **fields)


def chart_text(key: str, lang: str = "en", **fields: object) -> str:
    """One chart title or axis label in ``lang``."""
    return catalogue_text(CHART_TEXT, key, lang, **fields)


def _french(statistic: DriftStatistic, lang: str) -> Mapping[str, Any] | None:
    return STATISTIC_TEXT.get(statistic.name) if check_language(lang) == "fr" else None


def statistic_name(statistic: DriftStatistic, lang: str = "en") -> str:
    """The statistic's display name in ``lang`` (its declared name when there is no translation)."""
    french = _french(statistic, lang)
    return french["name"] if french else statistic.display_name


def column_header(statistic: DriftStatistic, column: Column, lang: str = "en") -> str:
    """A statistic column's header in ``lang``."""
    french = _french(statistic, lang)
    return (french or {}).get("columns", {}).get(column.key, column.header)


def statistic_explanation(statistic: DriftStatistic, thresholds: Mapping[str, Any], lang: str = "en") -> str:
    """What the statistic measures, with its thresholds in force, in ``lang``."""
    french = _french(statistic, lang)
    if not french:
        return statistic.explain(thresholds)
    values = {**DEFAULTS["drift"], **statistic.defaults, **thresholds}
    fields = {key: decimal(v, 3, lang).rstrip("0").rstrip(",") for key, v in values.items() if is_number(v)}
    fields |= {f"{key}_pct": percent(v, lang, 0) for key, v in values.items() if is_number(v)}
    return typography(french["description"].format(**fields), lang)


# The monitoring history page (reporting/monitoring_history.py, templates/monitoring_index.html.j2).
MONITORING_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Future Skills: drift monitoring history", "heading": "Drift monitoring history",
        "intro": "Each line is one scheduled drift analysis of the prediction log against the training data of the "
                 "model in production at the time (column \"Model watched\"). The verdict says whether to retrain; "
                 "when a retrain verdict was followed by a new version, the last column links to that candidate's "
                 "summary.",
        "over_time": "{name} per feature over time", "date": "Date", "model": "Model watched", "window": "Window",
        "predictions": "Predictions", "malformed": "Malformed lines", "verdict": "Verdict",
        "per_feature": "{header} per feature", "reasons": "Reasons", "retrained": "Retrained as",
        "not_yet": "not yet", "verdict_ok": "ok", "verdict_watch": "watch", "verdict_retrain": "retrain",
        "no_run": "No drift run yet: run <code>future-skills drift</code>.", "generated": "Generated on {date}.",
    },
    "fr": {
        "title": "Future Skills : historique du suivi de la dérive", "heading": "Historique du suivi de la dérive",
        "intro": "Chaque ligne est une analyse de dérive planifiée du journal des prédictions, comparé aux données "
                 "d'entraînement du modèle alors en production (colonne « Modèle suivi »). Le verdict dit s'il faut "
                 "réentraîner ; quand un verdict de réentraînement a été suivi d'une nouvelle version, la dernière "
                 "colonne renvoie à la synthèse de ce candidat.",
        "over_time": "{name} par signal au fil du temps", "date": "Date", "model": "Modèle suivi",
        "window": "Période", "predictions": "Prédictions", "malformed": "Lignes mal formées", "verdict": "Verdict",
        "per_feature": "{header} par signal", "reasons": "Raisons", "retrained": "Réentraîné en",
        "not_yet": "pas encore", "verdict_ok": "pas de dérive", "verdict_watch": "à surveiller",
        "verdict_retrain": "réentraîner",
        "no_run": "Aucune analyse de dérive pour l'instant : lancez <code>future-skills drift</code>.",
        "generated": "Généré le {date}.",
    },
}


def monitoring_words(lang: str = "en") -> dict[str, str]:
    """Every phrase of the monitoring page in ``lang``, with the language's typography."""
    return {key: typography(value, lang) for key, value in MONITORING_TEXT[check_language(lang)].items()}
