"""metrics.py against values computed by hand."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from future_skills.model.metrics import (
    classification_metrics,
    comparison_rows,
    confusion,
    rows_scored,
)

Y_TRUE = ["LOW", "LOW", "MEDIUM", "HIGH", "HIGH", "HIGH"]
Y_PRED = ["LOW", "MEDIUM", "MEDIUM", "HIGH", "LOW", "HIGH"]


def test_metrics_match_hand_computed_values():
    m = classification_metrics(Y_TRUE, Y_PRED)
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["per_class"]["LOW"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert m["per_class"]["MEDIUM"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert m["per_class"]["HIGH"] == pytest.approx({"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "support": 3})
    assert m["f1_weighted"] == pytest.approx((2 * 0.5 + 1 * 2 / 3 + 3 * 0.8) / 6)
    assert list(m["per_class"]) == ["LOW", "MEDIUM", "HIGH"]
    assert rows_scored(m) == 6


def test_metrics_are_plain_python_numbers_and_json_ready():
    m = classification_metrics(pd.Series(Y_TRUE, dtype="string"), pd.Series(Y_PRED, dtype="string"))
    assert type(m["accuracy"]) is float and type(m["f1_weighted"]) is float
    for values in m["per_class"].values():
        assert all(type(values[k]) is float for k in ("precision", "recall", "f1"))
        assert type(values["support"]) is int
    assert json.loads(json.dumps(m)) == m


def test_absent_or_never_predicted_class_counts_as_zero():
    m = classification_metrics(["LOW", "LOW", "HIGH"], ["LOW", "LOW", "LOW"])
    assert m["per_class"]["MEDIUM"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert m["per_class"]["HIGH"]["precision"] == 0.0
    assert m["per_class"]["LOW"]["precision"] == pytest.approx(2 / 3)


def test_confusion_matrix_is_labelled_and_ordered():
    frame = confusion(Y_TRUE, Y_PRED)
    assert list(frame.index) == ["LOW", "MEDIUM", "HIGH"] and list(frame.columns) == ["LOW", "MEDIUM", "HIGH"]
    assert frame.to_numpy().tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert frame.index.name == "HR label" and frame.columns.name == "Predicted"


def test_mismatched_or_empty_inputs_are_refused():
    with pytest.raises(ValueError):
        classification_metrics(["LOW"], ["LOW", "HIGH"])
    with pytest.raises(ValueError):
        classification_metrics([], [])


def test_comparison_rows_pair_every_metric_with_its_difference():
    cand = classification_metrics(Y_TRUE, Y_PRED)
    prod = classification_metrics(Y_TRUE, Y_TRUE)
    rows = {r["key"]: r for r in comparison_rows(cand, prod)}
    assert list(rows) == ["accuracy", "f1_weighted", "precision_LOW", "precision_MEDIUM", "precision_HIGH",
                          "recall_LOW", "recall_MEDIUM", "recall_HIGH"]
    assert rows["accuracy"]["delta"] == pytest.approx(4 / 6 - 1)
    assert rows["precision_MEDIUM"]["candidate"] == cand["per_class"]["MEDIUM"]["precision"]
    alone = comparison_rows(cand, None)
    assert all(r["production"] is None and r["delta"] is None for r in alone)
