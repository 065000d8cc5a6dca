"""The prediction log's line format, defined once for the writer, the reader and the Parquet compaction.

One JSON object per line, IDs only, never names::

    {"timestamp": "2025-11-27T14:30:00", "job_role_id": 5, "skill_id": 12,
     "predicted_level": "HIGH", "score": 87.5, "engine": "ML (RandomForest)",
     "model_version": "ml_random_forest_v2", "features": {<seven numeric features>},
     "probabilities": {"LOW": 0.05, "MEDIUM": 0.12, "HIGH": 0.83}}

Required per line: ``timestamp`` (ISO 8601), ``job_role_id``, ``skill_id``, ``predicted_level``
and a ``features`` object. ``score``, ``engine``, ``model_version`` and ``probabilities``
(absent from the original system's lines) are optional; missing numbers are ``null``.

Read back, a line becomes one flat row (:data:`LOG_COLUMNS`): ``features.<name>`` → ``<name>``,
``probabilities.<LEVEL>`` → ``prob_<LEVEL>``.
"""
from __future__ import annotations

import math
from typing import Any

import pyarrow as pa

from future_skills.schema import ID_COLUMNS, LEVELS, NUMERIC_FEATURES, PROBABILITY_COLUMNS

REQUIRED_FIELDS: tuple[str, ...] = ("timestamp", *ID_COLUMNS, "predicted_level", "features")
TEXT_FIELDS: tuple[str, ...] = ("predicted_level", "engine", "model_version")
LOG_COLUMNS: tuple[str, ...] = (
    "timestamp", *ID_COLUMNS, "predicted_level", "score", "engine", "model_version",
    *NUMERIC_FEATURES, *PROBABILITY_COLUMNS,
)

#: The JSON line as pyarrow parses it (nested objects as structs; unknown keys are ignored).
LINE_SCHEMA = pa.schema([
    ("timestamp", pa.string()),
    *[(name, pa.int64()) for name in ID_COLUMNS],
    ("predicted_level", pa.string()),
    ("score", pa.float64()),
    ("engine", pa.string()),
    ("model_version", pa.string()),
    ("features", pa.struct([(name, pa.float64()) for name in NUMERIC_FEATURES])),
    ("probabilities", pa.struct([(level, pa.float64()) for level in LEVELS])),
])

#: The flat row as stored in compacted Parquet files: typed timestamp, dictionary-encoded texts.
FLAT_SCHEMA = pa.schema([
    ("timestamp", pa.timestamp("ns")),
    *[(name, pa.int64()) for name in ID_COLUMNS],
    ("predicted_level", pa.dictionary(pa.int32(), pa.string())),
    ("score", pa.float64()),
    ("engine", pa.dictionary(pa.int32(), pa.string())),
    ("model_version", pa.dictionary(pa.int32(), pa.string())),
    *[(name, pa.float64()) for name in NUMERIC_FEATURES],
    *[(name, pa.float64()) for name in PROBABILITY_COLUMNS],
])


def flat_name(nested: str) -> str:
    """``features.trend_score`` → ``trend_score``; ``probabilities.LOW`` → ``prob_LOW``; others unchanged."""
    if nested.startswith("features."):
        return nested.split(".", 1)[1]
    if nested.startswith("probabilities."):
        return "prob_" + nested.split(".", 1)[1]
    return nested


def _number(value: Any) -> float | None:
    """A JSON-safe float (None for missing, NaN or infinite)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def to_log_record(prediction: dict[str, Any]) -> dict[str, Any]:
    """The log object of one prediction, from a flat row (feature columns, ``prob_LOW``…) or a nested record.

    Only the contract keys are kept, so names never reach the log.
    """
    features = prediction.get("features") or {name: prediction.get(name) for name in NUMERIC_FEATURES}
    probabilities = prediction.get("probabilities") or {
        level: prediction.get(column) for level, column in zip(LEVELS, PROBABILITY_COLUMNS)
    }
    timestamp = prediction.get("timestamp")
    if hasattr(timestamp, "isoformat"):
        timestamp = timestamp.isoformat(timespec="seconds")
    return {
        "timestamp": timestamp,
        "job_role_id": int(prediction["job_role_id"]),
        "skill_id": int(prediction["skill_id"]),
        "predicted_level": str(prediction.get("predicted_level")),
        "score": _number(prediction.get("score")),
        "engine": prediction.get("engine"),
        "model_version": prediction.get("model_version"),
        "features": {name: _number(features.get(name)) for name in NUMERIC_FEATURES},
        "probabilities": {level: _number(probabilities.get(level)) for level in LEVELS},
    }
