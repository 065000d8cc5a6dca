"""gate.py: each automatic criterion failing alone, all passing, no production, targets."""
from __future__ import annotations

import copy

import pytest

from future_skills.model.gate import promotion_gate
from future_skills.thresholds import load_config


def metrics(accuracy: float = 0.86, f1: float = 0.85, precision: float = 0.84, support: int = 40) -> dict:
    """A classification_metrics dict with the same precision for every class."""
    return {"accuracy": accuracy, "f1_weighted": f1,
            "per_class": {level: {"precision": precision, "recall": 0.8, "f1": 0.8, "support": support}
                          for level in ("LOW", "MEDIUM", "HIGH")}}


@pytest.fixture
def config(project_root):
    return load_config()


def by_id(result: dict) -> dict:
    return {c["id"]: c for c in result["criteria"]}


def test_all_criteria_pass_and_approval_is_pending(config):
    validation = {"rows": 50, "candidate_accuracy": 0.9, "production_accuracy": 0.85}
    result = promotion_gate(metrics(), metrics(accuracy=0.84, f1=0.84), validation, config,
                            production_version="v1")
    assert result["passed"] is True
    criteria = by_id(result)
    assert [c["id"] for c in result["criteria"]] == ["no_regression", "min_class_precision",
                                                     "validation_sample", "approval"]
    assert all(criteria[c]["passed"] is True for c in ("no_regression", "min_class_precision", "validation_sample"))
    assert criteria["approval"]["passed"] is None and "Pending DRH approval" in criteria["approval"]["detail"]
    assert "86.0%" in criteria["no_regression"]["detail"] and "84.0%" in criteria["no_regression"]["detail"]
    assert criteria["no_regression"]["values"]["rows_compared"] == 120
    assert "DRH approves" in result["verdict"]
    assert result["thresholds"]["gate"] == config["gate"] and result["evaluated_at"]
    for c in result["criteria"]:
        assert {"id", "name", "passed", "detail", "values"} <= c.keys() and c["name"][0].isupper()


def test_no_production_passes_criterion_one(config):
    result = promotion_gate(metrics(), None, None, config)
    assert result["passed"] is True
    assert "No model is in production yet" in by_id(result)["no_regression"]["detail"]
    assert by_id(result)["validation_sample"]["detail"].startswith("Not checked")
    assert by_id(result)["validation_sample"]["checked"] is False


def test_regression_fails_alone(config):
    result = promotion_gate(metrics(accuracy=0.80, f1=0.80), metrics(accuracy=0.85, f1=0.79), None, config,
                            production_version="v1")
    criteria = by_id(result)
    assert result["passed"] is False and criteria["no_regression"]["passed"] is False
    assert criteria["min_class_precision"]["passed"] and criteria["validation_sample"]["checked"] is False
    assert "80.0%" in criteria["no_regression"]["detail"] and "85.0%" in criteria["no_regression"]["detail"]
    assert "no regression against production" in result["verdict"]


def test_lower_accuracy_is_excused_by_a_large_f1_gain(config):
    result = promotion_gate(metrics(accuracy=0.83, f1=0.86), metrics(accuracy=0.85, f1=0.83), None, config)
    assert by_id(result)["no_regression"]["passed"] is True
    assert by_id(result)["no_regression"]["values"]["f1_gain"] == pytest.approx(0.03)
    small = promotion_gate(metrics(accuracy=0.83, f1=0.845), metrics(accuracy=0.85, f1=0.83), None, config)
    assert by_id(small)["no_regression"]["passed"] is False


def test_too_few_comparable_rows_fails_criterion_one(config):
    result = promotion_gate(metrics(support=5), metrics(accuracy=0.5, support=5), None, config)
    assert by_id(result)["no_regression"]["passed"] is False and "Only 15" in by_id(result)["no_regression"]["detail"]
    explicit = promotion_gate(metrics(), metrics(accuracy=0.5), None, config, rows_compared=10)
    assert by_id(explicit)["no_regression"]["passed"] is False
    unscored = promotion_gate(metrics(), None, None, config, rows_compared=0, production_version="v1")
    assert by_id(unscored)["no_regression"]["passed"] is False and "v1" in by_id(unscored)["no_regression"]["detail"]


def test_low_class_precision_fails_alone(config):
    candidate = metrics()
    candidate["per_class"]["MEDIUM"]["precision"] = 0.55
    result = promotion_gate(candidate, metrics(accuracy=0.80), None, config)
    criteria = by_id(result)
    assert result["passed"] is False and criteria["min_class_precision"]["passed"] is False
    assert criteria["no_regression"]["passed"] and criteria["validation_sample"]["checked"] is False
    assert criteria["min_class_precision"]["values"]["below_minimum"] == ["MEDIUM"]
    assert "MEDIUM 55.0%" in criteria["min_class_precision"]["detail"]


def test_validation_sample_below_minimum_fails_alone(config):
    result = promotion_gate(metrics(), None, {"rows": 20, "candidate_accuracy": 0.6, "production_accuracy": None},
                            config)
    criteria = by_id(result)
    assert result["passed"] is False and criteria["validation_sample"]["passed"] is False
    assert criteria["no_regression"]["passed"] and criteria["min_class_precision"]["passed"]
    assert "60.0%" in criteria["validation_sample"]["detail"] and "70.0%" in criteria["validation_sample"]["detail"]


def test_validation_sample_worse_than_production_fails(config):
    validation = {"rows": 20, "candidate_accuracy": 0.75, "production_accuracy": 0.8}
    result = promotion_gate(metrics(), None, validation, config)
    assert by_id(result)["validation_sample"]["passed"] is False and result["passed"] is False


def test_missing_approval_does_not_block_the_automatic_gate(config):
    result = promotion_gate(metrics(), None, None, config)
    assert by_id(result)["approval"]["passed"] is None and result["passed"] is True


def test_thresholds_come_from_the_config(config):
    stricter = copy.deepcopy(config)
    stricter["gate"]["min_class_precision"] = 0.9
    assert promotion_gate(metrics(precision=0.84), None, None, stricter)["passed"] is False
    assert promotion_gate(metrics(precision=0.84), None, None, config)["passed"] is True


def test_targets_are_reported_but_not_blocking(config):
    candidate = metrics(accuracy=0.78, f1=0.76, precision=0.72)
    result = promotion_gate(candidate, None, None, config)
    targets = {t["key"]: t for t in result["targets"]}
    assert targets["accuracy"] == {"metric": "Accuracy", "key": "accuracy", "target": 0.80, "value": 0.78, "met": False}
    assert targets["f1_weighted"]["met"] is True
    assert targets["precision_MEDIUM"]["met"] is True and targets["precision_HIGH"]["met"] is False
    assert result["passed"] is True


def test_a_missing_sample_is_not_checked_unless_required(config):
    relaxed = promotion_gate(metrics(), None, None, config)
    sample = by_id(relaxed)["validation_sample"]
    assert relaxed["passed"] is True and sample["passed"] is None and sample["checked"] is False
    strict = copy.deepcopy(config)
    strict["gate"]["require_validation_sample"] = True
    required = promotion_gate(metrics(), None, None, strict)
    sample = by_id(required)["validation_sample"]
    assert required["passed"] is False and sample["passed"] is False and sample["checked"] is True
    assert "require_validation_sample" in sample["detail"] and "manual validation sample" in required["verdict"]


def test_every_sentence_is_rendered_again_in_french_from_the_same_values(config):
    from future_skills.model.gate_texts import criterion_detail

    result = promotion_gate(metrics(accuracy=0.80, f1=0.80), metrics(accuracy=0.85, f1=0.79), None, config,
                            production_version="v1")
    regression = by_id(result)["no_regression"]
    assert criterion_detail(regression) == regression["detail"]
    french = criterion_detail(regression, "fr")
    assert "80,0" in french and "85,0" in french and "v1" in french and "accuracy" not in french
