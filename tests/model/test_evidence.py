"""The decision's evidence: groups (weakest flagged), calibration bands, recent rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from future_skills.model import evidence
from future_skills.schema import FEATURES


def frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"job_department": ["Finance"] * (rows // 2) + ["Sales"] * (rows - rows // 2),
                         "skill_category": ["Data"] * rows, "future_need_level": ["LOW"] * rows,
                         "snapshot_date": ["2026-06-30"] * (rows - 10) + ["2026-10-31"] * 10,
                         **{f: [0] * rows for f in FEATURES if f not in ("job_department", "skill_category")}})


def test_the_weakest_group_is_flagged_with_its_gap():
    data = frame(60)
    predictions = ["LOW"] * 30 + ["LOW"] * 15 + ["HIGH"] * 15  # Finance all right, Sales half right
    block = evidence.group_accuracy(data, predictions, "job_department")
    assert block["groups"]["Finance"]["accuracy"] == 1.0 and block["groups"]["Sales"]["accuracy"] == 0.5
    assert block["weakest"] == "Sales" and block["weakest_gap"] == pytest.approx(0.5 - 0.75)
    small = evidence.group_accuracy(frame(30), ["LOW"] * 30, "job_department")
    assert small["weakest"] is None  # 15 rows per group: too small to judge


def test_calibration_bands_compare_confidence_and_share_right():
    data = frame(40)
    predictions = ["LOW"] * 30 + ["HIGH"] * 10
    result = evidence.calibration(np.array([0.95] * 20 + [0.55] * 20), data, predictions)
    bands = {round(b["low"], 1): b for b in result["bins"]}
    assert bands[0.9]["rows"] == 20 and bands[0.9]["accuracy"] == 1.0
    assert bands[0.5]["rows"] == 20 and bands[0.5]["accuracy"] == 0.5
    assert result["gap"] == pytest.approx(0.75 - 0.75)
    assert evidence.calibration(None, data, predictions) is None  # a model without probabilities


def test_recent_rows_are_after_the_last_production_training_date():
    data = frame(40)
    assert int(evidence.recent_rows(data, {"2026-06-30", "2026-09-30"}).sum()) == 10
    assert not evidence.recent_rows(data, set()).any()
