"""The hot path of :func:`future_skills.serving.predict.predict`: a few complete records, scored and logged fast.

One pair from an HR application is a dict with IDs, names and numbers. Going through
DataFrames, the ColumnTransformer and one call per tree costs tens of milliseconds; here the
records are checked field by field, scored by the model's compiled form
(:mod:`future_skills.model.compiled`, built and checked once per loaded model), and logged as
log records directly. A DataFrame of at most :data:`FAST_MAX_ROWS` rows is read as records
(a role's skills scored at once: 10 rows took 20 ms through the general path, 4 ms here). Anything this
path does not handle exactly like the general one (more than :data:`FAST_MAX_ROWS` records, a
missing or non-numeric field, names to look up in the catalog, no usable ML model) returns None
and the general path answers, with its own checks and error messages.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pandas as pd

from future_skills.data.contract import feature_rules, load_contract
from future_skills.model.compiled import compile_pipeline
from future_skills.model.scoring import level_probabilities, levels_and_scores, ml_engine, ml_model_version
from future_skills.monitoring import log_writer
from future_skills.schema import CATEGORICAL_FEATURES, ID_COLUMNS, LEVELS, NUMERIC_FEATURES, PROBABILITY_COLUMNS
from future_skills.serving import predict as serving
from future_skills.settings import load_settings
from future_skills.thresholds import config_path

COMPILED_CACHE: dict[int, Any] = {}  # id(loaded model) -> its compiled form (or None); cleared by clear_cache
RULES_CACHE: dict[tuple[Any, ...], Any] = {}  # (config path, its stamp) -> the contract's input rules
# Up to this many records the compiled model beats scikit-learn (BENCHMARKS.md: 1 row ~0.5-1 ms vs ~30-90 ms).
FAST_MAX_ROWS = 100


def compiled_model(model: Any) -> Any:
    """The compiled form of the loaded ``model`` (:mod:`future_skills.model.compiled`), built and checked once;
    None if it cannot be."""
    key = id(model)
    if key not in COMPILED_CACHE:
        COMPILED_CACHE[key] = compile_pipeline(model)
    return COMPILED_CACHE[key]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def plain_records(payload: Any) -> list[dict[str, Any]] | None:
    """``payload`` (a dict, a list of them or a DataFrame) as a short list of complete records (whole IDs, finite
    numbers, names as text), else None."""
    if isinstance(payload, pd.DataFrame):
        if not 0 < len(payload) <= FAST_MAX_ROWS or not payload.columns.is_unique:
            return None
        payload = payload.to_dict("records")  # numpy values come out as Python ints, floats and strings
    records = [payload] if isinstance(payload, dict) else payload
    if not isinstance(records, list) or not 0 < len(records) <= FAST_MAX_ROWS:
        return None
    for record in records:
        if not isinstance(record, dict):
            return None
        if not all(isinstance(record.get(name), int) and not isinstance(record.get(name), bool) for name in ID_COLUMNS):
            return None
        if not all(_is_number(record.get(name)) for name in NUMERIC_FEATURES):
            return None
        if not all(isinstance(record.get(name), str) for name in CATEGORICAL_FEATURES):
            return None
    return records


def contract_rules() -> dict[str, Any]:
    """The dataset contract's input rules, re-read only when the config file (its path or stamp) changes."""
    path = config_path()
    key = (str(path), serving._stamp(path))
    if key not in RULES_CACHE:
        RULES_CACHE.clear()
        RULES_CACHE[key] = feature_rules(load_contract())
    return RULES_CACHE[key]


def passes_contract(records: list[dict[str, Any]], numbers: np.ndarray) -> bool:
    """Whether every ID and feature passes the dataset contract's input rules (the same predicates as serving's)."""
    columns = {name: np.array([record[name] for record in records], dtype=np.float64) for name in ID_COLUMNS}
    columns.update({name: numbers[:, position] for position, name in enumerate(NUMERIC_FEATURES)})
    missing = np.zeros(len(records), dtype=bool)
    return all(bool(predicate(columns[column], missing).all())
               for column, rules in contract_rules().items() for _, predicate in rules)


def predict_records(payload: Any, log: bool | None, timestamp: Any, on_invalid: str = "refuse",
                    active: Callable[[], tuple[Any, Any]] | None = None) -> pd.DataFrame | None:
    """Scored (and logged) records like :func:`serving.predict.predict` returns them, or None for the general path.

    ``active`` gives the model and its choice (default :func:`serving.predict.active_model`); the caller passes
    the one its general path uses, so a model that fails to load is tried once per call, not twice."""
    records = plain_records(payload)
    if records is None or on_invalid not in serving.ON_INVALID:
        return None
    numbers = np.array([[record[name] for name in NUMERIC_FEATURES] for record in records], dtype=np.float64)
    if not passes_contract(records, numbers):
        return None  # the general path refuses them or scores them by rules, with its messages
    model, choice = (active or serving.active_model)()
    compiled = compiled_model(model) if model is not None else None
    if compiled is None:
        return None
    logging_on = load_settings().enable_monitoring if log is None else log
    try:
        stamps = serving._timestamps(timestamp, len(records)) if logging_on else []
    except (ValueError, TypeError):
        return None  # the general path raises the one-sentence error
    names = [[record[name] for name in CATEGORICAL_FEATURES] for record in records]
    probabilities = level_probabilities(compiled.predict_proba(names, numbers), compiled.classes)
    levels, scores = levels_and_scores(probabilities)
    named = (ml_engine(model), ml_model_version(choice.version))
    scores, probabilities = np.round(scores, 2), np.round(probabilities, 4)
    if logging_on:
        _log(records, levels, scores, probabilities, named, numbers, stamps)
    return _result(records, levels, scores, probabilities, named)


def _result(records: list[dict[str, Any]], levels: np.ndarray, scores: np.ndarray,
            probabilities: np.ndarray, named: tuple[str, str]) -> pd.DataFrame:
    columns: dict[str, Any] = {name: np.array([r[name] for r in records], dtype=np.int64) for name in ID_COLUMNS}
    columns["predicted_level"] = levels
    columns["score"] = scores
    for position, column in enumerate(PROBABILITY_COLUMNS):
        columns[column] = probabilities[:, position]
    columns["engine"] = [named[0]] * len(records)
    columns["model_version"] = [named[1]] * len(records)
    return pd.DataFrame(columns)


def _log(records: list[dict[str, Any]], levels: np.ndarray, scores: np.ndarray, probabilities: np.ndarray,
         named: tuple[str, str], numbers: np.ndarray, stamps: list[str]) -> None:
    engine, version = named
    entries = [{"timestamp": stamp, "job_role_id": record["job_role_id"], "skill_id": record["skill_id"],
                "predicted_level": str(level), "score": score, "engine": engine,
                "model_version": version, "features": dict(zip(NUMERIC_FEATURES, row)),
                "probabilities": dict(zip(LEVELS, probs))}
               for record, level, score, row, probs, stamp in zip(
                   records, levels, scores.tolist(), numbers.tolist(), probabilities.tolist(), stamps)]
    log_writer.append_predictions(entries, enabled=True)
