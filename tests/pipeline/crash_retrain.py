#!/usr/bin/env python
"""Kill a retrain with SIGKILL at every step and check that nothing is half-applied (issue 13).

    python tests/pipeline/crash_retrain.py [--root DIR] [--points p1,p2,...]

In a fresh project root (v1 trained and promoted first), for each point: start a retrain of a new
version, SIGKILL it there — during each notebook, during the HTML export, during publishing, before
and during the registry write — then check that the registry is valid JSON and unchanged, the
production pickle byte-identical, ``future-skills doctor`` clean after ``--fix``, and that a re-run
of the same version succeeds. Prints one line per point and writes benchmarks/results/crash_retrain.json.
Takes a few minutes (two retrains per point); ``make crash-test`` runs it. The test suite runs one
point (tests/pipeline/test_faults_e2e.py).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for helpers

from helpers.crash import CODE_POINTS, NOTEBOOK_POINTS, REPO, Snapshot, check_after_kill, kill_run, retrain  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", help="project root to use (default: a new temporary folder)")
    parser.add_argument("--points", default=",".join(NOTEBOOK_POINTS + CODE_POINTS), help="comma-separated points")
    args = parser.parse_args()
    root = Path(args.root or tempfile.mkdtemp(prefix="crash-retrain-"))
    first = retrain(root, "v1", "--auto-promote")
    out, err = first.communicate(timeout=900)
    if first.returncode != 0:
        print(out + err, file=sys.stderr)
        return 1
    results, failures = [], 0
    for number, point in enumerate(args.points.split(","), start=2):
        version = f"v{number}"
        before = Snapshot.take(root)
        started = time.monotonic()
        try:
            result = kill_run(root, version, point)
            result.update(check_after_kill(root, before, version), ok=True)
        except AssertionError as exc:
            failures += 1
            result = {"point": point, "version": version, "ok": False, "error": str(exc)[:500]}
        result["seconds"] = round(time.monotonic() - started, 1)
        results.append(result)
        status = "ok  " if result["ok"] else "FAIL"
        print(f"{status} {point:<28} {version:<4} {result['seconds']:>6.1f} s  {result.get('error', '')}", flush=True)
    target = REPO / "benchmarks" / "results" / "crash_retrain.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"root": str(root), "results": results}, indent=2) + "\n")
    print(f"{len(results) - failures}/{len(results)} kill points recovered; details in {target}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
