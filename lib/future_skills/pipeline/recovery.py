"""One run per version at a time, and what an earlier run of the same version left behind.

A per-version lock (``runs/.<version>.lock``, held for the whole run) makes a second run of the
same version refuse at once. Under that lock, a manifest still saying ``running`` can only come
from a run that was killed: it is marked ``interrupted``, the model files it had already moved
into ``models/`` (never registered) go back into its folder, and the folder is set aside as
``runs/<version>.interrupted-<time>`` like a failed run's, so the new run starts clean.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from future_skills.atomic import file_sha256
from future_skills.exceptions import FutureSkillsError, VersionExistsError
from future_skills.paths import ProjectPaths
from future_skills.pipeline.manifest import RunManifest, RunStatus, load_manifest
from future_skills.registry.store import Registry, now_iso


class VersionBusyError(FutureSkillsError):
    """Another process is running (or publishing) the same version."""


def lock_path(version: str, paths: ProjectPaths) -> Path:
    return paths.runs_dir / f".{version}.lock"


@contextmanager
def version_lock(version: str, paths: ProjectPaths) -> Iterator[None]:
    """Hold the version's lock for the block; refuse at once when another process holds it."""
    paths.runs_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(version, paths)), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise VersionBusyError(f"Another run of {version} is in progress (it holds runs/.{version}.lock); "
                               "wait for it to finish, or choose another version.") from None
    try:
        yield
    finally:
        lock.release()


def version_is_busy(version: str, paths: ProjectPaths) -> bool:
    """True while some process holds the version's lock (its run is alive)."""
    try:
        with version_lock(version, paths):
            return False
    except VersionBusyError:
        return True


def refuse_existing_version(version: str, paths: ProjectPaths, registry: Registry) -> None:
    """A version is never overwritten: refuse it if registered, published or finished in runs/."""
    if registry.exists(version):
        raise VersionExistsError(
            f"Version {version} already exists in the registry (status {registry.get(version).status.value}); "
            "choose a new version, e.g. the next number."
        )
    manifest = load_manifest(paths.run_dir(version))
    if manifest and manifest.status == RunStatus.SUCCEEDED.value:
        raise VersionExistsError(f"runs/{version} already holds a run of {version}; choose a new version.")
    if manifest and manifest.status == RunStatus.UNPUBLISHED.value:
        raise VersionExistsError(f"runs/{version} holds a trained model of {version} that could not be published; "
                                 f"publish it with `future-skills publish {version}`.")


def refuse_orphan_files(version: str, paths: ProjectPaths) -> None:
    """Refuse when models/ holds files of ``version`` that no run of it accounts for."""
    for path in (paths.model_path(version), paths.metadata_path(version)):
        if path.exists():
            raise VersionExistsError(
                f"{path} already exists although {version} is not in the registry; run `future-skills doctor` "
                "to see where it comes from, move it away, or choose a new version."
            )


def set_aside_previous_run(version: str, paths: ProjectPaths) -> tuple[Path | None, bool]:
    """Move an earlier failed or interrupted run of ``version`` aside; (where it went, was it interrupted).

    Call it holding the version's lock, after :func:`refuse_existing_version`.
    """
    run_dir = paths.run_dir(version)
    if not run_dir.exists() and not paths.report_dir(version).exists():
        return None, False
    manifest = load_manifest(run_dir)
    interrupted = manifest is None or manifest.status in (RunStatus.RUNNING.value, RunStatus.INTERRUPTED.value)
    if run_dir.exists() and interrupted:
        mark_interrupted(run_dir, manifest)
        reclaim_published_files(version, paths, manifest)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    kind = "interrupted" if interrupted else "failed"
    moved = None
    for folder in (run_dir, paths.report_dir(version)):
        if folder.exists():
            target = folder.with_name(f"{folder.name}.{kind}-{stamp}")
            folder.rename(target)
            moved = moved or target
    return moved, interrupted


def mark_interrupted(run_dir: Path, manifest: RunManifest | None) -> None:
    """Record in run.json that the run was killed (when it still says running)."""
    if manifest is None or manifest.status != RunStatus.RUNNING.value:
        return
    manifest.status, manifest.finished_at = RunStatus.INTERRUPTED.value, now_iso()
    manifest.error = "interrupted: the run was killed (kill -9, out of memory, power loss) before it finished"
    manifest.save(run_dir)


def belongs_to_run(version: str, paths: ProjectPaths, manifest: RunManifest | None) -> bool:
    """Do the unregistered files of ``version`` in models/ come from the run whose manifest this is?"""
    run_id = manifest.run_id if manifest else None
    try:
        published = json.loads(paths.metadata_path(version).read_text(encoding="utf-8"))
        return bool(run_id) and published.get("run_id") == run_id
    except (OSError, ValueError):
        pass
    try:
        staged = json.loads(paths.staged_metadata(version).read_text(encoding="utf-8"))
        return paths.model_path(version).is_file() and file_sha256(paths.model_path(version)) == staged.get(
            "model_sha256")
    except (OSError, ValueError):
        return False


def reclaim_published_files(version: str, paths: ProjectPaths, manifest: RunManifest | None) -> bool:
    """Move an interrupted run's unregistered model back into its staging folder; True if it did."""
    if not belongs_to_run(version, paths, manifest):
        return False
    staged = paths.staged_model(version)
    staged.parent.mkdir(parents=True, exist_ok=True)
    if paths.model_path(version).exists():
        os.replace(paths.model_path(version), staged)
    paths.metadata_path(version).unlink(missing_ok=True)
    return True
