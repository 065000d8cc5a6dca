"""Benchmark: reading the prediction log (clean, and with 1 % malformed lines), and appending to it.

Writes N lines (default 200,000) in the DESIGN.md format to a temporary log, times
``read_prediction_log`` (best of --repeat runs) and prints lines per second; also times
``append_predictions`` in batches. Writes benchmarks/results/logreader.json.

    .venv/bin/python benchmarks/bench_logreader.py [--lines 200000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))

from future_skills.monitoring.log_reader import read_prediction_log  # noqa: E402
from future_skills.monitoring.log_writer import append_predictions, format_lines  # noqa: E402
from future_skills.schema import LEVELS, NUMERIC_FEATURES  # noqa: E402

MALFORMED = ['{"timestamp": "2025-11-27T14:3', "", "not json at all", "[1, 2]", '{"job_role_id": 3}']


def records(count: int, seed: int = 0) -> list[dict]:
    """``count`` plausible predictions spread over the last 30 days."""
    rng = random.Random(seed)
    start = datetime.now() - timedelta(days=30)
    rows = []
    for i in range(count):
        probs = [rng.random() for _ in LEVELS]
        total = sum(probs)
        row = {"timestamp": (start + timedelta(seconds=i * 2_592_000 // count)).isoformat(timespec="seconds"),
               "job_role_id": rng.randint(1, 30), "skill_id": rng.randint(1, 80),
               "predicted_level": rng.choice(LEVELS), "score": round(rng.uniform(0, 100), 2),
               "engine": "ML (RandomForest)", "model_version": "ml_random_forest_v2"}
        row.update({name: round(rng.uniform(0, 100), 3) for name in NUMERIC_FEATURES})
        row.update({f"prob_{level}": round(p / total, 4) for level, p in zip(LEVELS, probs)})
        rows.append(row)
    return rows


def time_read(path: Path, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = read_prediction_log(path, window="all")
        best = min(best, time.perf_counter() - started)
    return best, result


def with_malformed(clean: bytes, share: float, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    lines = clean.split(b"\n")[:-1]
    for index in rng.sample(range(len(lines)), int(len(lines) * share)):
        lines[index] = rng.choice(MALFORMED).encode()
    return b"\n".join(lines) + b"\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = records(args.lines)
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-logreader-") as tmp:
        clean = Path(tmp) / "clean.jsonl"
        started = time.perf_counter()
        for offset in range(0, len(rows), 100):
            append_predictions(rows[offset:offset + 100], clean, max_bytes=0, enabled=True)
        append_seconds = time.perf_counter() - started
        dirty = Path(tmp) / "dirty.jsonl"
        dirty.write_bytes(with_malformed(format_lines(rows), 0.01))
        for name, path in (("clean", clean), ("malformed_1pct", dirty)):
            seconds, result = time_read(path, args.repeat)
            results[name] = {"lines": result.total_lines, "rows": len(result.frame),
                             "malformed_lines": result.malformed_lines, "seconds": round(seconds, 4),
                             "lines_per_second": round(result.total_lines / seconds),
                             "megabytes": round(path.stat().st_size / 1e6, 1)}
            print(f"{name}: {result.total_lines} lines ({results[name]['megabytes']} MB) in {seconds:.3f} s = "
                  f"{result.total_lines / seconds:,.0f} lines/s ({result.malformed_lines} malformed skipped)")
    results["append_batches_of_100"] = {"lines": len(rows), "seconds": round(append_seconds, 3),
                                        "lines_per_second": round(len(rows) / append_seconds)}
    print(f"append (batches of 100, locked): {len(rows) / append_seconds:,.0f} lines/s")
    out = REPO / "benchmarks" / "results" / "logreader.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                               "generated_at": datetime.now().isoformat(timespec="seconds"),
                               "results": results}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
