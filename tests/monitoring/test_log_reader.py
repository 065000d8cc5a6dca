"""The prediction-log reader: bad lines counted and skipped, rotated files, windows."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pandas as pd
import pytest

from future_skills.exceptions import FutureSkillsError
from future_skills.monitoring.log_reader import LOG_COLUMNS, parse_window, read_prediction_log
from future_skills.schema import NUMERIC_FEATURES

NOW = datetime(2025, 12, 1, 12, 0, 0)


def line(timestamp: str, role: int = 1, skill: int = 2, **changes) -> str:
    obj = {"timestamp": timestamp, "job_role_id": role, "skill_id": skill, "predicted_level": "HIGH",
           "score": 87.5, "engine": "ML (RandomForest)", "model_version": "ml_random_forest_v2",
           "features": {name: float(i) for i, name in enumerate(NUMERIC_FEATURES)},
           "probabilities": {"LOW": 0.05, "MEDIUM": 0.12, "HIGH": 0.83}}
    obj.update(changes)
    return json.dumps({k: v for k, v in obj.items() if v is not ...})


def write(path, lines: list[str], end: str = "\n") -> None:
    path.write_text("\n".join(lines) + end)


def test_clean_log_is_flattened(tmp_path):
    log = tmp_path / "log.jsonl"
    write(log, [line("2025-11-27T14:30:00", 5, 12), line("2025-11-28T09:00:00", 6, 13)])
    result = read_prediction_log(log, window="all")
    frame = result.frame
    assert list(frame.columns) == list(LOG_COLUMNS)
    assert result.malformed_lines == 0 and result.total_lines == 2 and result.files == [log]
    assert pd.api.types.is_datetime64_any_dtype(frame["timestamp"])
    assert frame.loc[0, "timestamp"] == pd.Timestamp("2025-11-27 14:30:00")
    assert frame["job_role_id"].tolist() == [5, 6]
    assert frame.loc[0, "economic_indicator"] == 6.0 and frame.loc[1, "prob_HIGH"] == 0.83


def test_torn_empty_and_invalid_lines_are_counted_and_skipped(tmp_path):
    log = tmp_path / "log.jsonl"
    good = [line("2025-11-27T14:30:00", skill=s) for s in range(3)]
    bad = [
        "",                                                    # empty
        '{"timestamp": "2025-11-27T14:31:00", "job_role_id": 1, "skill_id": 9, "predic',  # torn
        "this is not json",                                    # not JSON
        "[1, 2, 3]",                                           # not an object
        line("2025-11-27T14:32:00", skill_id=...),             # missing required field
        line("2025-11-27T14:33:00", score="high"),             # wrong type
        line("not a date"),                                    # unparseable timestamp
        line("2025-11-27T14:34:00", features="none"),          # features not an object
        '{"timestamp": "2025-11-27T14:35:00"}{"job_role_id": 1}',  # two objects on one line
        "{}",                                                  # empty object
    ]
    write(log, [good[0], *bad[:4], good[1], *bad[4:], good[2]])
    result = read_prediction_log(log, window="all")
    assert result.malformed_lines == len(bad)
    assert result.total_lines == len(good) + len(bad)
    assert result.frame["skill_id"].tolist() == [0, 1, 2]


def test_torn_last_line_without_newline(tmp_path):
    log = tmp_path / "log.jsonl"
    write(log, [line("2025-11-27T14:30:00"), '{"timestamp": "2025-11-27T14:3'], end="")
    result = read_prediction_log(log, window="all")
    assert len(result.frame) == 1 and result.malformed_lines == 1


def test_lines_of_the_original_system_without_probabilities_are_kept(tmp_path):
    log = tmp_path / "log.jsonl"
    write(log, [line("2025-11-27T14:30:00", probabilities=...), line("2025-11-27T14:31:00")])
    result = read_prediction_log(log, window="all")
    assert result.malformed_lines == 0 and len(result.frame) == 2
    assert pd.isna(result.frame.loc[0, "prob_LOW"]) and result.frame.loc[1, "prob_LOW"] == 0.05


def test_missing_log_is_empty_not_an_error(tmp_path):
    result = read_prediction_log(tmp_path / "absent.jsonl")
    assert result.frame.empty and list(result.frame.columns) == list(LOG_COLUMNS)
    assert result.malformed_lines == 0 and result.files == [] and result.total_lines == 0


def test_default_path_comes_from_the_setting(tmp_path, monkeypatch):
    log = tmp_path / "custom.jsonl"
    write(log, [line("2025-11-27T14:30:00")])
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(log))
    assert len(read_prediction_log(window="all").frame) == 1


def test_rotated_files_are_read_oldest_first(tmp_path):
    log = tmp_path / "log.jsonl"
    write(tmp_path / "log.jsonl.2", [line("2025-11-01T00:00:00", skill=1)])
    write(tmp_path / "log.jsonl.1", [line("2025-11-02T00:00:00", skill=2)])
    write(log, [line("2025-11-03T00:00:00", skill=3)])
    (tmp_path / "log.jsonl.lock").write_text("")
    result = read_prediction_log(log, window="all")
    assert result.frame["skill_id"].tolist() == [1, 2, 3]
    assert [f.name for f in result.files] == ["log.jsonl.2", "log.jsonl.1", "log.jsonl"]


@pytest.mark.parametrize("text, expected", [("30d", timedelta(days=30)), ("12w", timedelta(weeks=12)),
                                            ("24h", timedelta(hours=24)), (" 7D ", timedelta(days=7)),
                                            ("all", None), (None, None)])
def test_parse_window(text, expected):
    assert parse_window(text) == expected


@pytest.mark.parametrize("text", ["30", "d30", "0d", "-3d", "30 days", "1y", ""])
def test_bad_window_is_a_clear_error(text, tmp_path):
    with pytest.raises(FutureSkillsError, match="Invalid window"):
        read_prediction_log(tmp_path / "absent.jsonl", window=text)


def window_log(tmp_path):
    log = tmp_path / "log.jsonl"
    stamps = [NOW - timedelta(days=d) for d in (90, 40, 29, 10, 1)]
    write(log, [line(s.isoformat(timespec="seconds"), skill=i) for i, s in enumerate(stamps)])
    return log


def test_window_filters_relative_to_now(tmp_path):
    log = window_log(tmp_path)
    assert read_prediction_log(log, window="30d", now=NOW).frame["skill_id"].tolist() == [2, 3, 4]
    assert read_prediction_log(log, window="12w", now=NOW).frame["skill_id"].tolist() == [1, 2, 3, 4]
    assert read_prediction_log(log, window="24h", now=NOW).frame["skill_id"].tolist() == [4]  # bound included
    assert read_prediction_log(log, window="23h", now=NOW).frame["skill_id"].tolist() == []
    assert len(read_prediction_log(log, window="all", now=NOW).frame) == 5


def test_since_until_dates_are_inclusive(tmp_path):
    log = window_log(tmp_path)  # days: 2025-09-02, 10-22, 11-02, 11-21, 11-30
    result = read_prediction_log(log, since="2025-10-22", until="2025-11-21", now=NOW)
    assert result.frame["skill_id"].tolist() == [1, 2, 3]
    assert read_prediction_log(log, until="2025-11-02", window="all").frame["skill_id"].tolist() == [0, 1, 2]
    # until without since: the window counts back from until
    assert read_prediction_log(log, until="2025-11-02", window="30d").frame["skill_id"].tolist() == [1, 2]


def test_bad_since_is_a_clear_error(tmp_path):
    with pytest.raises(FutureSkillsError, match="since"):
        read_prediction_log(window_log(tmp_path), since="last tuesday")
