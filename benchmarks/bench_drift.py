"""Benchmark: drift statistics and the drift JSON over 10k, 1M and 10M logged predictions; log compaction.

Sets up a temporary FUTURE_SKILLS_HOME with a production model trained on the demo database,
then generates deterministic prediction logs (seeded; rows drawn from the model's training
data, two features shifted) laid out as the writer leaves them: rotated JSONL files plus a live
file of 100k lines. The 10M log is written as Parquet segments directly (4 GB of JSONL is
impractical), the JSONL → Parquet compaction is measured on the 1M log. Each measurement runs in
a fresh process (peak RSS of that process via ``wait4``):

* ``drift``: ``run_drift_analysis`` (read the log, reference, statistics, verdict, JSON), the
  in-process seconds after imports, and the whole process's wall time and peak RSS;
* ``compact``: ``compact_logs`` on the 1M log's rotated files;
* ``cli --no-report``: ``future-skills drift --no-report`` on the 10k log, end to end: computed
  (the stored verdict removed before each run), then reused (nothing changed since the last run).
* ``cli report``: ``future-skills drift`` on the 10k log, end to end: the 04_drift notebook in its kernel
  (forked from a warm template), its HTML report and the JSON.

It checks that the 1M drift JSON is identical read from JSONL (before compaction) and from
Parquet (after). Prints a table and writes benchmarks/results/drift.json (figures, machine,
package versions, git commit).

    .venv/bin/python benchmarks/bench_drift.py [--tiny] [--output PATH]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lib"))

SIZES = {"full": (10_000, 1_000_000, 10_000_000), "tiny": (2_000, 20_000, 60_000)}
LIVE_LINES = {"full": 100_000, "tiny": 5_000}
SHIFTED = ("trend_score", "scarcity_index")
PACKAGES = ("numpy", "pandas", "pyarrow", "scipy", "scikit-learn")
NOW_ENV = "BENCH_DRIFT_NOW"


def production_model(trees: int) -> None:
    """Train v1 on the demo database (no notebooks) and register it as the production model."""
    from future_skills.data.dataset import export_snapshot
    from future_skills.model.store import save_model
    from future_skills.model.training import build_pipeline, split_dataset, write_split
    from future_skills.paths import get_paths
    from future_skills.registry.store import Registry
    from future_skills.schema import FEATURES, LABEL

    paths = get_paths().ensure()
    frame = export_snapshot("v1")["frame"]
    train, test = split_dataset(frame, 0.2, 42)
    write_split(train, test, paths.split_csv("v1"))
    pipeline = build_pipeline(trees, 42).fit(train[list(FEATURES)], train[LABEL])
    sha = save_model(pipeline, paths.model_path("v1"))
    accuracy = float((pipeline.predict(test[list(FEATURES)]) == test[LABEL]).mean())
    Registry(paths).register({"version": "v1", "status": "production", "model_path": f"models/{paths.model_path('v1').name}",
                              "model_sha256": sha, "dataset": {"csv_path": "runs/v1/dataset.csv"},
                              "metrics": {"accuracy": accuracy}})


def log_frame(rows: int, now: datetime, seed: int):
    """``rows`` logged predictions over the 29 days before ``now`` (flat log columns), deterministic."""
    import numpy as np
    import pandas as pd

    from future_skills.data.dataset import read_dataset_csv
    from future_skills.paths import get_paths
    from future_skills.schema import LEVELS, NUMERIC_FEATURES

    rng = np.random.default_rng(seed)
    reference = read_dataset_csv(get_paths().dataset_csv("v1"))
    picked = reference.iloc[rng.integers(0, len(reference), rows)].reset_index(drop=True)
    frame = pd.DataFrame({"timestamp": pd.Timestamp(now) - pd.to_timedelta(rng.integers(1, 29 * 86400, rows), "s")})
    frame["job_role_id"], frame["skill_id"] = picked["job_role_id"].to_numpy(), picked["skill_id"].to_numpy()
    probs = rng.dirichlet([2, 2, 2], rows)
    frame["predicted_level"] = np.asarray(LEVELS)[probs.argmax(axis=1)]
    frame["score"] = np.round(100 * (0.5 * probs[:, 1] + probs[:, 2]), 2)
    frame["engine"], frame["model_version"] = "ML (RandomForest)", "ml_random_forest_v1"
    for name in NUMERIC_FEATURES:
        spread = float(reference[name].std()) * (0.6 if name in SHIFTED else 0.05)
        frame[name] = np.round(picked[name].to_numpy(float) + rng.normal(spread if name in SHIFTED else 0, spread,
                                                                            rows), 3)
    for k, level in enumerate(LEVELS):
        frame[f"prob_{level}"] = np.round(probs[:, k], 4)
    return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)


def write_jsonl(frame, path: Path) -> None:
    from future_skills.monitoring.log_writer import format_lines

    with open(path, "wb") as handle:
        for start in range(0, len(frame), 50_000):
            handle.write(format_lines(frame.iloc[start:start + 50_000].to_dict("records")))


def make_logs(root: Path, sizes: tuple[int, int, int], live: int, now: datetime) -> dict[str, Path]:
    """small: one live file; medium: rotated JSONL + live; large: Parquet segments + the same live file."""
    from future_skills.monitoring.log_store import flat_table, write_segment

    small, medium, large = sizes
    logs = {name: root / name / "predictions.jsonl" for name in ("small", "medium", "large")}
    for path in logs.values():
        path.parent.mkdir(parents=True)
    write_jsonl(log_frame(small, now, seed=1), logs["small"])
    frame = log_frame(medium, now, seed=2)
    older, recent = frame.iloc[:medium - live], frame.iloc[medium - live:]
    chunks = 9
    size = -(-len(older) // chunks)
    for index, start in enumerate(range(0, len(older), size)):  # .9 oldest … .1 newest
        write_jsonl(older.iloc[start:start + size], logs["medium"].with_name(f"predictions.jsonl.{chunks - index}"))
    write_jsonl(recent, logs["medium"])
    logs["large"].write_bytes(logs["medium"].read_bytes())
    remaining, seed = large - live, 3
    while remaining > 0:
        part = min(remaining, 1_000_000)
        write_segment(logs["large"], flat_table(log_frame(part, now, seed=seed)), part, 0)
        remaining, seed = remaining - part, seed + 1
    return logs


def peak_rss_mb() -> float:
    """This process's own peak RSS (``VmHWM``: unlike ``ru_maxrss`` it does not inherit the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(task: str, log: str, output: str) -> None:
    """One measurement in this (fresh) process; prints its seconds and peak RSS as JSON."""
    started = time.perf_counter()
    if task in ("cli", "cli_report"):  # the console script's code path: `future-skills drift [--no-report]`
        from future_skills.cli import main

        stored_before = stored_verdict()
        code = main(["drift", *(["--no-report"] if task == "cli" else []), "--log", log, "--output-json", output])
        seconds = time.perf_counter() - started  # a computed verdict is stored anew, a reused one is not
        print(json.dumps({"seconds": seconds, "cpu_seconds": time.process_time() + children_cpu_seconds(),
                          "exit_code": code,
                          "rss_mb": peak_rss_mb(),
                          **({"computed": stored_verdict() != stored_before} if task == "cli" else {})}))
        return
    if task == "compact":
        from future_skills.monitoring.log_compaction import compact_logs

        result = compact_logs(log)
        print(json.dumps({"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time(),
                          "lines": result.lines, "rss_mb": peak_rss_mb(),
                          "jsonl_mb": result.jsonl_bytes / 1e6, "parquet_mb": result.parquet_bytes / 1e6}))
        return
    from future_skills.monitoring.drift import run_drift_analysis

    imported, cpu = time.perf_counter(), time.process_time()
    report = run_drift_analysis(log_path=log, window="30d", output_json=output,
                                now=datetime.fromisoformat(os.environ[NOW_ENV]))
    print(json.dumps({"seconds": time.perf_counter() - imported, "import_seconds": imported - started,
                      "cpu_seconds": time.process_time() - cpu,
                      "rows": report["rows"], "verdict": report["verdict"], "rss_mb": peak_rss_mb()}))


def children_cpu_seconds() -> float:
    """CPU of the ended children this process waited for: the report's warm template, which collected its kernel."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], env: dict[str, str], repeat: int = 1, before: Callable[[], None] | None = None) -> dict:
    """Run a command ``repeat`` times (``before`` each run); the fastest run's JSON line and wall seconds, the
    highest peak RSS."""
    best: dict = {}
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        done = subprocess.run(args, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode not in (0, 3):
            raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        result = {**json.loads(lines[-1]), "wall_seconds": round(wall, 3)}
        rss = max(result["rss_mb"], best.get("rss_mb", 0))
        if not best or result["wall_seconds"] < best["wall_seconds"]:
            best = result
        best["rss_mb"] = rss
    return best


def comparable(path: Path) -> dict:
    report = json.loads(path.read_text())
    return {k: v for k, v in report.items() if k not in ("generated_at", "log_files", "output_json")}


def environment() -> dict:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "cpus": os.cpu_count(), "memory_gb": round(memory, 1),
                        "load_average_1_5_15min": [round(x, 1) for x in os.getloadavg()]},
            "packages": {name: metadata.version(name) for name in PACKAGES}, "git_commit": commit,
            "generated_at": datetime.now().isoformat(timespec="seconds")}


def _verdict_file() -> Path:
    """Where ``drift --no-report`` stores its last verdict."""
    from future_skills.monitoring.verdict_cache import cache_file
    from future_skills.paths import get_paths

    return cache_file(get_paths())


def stored_verdict() -> int | None:
    """When the stored verdict was last written (ns), None without one."""
    file = _verdict_file()
    return file.stat().st_mtime_ns if file.exists() else None


def forget_verdict() -> None:
    """Remove the stored verdict, so that the next ``drift --no-report`` computes it."""
    _verdict_file().unlink(missing_ok=True)


def measurements(logs: dict[str, Path], env: dict[str, str], out: Path, repeat: int) -> dict[str, dict]:
    """Every measurement, each in a fresh process (see the module docstring)."""
    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    cli = [*me, "cli", str(logs["small"])]
    results = {"drift_small": run([*me, "drift", str(logs["small"]), str(out / "small.json")], env, repeat),
               "drift_medium_jsonl": run([*me, "drift", str(logs["medium"]), str(out / "medium_jsonl.json")], env),
               "compact_medium": run([*me, "compact", str(logs["medium"]), ""], env),
               "drift_medium": run([*me, "drift", str(logs["medium"]), str(out / "medium.json")], env, repeat),
               "drift_large": run([*me, "drift", str(logs["large"]), str(out / "large.json")], env, repeat),
               "cli_no_report_small": run([*cli, str(out / "cli.json")], env, repeat, before=forget_verdict),
               "cli_no_report_small_reused": run([*cli, str(out / "cli_reused.json")], env, repeat),
               "cli_report_small": run([*me, "cli_report", str(logs["small"]), str(out / "cli_report.json")], env,
                                       repeat, before=forget_verdict)}
    results["medium_identical_jsonl_vs_parquet"] = comparable(out / "medium_jsonl.json") == comparable(
        out / "medium.json")
    results["cli_identical_computed_vs_reused"] = comparable(out / "cli.json") == comparable(out / "cli_reused.json")
    return results


def table(sizes: tuple[int, int, int], results: dict[str, dict]) -> list[str]:
    """The printed table: one line per measurement."""
    small, medium, large = sizes
    rows = [("drift statistics + JSON", f"{small:,}", "drift_small"),
            ("same, rotated JSONL (before compaction)", f"{medium:,}", "drift_medium_jsonl"),
            ("compact-logs (JSONL -> Parquet)", f"{results['compact_medium'].get('lines', 0):,}", "compact_medium"),
            ("drift statistics + JSON (compacted)", f"{medium:,}", "drift_medium"),
            ("drift statistics + JSON (compacted)", f"{large:,}", "drift_large"),
            ("future-skills drift --no-report (CLI)", f"{small:,}", "cli_no_report_small"),
            ("same, unchanged log: last verdict reused", f"{small:,}", "cli_no_report_small_reused"),
            ("future-skills drift (CLI, with HTML report)", f"{small:,}", "cli_report_small")]
    lines = [f"{'what':42} {'predictions':>12} {'in-process s':>13} {'(CPU s)':>8} {'process wall s':>15} "
             f"{'peak RSS MB':>12}"]
    for label, count, key in rows:
        r = results[key]
        inner = f"{r['seconds']:.2f}" if "seconds" in r else "—"
        cpu = f"{r['cpu_seconds']:.2f}" if "cpu_seconds" in r else "—"
        lines.append(f"{label:42} {count:>12} {inner:>13} {cpu:>8} {r['wall_seconds']:>15.2f} {r['rss_mb']:>12.0f}")
    lines.append(f"1M minus 10k (in-process): {results['drift_medium']['seconds'] - results['drift_small']['seconds']:.2f} s;"
                 f" identical drift JSON from JSONL and Parquet: {results['medium_identical_jsonl_vs_parquet']};"
                 f" computed and reused verdict: {results['cli_identical_computed_vs_reused']}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="small sizes, for the smoke test")
    parser.add_argument("--trees", type=int, default=50, help="trees of the production model")
    parser.add_argument("--repeat", type=int, default=2, help="runs per drift measurement (the fastest is kept)")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "drift.json")
    parser.add_argument("--child", nargs=3, metavar=("TASK", "LOG", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    mode = "tiny" if args.tiny else "full"
    sizes = SIZES[mode]
    with tempfile.TemporaryDirectory(prefix="bench-drift-") as root:
        env = {**os.environ, "FUTURE_SKILLS_HOME": root, "PYTHONPATH": str(REPO / "lib")}
        env.pop("FUTURE_SKILLS_MONITORING_LOG", None)
        os.environ.update(FUTURE_SKILLS_HOME=root)
        now = datetime.now().replace(microsecond=0)
        env[NOW_ENV] = now.isoformat()
        production_model(args.trees)
        started = time.perf_counter()
        logs = make_logs(Path(root) / "logs-bench", sizes, LIVE_LINES[mode], now)
        print(f"generated logs in {time.perf_counter() - started:.1f} s")
        results = measurements(logs, env, Path(root), 1 if args.tiny else args.repeat)
    lines = table(sizes, results)
    print("\n".join(lines))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({**environment(), "mode": mode, "sizes": dict(zip(("small", "medium", "large"),
                                                                                        sizes)),
                                       "live_jsonl_lines": LIVE_LINES[mode], "results": results, "table": lines},
                                      indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
