"""``diff_versions`` / ``format_diff``: what changed between two model versions."""
from __future__ import annotations

import pytest

from future_skills.registry.diff import diff_versions, format_diff
from helpers.registry import make_metadata


def rows_by_key(diff: dict) -> dict[tuple[str, str], dict]:
    return {(r["section"], r["name"]): r for r in diff["rows"]}


@pytest.fixture
def meta_pair() -> tuple[dict, dict]:
    a = make_metadata("v1")
    b = make_metadata(
        "v2",
        metrics={"accuracy": 0.8623, "f1_weighted": 0.8401,
                 "per_class": {"LOW": {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 320},
                               "MEDIUM": {"precision": 0.8, "recall": 0.8, "f1": 0.8, "support": 300},
                               "HIGH": {"precision": 0.8, "recall": 0.8, "f1": 0.8, "support": 300}}},
        hyperparameters={"n_estimators": 200, "random_state": 42, "test_size": 0.2, "class_weight": "balanced",
                         "max_depth": 12},
        feature_importance_top10={"scarcity_index": 0.35, "trend_score": 0.25, "avg_salary_k": 0.10},
        model_sha256="bb" * 32,
    )
    b["dataset"] = dict(b["dataset"], sha256="22" * 32, total_samples=4600,
                        class_distribution={"LOW": 1700, "MEDIUM": 1700, "HIGH": 1200},
                        period={"start": "2023-01-01", "end": "2025-10-01"},
                        features_used=["trend_score", "skill_name", "avg_salary_k"])
    return a, b


def test_metrics_and_deltas(meta_pair):
    diff = diff_versions(*meta_pair)
    assert (diff["a"], diff["b"]) == ("v1", "v2")
    rows = rows_by_key(diff)
    accuracy = rows[("metrics", "accuracy")]
    assert (accuracy["a"], accuracy["b"], accuracy["changed"]) == (0.85, 0.8623, True)
    assert accuracy["delta"] == pytest.approx(0.0123)
    assert rows[("per_class", "LOW precision")]["delta"] == pytest.approx(0.1)
    assert rows[("per_class", "LOW support")]["delta"] == 20 and isinstance(rows[("per_class", "LOW support")]["delta"], int)
    assert rows[("per_class", "HIGH recall")]["changed"] is False
    assert rows[("per_class", "HIGH recall")]["delta"] == 0


def test_hyperparameters_union(meta_pair):
    rows = rows_by_key(diff_versions(*meta_pair))
    assert rows[("hyperparameters", "n_estimators")]["delta"] == 100
    depth = rows[("hyperparameters", "max_depth")]
    assert (depth["a"], depth["b"], depth["delta"], depth["changed"]) == (None, 12, None, True)
    assert rows[("hyperparameters", "class_weight")]["changed"] is False
    names = [r["name"] for r in diff_versions(*meta_pair)["rows"] if r["section"] == "hyperparameters"]
    assert names[:4] == ["n_estimators", "test_size", "random_state", "class_weight"]


def test_dataset_rows(meta_pair):
    rows = rows_by_key(diff_versions(*meta_pair))
    sha = rows[("dataset", "sha256")]
    assert sha["changed"] is True and sha["delta"] is None
    assert rows[("dataset", "total_samples")]["delta"] == 600
    assert rows[("dataset", "class_distribution HIGH")]["delta"] == 200
    assert rows[("dataset", "period end")]["b"] == "2025-10-01" and rows[("dataset", "period end")]["changed"]
    assert rows[("dataset", "period start")]["changed"] is False
    features = rows[("dataset", "features_used")]
    assert (features["a"], features["b"], features["note"]) == (2, 3, "+avg_salary_k")


def test_feature_importance_union_ranks_and_new_gone(meta_pair):
    diff = diff_versions(*meta_pair)
    features = [r for r in diff["rows"] if r["section"] == "feature_importance"]
    assert [r["name"] for r in features] == ["scarcity_index", "trend_score", "avg_salary_k", "internal_usage"]
    by_name = {r["name"]: r for r in features}
    assert by_name["scarcity_index"]["delta"] == pytest.approx(0.15)
    assert (by_name["scarcity_index"]["rank_a"], by_name["scarcity_index"]["rank_b"]) == (2, 1)
    assert by_name["scarcity_index"]["rank_change"] == 1 and by_name["trend_score"]["rank_change"] == -1
    assert by_name["avg_salary_k"]["note"] == "new in top 10" and by_name["avg_salary_k"]["delta"] is None
    assert by_name["internal_usage"]["note"] == "left top 10" and by_name["internal_usage"]["b"] is None


def test_identical_metadata_has_no_changes():
    diff = diff_versions(make_metadata("v1"), make_metadata("v1"))
    assert diff["changed"] == 0
    assert not any(r["changed"] for r in diff["rows"])
    assert format_diff(diff, only_changed=True) == "No differences between v1 and v1."


def test_changed_count_matches_rows(meta_pair):
    diff = diff_versions(*meta_pair)
    assert diff["changed"] == sum(r["changed"] for r in diff["rows"]) > 10


def test_diff_cells_use_the_shared_formatter(meta_pair):
    lines = format_diff(diff_versions(*meta_pair), fmt="md").splitlines()
    assert lines[0] == "| Section | Metric | v1 | v2 | Change |" and lines[1] == "|---|---|---|---|---|"
    sha_row = next(line for line in lines if "| model_sha256 |" in line)
    cells = [c.strip() for c in sha_row.strip("|").split("|")]
    assert len(cells[2]) == len(cells[3]) == 12  # fingerprints cut to 12 characters
    accuracy = next(line for line in lines if "| accuracy |" in line)
    assert all(len(c.strip().split(".")[-1]) == 4 for c in accuracy.strip("|").split("|")[2:4])


def test_terminal_table(meta_pair):
    text = format_diff(diff_versions(*meta_pair), fmt="table")
    lines = text.splitlines()
    assert lines[0].split() == ["Section", "Metric", "v1", "v2", "Change"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    accuracy = next(line for line in lines if line.split()[:2] == ["metrics", "accuracy"])
    assert accuracy.split()[2:] == ["0.8500", "0.8623", "+0.0123"]
    sha = next(line for line in lines if line.split()[:2] == ["dataset", "sha256"])
    assert sha.split()[2:] == ["111111111111", "222222222222", "changed"]
    assert "+0.1500 (rank 2 → 1)" in text and "(new in top 10)" in text
    metric_column = lines[0].index("Metric")
    assert all(line[metric_column - 2:metric_column] == "  " for line in lines[2:])
    assert all(line[metric_column] != " " for line in lines[2:])
    assert any(line.split()[:2] == ["model", "training_date"] for line in lines)


def test_terminal_table_only_changed(meta_pair):
    text = format_diff(diff_versions(*meta_pair), fmt="table", only_changed=True)
    assert "accuracy" in text and "class_weight" not in text and "HIGH recall" not in text


def test_markdown_table(meta_pair):
    meta_a, meta_b = meta_pair
    meta_b["hyperparameters"]["criterion"] = "gini|entropy"
    text = format_diff(diff_versions(meta_a, meta_b), fmt="md")
    lines = text.splitlines()
    assert lines[0] == "| Section | Metric | v1 | v2 | Change |"
    assert lines[1].startswith("|-") and lines[1].count("|") == 6
    assert "| metrics | accuracy | 0.8500 | 0.8623 | +0.0123 |" in lines
    assert "| hyperparameters | n_estimators | 100 | 200 | +100 |" in lines
    assert "| hyperparameters | criterion | — | gini\\|entropy | changed |" in lines


def test_unknown_format():
    with pytest.raises(ValueError, match="Unknown diff format"):
        format_diff(diff_versions(make_metadata("v1"), make_metadata("v2")), fmt="html")
