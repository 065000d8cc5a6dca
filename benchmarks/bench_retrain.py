"""Benchmark: ``run_retrain.py`` end to end on synthetic data, and against the bare computation.

(a) ``--ratio``: the pipeline (four notebook kernels, HTML reports, publishing) against the same
    library calls in one plain Python process (read + validate + snapshot, split + fit + score +
    save, evaluation, drift statistics), both timed from process start, at each ``--rows``: the
    median of ``--repeat`` interleaved pairs (one run of each varies by ±0.15 s on 2 cores).
(b) ``--scale``: wall time, peak RSS of the whole process tree (notebook kernels included, polled
    with psutil), model size, accuracy and the family chosen, from a CSV (``--source csv``) or from
    a SQLite HR database export (``--source db``).

Each run works in a fresh temporary FUTURE_SKILLS_HOME. Writes benchmarks/results/retrain_*.json.

    .venv/bin/python benchmarks/bench_retrain.py --ratio --rows 10000,100000
    .venv/bin/python benchmarks/bench_retrain.py --scale --rows 100000,300000,1000000 --source csv,db
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, TreePeakRSS, print_table, write_results  # noqa: E402

sys.path.insert(0, str(REPO / "lib"))
PYTHON = sys.executable


def prepare(root: Path, rows: int, source: str) -> list[str]:
    """Write the synthetic data under ``root``; return run_retrain's data arguments."""
    from future_skills.data.synthetic import synthetic_dataset, write_synthetic_database

    if source == "db":
        db = write_synthetic_database(root / "hr.sqlite", rows)
        return ["--db-url", f"sqlite:///{db}"]
    csv = root / "given.csv"
    synthetic_dataset(rows).to_csv(csv, index=False)
    return ["--dataset-csv", str(csv)]


def children_cpu() -> float:
    """CPU seconds (user + system) of every waited-for descendant so far (kernels roll up into their parent)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_process(command: list[str], root: Path) -> tuple[float, float, str, float]:
    """(wall seconds, peak RSS of the process tree in MB, stdout, CPU seconds of the tree) of one child process."""
    env = {**os.environ, "FUTURE_SKILLS_HOME": str(root), "PYTHONPATH": str(REPO / "lib")}
    cpu = children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with TreePeakRSS(process.pid) as rss:
        output, _ = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output[-3000:]}")
    return wall, rss.peak_mb, output, round(children_cpu() - cpu, 1)


def retrain(rows: int, source: str, model: str, extra: list[str] | None = None) -> dict:
    """One ``run_retrain.py`` run, as a user would start it."""
    with tempfile.TemporaryDirectory(prefix="bench-retrain-") as tmp:
        root = Path(tmp)
        data_args = prepare(root, rows, source)
        command = [PYTHON, str(REPO / "run_retrain.py"), "--version", "v1", "--model", model, *data_args, *(extra or [])]
        wall, peak, _, cpu = timed_process(command, root)
        meta = json.loads((root / "models" / "future_skills_model_v1.json").read_text())
        manifest = json.loads((root / "runs" / "v1" / "run.json").read_text())
    params = meta["hyperparameters"]
    return {"rows": rows, "source": source, "model": f"{model}->{params['model_family']}", "wall_s": round(wall, 2), "cpu_s": cpu,
            "peak_rss_mb": peak, "model_mb": round(meta["model_size_bytes"] / 1e6, 2),
            "accuracy": meta["metrics"]["accuracy"], "fit_s": meta["training_duration_seconds"],
            "steps_s": {s["notebook"][:2]: s["seconds"] for s in manifest["steps"]}}


def bare(rows: int, model: str) -> dict:
    """The same steps as one plain process: ``python bench_retrain.py --bare-run DIR``."""
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as tmp:
        root = Path(tmp)
        data_args = prepare(root, rows, "csv")
        command = [PYTHON, str(Path(__file__).resolve()), "--bare-run", data_args[1], "--model", model]
        wall, peak, _, cpu = timed_process(command, root)
    return {"wall_s": round(wall, 2), "peak_rss_mb": peak, "cpu_s": cpu}


def bare_run(dataset_csv: str, model: str) -> None:
    """What the four notebooks compute, without kernels, reports or publishing (see ``bare``)."""
    from future_skills.data.dataset import export_snapshot
    from future_skills.model.evaluation import evaluate_candidate
    from future_skills.model.training import resolve_train_paths, train_model
    from future_skills.monitoring.drift import run_drift_analysis
    from future_skills.paths import get_paths

    paths = get_paths().ensure()
    export_snapshot("v1", dataset_csv=dataset_csv)
    files = resolve_train_paths("v1")
    train_model(version="v1", dataset_csv=files["dataset_csv"], model=model, n_estimators=200, test_size=0.2,
                random_state=42, model_path=files["model_path"], metadata_path=files["metadata_path"],
                split_path=files["split_csv"])
    evaluate_candidate(version="v1", model_path=str(files["model_path"]), metadata_path=str(files["metadata_path"]),
                       dataset_csv=str(files["dataset_csv"]), split_csv=str(files["split_csv"]),
                       production_version=None, validation_csv=None)
    run_drift_analysis(reference_version="auto", log_path=None, window="30d", db_url=None,
                       output_json=str(paths.run_dir("v1") / "drift.json"), version="v1")


def ratio_rows(sizes: list[int], model: str, repeat: int = 1) -> list[dict]:
    """Per size, ``repeat`` pairs (bare, then pipeline), each figure the median over the pairs."""
    rows = []
    for size in sizes:
        pairs = [(bare(size, model), retrain(size, "csv", model)) for _ in range(repeat)]
        plain = {key: statistics.median(p[key] for p, _ in pairs) for key in ("wall_s", "cpu_s")}
        piped = {key: statistics.median(r[key] for _, r in pairs) for key in ("wall_s", "cpu_s")}
        steps = min((r for _, r in pairs), key=lambda r: abs(r["wall_s"] - piped["wall_s"]))["steps_s"]
        rows.append({"rows": size, "model": pairs[0][1]["model"], "runs": repeat, "pipeline_s": piped["wall_s"],
                     "bare_s": plain["wall_s"], "ratio": round(piped["wall_s"] / plain["wall_s"], 2),
                     "pipeline_cpu_s": piped["cpu_s"], "bare_cpu_s": plain["cpu_s"],
                     "cpu_ratio": round(piped["cpu_s"] / max(plain["cpu_s"], 0.1), 2), "steps_s": steps})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000")
    parser.add_argument("--source", default="csv", help="csv, db or both (csv,db)")
    parser.add_argument("--model", default="auto")
    parser.add_argument("--ratio", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="--ratio: interleaved pairs per size (medians)")
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--tag", default="", help="suffix of the results file (e.g. quick)")
    parser.add_argument("--bare-run", metavar="CSV", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_run:
        bare_run(args.bare_run, args.model)
        return
    sizes = [int(float(n)) for n in args.rows.split(",")]
    suffix = f"_{args.tag}" if args.tag else ""
    if args.ratio:
        rows = ratio_rows(sizes, args.model, args.repeat)
        print_table("run_retrain.py against the bare computation (one plain process)", rows)
        write_results(f"retrain_ratio{suffix}", {"results": rows})
    if args.scale:
        rows = [retrain(size, source, args.model) for size in sizes for source in args.source.split(",")]
        print_table("run_retrain.py at scale (peak RSS: the whole process tree, kernels included)", rows)
        write_results(f"retrain_scale{suffix}", {"results": rows})


if __name__ == "__main__":
    main()
