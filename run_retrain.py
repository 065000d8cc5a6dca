#!/usr/bin/env python
"""Retrain the Future Skills model: ``python run_retrain.py --version v2``.

Runs notebooks/01_export → 02_train → 03_evaluate → 04_drift with papermill, keeps the
executed notebooks in runs/<version>/, writes HTML audit reports to reports/<version>/,
publishes the model to models/ and registers it (see README.md).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))

from future_skills.cli import exit_now, retrain_main  # noqa: E402
from future_skills.startup import one_command_process  # noqa: E402

if __name__ == "__main__":
    one_command_process()
    exit_now(retrain_main())
