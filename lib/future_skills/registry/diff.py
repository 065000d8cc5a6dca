"""Compare two model versions from their metadata JSONs (``future-skills diff v1 v2``).

:func:`diff_versions` returns rows ``{section, name, a, b, delta, changed}`` covering metrics,
per-class scores, hyperparameters, the dataset, the top-10 feature importances, and the
model's provenance; :func:`format_diff` prints them as an aligned terminal table or as a
GitHub Markdown table (like ``dvc metrics diff --md``).
"""
from __future__ import annotations

import json
import math
from typing import Any

from future_skills.formatting import cell, is_number, markdown_table
from future_skills.schema import LEVELS

PREFERRED_HYPERPARAMETERS = ("model_family", "model_reason", "n_estimators", "test_size", "random_state", "class_weight")
PER_CLASS_SCORES = ("precision", "recall", "f1", "support")


def _plain(value: Any) -> Any:
    """Scalars as they are; lists and mappings as canonical JSON text (comparable, printable)."""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def make_row(section: str, name: str, a: Any, b: Any, **extra: Any) -> dict[str, Any]:
    """One diff row; ``delta`` = b - a when both are numbers, else None."""
    a, b = _plain(a), _plain(b)
    delta = None
    if is_number(a) and is_number(b):
        delta = round(b - a, 12) if isinstance(a, float) or isinstance(b, float) else b - a
        changed = not math.isclose(a, b, rel_tol=0.0, abs_tol=1e-12)
    else:
        changed = a != b
    return {"section": section, "name": name, "a": a, "b": b, "delta": delta, "changed": changed, **extra}


def _get(meta: dict[str, Any], *keys: str) -> Any:
    """Nested lookup that returns None when any level is missing."""
    value: Any = meta
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _ordered_keys(a: dict | None, b: dict | None, preferred: tuple[str, ...] = ()) -> list[str]:
    """Keys of both mappings: ``preferred`` first (when present), then the rest sorted."""
    keys = set(a or {}) | set(b or {})
    return [k for k in preferred if k in keys] + sorted(keys - set(preferred))


def metric_rows(meta_a: dict, meta_b: dict) -> list[dict[str, Any]]:
    rows = [make_row("metrics", name, _get(meta_a, "metrics", name), _get(meta_b, "metrics", name))
            for name in ("accuracy", "f1_weighted")]
    levels = _ordered_keys(_get(meta_a, "metrics", "per_class"), _get(meta_b, "metrics", "per_class"), LEVELS)
    for level in levels:
        for score in PER_CLASS_SCORES:
            rows.append(make_row("per_class", f"{level} {score}",
                                 _get(meta_a, "metrics", "per_class", level, score),
                                 _get(meta_b, "metrics", "per_class", level, score)))
    return rows


def hyperparameter_rows(meta_a: dict, meta_b: dict) -> list[dict[str, Any]]:
    a, b = _get(meta_a, "hyperparameters") or {}, _get(meta_b, "hyperparameters") or {}
    return [make_row("hyperparameters", key, a.get(key), b.get(key))
            for key in _ordered_keys(a, b, PREFERRED_HYPERPARAMETERS)]


def dataset_rows(meta_a: dict, meta_b: dict) -> list[dict[str, Any]]:
    a, b = _get(meta_a, "dataset") or {}, _get(meta_b, "dataset") or {}
    rows = [make_row("dataset", key, a.get(key), b.get(key)) for key in ("sha256", "total_samples")]
    for level in _ordered_keys(a.get("class_distribution"), b.get("class_distribution"), LEVELS):
        rows.append(make_row("dataset", f"class_distribution {level}",
                             _get(a, "class_distribution", level), _get(b, "class_distribution", level)))
    for bound in ("start", "end"):
        rows.append(make_row("dataset", f"period {bound}", _get(a, "period", bound), _get(b, "period", bound)))
    rows.append(_features_used_row(a.get("features_used"), b.get("features_used")))
    return rows


def _features_used_row(used_a: Any, used_b: Any) -> dict[str, Any]:
    """Number of features used, with the added / removed ones named in the note."""
    set_a = set(used_a) if isinstance(used_a, list) else set()
    set_b = set(used_b) if isinstance(used_b, list) else set()
    note = " ".join([f"+{f}" for f in sorted(set_b - set_a)] + [f"-{f}" for f in sorted(set_a - set_b)])
    row = make_row("dataset", "features_used", len(used_a) if isinstance(used_a, list) else None,
                   len(used_b) if isinstance(used_b, list) else None, note=note)
    row["changed"] = row["changed"] or bool(note)
    return row


def _ranks(importances: dict[str, Any] | None) -> dict[str, int]:
    """Feature -> 1-based rank by importance (highest first; ties by name)."""
    items = [(k, v) for k, v in (importances or {}).items() if is_number(v)]
    ordered = sorted(items, key=lambda kv: (-kv[1], kv[0]))
    return {feature: rank for rank, (feature, _) in enumerate(ordered, start=1)}


def _rank_note(rank_a: int | None, rank_b: int | None) -> str:
    if rank_a is None:
        return "new in top 10"
    if rank_b is None:
        return "left top 10"
    return "" if rank_a == rank_b else f"rank {rank_a} → {rank_b}"


def feature_rows(meta_a: dict, meta_b: dict) -> list[dict[str, Any]]:
    """Union of both top-10 lists with importance, delta, rank change, new/gone features."""
    imp_a = _get(meta_a, "feature_importance_top10") or {}
    imp_b = _get(meta_b, "feature_importance_top10") or {}
    ranks_a, ranks_b = _ranks(imp_a), _ranks(imp_b)
    features = sorted(set(imp_a) | set(imp_b),
                      key=lambda f: (ranks_b.get(f, 10**6), ranks_a.get(f, 10**6), f))
    rows = []
    for feature in features:
        rank_a, rank_b = ranks_a.get(feature), ranks_b.get(feature)
        rank_change = rank_a - rank_b if rank_a is not None and rank_b is not None else None
        rows.append(make_row("feature_importance", feature, imp_a.get(feature), imp_b.get(feature),
                             rank_a=rank_a, rank_b=rank_b, rank_change=rank_change,
                             note=_rank_note(rank_a, rank_b)))
    return rows


def provenance_rows(meta_a: dict, meta_b: dict) -> list[dict[str, Any]]:
    """Training date/duration, model hash, code version and environment."""
    rows = [make_row("model", key, meta_a.get(key), meta_b.get(key))
            for key in ("training_date", "training_duration_seconds", "model_sha256", "git_commit")]
    rows.append(make_row("environment", "python", _get(meta_a, "environment", "python"),
                         _get(meta_b, "environment", "python")))
    packages_a = _get(meta_a, "environment", "packages") or {}
    packages_b = _get(meta_b, "environment", "packages") or {}
    for name in _ordered_keys(packages_a, packages_b):
        rows.append(make_row("environment", name, packages_a.get(name), packages_b.get(name)))
    return rows


def diff_versions(meta_a: dict[str, Any], meta_b: dict[str, Any]) -> dict[str, Any]:
    """Every comparable item of two metadata JSONs: ``{"a", "b", "rows", "changed"}``.

    ``a``/``b`` are the version names (column headers); ``changed`` counts changed rows.
    """
    rows: list[dict[str, Any]] = []
    for build in (metric_rows, hyperparameter_rows, dataset_rows, feature_rows, provenance_rows):
        rows += build(meta_a or {}, meta_b or {})
    return {
        "a": (meta_a or {}).get("model_version") or "a",
        "b": (meta_b or {}).get("model_version") or "b",
        "rows": rows,
        "changed": sum(1 for row in rows if row["changed"]),
    }


def change_cell(row: dict[str, Any]) -> str:
    """The Change column: signed delta, 'changed' for non-numbers, plus any note (rank move)."""
    if not row["changed"]:
        text = ""
    elif row["delta"] is not None:
        text = cell(row["delta"], signed=True)
    else:
        text = "changed"
    note = row.get("note") or ""
    return f"{text} ({note})" if text and note else (text or note)


def _cells(diff: dict[str, Any], only_changed: bool) -> tuple[list[str], list[list[str]]]:
    header = ["Section", "Metric", str(diff.get("a", "a")), str(diff.get("b", "b")), "Change"]
    rows = [[row["section"], row["name"], cell(row["a"]), cell(row["b"]), change_cell(row)]
            for row in diff["rows"] if row["changed"] or not only_changed]
    return header, rows


def _terminal_table(header: list[str], rows: list[list[str]]) -> str:
    """Fixed-width columns separated by two spaces; value columns right-aligned."""
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [text.ljust(w) if i < 2 or i == 4 else text.rjust(w)
                 for i, (text, w) in enumerate(zip(cells, widths))]
        return "  ".join(parts).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def format_diff(diff: dict[str, Any], fmt: str = "table", *, only_changed: bool = False) -> str:
    """``diff`` as an aligned terminal table (``fmt="table"``) or a Markdown table (``"md"``)."""
    if fmt not in ("table", "md"):
        raise ValueError(f"Unknown diff format {fmt!r}: use 'table' or 'md'.")
    header, rows = _cells(diff, only_changed)
    if not rows:
        return f"No differences between {diff.get('a')} and {diff.get('b')}."
    return _terminal_table(header, rows) if fmt == "table" else "\n".join(markdown_table(header, rows))
