"""Atomic file writes: a reader sees the old file or the new one, never half of one.

A write that fails for lack of space or permission leaves the old file and no temporary file,
and raises :class:`StorageError` naming the path and what to free or fix.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Callable

from future_skills.exceptions import StorageError

# Test hook of the crash-safety script (tests/pipeline/crash_retrain.py): when this variable names
# a crash point, the process SIGKILLs itself there, as the out-of-memory killer or `kill -9` would.
CRASH_ENV = "FUTURE_SKILLS_CRASH_AT"

_STORAGE_REASONS = {
    errno.ENOSPC: "the disk is full; free space on it",
    errno.EDQUOT: "the disk quota is exceeded; free space or raise the quota",
    errno.EROFS: "the file system is read-only; make it writable or set FUTURE_SKILLS_HOME to a writable folder",
    errno.EACCES: "permission denied; give the user running future-skills write access to it",
    errno.EPERM: "permission denied; give the user running future-skills write access to it",
}


def crash_point(name: str) -> None:
    """SIGKILL this process when ``FUTURE_SKILLS_CRASH_AT`` equals ``name`` (see :data:`CRASH_ENV`)."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def storage_error(exc: OSError, path: Path | str) -> StorageError | OSError:
    """One sentence for a write that failed for lack of space or permission; other errors unchanged."""
    reason = _STORAGE_REASONS.get(exc.errno or 0)
    if reason is None:
        return exc
    return StorageError(f"Cannot write {path}: {reason}, then run the command again.")


def atomic_write_with(path: Path | str, write: Callable[[BinaryIO], Any]) -> None:
    """Call ``write(handle)`` on a temporary file beside ``path``, fsync it, then rename over ``path``.

    Readers see the old file or the complete new one, never a half-written one. The new file
    keeps the old one's permissions, or gets those a plain ``open()`` would give (not
    ``mkstemp``'s owner-only 0600, which would hide reports and the registry from other users).
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = _file_mode(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise storage_error(exc, target) from exc
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        crash_point(f"replace:{target.name}")
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise storage_error(exc, target) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """The existing file's permission bits, else 0666 minus the process umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` atomically (see :func:`atomic_write_with`)."""
    atomic_write_with(path, lambda handle: handle.write(data))


def atomic_write_text(path: Path | str, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def json_bytes(payload: Any) -> bytes:
    """The bytes :func:`atomic_write_json` writes for ``payload`` (indented UTF-8 JSON, one final newline)."""
    return (json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def atomic_write_json(path: Path | str, payload: Any) -> None:
    atomic_write_bytes(path, json_bytes(payload))


def file_sha256(path: Path | str, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()
