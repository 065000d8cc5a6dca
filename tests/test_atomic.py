"""Atomic writes under a full disk or a read-only folder: one sentence naming the path, old file intact, no .tmp."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from future_skills import atomic
from future_skills.atomic import atomic_write_text, crash_point
from future_skills.exceptions import StorageError


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "the disk is full; free space on it"),
                                        (errno.EROFS, "the file system is read-only"), (errno.EACCES, "permission denied; give the user")])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path: Path, monkeypatch, code, words):
    target = tmp_path / "registry.json"
    target.write_text("old")

    def fail(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic.os, "fsync", fail)
    with pytest.raises(StorageError) as err:
        atomic_write_text(target, "new")
    assert str(err.value).startswith(f"Cannot write {target}: {words}") and "\n" not in str(err.value)
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["registry.json"]


def test_a_folder_that_refuses_new_files_names_the_file(tmp_path: Path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(StorageError, match=f"Cannot write {tmp_path / 'x.json'}: the file system is read-only"):
        atomic_write_text(tmp_path / "x.json", "{}")


def test_other_os_errors_are_not_disguised(tmp_path: Path, monkeypatch):
    def fail(fd):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(atomic.os, "fsync", fail)
    with pytest.raises(OSError) as err:
        atomic_write_text(tmp_path / "x.txt", "data")
    assert not isinstance(err.value, StorageError) and list(tmp_path.iterdir()) == []


def test_a_crash_point_does_nothing_unless_named(monkeypatch):
    monkeypatch.setenv(atomic.CRASH_ENV, "somewhere-else")
    crash_point("publish")  # still alive
