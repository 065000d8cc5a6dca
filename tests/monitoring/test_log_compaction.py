"""Compaction of rotated log files into Parquet segments: same rows, same counts, same drift JSON."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from future_skills.monitoring.drift import analyse_drift
from future_skills.monitoring.log_compaction import compact_logs
from future_skills.monitoring.log_reader import read_prediction_log
from future_skills.monitoring.log_store import segment_dir, segments
from future_skills.monitoring.log_writer import format_lines
from future_skills.thresholds import load_config
from helpers import drift_golden as golden

GOLDEN = Path(__file__).parent / "data" / "golden_drift.json"
BAD = b'not json\n{"timestamp": "2025-11-20T10:00:00", "job_role_id": 1, "ski\n'


def _rotated_log(folder: Path, records: list[dict], files: int = 3) -> Path:
    """The records spread over ``files - 1`` rotated files (oldest ``.N``) and the live log, with bad lines."""
    log = folder / "predictions.jsonl"
    size = -(-len(records) // files)
    chunks = [records[i:i + size] for i in range(0, len(records), size)]
    for number, chunk in zip(range(len(chunks) - 1, 0, -1), chunks[:-1]):
        (folder / f"predictions.jsonl.{number}").write_bytes(format_lines(chunk) + BAD)
    log.write_bytes(format_lines(chunks[-1]))
    return log


def test_compaction_replaces_rotated_files_and_keeps_rows_and_counts(tmp_path: Path):
    log = _rotated_log(tmp_path, golden.log_records(600))
    before = read_prediction_log(log, window="all")
    result = compact_logs(log)
    assert [f.name for f in result.files] == ["predictions.jsonl.2", "predictions.jsonl.1"]
    assert [p.name for p in segments(log)] == ["segment-000001.parquet", "segment-000002.parquet"]
    assert not list(tmp_path.glob("predictions.jsonl.[0-9]")) and log.exists()
    assert result.malformed_lines == 4 and result.lines == 400 + 4
    after = read_prediction_log(log, window="all")
    assert (after.total_lines, after.malformed_lines) == (before.total_lines, before.malformed_lines)
    assert after.files == [*segments(log), log]
    texts = {c: before.frame[c].dtype for c in ("predicted_level", "engine", "model_version")}
    assert all(isinstance(after.frame[c].dtype, pd.CategoricalDtype) for c in texts)  # dictionary-encoded
    pd.testing.assert_frame_equal(after.frame.astype(texts), before.frame)
    assert compact_logs(log).files == []  # nothing left to compact


def test_window_reads_only_the_row_groups_it_needs_and_filters_the_edges(tmp_path: Path, monkeypatch):
    from future_skills.monitoring import log_store

    monkeypatch.setattr(log_store, "ROW_GROUP_ROWS", 40)  # many small row groups, most outside the window
    log = _rotated_log(tmp_path, golden.log_records(600))
    window = {"since": "2025-11-15", "until": "2025-11-18"}
    expected = read_prediction_log(log, **window).frame
    compact_logs(log)
    assert log_store.pq.ParquetFile(segments(log)[0]).num_row_groups > 3
    windowed = read_prediction_log(log, **window).frame
    assert 0 < len(windowed) == len(expected) < 600
    assert windowed["timestamp"].tolist() == expected["timestamp"].tolist()


def test_a_crash_after_writing_a_segment_does_not_duplicate_it(tmp_path: Path):
    log = _rotated_log(tmp_path, golden.log_records(300), files=2)
    rotated = tmp_path / "predictions.jsonl.1"
    kept = rotated.read_bytes()
    compact_logs(log)
    rotated.write_bytes(kept)  # the file came back: as if the process died before deleting it
    again = compact_logs(log)
    assert again.files == [rotated] and len(segments(log)) == 1 and not rotated.exists()


def test_an_unreadable_segment_is_a_clear_error(tmp_path: Path):
    from future_skills.exceptions import MonitoringLogError

    log = _rotated_log(tmp_path, golden.log_records(100), files=2)
    compact_logs(log)
    segments(log)[0].write_bytes(b"not parquet")
    with pytest.raises(MonitoringLogError, match="restore or delete"):
        read_prediction_log(log, window="all")


def test_same_drift_json_from_compacted_segments_as_from_jsonl(tmp_path: Path):
    records = golden.log_records()
    log = _rotated_log(tmp_path, records, files=4)
    compact_logs(log)
    assert segment_dir(log).is_dir()
    result = read_prediction_log(log, window="30d", now=golden.NOW)
    report = json.loads(json.dumps(golden.comparable(dict(analyse_drift(golden.inputs(records, result), load_config(tmp_path / "no.toml"))))))
    expected = json.loads(GOLDEN.read_text())
    assert report.pop("malformed_lines") == 6 and report.pop("total_lines") == expected.pop("total_lines") + 6
    expected.pop("malformed_lines")
    report.pop("thresholds"), expected.pop("thresholds")
    assert report == expected
