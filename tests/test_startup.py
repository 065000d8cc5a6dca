"""A command's imports run without garbage collections; only a command's own process freezes what they brought."""
from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from future_skills import startup
from future_skills.paths import REPO_ROOT


def test_no_collection_runs_inside_the_block_and_collection_resumes_after():
    collections = []
    callback = lambda phase, info: collections.append(info["generation"]) if phase == "start" else None  # noqa: E731
    gc.callbacks.append(callback)
    try:
        with startup.uncollected_imports():
            assert not gc.isenabled()
            cycles = []
            for _ in range(20_000):  # far past the young generation's threshold of 700
                cycle: list = []
                cycle.append(cycle)
                cycles.append(cycle)
            assert collections == []
        assert gc.isenabled()
    finally:
        gc.callbacks.remove(callback)


def test_a_library_callers_process_is_never_frozen_and_an_error_restores_collection():
    frozen = gc.get_freeze_count()
    with pytest.raises(ImportError):
        with startup.uncollected_imports():
            import future_skills_no_such_module  # noqa: F401
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_collection_left_off_by_the_caller_stays_off():
    gc.disable()
    try:
        with startup.uncollected_imports():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_commands_own_process_freezes_what_its_imports_brought():
    code = ("import gc; from future_skills import startup; startup.one_command_process()\n"
            "before = gc.get_freeze_count()\n"
            "with startup.uncollected_imports():\n    import pandas\n"
            "print(before, gc.get_freeze_count(), gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(REPO_ROOT / "lib")})
    before, after, collecting = done.stdout.split()
    assert int(before) == 0 and int(after) > 50_000 and collecting == "True"
