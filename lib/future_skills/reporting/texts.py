"""Narrative text and headings of the run summary (index.html), in English and French."""
from __future__ import annotations

from future_skills.formatting import LANGUAGES, check_language, typography

SUPPORTED_LANGUAGES: tuple[str, ...] = LANGUAGES
__all__ = ["GLOSSARY", "STATUS_TEXT", "SUPPORTED_LANGUAGES", "TEXT", "catalogue_text", "check_language"]

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "browser_title": "{version} — Audit summary",
        "title": "Future Skills model {version}: audit summary",
        "intro": "This page tells you whether the new model version {version} may replace the one in production, "
                 "why, and where to write your decision. The four detailed reports are linked at the bottom; "
                 "technical terms are explained in the glossary at the end.",
        "failed_banner": "FAILED",
        "failed_sentence": "The run stopped in notebook {notebook}: {error}",
        "cell": "cell {cell}", "after_notebooks": "none (after the notebooks, while publishing)",
        "failed_help": "No model was published and the registry was not changed. Open the failed notebook's "
                       "report below to see where it stopped, fix the cause and run the same command again.",
        "decision_sheet": "Decision sheet",
        "reasons": "Why",
        "same_rows": "Candidate and production on the same pairs",
        "same_rows_intro": "Both models answered the same {rows} job role × skill pairs, which neither learned "
                           "from ({excluded} pairs the production model was trained on are left out). The 95% "
                           "range is where the true share of right answers lies, with 95% confidence.",
        "model": "Model", "right_answers": "Right answers", "share_right": "Share right", "range": "95% range",
        "difference": "Difference", "candidate": "Candidate", "production": "Production",
        "chance_within": "The difference is within chance ({p}): on these pairs the two models cannot be told "
                         "apart.",
        "chance_beyond": "The difference is unlikely to be chance ({p}).",
        "alone_rows": "No model is in production: the candidate answered {rows} pairs it never learned from, and "
                      "was right {share} of the time (95% range {low} to {high}).",
        "errors": "What the errors mean for HR",
        "live": "Live evidence from production",
        "live_drift": "Drift report of the production model {version} over the last {window}: {verdict}.",
        "live_realised": "The production model was right {realised} of the time on {rows} pairs HR decided "
                         "after it was trained, against {tested} on its own test pairs.",
        "live_none": "No prediction of the production model was logged in the window: no live evidence yet.",
        "verdict_ok": "no drift", "verdict_watch": "watch", "verdict_retrain": "retrain recommended",
        "decision_block": "Decision",
        "decision_intro": "To be filled in by the person who decides (print this page or fill it in on screen).",
        "option_approve": "Approve", "option_reservations": "Approve with reservations", "option_reject": "Reject",
        "field_name": "Name", "field_date": "Date", "field_signature": "Signature", "field_comments": "Comments",
        "record": "Record the decision in the registry",
        "decide_intro": "An ML engineer records the decision with one of these commands; the registry keeps the "
                        "name and the date.",
        "approve": "Approve", "reject": "Reject", "promote": "Then put it in production", "status": "Registry status",
        "facts": "Key facts", "version": "Version", "date": "Run date", "run_id": "Run identifier",
        "dataset": "Training data", "rows": "pairs", "period": "Period", "period_value": "{start} to {end}",
        "class_mix": "Need levels decided by HR",
        "verdict": "Verdict",
        "criteria": "Promotion criteria",
        "criteria_intro": "A model may go to production only if every checked criterion passes and DRH approves "
                          "it. Criteria are measured on pairs that neither model was trained on.",
        "criterion": "Criterion", "result": "Result", "details": "Details",
        "targets": "Objectives (not blocking)",
        "targets_intro": "Objectives of the original model registry, beside the candidate's results on the same "
                         "pairs. Missing an objective does not block promotion.",
        "metric": "Measure", "target": "Objective", "value": "Candidate",
        "comparison": "All measures, candidate versus production",
        "comparison_intro": "The same {rows} pairs for both models, as in the decision sheet.",
        "no_production": "There is no model in production yet, so the candidate is compared with the objectives "
                         "only.",
        "change": "Change",
        "changes": "What changed since production",
        "changes_intro": "Training settings, training data and the most important signals of production ({a}) and "
                         "of this version ({b}). Scores are not repeated here: each model's own test score was "
                         "measured on different pairs; the comparison above uses the same pairs.",
        "changes_more": "{more} more changes are listed by the command future-skills diff {a} {b}.",
        "item": "Item",
        "reports": "Detailed reports",
        "report_export": "1. Dataset export and validation", "report_train": "2. Model training",
        "report_evaluate": "3. Evaluation and promotion gate", "report_drift": "4. Drift monitoring",
        "not_run": "not run",
        "back_to_summary": "← Back to the audit summary",
        "papermill_top": "An Exception was encountered at", "papermill_here": "Execution using papermill encountered "
        "an exception here and stopped:",
        "glossary": "Glossary",
        "g_accuracy": "Accuracy (share right): the share of pairs where the model gives the same need level as HR.",
        "g_precision": "Precision of a level: when the model says that level, how often it is right.",
        "g_recall": "Recall of a level: of the pairs HR rated at that level, how many the model finds.",
        "g_f1": "Weighted F1: one number from 0 to 1 that balances precision and recall over the three levels.",
        "g_support": "Support: how many pairs of a level were used to measure it.",
        "g_range": "95% range (confidence interval): the values the true result may take, given that it was "
                   "measured on a limited number of pairs.",
        "g_pvalue": "p (McNemar's test): the chance of a difference at least this large if the two models were "
                    "in fact equally good; above 0.05 the difference is treated as chance.",
        "g_drift": "Drift: the signals the model receives move away from those it was trained on; its answers "
                   "then become less reliable.",
        "g_psi": "PSI, KS statistic, chi-square: measures of how much a signal's distribution moved; the drift "
                 "report compares each with its threshold.",
        "g_score": "Score (0 to 100): the expected need of a pair, 0 for surely low, 50 for surely medium, 100 for "
                   "surely high (weighted by the model's probabilities).",
        "g_signals": "Signals (trend, internal usage, scarcity, hiring difficulty): indices computed by the HR "
                     "data team, by default shares from 0 (lowest) to 1 (highest); the export report shows the rule "
                     "each one was checked against.",
        "generated": "Generated on {date} from commit {commit}.",
    },
    "fr": {
        "browser_title": "{version} — Synthèse d'audit",
        "title": "Modèle Future Skills {version} : synthèse d'audit",
        "intro": "Cette page indique si la nouvelle version {version} du modèle peut remplacer celle en production, "
                 "pourquoi, et où inscrire votre décision. Les quatre rapports détaillés sont en bas de page ; les "
                 "termes techniques sont expliqués dans le glossaire final.",
        "failed_banner": "ÉCHEC",
        "failed_sentence": "L'exécution s'est arrêtée dans le notebook {notebook} : {error}",
        "cell": "cellule {cell}", "after_notebooks": "aucun (après les notebooks, à la publication)",
        "failed_help": "Aucun modèle n'a été publié et le registre n'a pas changé. Ouvrez le rapport du notebook en "
                       "échec ci-dessous pour voir où il s'est arrêté, corrigez la cause et relancez la même commande.",
        "decision_sheet": "Fiche de décision",
        "reasons": "Pourquoi",
        "same_rows": "Candidat et production sur les mêmes paires",
        "same_rows_intro": "Les deux modèles ont répondu sur les mêmes {rows} paires métier × compétence, apprises "
                           "par aucun des deux ({excluded} paires sur lesquelles la production a été entraînée sont "
                           "écartées). L'intervalle à 95 % encadre la vraie part de bonnes réponses, avec 95 % de "
                           "confiance.",
        "model": "Modèle", "right_answers": "Bonnes réponses", "share_right": "Part de bonnes réponses",
        "range": "Intervalle à 95 %", "difference": "Écart", "candidate": "Candidat", "production": "Production",
        "chance_within": "L'écart relève du hasard ({p}) : sur ces paires, les deux modèles ne se distinguent "
                         "pas.",
        "chance_beyond": "L'écart a peu de chances d'être dû au hasard ({p}).",
        "alone_rows": "Aucun modèle n'est en production : le candidat a répondu sur {rows} paires qu'il n'a jamais "
                      "apprises et a eu raison dans {share} des cas (intervalle à 95 % de {low} à {high}).",
        "errors": "Ce que les erreurs signifient pour la RH",
        "live": "Ce que montre la production",
        "live_drift": "Rapport de dérive du modèle en production {version} sur la période de {window} : {verdict}.",
        "live_realised": "Le modèle en production a eu raison dans {realised} des cas sur {rows} paires décidées "
                         "par la RH après son entraînement, contre {tested} sur ses propres paires de test.",
        "live_none": "Aucune prédiction du modèle en production n'a été enregistrée sur la période : pas encore "
                     "de constat en conditions réelles.",
        "verdict_ok": "pas de dérive", "verdict_watch": "à surveiller",
        "verdict_retrain": "réentraînement recommandé",
        "decision_block": "Décision",
        "decision_intro": "À remplir par la personne qui décide (imprimez cette page ou remplissez-la à l'écran).",
        "option_approve": "Approuver", "option_reservations": "Approuver avec réserves", "option_reject": "Rejeter",
        "field_name": "Nom", "field_date": "Date", "field_signature": "Signature", "field_comments": "Commentaires",
        "record": "Inscrire la décision au registre",
        "decide_intro": "Un ingénieur ML inscrit la décision avec l'une de ces commandes ; le registre conserve le "
                        "nom et la date.",
        "approve": "Approuver", "reject": "Rejeter", "promote": "Puis mettre en production",
        "status": "Statut dans le registre",
        "facts": "Informations clés", "version": "Version", "date": "Date d'exécution",
        "run_id": "Identifiant d'exécution", "dataset": "Données d'entraînement", "rows": "paires",
        "period": "Période", "period_value": "du {start} au {end}", "class_mix": "Niveaux de besoin décidés par la RH",
        "verdict": "Verdict",
        "criteria": "Critères de mise en production",
        "criteria_intro": "Un modèle ne passe en production que si tous les critères vérifiés sont remplis et que "
                          "la DRH l'approuve. Les critères sont mesurés sur des paires qu'aucun des deux modèles n'a "
                          "apprises.",
        "criterion": "Critère", "result": "Résultat", "details": "Détails",
        "targets": "Objectifs (non bloquants)",
        "targets_intro": "Objectifs du registre d'origine, à côté des résultats du candidat sur les mêmes paires. "
                         "Un objectif non atteint ne bloque pas la mise en production.",
        "metric": "Indicateur", "target": "Objectif", "value": "Candidat",
        "comparison": "Tous les indicateurs, candidat et production",
        "comparison_intro": "Les mêmes {rows} paires pour les deux modèles, comme dans la fiche de décision.",
        "no_production": "Aucun modèle n'est encore en production : le candidat est comparé aux seuls objectifs.",
        "change": "Écart",
        "changes": "Ce qui a changé depuis la production",
        "changes_intro": "Réglages d'entraînement, données et signaux les plus importants de la production ({a}) et "
                         "de cette version ({b}). Les scores ne sont pas repris ici : le score de test de chaque "
                         "modèle a été mesuré sur des paires différentes ; la comparaison ci-dessus utilise les "
                         "mêmes paires.",
        "changes_more": "{more} autres changements sont listés par la commande future-skills diff {a} {b}.",
        "item": "Élément",
        "reports": "Rapports détaillés",
        "report_export": "1. Export et validation des données", "report_train": "2. Entraînement du modèle",
        "report_evaluate": "3. Évaluation et critères de mise en production", "report_drift": "4. Suivi de la dérive",
        "not_run": "non exécuté",
        "back_to_summary": "← Retour à la synthèse d'audit",
        "papermill_top": "L'exécution s'est arrêtée sur une erreur à la cellule",
        "papermill_here": "L'exécution s'est arrêtée ici sur une erreur (le détail technique, en anglais, suit) :",
        "glossary": "Glossaire",
        "g_accuracy": "Taux de bonnes réponses : la part des paires où le modèle donne le même niveau de besoin "
                      "que la RH.",
        "g_precision": "Précision d'un niveau : quand le modèle annonce ce niveau, à quelle fréquence il a raison.",
        "g_recall": "Rappel d'un niveau : parmi les paires que la RH a classées à ce niveau, combien le modèle en "
                    "retrouve.",
        "g_f1": "F1 pondéré : un nombre de 0 à 1 qui équilibre précision et rappel sur les trois niveaux.",
        "g_support": "Effectif : le nombre de paires d'un niveau sur lesquelles il est mesuré.",
        "g_range": "Intervalle à 95 % (intervalle de confiance) : les valeurs que peut prendre le vrai résultat, "
                   "compte tenu du nombre limité de paires mesurées.",
        "g_pvalue": "p (test de McNemar) : la probabilité d'observer un écart au moins aussi grand si les deux "
                    "modèles étaient en réalité aussi bons ; au-dessus de 0,05 l'écart est attribué au hasard.",
        "g_drift": "Dérive : les signaux reçus par le modèle s'éloignent de ceux de son entraînement ; ses "
                   "réponses deviennent alors moins fiables.",
        "g_psi": "PSI, statistique KS, khi-deux : mesures du déplacement de la distribution d'un signal ; le "
                 "rapport de dérive compare chacune à son seuil.",
        "g_score": "Score (0 à 100) : le besoin attendu d'une paire, 0 pour sûrement faible, 50 pour sûrement "
                   "moyen, 100 pour sûrement élevé (pondéré par les probabilités du modèle).",
        "g_signals": "Signaux (tendance, usage interne, rareté, difficulté de recrutement) : indices calculés par "
                     "l'équipe data RH, par défaut des parts de 0 (le plus bas) à 1 (le plus haut) ; le rapport "
                     "d'export indique la règle selon laquelle chacun a été vérifié.",
        "generated": "Généré le {date} à partir du commit {commit}.",
    },
}

GLOSSARY = ("g_accuracy", "g_precision", "g_recall", "g_f1", "g_support", "g_range", "g_pvalue", "g_drift",
            "g_psi", "g_score", "g_signals")


def catalogue_text(catalogue: dict[str, dict[str, str]], key: str, lang: str = "en", **fields: object) -> str:
    """``catalogue[lang][key]`` filled with ``fields``, with the language's typography."""
    text = catalogue[check_language(lang)][key]
    return typography(text.format(**fields) if fields else text, lang)


# The live status block of index.html (reporting/status_block.py), refreshed from the registry.
STATUS_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Status in the model registry (live)",
        "report_heading": "Status in the model registry now",
        "frozen": "The rest of this report shows the state at the time of the run; the decision and the current "
                  "criteria are in the", "summary_link": "audit summary",
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
        "never_approved": "never approved",
        "auto_approved": "auto-approved by the pipeline on {date}, not by a person (run by {account})",
        "approved_by": "approved by {by}{role} on {date}", "forced_by": "forced into production by {by}{role} on {date}",
        "rejection": "{by} on {date}: {comment}",
        "suspension": "serving was suspended by {by} on {date} ({reason}); `future-skills resume` ends it",
    },
    "fr": {
        "heading": "Statut dans le registre des modèles (à jour)",
        "report_heading": "Statut actuel dans le registre des modèles",
        "frozen": "Le reste de ce rapport montre l'état au moment de l'exécution ; la décision et les critères à "
                  "jour figurent dans la", "summary_link": "synthèse d'audit",
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
        "never_approved": "jamais approuvé",
        "auto_approved": "approuvé automatiquement par le pipeline le {date}, pas par une personne (lancé par "
                         "{account})",
        "approved_by": "approuvé par {by}{role} le {date}", "forced_by": "mis en production d'office par {by}{role} "
                                                                           "le {date}",
        "rejection": "{by}, le {date} : {comment}",
        "suspension": "le service a été suspendu par {by} le {date} ({reason}) ; `future-skills resume` le rétablit",
    },
}


# The console lines of `future-skills retrain`, `drift` and `monitor-history` (cli/), in the report language.
CLI_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "registered": "{version} registered as {status}. Audit report: {path}",
        "timing": "Run took {seconds} s, of which {notebooks} s for the notebooks (per step in runs/{version}/run.json).",
        "drift_verdict": "Drift verdict: {verdict} ({rows} predictions, {malformed} malformed log lines skipped).",
        "report": "Report: {path}", "drift_json": "Drift JSON: {path}",
        "history": "Monitoring history of {runs} drift run{plural} written to {path}.",
        "auto_refused": "Auto-promotion refused: {reason}",
        "auto_disabled": "auto-promotion is disabled by [governance] allow_auto_promote = false in "
                         "future_skills.toml; a listed approver must approve the version and a promoter promote it.",
        "auto_promoted": "{version} auto-promoted to production by the pipeline (run by {operator}); this is not an "
                         "approval by a person (future-skills rollback undoes it).",
    },
    "fr": {
        "registered": "{version} enregistrée, statut : {status}. Rapport d'audit : {path}",
        "timing": "Durée de l'exécution : {seconds} s, dont {notebooks} s pour les notebooks (détail par étape "
                  "dans runs/{version}/run.json).",
        "drift_verdict": "Verdict de dérive : {verdict} ({rows} prédictions, {malformed} lignes de journal mal "
                         "formées ignorées).",
        "report": "Rapport : {path}", "drift_json": "JSON de dérive : {path}",
        "history": "Historique du suivi de {runs} analyse{plural} de dérive écrit dans {path}.",
        "auto_refused": "Mise en production automatique refusée : {reason}",
        "auto_disabled": "la mise en production automatique est désactivée par [governance] allow_auto_promote = "
                         "false dans future_skills.toml ; une personne habilitée doit approuver la version et une "
                         "autre la mettre en production.",
        "auto_promoted": "{version} mise en production automatiquement par le pipeline (lancé par {operator}) ; ce "
                         "n'est pas l'approbation d'une personne (future-skills rollback l'annule).",
    },
}


def cli_text(key: str, lang: str = "en", **fields: object) -> str:
    """One console line in ``lang``; English keeps the raw registry status and verdict words."""
    if lang != "en":
        words = TEXT[check_language(lang)]
        if "status" in fields:
            fields["status"] = STATUS_TEXT[lang].get(str(fields["status"]), fields["status"])
        if "verdict" in fields:
            fields["verdict"] = words.get(f"verdict_{fields['verdict']}", fields["verdict"])
    return catalogue_text(CLI_TEXT, key, lang, **fields)
