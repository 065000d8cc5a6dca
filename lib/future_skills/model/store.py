"""Saving and loading model pipelines: atomic writes, and no unpickling before the hash matches.

A pickle can run code when it is loaded, so :func:`load_model` compares the file's sha256
with the one recorded in the registry (or metadata) *before* it calls ``joblib.load``.
Models are written as plain pickles (protocol 5: the forest's node arrays as raw buffers, 3x
faster to write than ``joblib.dump``); ``joblib.load`` reads them as well as the files that
earlier versions wrote with ``joblib.dump``.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib

from future_skills.atomic import atomic_write_with, file_sha256, json_bytes
from future_skills.exceptions import ModelIntegrityError, ModelNotFoundError
from future_skills.paths import get_paths, relative_to_root

MODEL_PICKLE_PROTOCOL = 5  # out-of-band-capable buffers: numpy arrays written raw, in one piece


def save_model(pipeline: Any, path: Path | str) -> str:
    """Dump ``pipeline`` to ``path`` atomically (temp file beside it, fsync, rename); return its sha256."""
    atomic_write_with(path, lambda handle: pickle.dump(pipeline, handle, protocol=MODEL_PICKLE_PROTOCOL))
    return file_sha256(path)


def _short(digest: str) -> str:
    return f"{digest[:12]}…"


def file_identity(path: Path | str) -> tuple[int, ...]:
    """What changes whenever a file's bytes do: device, inode, size, modification and change times (ns)."""
    status = os.stat(path)
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


@dataclass(frozen=True)
class CheckedFile:
    """A file's sha256, computed ahead of its verification, with the :func:`file_identity` it had meanwhile."""

    path: Path
    sha256: str
    identity: tuple[int, ...]


def check_file(path: Path | str) -> CheckedFile | None:
    """Hash ``path`` now, for :func:`verify_model_file` to use later while the file is unchanged; None when
    the file changed while it was hashed."""
    before = file_identity(path)
    digest = file_sha256(path)
    return CheckedFile(Path(path), digest, before) if file_identity(path) == before else None


def verify_model_file(path: Path | str, expected_sha256: str | None, checked: CheckedFile | None = None) -> str:
    """Check that ``path`` exists and (when given) matches ``expected_sha256``; return its sha256.

    ``checked`` (:func:`check_file` of the same path) spares reading the file again when its identity is
    unchanged since: a write to it, or another file renamed in its place, changes the identity.
    """
    model = Path(path)
    if not model.is_file():
        raise ModelNotFoundError(
            f"Model file {model} does not exist; check the path or the registry entry, or retrain the model."
        )
    unchanged = checked is not None and checked.path == model and checked.identity == file_identity(model)
    found = checked.sha256 if unchanged else file_sha256(model)
    if expected_sha256 is not None and found != expected_sha256.strip().lower():
        raise ModelIntegrityError(
            f"Model file {model} does not match the sha256 recorded in the registry "
            f"(expected {_short(expected_sha256)}, found {_short(found)}): it was modified or corrupted; "
            "restore it or retrain."
        )
    return found


def load_model(path: Path | str, expected_sha256: str | None) -> Any:
    """Load the pipeline at ``path`` after verifying its sha256 (``None`` skips the check).

    Raises :class:`ModelNotFoundError` when the file is missing and :class:`ModelIntegrityError`
    when the hash differs (nothing is unpickled then) or the file cannot be unpickled.
    """
    verify_model_file(path, expected_sha256)
    try:
        pipeline = joblib.load(Path(path))
    except Exception as exc:  # any unpickling failure means a damaged or foreign file
        raise ModelIntegrityError(
            f"Model file {path} cannot be loaded ({type(exc).__name__}: {exc}); "
            "it is damaged or was written by incompatible library versions; restore it or retrain."
        ) from exc
    if not hasattr(pipeline, "predict"):
        raise ModelIntegrityError(
            f"Model file {path} does not hold a model (found {type(pipeline).__name__}); restore it or retrain."
        )
    return pipeline


def written_files(metadata: dict[str, Any], metadata_path: Path | str) -> list[dict[str, str]]:
    """The files this training wrote or read: ``{"kind", "path", "sha256"}`` each (kind: model,
    metadata, split, dataset).

    The metadata's fingerprint is that of what the training wrote (``metadata`` as
    :func:`~future_skills.atomic.atomic_write_json` writes it), not of the file now: 03_evaluate,
    which may already run, adds its gate to that file.
    """
    data = metadata["dataset"]
    split = get_paths().root / data["split_path"]
    return [
        {"kind": "model", "path": metadata["model_path"], "sha256": metadata["model_sha256"]},
        {"kind": "metadata", "path": relative_to_root(metadata_path),
         "sha256": hashlib.sha256(json_bytes(metadata)).hexdigest()},
        {"kind": "split", "path": data["split_path"], "sha256": file_sha256(split)},
        {"kind": "dataset", "path": data["csv_path"], "sha256": data["sha256"]},
    ]
