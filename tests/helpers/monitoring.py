"""A small real production model in a temporary project root, for the serving and drift tests."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from future_skills.model.store import save_model
from future_skills.model.training import build_pipeline, split_dataset, write_split
from future_skills.paths import get_paths
from future_skills.registry.store import Registry
from future_skills.schema import FEATURES, LABEL
from helpers.model import make_dataset, write_dataset
from helpers.registry import make_entry


def install_model(version: str = "v1", status: str = "production", seed: int = 0,
                  family: str = "rf") -> dict[str, Any]:
    """Train a tiny model of ``family`` (a forest by default) on synthetic data, write runs/<v>/dataset.csv
    + split.csv and the pickle, and register it (``status="production"`` makes it the production model).
    Returns the entry."""
    paths = get_paths().ensure()
    dataset = make_dataset(seed=seed)
    write_dataset(dataset, paths.dataset_csv(version))
    train, test = split_dataset(dataset, 0.25, 0)
    write_split(train, test, paths.split_csv(version))
    pipeline = build_pipeline(20, 0, family, len(train))
    pipeline.fit(train[list(FEATURES)], train[LABEL])
    sha = save_model(pipeline, paths.model_path(version))
    entry = make_entry(version, status=status)
    entry["model_sha256"] = sha
    return Registry(paths).register(entry)


def pairs(n: int = 20, seed: int = 1) -> pd.DataFrame:
    """``n`` rows of pairs to score (dataset columns, label dropped)."""
    return make_dataset(seed=seed).drop(columns=[LABEL, "snapshot_date"]).head(n).reset_index(drop=True)


def tamper(path: Path) -> None:
    """Change a model file's bytes (its sha256 no longer matches)."""
    with open(path, "ab") as handle:
        handle.write(b"tampered")
