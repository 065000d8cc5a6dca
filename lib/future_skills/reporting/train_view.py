"""What the training report (02_train) shows: sentences and tables from the model's metadata."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from future_skills.formatting import decimal, integer, level_name, long_date, percent
from future_skills.model.choices import AUTO_HGB_MIN_ROWS
from future_skills.model.store import written_files
from future_skills.reporting import model_card
from future_skills.reporting.changes_view import change_value, setting_name
from future_skills.reporting.texts import catalogue_text

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "levels_title": "Need levels decided by HR in the dataset", "confusion_title": "Model {version}: test rows",
        "top_title": "Ten most important inputs", "by_feature_title": "Importance by original feature",
        "trained": "Model **{version}** was trained on {date} in **{seconds} seconds**; it is right on **{accuracy}** "
                   "of its {rows} test rows (the evaluation report compares it with production on the test rows "
                   "production never learned from).",
        "item": "Item", "value": "Value", "setting": "Setting", "file": "File", "path": "Path",
        "dataset_file": "Dataset file", "rows": "Rows (role × skill × date)", "period": "Period",
        "period_value": "{start} to {end}", "train_rows": "Rows used for training",
        "test_rows": "Rows kept aside for testing", "levels": "Need levels decided by HR",
        "features": "Features used",
        "model": "Model (pickle)", "metadata": "Model metadata (JSON)", "split": "Train/test split",
        "dataset": "Dataset (input)",
        "how_rf": "The model is a *random forest*: many decision trees that each look at the job role, the skill and "
                  "its market and internal signals, and vote on the need level. Rare levels are given more weight so "
                  "that the model does not simply favour the most frequent one.",
        "how_hgb": "The model is *gradient boosting*: a sequence of small decision trees, each correcting the mistakes "
                   "of the ones before it, that look at the job role, the skill and its market and internal signals. "
                   "A job role or a skill enters as the share of each need level HR gave it in the training rows "
                   "(*target encoding*), so hundreds of roles and thousands of skills fit. Rare levels are given more "
                   "weight so that the model does not simply favour the most frequent one.",
        "importance_rf": "The importance of a feature is the share of the forest's decisions that depend on it. The "
                         "first chart shows the ten most important inputs (a job role or a skill counts as its own "
                         "input); the second adds them up for each of the eleven original features.",
        "importance_hgb": "The importance of a feature is the accuracy the model loses when that feature's values are "
                          "shuffled among the test rows (*permutation importance*: gradient boosting keeps no share "
                          "of decisions to count), as a share of all the losses. Both charts name the eleven original "
                          "features: the first shows the ten most important, the second all of them.",
    },
    "fr": {
        "levels_title": "Niveaux de besoin décidés par la RH dans les données",
        "confusion_title": "Modèle {version} : lignes de test", "top_title": "Les dix entrées les plus importantes",
        "by_feature_title": "Importance par variable d'origine",
        "trained": "Le modèle **{version}** a été entraîné le {date} en **{seconds} secondes** ; il a raison sur "
                   "**{accuracy}** de ses {rows} lignes de test (le rapport d'évaluation le compare à la production "
                   "sur les lignes de test que la production n'a jamais apprises).",
        "item": "Élément", "value": "Valeur", "setting": "Réglage", "file": "Fichier", "path": "Chemin",
        "dataset_file": "Fichier de données", "rows": "Lignes (métier × compétence × date)", "period": "Période",
        "period_value": "du {start} au {end}", "train_rows": "Lignes utilisées pour l'entraînement",
        "test_rows": "Lignes mises de côté pour le test", "levels": "Niveaux de besoin décidés par la RH",
        "features": "Variables utilisées",
        "model": "Modèle (pickle)", "metadata": "Métadonnées du modèle (JSON)",
        "split": "Répartition entraînement / test", "dataset": "Données (entrée)",
        "family": "Famille de modèle : **{name}**{size} ({model_type}) ; {reason}.",
        "trees": " de {count} arbres", "rounds": " ({count} tours)",
        "asked": "--model {family} a été demandé",
        "auto_rf": "auto : {rows} lignes d'entraînement, moins de {minimum}, donc la forêt aléatoire d'origine est "
                   "conservée",
        "auto_hgb": "auto : {rows} lignes d'entraînement atteignent {minimum}, seuil à partir duquel le gradient "
                    "boosting est plus rapide, plus léger et au moins aussi juste",
        "how_rf": "Le modèle est une *forêt aléatoire* : de nombreux arbres de décision qui regardent chacun le "
                  "métier, la compétence et ses signaux, puis votent pour un niveau de besoin. Les niveaux rares "
                  "reçoivent plus de poids pour que le modèle ne favorise pas simplement le plus fréquent.",
        "how_hgb": "Le modèle est un *gradient boosting* : une suite de petits arbres de décision, chacun corrigeant "
                   "les erreurs des précédents, qui regardent le métier, la compétence et ses signaux. Un métier ou "
                   "une compétence y entre comme la part de chaque niveau de besoin que la RH lui a donnée dans les "
                   "lignes d'entraînement (*encodage par la cible*), ce qui admet des centaines de métiers et des "
                   "milliers de compétences. Les niveaux rares reçoivent plus de poids pour que le modèle ne "
                   "favorise pas simplement le plus fréquent.",
        "importance_rf": "L'importance d'une variable est la part des décisions de la forêt qui en dépendent. Le "
                         "premier graphique montre les dix entrées les plus importantes (un métier ou une compétence "
                         "compte comme une entrée à part entière) ; le second les additionne pour chacune des onze "
                         "variables d'origine.",
        "importance_hgb": "L'importance d'une variable est la part de bonnes réponses que le modèle perd quand les "
                          "valeurs de cette variable sont mélangées entre les lignes de test (*importance par "
                          "permutation* : le gradient boosting ne garde pas de part de décisions à compter), rapportée "
                          "au total des pertes. Les deux graphiques nomment les onze variables d'origine : le premier "
                          "montre les dix plus importantes, le second toutes.",
    },
}


def text(key: str, lang: str = "en", **fields: Any) -> str:
    """One phrase of this report (a figure title, a heading) in ``lang``."""
    return catalogue_text(TEXT, key, lang, **fields)


def trained_sentence(metadata: dict[str, Any], lang: str = "en") -> str:
    """When, how fast, and how often the model is right on its test rows."""
    return text("trained", lang, version=metadata["model_version"], date=long_date(metadata["training_date"], lang),
              seconds=decimal(metadata["training_duration_seconds"], 1, lang),
              accuracy=percent(metadata["metrics"]["accuracy"], lang),
              rows=integer(metadata["dataset"].get("test_samples"), lang))


def _family(metadata: dict[str, Any]) -> str:
    """The trained family (``rf`` for metadata written before families existed)."""
    family = metadata.get("hyperparameters", {}).get("model_family", "rf")
    return family if f"how_{family}" in TEXT["en"] else "rf"


def method_paragraph(metadata: dict[str, Any], lang: str = "en") -> str:
    """How the trained family decides, in plain words for a reader without ML background (Markdown)."""
    return text(f"how_{_family(metadata)}", lang)


def importance_paragraph(metadata: dict[str, Any], lang: str = "en") -> str:
    """What the importance charts measure for the trained family: the forest's own shares of decisions, or
    the accuracy lost by shuffling a feature (Markdown)."""
    return text(f"importance_{_family(metadata)}", lang)


def family_sentence(metadata: dict[str, Any], lang: str = "en") -> str:
    """Which model family was trained and why (Markdown): the model layer's sentence in English, worded from
    the same records (family, rows, threshold) in another language."""
    if lang == "en":
        return model_card.family_sentence(metadata)
    params = metadata["hyperparameters"]
    family, requested = params.get("model_family", "rf"), params.get("model_requested", "auto")
    words = TEXT[lang]  # filled raw, then typography once for the whole sentence
    size = words["trees"].format(count=integer(params.get("n_estimators"), lang)) if family == "rf" else \
        words["rounds"].format(count=integer(params.get("n_iter_fitted"), lang))
    if requested != "auto":
        reason = words["asked"].format(family=requested)
    else:
        reason = words[f"auto_{family}"].format(rows=integer(metadata["dataset"].get("train_samples"), lang),
                                                minimum=integer(AUTO_HGB_MIN_ROWS, lang))
    return text("family", lang, name=change_value("model_family", family, lang), size=size,
                model_type=params.get("model_type", ""), reason=reason)


def data_table(metadata: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """What the model was trained on, as a two-column table for the training report."""
    data = metadata["dataset"]
    total = data["total_samples"] or 1
    mix = ", ".join(f"{level_name(level, lang)} {integer(n, lang)} ({percent(n / total, lang, 0)})"
                    for level, n in data["class_distribution"].items())
    period = data["period"]
    rows = {
        text("dataset_file", lang): data["csv_path"],
        text("rows", lang): integer(data["total_samples"], lang),
        text("period", lang): text("period_value", lang, start=long_date(period["start"], lang),
                               end=long_date(period["end"], lang)),
        text("train_rows", lang): integer(data.get("train_samples"), lang),
        text("test_rows", lang): integer(data.get("test_samples"), lang),
        text("levels", lang): mix,
        text("features", lang): ", ".join(data["features_used"]),
    }
    return pd.DataFrame({text("value", lang): [str(v) for v in rows.values()]},
                        index=pd.Index(list(rows), name=text("item", lang)))


def hyperparameter_table(metadata: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """The training settings, one per row: the code's own names and values in English (to reproduce a run),
    worded by ``changes_view.LABELS`` in another language (the family's reason is in :func:`family_sentence`)."""
    params = metadata["hyperparameters"]
    if lang == "en":
        return pd.DataFrame({text("value", lang): [str(v) for v in params.values()]},
                            index=pd.Index(list(params), name=text("setting", lang)))
    shown = {setting_name(k, lang).capitalize(): change_value(k, v, lang) for k, v in params.items()
             if k != "model_reason"}
    return pd.DataFrame({text("value", lang): list(shown.values())},
                        index=pd.Index(list(shown), name=text("setting", lang)))


def files_table(metadata: dict[str, Any], metadata_path: Path | str, lang: str = "en") -> pd.DataFrame:
    """The files this training wrote or read, with their sha256 fingerprints."""
    rows = [(text(f["kind"], lang), f["path"], f["sha256"]) for f in written_files(metadata, metadata_path)]
    return pd.DataFrame(rows, columns=[text("file", lang), text("path", lang), "sha256"]).set_index(text("file", lang))
