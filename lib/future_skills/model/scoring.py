"""Score a frame with a fitted pipeline: probabilities per level, the most probable level, the 0–100 score.

The one definition of a prediction's shape (:func:`prediction_frame`), shared by the ML model
here and by the rules engine in :mod:`future_skills.serving.rules`; used by serving and by drift
(which scores the reference model's own test rows).

Score (0–100) of the ML engine = expected need = ``100 · (0·P(LOW) + 0.5·P(MEDIUM) + 1·P(HIGH))``.
"""
from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import numpy as np
import pandas as pd

from future_skills.model.choices import FAMILY_MODEL_TYPES
from future_skills.schema import FEATURES, LEVELS, PROBABILITY_COLUMNS

# The ``engine`` of the ML model's predictions, per family: an auditor reading the log sees which kind answered.
ML_ENGINES: dict[str, str] = {"rf": "ML (RandomForest)", "hgb": "ML (GradientBoosting)"}
LEVEL_WEIGHTS: dict[str, float] = {"LOW": 0.0, "MEDIUM": 0.5, "HIGH": 1.0}
# Below this many rows a forest scores faster on one thread: handing its 200 trees to threads costs more
# than their work (the demo forest's predict_proba, one thread / two: 1 row 13 / 47 ms, 1,000 rows 44 / 68 ms,
# 2,000 rows 67 / 67 ms, 5,000 rows 137 / 98 ms; BENCHMARKS.md).
PARALLEL_MIN_ROWS = 2_000


def ml_engine(model: Any) -> str:
    """The ``engine`` written in ``model``'s predictions and log lines: its family's name in :data:`ML_ENGINES`
    (read from the fitted pipeline's final estimator, without importing scikit-learn)."""
    estimator = type(model.named_steps["model"]).__name__
    family = next((f for f, model_type in FAMILY_MODEL_TYPES.items() if model_type == estimator), None)
    return ML_ENGINES[family] if family in ML_ENGINES else f"ML ({estimator})"


def ml_model_version(version: str) -> str:
    """The ``model_version`` written in predictions and logs, e.g. ``ml_random_forest_v2``."""
    return f"ml_random_forest_{version}"


def prediction_frame(index: pd.Index, levels: Any, score: np.ndarray, probabilities: np.ndarray,
                     engine: str) -> pd.DataFrame:
    """The result of either engine: level, score (2 decimals), ``prob_<LEVEL>`` (4 decimals), engine."""
    result = pd.DataFrame(index=index)
    result["predicted_level"] = levels
    result["score"] = np.round(score, 2)
    for position, column in enumerate(PROBABILITY_COLUMNS):
        result[column] = np.round(probabilities[:, position], 4)
    result["engine"] = engine
    return result


def level_probabilities(raw: np.ndarray, classes: Any) -> np.ndarray:
    """The model's probabilities (columns in ``classes`` order) as LOW, MEDIUM, HIGH columns (0 for a missing level)."""
    names = [str(c) for c in classes]
    return np.column_stack([raw[:, names.index(level)] if level in names else np.zeros(len(raw))
                            for level in LEVELS])


def levels_and_scores(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The most probable level and the expected-need score (0–100) of each row."""
    levels = np.asarray(LEVELS, dtype=object)[probabilities.argmax(axis=1)]
    weights = np.array([LEVEL_WEIGHTS[level] for level in LEVELS])
    return levels, 100.0 * probabilities @ weights


def ml_predict(model: Any, frame: pd.DataFrame, compiled: Any = None) -> pd.DataFrame:
    """Probabilities per level, the most probable level and the expected-need score.

    With ``compiled`` (the model's :class:`~future_skills.model.compiled.CompiledPipeline`), the
    names are encoded by its vectorised :meth:`encode_frame` (identical output, checked when it was
    compiled) and the fitted estimator scores that matrix on threads (the ColumnTransformer's
    DataFrame handling cost more than gradient boosting's own scoring on 100k rows, BENCHMARKS.md);
    below :data:`PARALLEL_MIN_ROWS` rows, the compiled form scores it by the evaluator fastest for
    that many rows (:meth:`~future_skills.model.compiled.CompiledPipeline.proba_encoded`).
    """
    # Imported when scoring, not with the module: families imports scikit-learn (~0.3 s), which the drift
    # verdict (ml_model_version, prediction_frame) must not pay.
    from joblib import parallel_config  # noqa: I001 - one block under its comment
    from future_skills.model.families import model_threads

    many = len(frame) >= PARALLEL_MIN_ROWS
    # threads, not processes: a ColumnTransformer would otherwise ship the rows to worker processes
    with parallel_config(backend="threading", n_jobs=-1 if many else 1), (model_threads() if many else nullcontext()):
        if compiled is not None:
            encoded = compiled.encode_frame(frame)
            raw = model.named_steps["model"].predict_proba(encoded) if many else compiled.proba_encoded(encoded)
        else:
            raw = model.predict_proba(frame[list(FEATURES)])
    raw = np.asarray(raw, dtype=float)
    probabilities = level_probabilities(raw, model.classes_)
    levels, score = levels_and_scores(probabilities)
    return prediction_frame(frame.index, levels, score, probabilities, ml_engine(model))
