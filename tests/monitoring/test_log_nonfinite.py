"""A number JSON permits but no statistic can use (1e999 reads as infinity) is a skipped, counted line."""
from __future__ import annotations

import json
from pathlib import Path

from future_skills.monitoring.log_reader import read_prediction_log

LINE = {"timestamp": "2026-11-22T08:51:36", "job_role_id": 26, "skill_id": 56, "predicted_level": "HIGH",
        "score": 90.0, "engine": "ML (RandomForest)", "model_version": "ml_random_forest_v1",
        "features": {"trend_score": 79.7, "internal_usage": 62.7, "training_requests": 13.0, "scarcity_index": 38.9,
                     "hiring_difficulty": 57.0, "avg_salary_k": 53.9, "economic_indicator": 1.7},
        "probabilities": {"LOW": 0.0, "MEDIUM": 0.2, "HIGH": 0.8}}


def test_infinite_numbers_are_skipped_and_counted(tmp_path: Path):
    good = json.dumps(LINE)
    huge_feature = good.replace('"trend_score": 79.7', '"trend_score": 1e999')
    huge_score = good.replace('"score": 90.0', '"score": -1e999')
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join([good, huge_feature, good, huge_score]) + "\n")
    result = read_prediction_log(log, window="all")
    assert len(result.frame) == 2 and result.malformed_lines == 2 and result.total_lines == 4
    assert result.frame["trend_score"].tolist() == [79.7, 79.7]
