"""The prediction log writer: DESIGN format, one locked append per batch, rotation, no failure leaks."""
from __future__ import annotations

import json
import multiprocessing
import os
import warnings
from pathlib import Path

import pytest

from future_skills.monitoring import log_writer as monitoring
from future_skills.monitoring.log_reader import read_prediction_log
from future_skills.monitoring.log_writer import MonitoringWarning, append_predictions, rotated_path
from future_skills.schema import NUMERIC_FEATURES

WRITERS, LINES_PER_WRITER, BATCH = 4, 2000, 25


def record(writer: int, sequence: int, **extra) -> dict:
    row = {"timestamp": f"2025-11-{1 + sequence % 28:02d}T10:00:00", "job_role_id": writer, "skill_id": sequence,
           "predicted_level": "HIGH", "score": 87.5, "engine": "ML (RandomForest)",
           "model_version": "ml_random_forest_v2", "prob_LOW": 0.05, "prob_MEDIUM": 0.12, "prob_HIGH": 0.83}
    row.update({name: float(i) for i, name in enumerate(NUMERIC_FEATURES)})
    row.update(extra)
    return row


def write_lines(log: str, writer: int, max_bytes: int | None) -> None:
    """multiprocessing target: half single-line appends, half batches of BATCH lines."""
    sequence = 0
    while sequence < LINES_PER_WRITER // 2:
        append_predictions([record(writer, sequence)], log, max_bytes, enabled=True)
        sequence += 1
    while sequence < LINES_PER_WRITER:
        batch = [record(writer, s) for s in range(sequence, sequence + BATCH)]
        append_predictions(batch, log, max_bytes, enabled=True)
        sequence += BATCH


def run_writers(log: Path, max_bytes: int | None) -> None:
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=write_lines, args=(str(log), w, max_bytes)) for w in range(WRITERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0


def all_lines(log: Path) -> list[dict]:
    rotated = [p for p in log.parent.glob(log.name + ".*") if p.suffix[1:].isdigit()]
    files = sorted(rotated, key=lambda p: -int(p.suffix[1:])) + [log]
    lines = []
    for file in files:
        lines += [json.loads(line) for line in file.read_text().splitlines()]  # every line parses
    return lines


def check_complete(lines: list[dict]) -> None:
    for writer in range(WRITERS):
        sequence = [line["skill_id"] for line in lines if line["job_role_id"] == writer]
        assert sorted(sequence) == list(range(LINES_PER_WRITER))  # none lost, none duplicated
        assert sequence == sorted(sequence)  # each writer's lines stay in its order


def check_batches_contiguous(lines: list[dict]) -> None:
    """Lines of one batch were written by one write: they are adjacent in the file."""
    positions = {(line["job_role_id"], line["skill_id"]): i for i, line in enumerate(lines)}
    for writer in range(WRITERS):
        for start in range(LINES_PER_WRITER // 2, LINES_PER_WRITER, BATCH):
            where = [positions[(writer, s)] for s in range(start, start + BATCH)]
            assert where == list(range(where[0], where[0] + BATCH))


def test_line_format_is_the_design_one_with_ids_only(tmp_path):
    log = tmp_path / "log.jsonl"
    assert append_predictions([record(5, 12, job_role_name="Data engineer", skill_name="Python")], log,
                              enabled=True) == 1
    line = json.loads(log.read_text())
    assert list(line) == ["timestamp", "job_role_id", "skill_id", "predicted_level", "score", "engine",
                          "model_version", "features", "probabilities"]
    assert line["probabilities"] == {"LOW": 0.05, "MEDIUM": 0.12, "HIGH": 0.83}
    assert list(line["features"]) == list(NUMERIC_FEATURES)
    assert "Data engineer" not in log.read_text() and "Python" not in log.read_text()


def test_disabled_monitoring_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("FUTURE_SKILLS_ENABLE_MONITORING", "0")
    log = tmp_path / "log.jsonl"
    assert append_predictions([record(1, 1)], log) == 0
    assert not log.exists()
    monkeypatch.setenv("FUTURE_SKILLS_ENABLE_MONITORING", "1")
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(log))
    assert append_predictions([record(1, 1)]) == 1 and log.exists()


def test_concurrent_writers_never_lose_or_interleave_lines(tmp_path):
    log = tmp_path / "log.jsonl"
    run_writers(log, max_bytes=None)
    lines = all_lines(log)
    assert len(lines) == WRITERS * LINES_PER_WRITER
    check_complete(lines)
    check_batches_contiguous(lines)


def test_concurrent_writers_with_rotation_lose_nothing(tmp_path):
    log = tmp_path / "log.jsonl"
    run_writers(log, max_bytes=800_000)  # ~3.4 MB in all: 4–5 files, within the 5 rotated kept
    rotated = sorted(p.name for p in tmp_path.glob("log.jsonl.*") if p.suffix[1:].isdigit())
    assert rotated and all(p.stat().st_size <= 800_000 for p in tmp_path.glob("log.jsonl*"))
    lines = all_lines(log)
    assert len(lines) == WRITERS * LINES_PER_WRITER
    check_complete(lines)
    check_batches_contiguous(lines)


def test_rotation_shifts_files_and_keeps_five(tmp_path):
    log = tmp_path / "log.jsonl"
    size = len(monitoring.format_lines([record(0, 0)]))
    for batch in range(10):  # 10 batches of 3 lines; each file holds one batch
        append_predictions([record(0, batch * 3 + i) for i in range(3)], log, max_bytes=size * 4, enabled=True)
    assert [rotated_path(log, n).exists() for n in range(1, 7)] == [True] * 5 + [False]
    result = read_prediction_log(log, window="all")
    assert result.files == [rotated_path(log, n) for n in range(5, 0, -1)] + [log]
    assert result.frame["skill_id"].tolist() == list(range(12, 30))  # oldest kept first, in order
    assert result.malformed_lines == 0


def test_rotation_reader_gets_everything_in_order(tmp_path):
    log = tmp_path / "log.jsonl"
    for sequence in range(40):
        append_predictions([record(0, sequence)], log, max_bytes=3000, enabled=True)
    result = read_prediction_log(log, window="all")
    assert len(result.files) <= 6
    kept = result.frame["skill_id"].tolist()
    assert kept == list(range(40 - len(kept), 40)) and len(kept) == result.total_lines


def test_write_failure_is_reported_once_and_never_raises(tmp_path):
    monitoring._REPORTED.clear()
    with warnings.catch_warnings(record=True) as record_:
        warnings.simplefilter("always")
        assert append_predictions([record(1, 1)], tmp_path, enabled=True) == 0  # a directory
        assert append_predictions([record(1, 2)], tmp_path, enabled=True) == 0
    reported = [w for w in record_ if issubclass(w.category, MonitoringWarning)]
    assert len(reported) == 1 and "Predictions are unaffected" in str(reported[0].message)


def test_bad_record_is_reported_not_raised(tmp_path):
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert append_predictions([{"job_role_id": "x"}], tmp_path / "log.jsonl", enabled=True) == 0


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_numbers_become_null(tmp_path, value):
    log = tmp_path / "log.jsonl"
    append_predictions([record(1, 1, score=value)], log, enabled=True)
    assert json.loads(log.read_text())["score"] is None


def test_rotation_archives_files_younger_than_six_months_and_deletes_older(tmp_path):
    from future_skills.monitoring.log_writer import RETENTION_DAYS, retire_oldest

    log = tmp_path / "log.jsonl"
    size = len(monitoring.format_lines([record(0, 0)]))
    for batch in range(9):  # the log and 5 rotated files hold 6 batches: 3 files leave the shift
        append_predictions([record(0, batch * 3 + i) for i in range(3)], log, max_bytes=size * 4, enabled=True)
    archives = sorted(tmp_path.glob("log.jsonl.archived-*"))
    assert len(archives) == 3  # young: archived, not deleted
    assert sum(len(p.read_text().splitlines()) for p in archives) == 9
    old = rotated_path(log, 5)
    os.utime(old, (0, 0))  # 1970: far beyond the retention period
    assert retire_oldest(old, now=RETENTION_DAYS * 86400 + 1) is None and not old.exists()


def test_format_columns_writes_the_same_lines_as_format_lines():
    import numpy as np

    from future_skills.monitoring.log_writer import format_columns, format_lines
    from future_skills.schema import LEVELS, NUMERIC_FEATURES, PROBABILITY_COLUMNS

    rows = []
    for i in range(5):
        row = {"timestamp": f"2026-01-0{i + 1}T10:00:00", "job_role_id": i + 1, "skill_id": 10 * i + 3,
               "predicted_level": LEVELS[i % 3], "score": 12.5 * i + 0.01, "engine": "ML (RandomForest)",
               "model_version": "ml_random_forest_v2" if i else None}
        row.update({name: (0.1 * i + j if j != 2 else i) for j, name in enumerate(NUMERIC_FEATURES)})
        row.update({column: round(0.3333 * (k + 1) / 2, 4) for k, column in enumerate(PROBABILITY_COLUMNS)})
        rows.append(row)
    rows[2]["trend_score"] = float("nan")
    rows[3]["prob_HIGH"] = float("inf")
    rows[1]["economic_indicator"], rows[4]["economic_indicator"] = -0.0, 0.0  # equal, but written differently
    rows[0]["avg_salary_k"] = rows[4]["avg_salary_k"] = 1e-7  # a repeated value, in exponent notation
    columns = {key: [row[key] for row in rows] for key in rows[0]}
    columns["score"] = np.array(columns["score"])
    lines = format_columns(columns)
    assert lines == format_lines(rows)
    assert b'"economic_indicator": -0.0' in lines and b'"avg_salary_k": 1e-07' in lines
