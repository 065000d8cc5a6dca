"""Publishing a trained version: staged model → ``models/``, then the registry entry, the registry last.

The order makes every interruption recoverable: the model and its metadata are moved into
``models/`` (each atomically), then the version is registered (the commit point), and only then
is the staging folder ``runs/<version>/model/`` removed. When ``models/`` or the registry cannot be
written (disk full, read-only, no permission), everything published is moved back into staging and
``future-skills publish <version>`` retries without retraining.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from future_skills.atomic import atomic_write_json, atomic_write_with, crash_point, storage_error
from future_skills.exceptions import FutureSkillsError, ModelNotFoundError, StorageError
from future_skills.model.store import CheckedFile, verify_model_file
from future_skills.paths import ProjectPaths, relative_to_root
from future_skills.registry.reader import read_metadata
from future_skills.registry.store import Registry


def staged_metadata(version: str, paths: ProjectPaths) -> dict[str, Any]:
    """The metadata 02_train/03_evaluate wrote for the staged model of ``version``."""
    try:
        return read_metadata(paths.staged_metadata(version))
    except ModelNotFoundError as exc:
        raise FutureSkillsError(f"There is no trained model of {version} waiting to be published ({exc}); "
                                "retrain it with run_retrain.py.") from exc


def _move(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``; across file systems, copy to a temporary name, fsync, rename."""
    try:
        os.replace(source, target)
        return
    except OSError as exc:
        if exc.errno != 18:  # EXDEV: another file system; anything else (full, read-only) is reported
            raise storage_error(exc, target) from exc
    with open(source, "rb") as handle:
        atomic_write_with(target, lambda out: shutil.copyfileobj(handle, out))
    source.unlink()


def publish_model(version: str, paths: ProjectPaths, checked: CheckedFile | None = None) -> dict[str, Any]:
    """Move the staged model and its metadata into models/ after checking the hash (``checked``: hashed ahead,
    see ``verify_model_file``); return the metadata.

    On failure nothing stays in models/: what was moved goes back to staging.
    """
    staged_model, metadata = paths.staged_model(version), staged_metadata(version, paths)
    verify_model_file(staged_model, metadata.get("model_sha256") or "", checked)  # "" (none recorded) never matches
    target, metadata_target = paths.model_path(version), paths.metadata_path(version)
    metadata["model_path"] = relative_to_root(target, paths.root)  # where the model lives from now on
    try:
        atomic_write_json(metadata_target, metadata)
        crash_point("publish")
        _move(staged_model, target)
    except BaseException:
        unpublish(version, paths)
        raise
    return metadata


def unpublish(version: str, paths: ProjectPaths) -> None:
    """Undo :func:`publish_model`: the model back into staging, its metadata out of models/."""
    target, staged = paths.model_path(version), paths.staged_model(version)
    if target.exists() and not staged.exists():
        try:
            os.replace(target, staged)
        except OSError:
            pass  # left for `future-skills doctor`, which reports it as an orphan model file
    paths.metadata_path(version).unlink(missing_ok=True)


def registry_entry(metadata: dict[str, Any], paths: ProjectPaths) -> dict[str, Any]:
    """The registry entry of a freshly trained version, from its metadata."""
    version = metadata["model_version"]
    dataset = metadata["dataset"]
    return {
        "version": version,
        "status": "candidate",
        "created_at": metadata["training_date"],
        "run_id": metadata.get("run_id"),
        "git_commit": metadata.get("git_commit"),
        "model_path": relative_to_root(paths.model_path(version), paths.root),
        "metadata_path": relative_to_root(paths.metadata_path(version), paths.root),
        "model_sha256": metadata["model_sha256"],
        "dataset": {key: dataset.get(key) for key in ("csv_path", "sha256", "total_samples", "period")},
        "metrics": {"accuracy": metadata["metrics"]["accuracy"], "f1_weighted": metadata["metrics"]["f1_weighted"]},
        "n_estimators": metadata["hyperparameters"]["n_estimators"],
        "model_family": metadata["hyperparameters"].get("model_family", "rf"),
        "model_reason": metadata["hyperparameters"].get("model_reason"),
        "gate": metadata.get("gate"),
        "reports": metadata.get("reports"),
        "approvals": [],
        "history": [],
        "notes": "",
    }


def publish_version(version: str, paths: ProjectPaths, registry: Registry,
                    checked: CheckedFile | None = None) -> dict[str, Any]:
    """Publish the staged model of ``version`` and register it (the commit point); then drop the staging."""
    metadata = publish_model(version, paths, checked)
    try:
        crash_point("register")
        registry.register(registry_entry(metadata, paths))
    except BaseException:
        if not registry.exists(version):
            unpublish(version, paths)
        raise
    shutil.rmtree(paths.staged_model(version).parent, ignore_errors=True)
    return metadata


def publish_hint(version: str, exc: StorageError) -> str:
    """The sentence telling the operator that the trained model waits in runs/ for ``publish``."""
    return (f"{str(exc).rstrip('.')}; the trained model of {version} is kept in runs/{version}/model/: "
            f"publish it with `future-skills publish {version}` (no retraining needed).")
