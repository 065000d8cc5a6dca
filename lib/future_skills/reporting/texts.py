"""Narrative text and headings of the run summary (index.html), in English and French."""
from __future__ import annotations

from future_skills.exceptions import FutureSkillsError

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Future Skills model {version}: audit summary",
        "intro": "This page summarises the retraining run of model version {version}. It tells you whether the "
                 "new model may replace the one in production, the numbers behind that verdict, and how to "
                 "approve or reject it. The four detailed reports are linked at the bottom.",
        "failed_banner": "FAILED",
        "failed_sentence": "The run stopped in notebook {notebook}: {error}",
        "failed_help": "No model was published and the registry was not changed. Open the failed notebook's "
                       "report below to see where it stopped, fix the cause and run the same command again.",
        "facts": "Key facts",
        "version": "Version",
        "date": "Run date",
        "status": "Registry status",
        "run_id": "Run identifier",
        "dataset": "Training data",
        "rows": "rows",
        "period": "Period",
        "class_mix": "Class mix",
        "verdict": "Verdict",
        "criteria": "Promotion criteria",
        "criteria_intro": "A model may go to production only if every criterion below passes and DRH approves it. "
                          "Criteria are measured on held-out rows that neither model was trained on.",
        "criterion": "Criterion",
        "result": "Result",
        "details": "Details",
        "pass": "pass",
        "fail": "fail",
        "pending": "pending",
        "targets": "Objectives (not blocking)",
        "targets_intro": "Objectives of the original model registry, shown beside the candidate's numbers. "
                         "Missing an objective does not block promotion.",
        "metric": "Metric",
        "target": "Objective",
        "value": "Candidate",
        "met": "Met",
        "not_met": "Not met",
        "comparison": "Candidate versus production",
        "comparison_intro": "Both models scored on the same {rows} held-out rows ({excluded} rows excluded because "
                            "the production model was trained on them).",
        "no_production": "There is no model in production yet, so the candidate is compared with the objectives only.",
        "candidate": "Candidate",
        "production": "Production",
        "change": "Change",
        "changes": "What changed since production",
        "changes_intro": "Differences between the production model's records and this version's: metrics, "
                         "hyperparameters, training data and the most important features.",
        "decide": "How to decide",
        "decide_intro": "Approve or reject this version with one of these commands (an ML engineer can run them for you). "
                        "Approval is recorded in the model registry with your name and the date.",
        "approve": "Approve",
        "reject": "Reject",
        "promote": "Then put it in production",
        "reports": "Detailed reports",
        "report_export": "1. Dataset export and validation",
        "report_train": "2. Model training",
        "report_evaluate": "3. Evaluation and promotion gate",
        "report_drift": "4. Drift monitoring",
        "not_run": "not run",
        "generated": "Generated on {date} from commit {commit}.",
        "accuracy": "Accuracy",
        "f1_weighted": "Weighted F1",
        "precision": "Precision",
        "recall": "Recall",
        "criterion_no_regression": "No regression against production",
        "criterion_min_class_precision": "Minimum precision for every class",
        "criterion_validation_sample": "Manual validation sample",
        "criterion_approval": "Approval by DRH / data team",
    },
    "fr": {
        "title": "Modèle Future Skills {version} : synthèse d'audit",
        "intro": "Cette page résume le réentraînement de la version {version} du modèle. Elle indique si le "
                 "nouveau modèle peut remplacer celui en production, les chiffres qui fondent ce verdict et comment "
                 "l'approuver ou le rejeter. Les quatre rapports détaillés sont en bas de page.",
        "failed_banner": "ÉCHEC",
        "failed_sentence": "L'exécution s'est arrêtée dans le notebook {notebook} : {error}",
        "failed_help": "Aucun modèle n'a été publié et le registre n'a pas changé. Ouvrez le rapport du notebook en "
                       "échec ci-dessous pour voir où il s'est arrêté, corrigez la cause et relancez la même commande.",
        "facts": "Informations clés",
        "version": "Version",
        "date": "Date d'exécution",
        "status": "Statut dans le registre",
        "run_id": "Identifiant d'exécution",
        "dataset": "Données d'entraînement",
        "rows": "lignes",
        "period": "Période",
        "class_mix": "Répartition des classes",
        "verdict": "Verdict",
        "criteria": "Critères de mise en production",
        "criteria_intro": "Un modèle ne passe en production que si tous les critères ci-dessous sont remplis et que la "
                          "DRH l'approuve. Les critères sont mesurés sur des lignes qu'aucun des deux modèles n'a vues "
                          "à l'entraînement.",
        "criterion": "Critère",
        "result": "Résultat",
        "details": "Détails",
        "pass": "réussi",
        "fail": "échoué",
        "pending": "en attente",
        "targets": "Objectifs (non bloquants)",
        "targets_intro": "Objectifs du registre d'origine, affichés à côté des chiffres du candidat. Un objectif non "
                         "atteint ne bloque pas la mise en production.",
        "metric": "Indicateur",
        "target": "Objectif",
        "value": "Candidat",
        "met": "Atteint",
        "not_met": "Non atteint",
        "comparison": "Candidat et modèle en production",
        "comparison_intro": "Les deux modèles sont évalués sur les mêmes {rows} lignes de test ({excluded} lignes "
                            "exclues car le modèle en production a été entraîné dessus).",
        "no_production": "Aucun modèle n'est encore en production : le candidat est comparé aux seuls objectifs.",
        "candidate": "Candidat",
        "production": "Production",
        "change": "Écart",
        "changes": "Ce qui a changé depuis la production",
        "changes_intro": "Différences entre le modèle en production et cette version : indicateurs, hyperparamètres, "
                         "données d'entraînement et variables les plus importantes.",
        "decide": "Comment décider",
        "decide_intro": "Approuvez ou rejetez cette version avec l'une de ces commandes (un ingénieur ML peut les "
                        "lancer pour vous). L'approbation est inscrite au registre avec votre nom et la date.",
        "approve": "Approuver",
        "reject": "Rejeter",
        "promote": "Puis mettre en production",
        "reports": "Rapports détaillés",
        "report_export": "1. Export et validation des données",
        "report_train": "2. Entraînement du modèle",
        "report_evaluate": "3. Évaluation et critères de mise en production",
        "report_drift": "4. Suivi de la dérive",
        "not_run": "non exécuté",
        "generated": "Généré le {date} à partir du commit {commit}.",
        "accuracy": "Exactitude",
        "f1_weighted": "F1 pondéré",
        "precision": "Précision",
        "recall": "Rappel",
        "criterion_no_regression": "Pas de régression par rapport à la production",
        "criterion_min_class_precision": "Précision minimale pour chaque classe",
        "criterion_validation_sample": "Échantillon de validation manuelle",
        "criterion_approval": "Approbation DRH / équipe data",
    },
}

# The live status block of index.html (reporting/status_block.py), refreshed from the registry.
STATUS_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Status in the model registry (live)",
        "candidate": "candidate, approval pending", "approved": "approved", "production": "production",
        "archived": "archived", "rejected": "rejected", "failed": "failed",
        "not_registered": "not registered",
        "approval": "Approval",
        "not_a_person": "Auto-promoted by the pipeline (--auto-promote): no person approved this version.",
        "approved_reports": "Reports approved",
        "reports_changed": "changed since approval",
        "reports_unchanged": "unchanged since approval",
        "rejected_by": "Rejected by",
        "duplicate": "Duplicate",
        "duplicate_of": "Same model file as {version} (identical sha256): this version adds nothing new.",
        "in_production": "In production now",
        "none": "none",
        "serving": "Serving",
        "suspended": "SUSPENDED, the rules engine answers",
        "who_may": "Who may approve",
        "unrestricted": "Approvals are not restricted: [governance] in future_skills.toml lists nobody.",
        "refreshed": "This block is refreshed from the registry after every decision (last: {date}).",
    },
    "fr": {
        "heading": "Statut dans le registre des modèles (à jour)",
        "candidate": "candidat, approbation en attente", "approved": "approuvé", "production": "en production",
        "archived": "archivé", "rejected": "rejeté", "failed": "en échec",
        "not_registered": "non enregistré",
        "approval": "Approbation",
        "not_a_person": "Promu automatiquement par le pipeline (--auto-promote) : aucune personne n'a approuvé "
                        "cette version.",
        "approved_reports": "Rapports approuvés",
        "reports_changed": "modifiés depuis l'approbation",
        "reports_unchanged": "inchangés depuis l'approbation",
        "rejected_by": "Rejeté par",
        "duplicate": "Doublon",
        "duplicate_of": "Même fichier modèle que {version} (sha256 identique) : cette version n'apporte rien de neuf.",
        "in_production": "En production actuellement",
        "none": "aucune",
        "serving": "Service",
        "suspended": "SUSPENDU, le moteur de règles répond",
        "who_may": "Qui peut approuver",
        "unrestricted": "Les approbations ne sont pas restreintes : [governance] de future_skills.toml ne liste "
                        "personne.",
        "refreshed": "Ce bloc est mis à jour depuis le registre après chaque décision (dernière : {date}).",
    },
}


def check_language(lang: str) -> str:
    """``lang`` when reports can be written in it, else FutureSkillsError naming the choices."""
    if lang not in SUPPORTED_LANGUAGES:
        raise FutureSkillsError(f"Report language {lang!r} is not supported; use one of {', '.join(SUPPORTED_LANGUAGES)}.")
    return lang
