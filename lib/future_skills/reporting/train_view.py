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
