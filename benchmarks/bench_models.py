"""Benchmark: model families and forest bounds on the same split: fit time, model size, accuracy.

The measurements behind ``model.families`` (the forest's bounds, auto's switch to hgb): each
configuration is fitted on the same stratified 80 % of a synthetic dataset
(``data.synthetic``) and scored on the other 20 %. Writes benchmarks/results/models.json.

    .venv/bin/python benchmarks/bench_models.py [--rows 100000] [--trees 200] [--configs rf-unbounded,rf,hgb]
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, print_table, write_results  # noqa: E402

sys.path.insert(0, str(REPO / "lib"))

CONFIGS = ("rf-unbounded", "rf-leaf3", "rf-leaf5", "rf-leaf10", "rf", "hgb")


def configured(name: str, trees: int, rows: int):
    """The pipeline of one configuration; ``rf`` and ``hgb`` are exactly what training builds."""
    from future_skills.model import families

    if name in ("rf", "hgb"):
        return families.build_family(name, trees, 42, rows)
    pipeline = families.build_rf(trees, 42, rows)
    leaf = 1 if name == "rf-unbounded" else int(name.removeprefix("rf-leaf"))
    pipeline.set_params(model__min_samples_leaf=leaf, model__max_samples=None)
    return pipeline


def measure(name: str, trees: int, train, test) -> dict:
    import joblib

    from future_skills.model.families import model_threads
    from future_skills.schema import FEATURES, LABEL

    pipeline = configured(name, trees, len(train))
    with model_threads():  # as training does: OpenMP on the idle cores only
        started = time.perf_counter()
        pipeline.fit(train[list(FEATURES)], train[LABEL].astype(str))
        fit = time.perf_counter() - started
        started = time.perf_counter()
        accuracy = float((pipeline.predict(test[list(FEATURES)]) == test[LABEL].astype(str)).mean())
        score = time.perf_counter() - started
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer)
    return {"config": name, "trees": trees if name.startswith("rf") else None, "fit_s": round(fit, 2),
            "score_test_s": round(score, 2), "model_mb": round(buffer.tell() / 1e6, 2), "accuracy": round(accuracy, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--trees", type=int, default=200)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--demo", action="store_true", help="use the demo database's rows instead of synthetic ones")
    args = parser.parse_args()
    from future_skills.data.demo import demo_tables
    from future_skills.data.synthetic import synthetic_dataset
    from future_skills.model.training import split_dataset

    frame = demo_dataset(demo_tables()) if args.demo else synthetic_dataset(args.rows)
    train, test = split_dataset(frame, 0.2, 42)
    rows = [measure(name, args.trees, train, test) for name in args.configs.split(",")]
    title = f"Model families on {'the demo' if args.demo else 'synthetic'} data ({len(frame):,} rows, 80/20 split)"
    print_table(title, rows)
    write_results("models" + ("_demo" if args.demo else f"_{args.rows}"), {"rows": len(frame), "results": rows})


def demo_dataset(tables: dict):
    """The demo database's rows as the export gives them."""
    from future_skills.schema import DATASET_COLUMNS, LABEL

    frame = (tables["skill_signals"].merge(tables["job_roles"], on="job_role_id").merge(tables["skills"], on="skill_id")
             .merge(tables["hr_decisions"][["job_role_id", "skill_id", "snapshot_date", LABEL]],
                    on=["job_role_id", "skill_id", "snapshot_date"]))
    return frame.sort_values(["snapshot_date", "job_role_id", "skill_id"], ignore_index=True)[list(DATASET_COLUMNS)]


if __name__ == "__main__":
    main()
