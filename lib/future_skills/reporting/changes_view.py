"""The "What changed since production" table of index.html: every row with a label and values a reader can use.

The registry's diff (:func:`registry.diff.diff_versions`) names rows by their metadata keys
(``dataset`` / ``sha256``, ``class_distribution HIGH``); :data:`LABELS` is the one catalogue that
words each of them in English and French, and :func:`change_row` formats the values the same way
as the rest of the page (dates, counts, decimals in the page language).
"""
from __future__ import annotations

from typing import Any

from future_skills.formatting import DASH, cell, check_language, compact, integer, is_number, level_name, long_date
from future_skills.reporting.drift_texts import readable

# Rows that are sentences or duplicates in the metadata (the training report explains them): not in the table.
HIDDEN = frozenset({("hyperparameters", "model_reason"), ("hyperparameters", "categorical_encoding"),
                    ("hyperparameters", "model_type"), ("hyperparameters", "model_requested")})

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "hyperparameters": "Training setting", "dataset": "Data", "feature_importance": "Importance of a signal",
        "model_family": "kind of model", "n_estimators": "number of trees", "test_size": "share of pairs kept "
        "for testing", "random_state": "random seed", "class_weight": "weight of the levels",
        "stratified_split": "test pairs drawn per level", "max_depth": "maximum depth of a tree",
        "min_samples_leaf": "fewest pairs in a leaf", "max_samples": "pairs drawn per tree",
        "max_features": "signals tried at each split", "max_iter": "rounds of boosting",
        "learning_rate": "learning rate", "max_leaf_nodes": "most leaves per tree",
        "early_stopping": "early stopping", "validation_fraction": "share kept to decide when to stop",
        "n_iter_no_change": "rounds without progress before stopping", "n_iter_fitted": "rounds run",
        "sha256": "fingerprint of the training data (sha256)", "total_samples": "pairs in the training data",
        "class_distribution": "pairs rated {level} by HR", "period start": "first snapshot date",
        "period end": "last snapshot date", "features_used": "signals used",
        "rf": "random forest", "hgb": "gradient boosting", "balanced": "balanced", "yes": "yes", "no": "no",
        "sqrt": "square root of the number of signals",
        "category": "{category} “{value}”",
        "one-hot (unknown categories ignored)": "one-hot (unknown categories ignored)",
        "target encoding per level, cross-fitted (unknown categories get the overall mean)":
            "target encoding per level, cross-fitted (unknown categories get the overall mean)",
    },
    "fr": {
        "hyperparameters": "Réglage d'entraînement", "dataset": "Données",
        "feature_importance": "Importance d'un signal",
        "model_family": "type de modèle", "n_estimators": "nombre d'arbres", "test_size": "part des paires "
        "gardées pour le test", "random_state": "graine aléatoire", "class_weight": "poids des niveaux",
        "stratified_split": "paires de test tirées par niveau", "max_depth": "profondeur maximale d'un arbre",
        "min_samples_leaf": "nombre minimal de paires par feuille", "max_samples": "paires tirées par arbre",
        "max_features": "signaux essayés à chaque division", "max_iter": "tours de boosting",
        "learning_rate": "taux d'apprentissage", "max_leaf_nodes": "nombre maximal de feuilles par arbre",
        "early_stopping": "arrêt anticipé", "validation_fraction": "part gardée pour décider de l'arrêt",
        "n_iter_no_change": "tours sans progrès avant l'arrêt", "n_iter_fitted": "tours effectués",
        "sha256": "empreinte des données d'entraînement (sha256)",
        "total_samples": "paires des données d'entraînement",
        "class_distribution": "paires classées {level} par la RH", "period start": "première date d'instantané",
        "period end": "dernière date d'instantané", "features_used": "signaux utilisés",
        "rf": "forêt aléatoire", "hgb": "gradient boosting", "balanced": "équilibré", "yes": "oui", "no": "non",
        "sqrt": "racine carrée du nombre de signaux",
        "category": "{category} «\u00a0{value}\u00a0»",
        "model_requested": "type de modèle demandé", "model_type": "classe du modèle",
        "categorical_encoding": "codage des catégories", "auto": "automatique",
        "one-hot (unknown categories ignored)": "une colonne par catégorie (catégories inconnues ignorées)",
        "target encoding per level, cross-fitted (unknown categories get the overall mean)":
            "codage par la cible pour chaque niveau, en validation croisée (catégories inconnues : moyenne globale)",
    },
}


def row_label(section: str, name: str, lang: str = "en") -> str:
    """'Data: pairs rated HIGH by HR' / 'Données : paires classées ÉLEVÉ par la RH' for one diff row."""
    words = LABELS[check_language(lang)]
    if section == "feature_importance":
        item = signal_name(name, lang)
    elif name.startswith("class_distribution "):
        item = words["class_distribution"].format(level=level_name(name.split(" ", 1)[1], lang))
    else:
        item = setting_name(name, lang)
    separator = "\u00a0: " if lang == "fr" else ": "
    return f"{words.get(section, section)}{separator}{item}"


def setting_name(name: str, lang: str = "en") -> str:
    """A training setting or data item in words: 'n_estimators' -> 'number of trees' / "nombre d'arbres"."""
    return LABELS[check_language(lang)].get(name, readable(name, lang).lower())


def signal_name(name: str, lang: str = "en") -> str:
    """A signal of the importance list: 'Trend score', or 'Skill category “Communication”' for one category."""
    if "=" not in name:
        return readable(name, lang)
    feature, value = name.split("=", 1)
    return LABELS[lang]["category"].format(category=readable(feature, lang), value=value)


def change_value(name: str, value: Any, lang: str = "en") -> str:
    """One value of the table in ``lang``: dates in words, counts grouped, yes/no and model kinds worded."""
    words = LABELS[lang]
    if value is None:
        return DASH
    if isinstance(value, bool):
        return words["yes" if value else "no"]
    if name.startswith("period "):
        return long_date(value, lang)
    if isinstance(value, int):
        return integer(value, lang)
    if isinstance(value, float) and name in LABELS["en"]:  # a setting as written (0.2), not a measured share
        return compact(value, lang)
    if isinstance(value, str) and value in words and name in ("model_family", "model_requested", "class_weight",
                                                              "max_features", "categorical_encoding"):
        return words[value]
    return cell(value, lang)


def change_row(row: dict[str, Any], lang: str = "en") -> dict[str, str]:
    """A diff row as the page shows it: ``label``, ``a``, ``b`` and ``delta`` (signed), all text."""
    delta = row.get("delta")
    shown_delta = DASH if delta is None else (integer(delta, lang, signed=True) if isinstance(delta, int)
                                              else cell(delta, lang, signed=True) if is_number(delta) else DASH)
    return {"label": row_label(row["section"], row["name"], lang), "a": change_value(row["name"], row["a"], lang),
            "b": change_value(row["name"], row["b"], lang), "delta": shown_delta}
