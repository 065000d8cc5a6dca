"""Benchmark: latency of ``future_skills.predict`` for 1, 10, 100 and 5,000 pairs (logging off and on).

Trains a 200-tree model on the demo database in a temporary FUTURE_SKILLS_HOME, puts it in
production, then times the real predict path (registry lookup, sha256-verified cached model,
catalog, logging). Prints milliseconds per call and writes benchmarks/results/predict.json.

    .venv/bin/python benchmarks/bench_predict.py [--repeat 20]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))

BATCHES = (1, 10, 100, 5_000)


def production_model(n_estimators: int) -> "object":
    """Train v1 on the demo database and promote it; return the dataset frame to draw pairs from."""
    from future_skills.data.dataset import read_dataset_csv
    from future_skills.paths import get_paths
    from future_skills.pipeline.retrain import RetrainOptions, run_retrain

    run_retrain(RetrainOptions(version="v1", n_estimators=n_estimators, auto_promote=True, operator="bench"),
                echo=lambda _msg: None)
    return read_dataset_csv(get_paths().dataset_csv("v1"))


def time_predict(pairs, repeat: int, log: bool) -> float:
    """Best milliseconds per call over ``repeat`` calls (after one warm-up call)."""
    from future_skills import predict
    predict(pairs, log=log)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        predict(pairs, log=log)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--n-estimators", type=int, default=200)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-predict-") as root:
        os.environ["FUTURE_SKILLS_HOME"] = root
        dataset = production_model(args.n_estimators)
        for size in BATCHES:
            pairs = dataset.sample(n=size, replace=size > len(dataset), random_state=0).drop(
                columns=["future_need_level", "snapshot_date"])
            repeat = max(3, args.repeat // (1 + size // 1000))
            for log in (False, True):
                ms = time_predict(pairs, repeat, log)
                results.append({"pairs": size, "logging": log, "ms_per_call": round(ms, 2),
                                "pairs_per_second": round(size / ms * 1000)})
                print(f"{size:>5} pairs, logging {'on ' if log else 'off'}: {ms:8.1f} ms per call "
                      f"({size / ms * 1000:,.0f} pairs/s)")
    out = REPO / "benchmarks" / "results" / "predict.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                               "n_estimators": args.n_estimators, "results": results}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
