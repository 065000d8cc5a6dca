"""A fixed, deterministic drift case (reference, log lines, catalog, decisions, test predictions).

``tests/monitoring/data/golden_drift.json`` holds the drift JSON the implementation before the
pluggable statistics computed on this case; the regression test checks that the current code
(JSONL and Parquet paths alike) still gives exactly the same keys and values.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from future_skills.monitoring.inputs import DriftInputs
from future_skills.schema import LEVELS, NUMERIC_FEATURES

MODEL_VERSION = "ml_random_forest_v1"
NOW = datetime(2025, 12, 1)


def with_catalog_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Role/skill names, department and category derived from the IDs, as the HR catalog would give them."""
    frame["job_role_name"] = "Role " + frame["job_role_id"].astype(str)
    frame["job_department"] = "Dept " + (frame["job_role_id"] % 3).astype(str)
    frame["skill_name"] = "Skill " + frame["skill_id"].astype(str)
    frame["skill_category"] = "Cat " + (frame["skill_id"] % 4).astype(str)
    return frame


def reference_frame(n: int = 2500, seed: int = 10) -> pd.DataFrame:
    """Training rows: continuous and discrete numeric features, 9 roles and 14 skills."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({name: rng.normal(50, 10, n) for name in NUMERIC_FEATURES})
    frame[NUMERIC_FEATURES[-1]] = rng.integers(0, 6, n).astype(float)  # a discrete feature: merged deciles
    frame["job_role_id"] = rng.integers(1, 10, n)
    frame["skill_id"] = rng.integers(1, 15, n)
    return with_catalog_names(frame)


def log_records(n: int = 3000, seed: int = 11) -> list[dict[str, Any]]:
    """Logged predictions over 20 days: two features shifted, a new role, a few NaN, a second model."""
    rng = np.random.default_rng(seed)
    values = {name: rng.normal(50, 10, n) for name in NUMERIC_FEATURES}
    values[NUMERIC_FEATURES[0]] += 12
    values[NUMERIC_FEATURES[2]] = rng.normal(58, 14, n)
    values[NUMERIC_FEATURES[-1]] = rng.integers(0, 7, n).astype(float)
    values[NUMERIC_FEATURES[1]][rng.random(n) < 0.02] = np.nan
    roles = np.where(rng.random(n) < 0.08, 42, rng.integers(1, 10, n))
    skills = rng.integers(1, 15, n)
    probs = rng.dirichlet([2, 3, 2], n)
    levels = np.array(LEVELS)[probs.argmax(axis=1)]
    versions = np.where(rng.random(n) < 0.1, "rules_v1", MODEL_VERSION)
    seconds = np.sort(rng.integers(0, 20 * 86400, n))
    start = NOW - timedelta(days=21)
    rows = []
    for i in range(n):
        row = {"timestamp": (start + timedelta(seconds=int(seconds[i]))).isoformat(timespec="seconds"),
               "job_role_id": int(roles[i]), "skill_id": int(skills[i]), "predicted_level": str(levels[i]),
               "score": float(100 * (0.5 * probs[i, 1] + probs[i, 2])), "engine": "ML (RandomForest)",
               "model_version": str(versions[i])}
        row.update({name: float(values[name][i]) for name in NUMERIC_FEATURES})
        row.update({f"prob_{level}": float(probs[i, k]) for k, level in enumerate(LEVELS)})
        rows.append(row)
    return rows


def catalog() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The HR catalog: role 42 exists there (created after training), skills as in training."""
    roles = pd.DataFrame({"job_role_id": [*range(1, 10), 42],
                          "job_role_name": [*(f"Role {i}" for i in range(1, 10)), "Prompt engineer"],
                          "job_department": [*(f"Dept {i % 3}" for i in range(1, 10)), "Dept 1"]})
    skills = pd.DataFrame({"skill_id": range(1, 15), "skill_name": [f"Skill {i}" for i in range(1, 15)],
                           "skill_category": [f"Cat {i % 4}" for i in range(1, 15)]})
    return roles, skills


def reference_predictions(n: int = 500, seed: int = 12) -> pd.DataFrame:
    """The reference model's predictions on its test split."""
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet([3, 2, 2], n)
    frame = pd.DataFrame({"predicted_level": np.array(LEVELS)[probs.argmax(axis=1)],
                          "score": 100 * (0.5 * probs[:, 1] + probs[:, 2])})
    for k, level in enumerate(LEVELS):
        frame[f"prob_{level}"] = probs[:, k]
    frame["future_need_level"] = np.where(rng.random(n) < 0.85, frame["predicted_level"], "MEDIUM")
    return frame


def decisions(records: list[dict[str, Any]], seed: int = 13) -> pd.DataFrame:
    """HR decisions on a third of the logged pairs, two days after the prediction, 70 % agreeing."""
    rng = np.random.default_rng(seed)
    picked = [r for r in records if rng.random() < 0.33]
    other = {"LOW": "HIGH", "MEDIUM": "LOW", "HIGH": "MEDIUM"}
    rows = []
    for r in picked:
        stamp = datetime.fromisoformat(r["timestamp"])
        level = r["predicted_level"] if rng.random() < 0.7 else other[r["predicted_level"]]
        rows.append({"job_role_id": r["job_role_id"], "skill_id": r["skill_id"],
                     "snapshot_date": stamp.strftime("%Y-%m-%d"), "future_need_level": level,
                     "decided_at": (stamp + timedelta(days=2)).isoformat(timespec="seconds")})
    return pd.DataFrame(rows).drop_duplicates(["job_role_id", "skill_id", "snapshot_date"])


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The drift JSON without what legitimately differs between runs (time, file paths)."""
    return {k: v for k, v in report.items() if k not in ("generated_at", "log_files", "output_json")}


def inputs(records: list[dict[str, Any]], log: Any) -> DriftInputs:
    """The golden case's drift inputs, with the current rows and line counts of ``log`` (a log read result)."""
    return DriftInputs(current=log.frame, reference=reference_frame(),
                       reference_info={"version": "v1", "dataset": "runs/v1/dataset.csv", "rows": 2500},
                       malformed_lines=log.malformed_lines, total_lines=log.total_lines,
                       catalog=catalog(), reference_predictions=reference_predictions(),
                       decisions=decisions(records), model_version=MODEL_VERSION, test_accuracy=0.85)
