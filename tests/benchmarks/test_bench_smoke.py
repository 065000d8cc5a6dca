"""Every benchmark runs at tiny size and writes its JSON (no timing is asserted: benchmarks are not tests)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.parametrize("name,files", [
    ("retrain_ratio", ["retrain_ratio_quick.json"]),
    ("retrain_scale", ["retrain_scale_quick.json"]),
    ("models", ["models_3000.json"]),
    ("predict", ["predict_quick.json"]),
    ("drift", ["drift_quick.json"]),
])
def test_benchmark_runs_at_tiny_size(tmp_path, name, files):
    env = {**os.environ, "FUTURE_SKILLS_BENCH_RESULTS": str(tmp_path)}
    env.pop("FUTURE_SKILLS_HOME", None)
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run_all.py"), "--quick", "--only", name],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for file in files:
        body = json.loads((tmp_path / file).read_text())
        assert body.get("git_commit") or body.get("environment") or body.get("machine")
        assert body["results"], f"{file} holds no figures"
