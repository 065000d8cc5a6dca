"""The training choices a user makes — model family, trees, test share, seed — and their checks.

Kept apart from :mod:`.families` and :mod:`.training` because checking a command line must not
import scikit-learn: ``run_retrain.py`` refuses a bad option at once, and its driver process
never imports scikit-learn at all (the notebooks' kernels do).
"""
from __future__ import annotations

import numbers
from typing import Any

from future_skills.exceptions import FutureSkillsError

FAMILIES: tuple[str, ...] = ("rf", "hgb", "auto")
# The scikit-learn estimator each trained family ends in (``model_type`` in the metadata; names the engine).
FAMILY_MODEL_TYPES: dict[str, str] = {"rf": "RandomForestClassifier", "hgb": "HistGradientBoostingClassifier"}
# From AUTO_HGB_MIN_ROWS rows on, auto trains hgb: at 100k rows the forest is slower to fit, larger
# and no more accurate than hgb (BENCHMARKS.md, model families); below it the original forest is kept.
AUTO_HGB_MIN_ROWS = 50_000


def check_family(model: Any) -> str:
    """``rf``, ``hgb`` or ``auto``; anything else is a FutureSkillsError naming the choices."""
    if model not in FAMILIES:
        raise FutureSkillsError(f"--model must be one of {', '.join(FAMILIES)}, got {model!r}.")
    return str(model)


def check_hyperparameters(n_estimators: Any, test_size: Any, random_state: Any) -> None:
    """Reject bad training arguments with one sentence, before anything is read or written."""
    if isinstance(n_estimators, bool) or not isinstance(n_estimators, numbers.Integral) or n_estimators < 1:
        raise FutureSkillsError(f"n_estimators must be a positive integer, got {n_estimators!r}.")
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)) or not 0 < test_size < 1:
        raise FutureSkillsError(f"test_size must be a number between 0 and 1 (exclusive), got {test_size!r}.")
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
        raise FutureSkillsError(f"random_state must be an integer, got {random_state!r}.")
