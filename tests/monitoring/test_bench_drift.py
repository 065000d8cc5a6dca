"""Smoke test of benchmarks/bench_drift.py at tiny size: it runs, measures every case and finds the same drift JSON."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_drift_tiny_writes_every_figure(tmp_path: Path):
    output = tmp_path / "drift.json"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_drift.py"), "--tiny", "--trees", "5",
                           "--output", str(output)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(output.read_text())
    figures = result["results"]
    for case in ("drift_small", "drift_medium_jsonl", "drift_medium", "drift_large", "cli_no_report_small",
                 "cli_report_small"):
        assert figures[case]["wall_seconds"] > 0 and figures[case]["rss_mb"] > 0, case
    assert figures["drift_large"]["rows"] == result["sizes"]["large"]
    assert figures["compact_medium"]["lines"] == result["sizes"]["medium"] - result["live_jsonl_lines"]
    assert figures["medium_identical_jsonl_vs_parquet"] is True
    assert figures["cli_no_report_small"]["computed"] is True  # the stored verdict was removed first
    assert figures["cli_no_report_small_reused"]["computed"] is False  # answered without the statistics
    assert figures["cli_identical_computed_vs_reused"] is True
    assert figures["cli_report_small"]["exit_code"] == 0  # the report ran to its verdict
    assert result["git_commit"] and set(result["packages"]) >= {"numpy", "pandas", "pyarrow", "scipy"}
    assert "predictions" in done.stdout.splitlines()[1]
