"""The model card of the audit summary (after Mitchell et al., "Model Cards for Model Reporting", 2019).

Headings in plain words; the facts come from the model's metadata, its evaluation and the
``[model_card]`` settings (owner, contact) of ``future_skills.toml``.
"""
from __future__ import annotations

from typing import Any

from future_skills.reporting.texts import catalogue_text

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Model card",
        "intended_use": "Intended use and users",
        "intended_use_text": "Helps HR management and workforce planners see, for each job role and skill, whether "
                             "the future need is likely to be low, medium or high, so that training and hiring "
                             "plans can be discussed. It is a decision aid read by people, at the level of roles "
                             "and skills.",
        "out_of_scope": "Out-of-scope uses",
        "out_of_scope_text": "Not for decisions about individual employees (appraisal, pay, promotion, dismissal, "
                             "hiring of a named person). Not for automated decisions without a person reviewing "
                             "them. Not for job roles, skills or periods far from the training data.",
        "owner": "Owner and contact",
        "not_set": "not set: add [model_card] owner and contact to future_skills.toml",
        "training_data": "Training data",
        "training_data_text": "{rows} past HR decisions (one per job role, skill and date) from {start} to {end}, "
                              "exported from the HR database: market signals (trend, scarcity, hiring difficulty, "
                              "salary level, economic indicator) and internal signals (usage, training requests).",
        "salary_text": "The average salary of the role (in thousands of euros) is used as a market signal of how "
                       "sought-after a skill is; it describes the job role, never a person's pay.",
        "evaluation_data": "Evaluation data",
        "evaluation_data_text": "{rows} pairs kept aside from training and never seen by either model (the same "
                                "pairs for the candidate and production).",
        "groups": "Results by group",
        "groups_text": "Accuracy of the candidate by {column}, with the 95% range. Groups with fewer than "
                       "{min_rows} pairs are too small to judge.",
        "weakest": "Weakest group: {group}, {gap} against the average.",
        "group": "Group", "pairs": "Pairs", "accuracy": "Accuracy", "range": "95% range",
        "job_department": "department", "skill_category": "skill category",
        "calibration": "Calibration",
        "calibration_text": "When the model is {confidence} sure on average, it is right {accuracy} of the time "
                            "({gap} apart). The drift report's accuracy estimate without HR decisions relies on "
                            "these two staying close.",
        "confidence_band": "Confidence", "mean_confidence": "Mean confidence",
        "limitations": "Limitations and ethical considerations",
        "limitation_labels": "The labels are HR's own past decisions: the model learns to reproduce them, "
                             "including any habit or bias they contain; it does not know the true future need.",
        "limitation_drift": "The market moves: when the signals drift away from the training data, accuracy "
                            "drops. The drift report watches this every month.",
        "limitation_groups": "Small groups (a department or skill category with few pairs) are measured "
                             "imprecisely; their results can change a lot from one version to the next.",
    },
    "fr": {
        "heading": "Fiche du modèle",
        "intended_use": "Usage prévu et utilisateurs",
        "intended_use_text": "Aide la direction des ressources humaines et les responsables de la planification "
                             "des effectifs à voir, pour chaque métier et chaque compétence, si le besoin futur "
                             "sera probablement faible, moyen ou élevé, afin de discuter des plans de formation et "
                             "de recrutement. C'est une aide à la décision lue par des personnes, au niveau des "
                             "métiers et des compétences.",
        "out_of_scope": "Usages exclus",
        "out_of_scope_text": "Pas de décision sur un salarié en particulier (évaluation, rémunération, promotion, "
                             "licenciement, recrutement d'une personne nommée). Pas de décision automatique sans "
                             "relecture par une personne. Pas de métiers, compétences ou périodes éloignés des "
                             "données d'entraînement.",
        "owner": "Responsable et contact",
        "not_set": "non renseigné : ajoutez owner et contact dans la section [model_card] de future_skills.toml",
        "training_data": "Données d'entraînement",
        "training_data_text": "{rows} décisions passées de la RH (une par métier, compétence et date) du {start} "
                              "au {end}, exportées de la base RH : signaux du marché (tendance, rareté, difficulté "
                              "de recrutement, niveau de salaire, indicateur économique) et signaux internes "
                              "(usage, demandes de formation).",
        "salary_text": "Le salaire moyen du métier (en milliers d'euros) sert de signal de marché sur la rareté "
                       "d'une compétence ; il décrit le métier, jamais la rémunération d'une personne.",
        "evaluation_data": "Données d'évaluation",
        "evaluation_data_text": "{rows} paires mises de côté pendant l'entraînement et vues par aucun des deux "
                                "modèles (les mêmes paires pour le candidat et la production).",
        "groups": "Résultats par groupe",
        "groups_text": "Taux de bonnes réponses du candidat par {column}, avec l'intervalle à 95 %. Les groupes "
                       "de moins de {min_rows} paires sont trop petits pour être jugés.",
        "weakest": "Groupe le plus faible : {group}, {gap} par rapport à la moyenne.",
        "group": "Groupe", "pairs": "Paires", "accuracy": "Bonnes réponses", "range": "Intervalle à 95 %",
        "job_department": "service", "skill_category": "catégorie de compétence",
        "calibration": "Calibration",
        "calibration_text": "Quand le modèle est sûr de lui à {confidence} en moyenne, il a raison dans {accuracy} "
                            "des cas ({gap} d'écart). L'estimation de la précision sans décision RH du rapport de "
                            "dérive suppose que ces deux valeurs restent proches.",
        "confidence_band": "Confiance", "mean_confidence": "Confiance moyenne",
        "limitations": "Limites et considérations éthiques",
        "limitation_labels": "Les étiquettes sont les décisions passées de la RH : le modèle apprend à les "
                             "reproduire, y compris leurs habitudes ou leurs biais ; il ne connaît pas le vrai "
                             "besoin futur.",
        "limitation_drift": "Le marché bouge : quand les signaux s'éloignent des données d'entraînement, la "
                            "justesse baisse. Le rapport de dérive le surveille chaque mois.",
        "limitation_groups": "Les petits groupes (un service ou une catégorie avec peu de paires) sont mesurés "
                             "de façon imprécise ; leurs résultats peuvent beaucoup changer d'une version à l'autre.",
    },
}


def card_text(lang: str) -> dict[str, str]:
    """The card's catalogue in ``lang`` (typography applied), for the template."""
    return {key: catalogue_text(TEXT, key, lang) for key in TEXT[lang]}


def model_card_context(metadata: dict[str, Any] | None, settings: dict[str, Any]) -> dict[str, Any] | None:
    """The facts the card shows: owner, data, evaluation rows, groups and calibration."""
    if not metadata:
        return None
    evaluation = metadata.get("evaluation") or {}
    dataset = metadata.get("dataset") or {}
    groups = [block for block in (evaluation.get("groups") or {}).values() if block.get("groups")]
    return {
        "owner": settings.get("owner") or None, "contact": settings.get("contact") or None,
        "rows": dataset.get("total_samples"), "period": dataset.get("period") or {},
        "evaluation_rows": evaluation.get("rows_compared") or evaluation.get("test_rows"),
        "groups": groups, "calibration": evaluation.get("calibration"),
    }


def family_sentence(metadata: dict[str, Any]) -> str:
    """Which model family was trained and why, in one sentence for the report and the console."""
    params = metadata["hyperparameters"]
    family = params.get("model_family", "rf")
    name = {"rf": "a random forest", "hgb": "gradient boosting"}.get(family, family)
    size = f" of {params['n_estimators']} trees" if family == "rf" else f" ({params.get('n_iter_fitted')} rounds)"
    return f"Model family: **{name}**{size} ({params.get('model_type')}); {params.get('model_reason', '')}."
