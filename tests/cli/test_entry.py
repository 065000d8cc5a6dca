"""The command's way out: ``exit_now`` ends the process without collecting what is still alive."""
from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from future_skills.cli import exit_now

REPO = Path(__file__).resolve().parents[2]


def test_exit_now_ends_with_the_code_and_freezes_what_is_alive():
    try:
        with pytest.raises(SystemExit) as ended:
            exit_now(3)
        assert ended.value.code == 3
        assert gc.get_freeze_count() > 0  # shutdown's collections skip these objects
    finally:
        gc.unfreeze()


def test_run_retrain_exits_through_it_with_the_commands_code():
    completed = subprocess.run([sys.executable, str(REPO / "run_retrain.py"), "--version", "not a version!"],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2
    assert completed.stderr.startswith("error: ")
