"""``make bench``: every benchmark of BENCHMARKS.md in turn, each in its own process; ``--quick`` for tiny sizes.

Each benchmark prints its table and writes its JSON (figures, machine, package versions, git
commit) to benchmarks/results/ (or FUTURE_SKILLS_BENCH_RESULTS). Run on a quiet machine: the
load average is printed under every table.

    .venv/bin/python benchmarks/run_all.py [--quick] [--only retrain_ratio,predict]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = Path(os.environ.get("FUTURE_SKILLS_BENCH_RESULTS", HERE / "results"))

FULL = {
    "retrain_ratio": ["bench_retrain.py", "--ratio", "--rows", "10000,100000"],
    "retrain_scale": ["bench_retrain.py", "--scale", "--rows", "100000,300000,1000000", "--source", "csv"],
    "retrain_db": ["bench_retrain.py", "--scale", "--rows", "1000000", "--source", "db", "--tag", "db"],
    "models": ["bench_models.py", "--rows", "100000", "--configs", "rf-unbounded,rf,hgb"],
    "models_demo": ["bench_models.py", "--demo", "--configs", "rf-unbounded,rf,hgb"],
    "predict": ["bench_predict.py"],
    "drift": ["bench_drift.py", "--output", str(RESULTS / "drift.json")],
}
QUICK = {
    "retrain_ratio": ["bench_retrain.py", "--ratio", "--rows", "3000", "--repeat", "1", "--tag", "quick"],
    "retrain_scale": ["bench_retrain.py", "--scale", "--rows", "3000", "--source", "csv,db", "--tag", "quick"],
    "models": ["bench_models.py", "--rows", "3000", "--trees", "10", "--configs", "rf-unbounded,rf,hgb"],
    "predict": ["bench_predict.py", "--calls", "20", "--batch", "2000", "--n-estimators", "20", "--tag", "quick"],
    "drift": ["bench_drift.py", "--tiny", "--output", str(RESULTS / "drift_quick.json")],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that every benchmark runs")
    parser.add_argument("--only", help="comma-separated names: " + ", ".join(FULL))
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    names = args.only.split(",") if args.only else list(plan)
    for name in names:
        if name not in plan:
            print(f"unknown benchmark {name!r}; choose from {', '.join(plan)}", file=sys.stderr)
            return 2
        script, *rest = plan[name]
        print(f"== {name}: {script} {' '.join(rest)}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script), *rest]).returncode != 0:
            print(f"benchmark {name} failed", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
