"""``future-skills doctor``: what interrupted runs left behind, and whether the registry can be trusted.

:func:`diagnose` returns :class:`Finding` records (never prints); :func:`repair` applies the
safe fixes and returns one sentence per thing it did. Nothing is fixed while a run holds a
version lock (its files are not debris), and nothing registered is ever removed: a damaged or
missing registered model is reported for the operator to restore or retrain.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from filelock import FileLock, Timeout

from future_skills.exceptions import FutureSkillsError, ModelIntegrityError, ModelNotFoundError
from future_skills.model.store import verify_model_file
from future_skills.paths import ProjectPaths, metadata_filename, model_filename, relative_to_root
from future_skills.pipeline.manifest import RunStatus, load_manifest
from future_skills.pipeline.recovery import mark_interrupted, version_is_busy
from future_skills.registry.entities import RegistryEntry, Status
from future_skills.registry.store import Registry
from future_skills.versions import VERSION_PATTERN

SOCKET_GLOB = "kernel-*ipc-*"  # IPC sockets of notebook kernels (the runs' working folders)
TMP_GRACE_SECONDS = 60.0


@dataclass
class Finding:
    """One problem: what is wrong with ``path``, and what ``--fix`` does about it (None: not fixable)."""

    kind: str
    path: str
    problem: str
    fix: str | None = None
    apply: Callable[[], None] | None = None


def _run_versions(paths: ProjectPaths) -> list[str]:
    if not paths.runs_dir.is_dir():
        return []
    return [d.name for d in sorted(paths.runs_dir.iterdir()) if d.is_dir() and VERSION_PATTERN.fullmatch(d.name)]


def _busy(paths: ProjectPaths) -> set[str]:
    """Versions whose run is alive right now (their lock is held)."""
    if not paths.runs_dir.is_dir():
        return set()
    return {p.name[1:-5] for p in paths.runs_dir.glob(".*.lock") if version_is_busy(p.name[1:-5], paths)}


def run_leftovers(paths: ProjectPaths, registered: set[str], busy: set[str]) -> list[Finding]:
    """Stale ``running`` manifests and staged models of runs that are not alive."""
    found = []
    for version in _run_versions(paths):
        if version in busy:
            continue
        run_dir = paths.run_dir(version)
        manifest = load_manifest(run_dir)
        shown = relative_to_root(run_dir / "run.json", paths.root)
        if manifest is not None and manifest.status == RunStatus.RUNNING.value:
            found.append(Finding("stale run", shown, f"run {manifest.run_id} says running but no process runs it",
                                 "mark it interrupted", lambda d=run_dir, m=manifest: mark_interrupted(d, m)))
        staged = paths.staged_model(version).parent
        waiting = manifest is not None and manifest.status == RunStatus.UNPUBLISHED.value
        if staged.exists() and not waiting and version not in registered:
            found.append(Finding("staged model", relative_to_root(staged, paths.root),
                                 "a staged model of a run that will never publish it", "remove it",
                                 lambda s=staged: shutil.rmtree(s, ignore_errors=True)))
        elif staged.exists() and waiting:
            found.append(Finding("unpublished model", relative_to_root(staged, paths.root),
                                 f"a trained model waits: publish it with `future-skills publish {version}`"))
    return found


def orphan_model_files(paths: ProjectPaths, registered: set[str], busy: set[str]) -> list[Finding]:
    """Model and metadata files in models/ whose version is not registered (and not being published)."""
    found = []
    for pattern in (model_filename("*"), metadata_filename("*")):
        for path in sorted(paths.models_dir.glob(pattern)):
            version = path.stem.removeprefix("future_skills_model_")
            if version in registered or version in busy:
                continue
            found.append(Finding("orphan model file", relative_to_root(path, paths.root),
                                 f"{version} is not in the registry", "remove it",
                                 lambda p=path: p.unlink(missing_ok=True)))
    return found


def _registry_busy(paths: ProjectPaths) -> bool:
    """True while a registry command holds ``registry.json.lock`` (its temporary file is not debris)."""
    if not paths.models_dir.is_dir():
        return False
    lock = FileLock(str(paths.registry_json) + ".lock", timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


def _temporary_files(paths: ProjectPaths) -> list[Path]:
    """``.*.tmp`` files no live writer can own: serving and log compaction write under logs/ and data/
    without a lock, so only files older than :data:`TMP_GRACE_SECONDS` count there."""
    folders = [paths.runs_dir, paths.reports_dir] + ([] if _registry_busy(paths) else [paths.models_dir])
    found = [p for folder in folders if folder.is_dir() for p in folder.rglob(".*.tmp")]
    now = time.time()
    for folder in (paths.data_dir, paths.logs_dir):
        if folder.is_dir():
            found += [p for p in folder.rglob(".*.tmp") if now - p.stat().st_mtime > TMP_GRACE_SECONDS]
    return sorted(found)


def debris_files(paths: ProjectPaths, busy: set[str]) -> list[Finding]:
    """Temporary files of interrupted atomic writes and kernel sockets of killed runs."""
    if busy:
        return []  # a live run's temporary files and sockets are not debris
    found = []
    if paths.root.is_dir():
        for path in _temporary_files(paths):
            found.append(Finding("temporary file", relative_to_root(path, paths.root),
                                 "left by an interrupted write", "remove it", lambda p=path: p.unlink(missing_ok=True)))
    if paths.runs_dir.is_dir():
        for path in sorted(paths.runs_dir.rglob(SOCKET_GLOB)):
            found.append(Finding("stale socket", relative_to_root(path, paths.root),
                                 "a kernel socket of a run that ended", "remove it",
                                 lambda p=path: p.unlink(missing_ok=True)))
    return found


def registry_findings(paths: ProjectPaths, registry: Registry) -> list[Finding]:
    """Impossible states, registered files that are missing or damaged, a stale Markdown view."""
    data = registry.load()
    shown = relative_to_root(registry.path, paths.root)
    versions = data.versions
    found = []
    in_production = sorted(v for v, e in versions.items() if e.status == Status.PRODUCTION)
    if len(in_production) > 1:
        found.append(Finding("registry", shown, f"{len(in_production)} versions have status production "
                             f"({', '.join(in_production)}); restore registry.json from backup"))
    pointer = data.production
    if pointer and pointer not in versions:
        found.append(Finding("registry", shown, f"production points at {pointer}, which is not registered"))
    elif pointer and versions[pointer].status != Status.PRODUCTION:
        found.append(Finding("registry", shown, f"production points at {pointer}, whose status is "
                             f"{versions[pointer].status.value}"))
    for version, entry in sorted(versions.items()):
        found += _registered_files(paths, version, entry)
    if registry.path.exists() and _markdown_is_stale(paths, registry):
        found.append(Finding("registry view", relative_to_root(paths.registry_md, paths.root),
                             "does not show what registry.json holds", "render it again from registry.json",
                             lambda: registry.write_markdown()))
    return found


def _registered_files(paths: ProjectPaths, version: str, entry: RegistryEntry) -> list[Finding]:
    if entry.status in (Status.FAILED, Status.REJECTED) or not entry.model_path:
        return []
    try:
        verify_model_file(paths.registered_model_file(entry), entry.model_sha256)
    except (ModelNotFoundError, ModelIntegrityError) as exc:
        return [Finding("registered model", entry.model_path, f"{version} ({entry.status.value}): {exc}")]
    return []


def _markdown_is_stale(paths: ProjectPaths, registry: Registry) -> bool:
    try:
        return paths.registry_md.read_text(encoding="utf-8") != registry.markdown_text()
    except OSError:
        return True


def diagnose(paths: ProjectPaths) -> list[Finding]:
    """Every finding under the project root (see the module docstring)."""
    registry = Registry(paths)
    busy = _busy(paths)
    found: list[Finding] = []
    try:
        registered = set(registry.load().versions)
        found += registry_findings(paths, registry)
    except FutureSkillsError as exc:
        registered = set()
        found.append(Finding("registry", relative_to_root(registry.path, paths.root), str(exc)))
    if not registry.path.exists() and any(paths.models_dir.glob(model_filename("*"))):
        found.append(Finding("registry", relative_to_root(registry.path, paths.root),
                             "is missing while models/ holds model files: restore it from backup or git "
                             "(a retrain refuses to start a new registry without --new-registry)"))
        registered = {p.stem.removeprefix("future_skills_model_") for p in paths.models_dir.glob(model_filename("*"))}
    found += run_leftovers(paths, registered, busy)
    found += orphan_model_files(paths, registered, busy)
    found += debris_files(paths, busy)
    return found


def repair(findings: list[Finding]) -> list[str]:
    """Apply each fixable finding's fix; one sentence per thing done."""
    done = []
    for finding in findings:
        if finding.apply is not None:
            finding.apply()
            done.append(f"{finding.path}: {finding.fix} ({finding.problem}).")
    return done


def describe(finding: Finding) -> str:
    """One line for the terminal."""
    action = f" [--fix: {finding.fix}]" if finding.fix else " [fix by hand]"
    return f"{finding.kind}: {finding.path}: {finding.problem}{action}"
