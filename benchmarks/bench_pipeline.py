"""Benchmark: one full retrain (four notebooks + HTML export) on the demo database.

Prints the wall time of each step as recorded in runs/<version>/run.json and writes
benchmarks/results/pipeline.json. Runs in a temporary FUTURE_SKILLS_HOME, so it never
touches the repository's models/ or registry.

    .venv/bin/python benchmarks/bench_pipeline.py [--n-estimators 200] [--repeat 1]
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


def run_once(n_estimators: int, version: str) -> dict:
    from future_skills.pipeline.retrain import RetrainOptions, run_retrain

    started = time.perf_counter()
    result = run_retrain(RetrainOptions(version=version, n_estimators=n_estimators), echo=lambda _msg: None)
    total = time.perf_counter() - started
    manifest = json.loads((result.run_dir / "run.json").read_text())
    meta = json.loads((Path(os.environ["FUTURE_SKILLS_HOME"]) / "models" / f"future_skills_model_{version}.json").read_text())
    return {
        "version": version,
        "total_seconds": round(total, 2),
        "steps": {s["notebook"]: s["seconds"] for s in manifest["steps"]},
        "fit_seconds": meta["training_duration_seconds"],
        "rows": meta["dataset"]["total_samples"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-estimators", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as root:
        os.environ["FUTURE_SKILLS_HOME"] = root
        runs = [run_once(args.n_estimators, f"v{i + 1}") for i in range(args.repeat)]
    for run in runs:
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run["steps"].items())
        print(f"{run['version']}: {run['total_seconds']:.1f} s in all ({run['rows']} rows, "
              f"forest fit {run['fit_seconds']:.2f} s): {steps}")
    out = REPO / "benchmarks" / "results" / "pipeline.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                               "n_estimators": args.n_estimators, "runs": runs}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
