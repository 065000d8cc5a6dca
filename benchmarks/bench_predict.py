"""Benchmark: the public ``future_skills.predict`` API, monitoring on: 1 pair (median) and 100k pairs (pairs/s).

Trains a model of each family (``rf``: the demo's 200-tree forest; ``hgb``) on the demo database
in a temporary FUTURE_SKILLS_HOME, puts it in production, and times the real path a user
calls: registry lookup, sha256-verified cached model, scoring, one JSON line per prediction
appended to the log. The single pair is a dict with names, as an HR application sends it;
the large batch is a DataFrame, and so are the mid-size ones (10, 100 and 1,000 pairs, median of
20 calls). ``predict_proba_s`` is the fitted model's own scoring of the
encoded batch alone (the floor of the batch call). Writes benchmarks/results/predict.json.

    .venv/bin/python benchmarks/bench_predict.py [--calls 300] [--batch 100000] [--families rf,hgb]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, print_table, write_results  # noqa: E402

sys.path.insert(0, str(REPO / "lib"))
FRAME_SIZES = (10, 100, 1000)  # DataFrames between one pair and the large batch


def put_in_production(version: str, family: str, n_estimators: int):
    """Export the demo data, train ``version`` of ``family``, register and promote it; return the rows."""
    from future_skills.data.dataset import export_snapshot
    from future_skills.model.training import resolve_train_paths, train_model
    from future_skills.paths import get_paths
    from future_skills.pipeline.publish import publish_model, registry_entry
    from future_skills.registry.store import Registry

    paths = get_paths().ensure()
    frame = export_snapshot(version)["frame"]
    files = resolve_train_paths(version)
    train_model(version=version, dataset_csv=files["dataset_csv"], model=family, n_estimators=n_estimators,
                test_size=0.2, random_state=42, model_path=files["model_path"],
                metadata_path=files["metadata_path"], split_path=files["split_csv"])
    registry = Registry(paths)
    registry.register(registry_entry(publish_model(version, paths), paths))
    registry.approve(version, by="bench", comment="benchmark", decision="approved")
    registry.promote(version, by="bench", comment="benchmark", force=True)
    return frame


def median_call_ms(payload, calls: int) -> float:
    """Median of ``calls`` calls of ``predict(payload)``, after one that loads, verifies and compiles the model."""
    from future_skills import predict

    predict(payload, log=True)
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        predict(payload, log=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def frame_median_ms(dataset, size: int, calls: int = 20) -> float:
    """Median of ``calls`` calls on a DataFrame of ``size`` pairs (a role's skills, a department)."""
    from future_skills.schema import FEATURES, ID_COLUMNS

    frame = dataset.sample(n=size, replace=size > len(dataset), random_state=1)[[*ID_COLUMNS, *FEATURES]]
    return median_call_ms(frame.reset_index(drop=True), calls)


def batch_seconds(frame, repeat: int = 2) -> float:
    from future_skills import predict

    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        predict(frame, log=True)
        best = min(best, time.perf_counter() - started)
    return best


def model_only_seconds(frame, repeat: int = 2) -> float:
    """The fitted estimator's ``predict_proba`` alone on the encoded batch, threads as in a batch call: the floor."""
    from joblib import parallel_config

    from future_skills.model.families import model_threads
    from future_skills.serving.hot_path import compiled_model
    from future_skills.serving.predict import active_model, prepare_frame

    model, _ = active_model()
    encoded = compiled_model(model).encode_frame(prepare_frame(frame))
    best = float("inf")
    for _ in range(repeat):
        with parallel_config(backend="threading", n_jobs=-1), model_threads():
            started = time.perf_counter()
            model.named_steps["model"].predict_proba(encoded)
            best = min(best, time.perf_counter() - started)
    return best


def measure(family: str, args: argparse.Namespace, version: str) -> dict:
    from future_skills.schema import FEATURES, ID_COLUMNS
    from future_skills.serving.predict import clear_cache

    clear_cache()
    dataset = put_in_production(version, family, args.n_estimators)
    record = {key: (value.item() if hasattr(value, "item") else value)
              for key, value in dataset.iloc[7][[*ID_COLUMNS, *FEATURES]].items()}
    batch = dataset.sample(n=args.batch, replace=args.batch > len(dataset), random_state=0)[[*ID_COLUMNS, *FEATURES]]
    ms = median_call_ms(record, args.calls)
    frames = {f"frame_{size}_ms": round(frame_median_ms(dataset, size), 2) for size in FRAME_SIZES}
    seconds = batch_seconds(batch.reset_index(drop=True))
    model_seconds = model_only_seconds(batch.reset_index(drop=True))
    return {"family": family, "pair_median_ms": round(ms, 3), **frames, "batch_pairs": args.batch,
            "batch_s": round(seconds, 3), "pairs_per_s": round(args.batch / seconds),
            "predict_proba_s": round(model_seconds, 3), "predict_proba_pairs_per_s": round(args.batch / model_seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--families", default="rf,hgb")
    parser.add_argument("--n-estimators", type=int, default=200)
    parser.add_argument("--tag", default="")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-predict-") as root:
        os.environ["FUTURE_SKILLS_HOME"] = root
        os.environ["FUTURE_SKILLS_MONITORING_MAX_BYTES"] = str(10**10)  # time appends, not rotations
        for number, family in enumerate(args.families.split(","), start=1):
            rows.append(measure(family, args, f"v{number}"))
    print_table("predict() through the public API, monitoring on", rows)
    write_results("predict" + (f"_{args.tag}" if args.tag else ""), {"results": rows})


if __name__ == "__main__":
    main()
