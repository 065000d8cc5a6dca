"""``future-skills reproduce VERSION``: retrain a registered version from its records and compare.

The recorded dataset snapshot (checked against its sha256), the hyperparameters and the seed
train a model again in a temporary folder; the version is *identical* when that model's
predictions on the recorded test split equal the registered model's. Otherwise the report
names the package versions that differ from the ones the run recorded.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from future_skills.atomic import file_sha256
from future_skills.data.dataset import read_dataset_csv
from future_skills.environment import installed_packages
from future_skills.exceptions import FutureSkillsError
from future_skills.model.evaluation import candidate_test_rows
from future_skills.model.store import load_model
from future_skills.model.training import read_split, train_model
from future_skills.paths import ProjectPaths
from future_skills.pipeline.manifest import load_manifest
from future_skills.registry.reader import RegistryReader, read_metadata
from future_skills.schema import FEATURES


@dataclass
class Reproduction:
    """The outcome: identical or not, how many test predictions differ, which packages changed."""

    version: str
    identical: bool
    test_rows: int
    differing: int
    max_probability_gap: float
    package_changes: dict[str, tuple[str, str]] = field(default_factory=dict)


def _recorded_file(paths: ProjectPaths, relative: str, sha256: str | None, what: str) -> Path:
    path = paths.root / relative
    if not path.is_file():
        raise FutureSkillsError(f"The recorded {what} {path} is missing, so the version cannot be reproduced; "
                                "restore runs/ from backup.")
    if sha256 and file_sha256(path) != sha256:
        raise FutureSkillsError(f"The recorded {what} {path} no longer matches its sha256, so the version cannot "
                                "be reproduced; restore runs/ from backup.")
    return path


def recorded_packages(version: str, paths: ProjectPaths, metadata: dict[str, Any]) -> dict[str, str]:
    """The packages the run recorded: every installed one (run.json), else the tracked ones (metadata)."""
    manifest = load_manifest(paths.run_dir(version))
    if manifest is not None and manifest.packages:
        return manifest.packages
    return {k.lower(): v for k, v in ((metadata.get("environment") or {}).get("packages") or {}).items()}


def package_changes(recorded: dict[str, str], installed: dict[str, str]) -> dict[str, tuple[str, str]]:
    """{name: (recorded, installed)} for each recorded package whose installed version differs."""
    return {name: (version, installed.get(name, "not installed")) for name, version in sorted(recorded.items())
            if installed.get(name, "not installed") != version and name != "future-skills"}


def reproduce(version: str, paths: ProjectPaths) -> Reproduction:
    """Retrain ``version`` from its records in a temporary folder and compare predictions on its test rows."""
    entry = RegistryReader(paths).get(version)
    metadata = read_metadata(paths.root / entry.metadata_path)
    dataset_info, params = metadata["dataset"], metadata["hyperparameters"]
    dataset_csv = _recorded_file(paths, dataset_info["csv_path"], dataset_info.get("sha256"), "dataset snapshot")
    split_path = _recorded_file(paths, dataset_info["split_path"], None, "train/test split")
    registered = load_model(paths.registered_model_file(entry), entry.model_sha256)
    test = candidate_test_rows(read_dataset_csv(dataset_csv), read_split(split_path), split_path)
    with tempfile.TemporaryDirectory(prefix=f"reproduce-{version}-") as tmp:
        folder = Path(tmp)
        train_model(version=version, dataset_csv=dataset_csv, n_estimators=params["n_estimators"],
                    test_size=params["test_size"], random_state=params["random_state"],
                    model_path=folder / "model.pkl", metadata_path=folder / "metadata.json",
                    split_path=folder / "split.csv")
        retrained = load_model(folder / "model.pkl", None)
        same_split = read_split(folder / "split.csv").equals(read_split(split_path))
    features = test[list(FEATURES)]
    before, after = registered.predict(features), retrained.predict(features)
    gap = float(np.max(np.abs(registered.predict_proba(features) - retrained.predict_proba(features)), initial=0.0))
    differing = int((before != after).sum())
    return Reproduction(version, same_split and differing == 0 and gap == 0.0, len(test), differing, gap,
                        package_changes(recorded_packages(version, paths, metadata), installed_packages()))


def reproduction_sentence(result: Reproduction) -> str:
    """What ``future-skills reproduce`` prints."""
    if result.identical:
        return (f"{result.version}: identical (the {result.test_rows} predictions on the recorded test split "
                "match the registered model's).")
    changes = "; ".join(f"{name} {old} -> {new}" for name, (old, new) in result.package_changes.items())
    why = (f"package versions differ from the recorded ones: {changes}" if changes else
           "no recorded package version differs (check the platform and the code: git commit)")
    return (f"{result.version}: NOT identical ({result.differing} of {result.test_rows} test predictions differ, "
            f"largest probability gap {result.max_probability_gap:.3g}); {why}.")
