"""Evaluation of a trained candidate against production, and the promotion gate.

Both models are scored on the SAME rows: the candidate's held-out test rows minus every row
the production model was trained on (its ``runs/<prod>/split.csv``), so neither model is
judged on rows it memorised. Scores are always recomputed from the models, never copied
from older JSON files. The result is written into the candidate's metadata JSON
(``gate`` and ``evaluation``) and returned as plain data; ``reporting.evaluate_view`` renders it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from future_skills.atomic import atomic_write_json, file_sha256
from future_skills.data.dataset import read_dataset_csv, read_snapshot
from future_skills.exceptions import DatasetValidationError, ModelNotFoundError
from future_skills.model import evidence
from future_skills.model.families import model_threads
from future_skills.model.gate import promotion_gate
from future_skills.model.metrics import classification_metrics, confusion
from future_skills.model.store import load_model
from future_skills.model.training import key_tuples, read_split, resolve_train_paths
from future_skills.paths import ProjectPaths, get_paths, relative_to_root
from future_skills.registry.reader import AUTO, RegistryReader, read_metadata
from future_skills.schema import FEATURES, LABEL
from future_skills.thresholds import load_config
from future_skills.versions import validate_version

MAX_DISAGREEMENTS_STORED = 200
DISAGREEMENT_COLUMNS = ["job_role_id", "skill_id", "snapshot_date", "job_role_name", "skill_name",
                        "hr_label", "candidate_prediction", "production_prediction"]


def resolve_production_version(production_version: str | None, version: str,
                               paths: ProjectPaths) -> str | None:
    """The version to compare with: None/"none" -> no comparison; "auto" -> production (registry.resolve)."""
    if production_version is None or str(production_version).strip().lower() in ("", "none"):
        return None
    if str(production_version).strip().lower() == AUTO:
        entry = RegistryReader(paths).resolve(AUTO)
        production_version = entry.version if entry else None
        if production_version is None:
            return None
    validate_version(production_version)
    return None if production_version == version else production_version


def _keys_mask(frame: pd.DataFrame, keys: set[tuple[int, int, str]]) -> list[bool]:
    return [key in keys for key in key_tuples(frame)]


def candidate_test_rows(frame: pd.DataFrame, split: pd.DataFrame, split_path: Path) -> pd.DataFrame:
    """The dataset rows the candidate held out for testing (``split == "test"``)."""
    test_keys = set(key_tuples(split[split["split"] == "test"]))
    rows = frame[_keys_mask(frame, test_keys)]
    if len(rows) != len(test_keys) or not test_keys:
        raise DatasetValidationError(
            f"Split file {split_path} does not match the dataset ({len(test_keys)} test keys, "
            f"{len(rows)} found in the dataset); re-run the training notebook on this dataset.",
            rule="split_matches_dataset",
        )
    return rows


def load_production(production_version: str, paths: ProjectPaths) -> tuple[Any, set[tuple[int, int, str]]]:
    """Production's model (sha256 checked against the registry) and the keys of its training rows."""
    entry = RegistryReader(paths).get(production_version)
    model = load_model(paths.registered_model_file(entry), entry.model_sha256)
    split_path = paths.split_csv(production_version)
    if not split_path.is_file():
        raise ModelNotFoundError(
            f"The training split of production version {production_version} ({split_path}) is missing, so rows "
            "it was trained on cannot be excluded from the comparison; restore that file, or evaluate "
            "with production_version=None to skip the comparison."
        )
    split = read_split(split_path)
    return model, set(key_tuples(split[split["split"] == "train"]))


def _predict(model: Any, frame: pd.DataFrame) -> list[str]:
    with model_threads():  # busy cores: spinning OpenMP threads would slow gradient boosting down
        return [str(p) for p in model.predict(frame[list(FEATURES)])]


def _predict_with_confidence(model: Any, frame: pd.DataFrame) -> tuple[list[str], np.ndarray | None]:
    """Predicted levels and the probability of each (None without ``predict_proba``), from one pass of the model
    (scoring twice cost a second on 200k test rows): the most probable class, as a forest's own ``predict``."""
    if not hasattr(model, "predict_proba"):
        return _predict(model, frame), None
    with model_threads():
        probabilities = np.asarray(model.predict_proba(frame[list(FEATURES)]))
    best = probabilities.argmax(axis=1)
    return [str(c) for c in np.asarray(model.classes_)[best]], probabilities[np.arange(len(best)), best]


def score_validation(csv_path: Path, candidate: Any, production: Any | None,
                     candidate_train_keys: set, paths: ProjectPaths) -> tuple[dict[str, Any], pd.DataFrame]:
    """Score the models on an HR-labelled sample; return the summary and the disagreement rows."""
    sample = read_dataset_csv(csv_path, min_classes=1)
    truth = sample[LABEL].astype(str).tolist()
    cand = _predict(candidate, sample)
    prod = _predict(production, sample) if production is not None else [None] * len(sample)
    table = pd.DataFrame({
        "job_role_id": sample["job_role_id"].astype("int64").to_numpy(),
        "skill_id": sample["skill_id"].astype("int64").to_numpy(),
        "snapshot_date": [k[2] for k in key_tuples(sample)],
        "job_role_name": sample["job_role_name"].astype(str).to_numpy(),
        "skill_name": sample["skill_name"].astype(str).to_numpy(),
        "hr_label": truth, "candidate_prediction": cand, "production_prediction": prod,
    })
    wrong = (table["candidate_prediction"] != table["hr_label"])
    if production is not None:
        wrong |= table["production_prediction"] != table["hr_label"]
    disagreements = table[wrong].reset_index(drop=True)
    summary = {
        "csv_path": relative_to_root(csv_path, paths.root),
        "sha256": file_sha256(csv_path),
        "rows": int(len(sample)),
        "rows_seen_in_candidate_training": int(sum(_keys_mask(sample, candidate_train_keys))),
        "candidate_accuracy": classification_metrics(truth, cand)["accuracy"],
        "production_accuracy": classification_metrics(truth, prod)["accuracy"] if production is not None else None,
        "disagreements_count": int(len(disagreements)),
        "disagreements": _records(disagreements.head(MAX_DISAGREEMENTS_STORED)),
    }
    return summary, disagreements


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows (plain Python values)."""
    return json.loads(frame.to_json(orient="records"))


def _compare(test_rows: pd.DataFrame, candidate: Any, production: Any | None,
             production_train_keys: set) -> dict[str, Any]:
    """Drop rows production was trained on, then score both models on the remaining rows."""
    overlap = _keys_mask(test_rows, production_train_keys) if production is not None else [False] * len(test_rows)
    compared = test_rows[[not o for o in overlap]]
    scored = compared if len(compared) else test_rows  # nothing left: candidate alone, criterion 1 fails
    truth = scored[LABEL].astype(str).tolist()
    cand_pred, cand_confidence = _predict_with_confidence(candidate, scored)
    prod_pred = _predict(production, compared) if production is not None and len(compared) else None
    result = {
        "rows": scored, "rows_compared": int(len(compared)), "excluded_overlap": int(sum(overlap)),
        "candidate": classification_metrics(truth, cand_pred), "production": None,
        "confusion_candidate": confusion(truth, cand_pred), "confusion_production": None,
        "evidence": evidence.collect(scored, truth, cand_confidence, cand_pred, prod_pred,
                                     {k[2] for k in production_train_keys}),
    }
    if prod_pred is not None:
        result["production"] = classification_metrics(truth, prod_pred)
        result["confusion_production"] = confusion(truth, prod_pred)
    return result


def _load_candidate(version: str, files: dict[str, Path]) -> tuple[dict[str, Any], Any, pd.DataFrame, pd.DataFrame]:
    """The candidate's metadata, model (sha256 from its metadata), dataset and split."""
    metadata = read_metadata(files["metadata_path"])
    model = load_model(files["model_path"], metadata.get("model_sha256"))
    recorded = (metadata.get("dataset") or {}).get("sha256")
    if recorded and files["dataset_csv"].is_file() and file_sha256(files["dataset_csv"]) != recorded:
        raise DatasetValidationError(
            f"Dataset {files['dataset_csv']} changed since {version} was trained on it (sha256 differs); "
            "evaluate with the dataset the model was trained on, or retrain.", rule="dataset_unchanged",
        )
    frame = read_snapshot(files["dataset_csv"])  # the export's typed copy when intact
    if not files["split_csv"].is_file():
        raise DatasetValidationError(
            f"Split file {files['split_csv']} does not exist; run the training notebook (02_train) first.",
            rule="split_file",
        )
    return metadata, model, frame, read_split(files["split_csv"])


def evaluate_candidate(*, version: str, model_path: str | Path | None = None,
                       metadata_path: str | Path | None = None, dataset_csv: str | Path | None = None,
                       split_csv: str | Path | None = None, production_version: str | None = "auto",
                       validation_csv: str | Path | None = None,
                       paths: ProjectPaths | None = None) -> dict[str, Any]:
    """Score candidate (and production) on the same unseen rows, run the gate, record it in the metadata."""
    paths = paths or get_paths()
    files = resolve_train_paths(version, dataset_csv, model_path, metadata_path, split_csv, paths=paths)
    metadata, candidate, frame, split = _load_candidate(version, files)
    test_rows = candidate_test_rows(frame, split, files["split_csv"])
    prod_version = resolve_production_version(production_version, version, paths)
    production, prod_train_keys = load_production(prod_version, paths) if prod_version else (None, set())
    compared = _compare(test_rows, candidate, production, prod_train_keys)
    validation, disagreements = None, pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
    if validation_csv:
        cand_train = set(key_tuples(split[split["split"] == "train"]))
        validation, disagreements = score_validation(Path(validation_csv), candidate, production, cand_train, paths)
    gate = promotion_gate(compared["candidate"], compared["production"], validation, load_config(),
                          rows_compared=compared["rows_compared"], production_version=prod_version)
    evaluation = {
        "production_version": prod_version, "test_rows": int(len(test_rows)),
        "rows_compared": compared["rows_compared"], "excluded_overlap": compared["excluded_overlap"],
        "candidate": compared["candidate"], "production": compared["production"], "validation": validation,
        **compared["evidence"],
    }
    metadata["gate"], metadata["evaluation"] = gate, evaluation
    atomic_write_json(files["metadata_path"], metadata)
    return {
        **evaluation, "version": version, "gate": gate, "metadata_path": files["metadata_path"],
        "confusion_candidate": compared["confusion_candidate"],
        "confusion_production": compared["confusion_production"], "disagreements": disagreements,
    }
