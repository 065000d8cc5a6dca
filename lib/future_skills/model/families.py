"""Model families: the bounded random forest (``rf``), gradient boosting (``hgb``), and ``auto``'s choice.

``rf`` is the original system's model: one-hot encoded names + the numeric signals into a
class-balanced random forest of ``n_estimators`` trees, now bounded (:data:`RF_BOUNDS`) so its
size and memory stop growing with every row. ``hgb`` is a histogram gradient-boosted model; the
high-cardinality names (hundreds of roles, thousands of skills) are target-encoded inside the
same persisted pipeline (scikit-learn's ``TargetEncoder``, cross-fitted), because
HistGradientBoosting's native categoricals refuse more than 255 categories.
``auto`` keeps ``rf`` on datasets the size of the original system's and switches to ``hgb``
from :data:`AUTO_HGB_MIN_ROWS` rows. The numbers behind these choices are in BENCHMARKS.md
(``benchmarks/bench_models.py``).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, TargetEncoder
from threadpoolctl import threadpool_limits

from future_skills.cores import free_cores
from future_skills.exceptions import FutureSkillsError
from future_skills.model.choices import AUTO_HGB_MIN_ROWS, FAMILY_MODEL_TYPES, check_family
from future_skills.schema import CATEGORICAL_FEATURES, FEATURES, NUMERIC_FEATURES

CLASS_WEIGHT = "balanced"
# Bounds of the forest (BENCHMARKS.md): each tree draws at most 100k rows and its leaves hold at least
# 1 row per 16k drawn (1 up to 24k rows: the original forest, unchanged on the demo's 4,800 rows; 5 at
# 80k), so a tree has at most ~32k leaves and 200 trees stay near 50 MB however many rows come in.
RF_BOUNDS: dict[str, Any] = {"max_rows_per_tree": 100_000, "rows_per_min_leaf_row": 16_000}
HGB_PARAMETERS: dict[str, Any] = {"max_iter": 200, "learning_rate": 0.2, "max_leaf_nodes": 31,
                                  "early_stopping": True, "validation_fraction": 0.1, "n_iter_no_change": 10}
PERMUTATION_ROWS = 5_000
COUNT_CORES_EVERY_SECONDS = 1.0
_LAST_COUNT: dict[str, float] = {"at": float("-inf"), "cores": 1}  # model_threads' last count of free cores


@dataclass(frozen=True)
class FamilyChoice:
    """The family to train and why (recorded in the metadata, the registry and the report)."""

    family: str
    requested: str
    reason: str


@contextmanager
def model_threads() -> Iterator[int]:
    """OpenMP threads limited to :func:`free_cores` while a model fits or scores many rows.

    The cores are counted again at most every :data:`COUNT_CORES_EVERY_SECONDS`: a busy server scoring
    batch after batch would otherwise scan ``/proc`` (milliseconds with a thousand threads) every time.
    """
    now = time.monotonic()
    if now - _LAST_COUNT["at"] > COUNT_CORES_EVERY_SECONDS:
        _LAST_COUNT.update(at=now, cores=free_cores())
    threads = int(_LAST_COUNT["cores"])
    with threadpool_limits(limits=threads, user_api="openmp"):
        yield threads


def choose_family(requested: str, rows: int) -> FamilyChoice:
    """``auto`` -> ``rf`` below :data:`AUTO_HGB_MIN_ROWS` training rows, ``hgb`` from there; else as asked."""
    check_family(requested)
    if requested != "auto":
        return FamilyChoice(requested, requested, f"--model {requested} was asked for")
    if rows < AUTO_HGB_MIN_ROWS:
        return FamilyChoice("rf", "auto", f"auto: {rows:,} training rows is below {AUTO_HGB_MIN_ROWS:,}, "
                                          "so the original random forest is kept")
    return FamilyChoice("hgb", "auto", f"auto: {rows:,} training rows reaches {AUTO_HGB_MIN_ROWS:,}, where "
                                       "gradient boosting fits faster, smaller and at least as accurate")


def rf_bounds(rows: int) -> dict[str, Any]:
    """``max_samples`` (rows drawn per tree, None = all) and ``min_samples_leaf`` for ``rows`` training rows."""
    cap = RF_BOUNDS["max_rows_per_tree"]
    drawn = min(rows, cap)
    return {"max_samples": None if rows <= cap else int(cap),
            "min_samples_leaf": max(1, int(drawn / RF_BOUNDS["rows_per_min_leaf_row"] + 0.5))}


def build_rf(n_estimators: int, random_state: int, rows: int = 0) -> Pipeline:
    """One-hot encoded names + raw numeric signals -> balanced, bounded random forest."""
    preprocess = ColumnTransformer(
        [("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(CATEGORICAL_FEATURES)),
         ("numeric", "passthrough", list(NUMERIC_FEATURES))],
        remainder="drop",
    )
    forest = RandomForestClassifier(
        n_estimators=n_estimators, class_weight=CLASS_WEIGHT, random_state=random_state, n_jobs=-1,
        **rf_bounds(rows),
    )
    return Pipeline([("preprocess", preprocess), ("model", forest)])


def build_hgb(random_state: int) -> Pipeline:
    """Target-encoded names (cross-fitted) + raw numeric signals -> balanced gradient boosting."""
    preprocess = ColumnTransformer(
        [("categorical", TargetEncoder(target_type="multiclass",
                                       cv=StratifiedKFold(5, shuffle=True, random_state=random_state)),
          list(CATEGORICAL_FEATURES)),
         ("numeric", "passthrough", list(NUMERIC_FEATURES))],
        remainder="drop",
    )
    model = HistGradientBoostingClassifier(class_weight=CLASS_WEIGHT, random_state=random_state, **HGB_PARAMETERS)
    return Pipeline([("preprocess", preprocess), ("model", model)])


def build_family(family: str, n_estimators: int, random_state: int, rows: int = 0) -> Pipeline:
    """The unfitted pipeline of ``family`` (``rf`` or ``hgb``) for a training set of ``rows`` rows."""
    if family == "rf":
        return build_rf(n_estimators, random_state, rows)
    if family == "hgb":
        return build_hgb(random_state)
    raise FutureSkillsError(f"Unknown model family {family!r}; use rf or hgb.")


def pipeline_family(pipeline: Pipeline) -> str:
    """``rf`` or ``hgb``, from the fitted pipeline's final step."""
    model = pipeline.named_steps["model"]
    return "hgb" if isinstance(model, HistGradientBoostingClassifier) else "rf"


def hyperparameters(pipeline: Pipeline, choice: FamilyChoice, test_size: float) -> dict[str, Any]:
    """Every setting that decides the model, plus the family and why it was chosen."""
    model = pipeline.named_steps["model"]
    common = {"model_family": choice.family, "model_requested": choice.requested, "model_reason": choice.reason,
              "model_type": FAMILY_MODEL_TYPES[choice.family], "random_state": model.random_state,
              "test_size": float(test_size), "class_weight": CLASS_WEIGHT, "stratified_split": True}
    if choice.family == "rf":
        return {"n_estimators": int(model.n_estimators), **common, "max_depth": model.max_depth,
                "min_samples_leaf": model.min_samples_leaf, "max_samples": model.max_samples,
                "max_features": model.max_features, "categorical_encoding": "one-hot (unknown categories ignored)"}
    return {"n_estimators": None, **common, **{k: getattr(model, k) for k in HGB_PARAMETERS},
            "n_iter_fitted": int(model.n_iter_),
            "categorical_encoding": "target encoding per level, cross-fitted (unknown categories get the overall mean)"}


def encoded_feature_names(pipeline: Pipeline) -> list[str]:
    """The rf's input columns: ``skill_name=Python`` for one-hot columns, else the feature."""
    encoder = pipeline.named_steps["preprocess"].named_transformers_["categorical"]
    names = [f"{feature}={category}"
             for feature, categories in zip(CATEGORICAL_FEATURES, encoder.categories_)
             for category in categories]
    return names + list(NUMERIC_FEATURES)


def permutation_by_feature(pipeline: Pipeline, frame: pd.DataFrame, labels: pd.Series,
                           random_state: int) -> pd.Series:
    """Accuracy lost when each original feature is shuffled (on at most PERMUTATION_ROWS rows), summing to 1."""
    rows = frame.sample(n=min(len(frame), PERMUTATION_ROWS), random_state=random_state)
    result = permutation_importance(pipeline, rows[list(FEATURES)], labels.loc[rows.index].astype(str),
                                    n_repeats=3, random_state=random_state, n_jobs=1)
    values = pd.Series(np.clip(result.importances_mean, 0.0, None), index=list(FEATURES), dtype=float)
    total = values.sum()
    return values / total if total > 0 else values


def feature_importances(pipeline: Pipeline, top: int = 10, frame: pd.DataFrame | None = None,
                        labels: pd.Series | None = None, random_state: int = 0
                        ) -> tuple[dict[str, float], dict[str, float], str]:
    """(top ``top`` inputs, importance per original feature, method).

    The forest's own impurity importances (one-hot columns summed back to their feature);
    for hgb, which has none, permutation importance on ``frame``'s rows (its inputs are the
    original features, so both dictionaries name features).
    """
    if pipeline_family(pipeline) == "rf":
        names = encoded_feature_names(pipeline)
        series = pd.Series(pipeline.named_steps["model"].feature_importances_, index=names, dtype=float)
        by_feature = series.groupby([n.split("=", 1)[0] for n in names]).sum().reindex(list(FEATURES)).fillna(0.0)
        method = "impurity (mean decrease in the forest's impurity)"
    else:
        if frame is None or labels is None:
            raise FutureSkillsError("Permutation importance needs rows to shuffle; pass the test rows.")
        series = by_feature = permutation_by_feature(pipeline, frame, labels, random_state)
        method = f"permutation (accuracy lost when a feature is shuffled, on up to {PERMUTATION_ROWS:,} test rows)"
    top_n = series.sort_values(ascending=False, kind="stable").head(top)
    by_sorted = by_feature.sort_values(ascending=False, kind="stable")
    return ({k: round(float(v), 6) for k, v in top_n.items()},
            {k: round(float(v), 6) for k, v in by_sorted.items()}, method)
