"""Benchmark: what the stop switch costs each ``predict`` call (issue 12).

Serving checks ``models/serving_suspended.json`` before every batch through
``SuspensionWatch.check`` (one ``os.stat``; the file is parsed only when it changed). This
times that check with the flag absent (normal serving) and present (suspended), as
``active_model`` makes it (``check_project``: the flag path is recomputed only when
``FUTURE_SKILLS_HOME`` changes). Prints microseconds per call and
writes benchmarks/results/suspension.json.

    .venv/bin/python benchmarks/bench_suspension.py [--repeat 20000]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import timeit
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["FUTURE_SKILLS_HOME"] = home
        from future_skills.paths import get_paths
        from future_skills.registry.suspension import Suspension, SuspensionWatch, write_suspension

        watch = SuspensionWatch()

        def check() -> object:
            return watch.check_project()

        get_paths().models_dir.mkdir(parents=True)
        results = {}
        for state in ("absent", "present"):
            if state == "present":
                write_suspension(get_paths().suspension_flag, Suspension(by="bench", reason="bench", at="now"))
            check()
            best = min(timeit.repeat(check, number=args.repeat, repeat=5)) / args.repeat
            results[f"flag_{state}_us"] = round(best * 1e6, 2)
            print(f"suspension check, flag {state}: {best * 1e6:.2f} µs per predict call")
    out = REPO / "benchmarks" / "results" / "suspension.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"python": platform.python_version(), "repeat": args.repeat, **results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
