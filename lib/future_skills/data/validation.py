"""Dataset validation: every row against the contract of DESIGN.md (``schema``).

The checks run in a fixed order (columns, emptiness, nulls, types, ranges, labels,
duplicate keys, consistent names, class count); each returns the offending rows so that a
failure names the column, the rule and the first rows that break it, with their CSV line
numbers (header = line 1).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from future_skills.exceptions import DatasetValidationError
from future_skills.schema import (
    CATEGORICAL_FEATURES,
    DATASET_COLUMNS,
    INTEGER_COLUMNS,
    KEY_COLUMNS,
    LABEL,
    LEVELS,
    NUMERIC_FEATURES,
    NUMERIC_RANGES,
)

MAX_EXAMPLES = 5


@dataclass
class CheckResult:
    """One rule applied to one column: how many rows break it and the first of them."""

    column: str
    rule: str
    failing: int = 0
    examples: list[dict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.failing == 0


def _examples(frame: pd.DataFrame, mask: pd.Series, column: str) -> list[dict]:
    rows = []
    for index, row in frame.loc[mask].head(MAX_EXAMPLES).iterrows():
        example = {"line": int(index) + 2}
        for key in KEY_COLUMNS:
            if key in frame.columns and key != column:
                example[key] = row[key]
        if column in frame.columns:
            example[column] = row[column]
        rows.append(example)
    return rows


def _result(frame: pd.DataFrame, column: str, rule: str, mask: pd.Series) -> CheckResult:
    failing = int(mask.sum())
    return CheckResult(column, rule, failing, _examples(frame, mask, column) if failing else [])


def _range_rule(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"value between {low:g} and {high:g}"
    return f"value ≥ {low:g}" if low is not None else f"value ≤ {high:g}"


def _column_checks(frame: pd.DataFrame) -> list[CheckResult]:
    """Nulls, types and ranges, column by column."""
    results = []
    for column in DATASET_COLUMNS:
        values = frame[column]
        results.append(_result(frame, column, "no missing value", values.isna()))
        present = values.notna()
        if column in INTEGER_COLUMNS or column in NUMERIC_FEATURES:
            numbers = pd.to_numeric(values, errors="coerce")
            results.append(_result(frame, column, "numeric value", present & numbers.isna()))
            if column in INTEGER_COLUMNS:
                results.append(_result(frame, column, "whole number > 0", numbers.notna() & ((numbers % 1 != 0) | (numbers <= 0))))
            else:
                low, high = NUMERIC_RANGES[column]
                outside = (numbers < low if low is not None else False) | (numbers > high if high is not None else False)
                results.append(_result(frame, column, _range_rule(low, high), numbers.notna() & outside))
        elif column == "snapshot_date":
            dates = pd.to_datetime(values.astype(str), format="%Y-%m-%d", errors="coerce")
            results.append(_result(frame, column, "date as YYYY-MM-DD", present & dates.isna()))
        elif column == LABEL:
            results.append(_result(frame, column, "one of " + ", ".join(LEVELS),
                                   present & ~values.astype(str).isin(LEVELS)))
        elif column in CATEGORICAL_FEATURES:
            results.append(_result(frame, column, "non-empty text", present & (values.astype(str).str.strip() == "")))
    return results


def _table_checks(frame: pd.DataFrame, min_classes: int) -> list[CheckResult]:
    """Duplicate keys, one name per ID, and enough classes to learn from."""
    keys = list(KEY_COLUMNS)
    normalised = frame.assign(snapshot_date=frame["snapshot_date"].astype(str))
    results = [_result(frame, "job_role_id, skill_id, snapshot_date", "unique (role, skill, date) key",
                       normalised.duplicated(keys, keep=False))]
    for id_column, name_column in (("job_role_id", "job_role_name"), ("skill_id", "skill_name")):
        names = frame.groupby(id_column)[name_column].transform("nunique")
        results.append(_result(frame, name_column, f"one {name_column} per {id_column}", names > 1))
    classes = frame[LABEL].dropna().astype(str).nunique()
    results.append(CheckResult(LABEL, f"at least {min_classes} distinct levels", 0 if classes >= min_classes else 1,
                               [] if classes >= min_classes else [{"levels_found": classes}]))
    return results


def run_checks(frame: pd.DataFrame, min_classes: int = 2) -> list[CheckResult]:
    """Every rule on ``frame``; stops early only when the columns or rows needed for the rest are missing."""
    missing = [c for c in DATASET_COLUMNS if c not in frame.columns]
    results = [CheckResult(", ".join(missing) or "all columns", "required column", len(missing),
                           [{"missing": missing, "found": list(frame.columns)}] if missing else [])]
    if missing:
        return results
    results.append(CheckResult("all columns", "at least one row", 0 if len(frame) else 1,
                               [] if len(frame) else [{"rows": 0}]))
    if not len(frame):
        return results
    results += _column_checks(frame)
    if all(r.passed for r in results):
        results += _table_checks(frame, min_classes)
    return results


def _message(failure: CheckResult, others: int) -> str:
    shown = "; ".join(", ".join(f"{k}={v}" for k, v in example.items()) for example in failure.examples)
    extra = f" ({others} other rule(s) also failed)" if others else ""
    return (f"Dataset validation failed: column '{failure.column}' breaks the rule '{failure.rule}' "
            f"in {failure.failing} row(s){extra}; first offending rows: {shown}. Fix the data and run again.")


def coerce_types(frame: pd.DataFrame) -> pd.DataFrame:
    """The dataset columns in contract order, with IDs as integers, numbers as floats, text as str."""
    clean = frame[list(DATASET_COLUMNS)].copy()
    for column in INTEGER_COLUMNS:
        clean[column] = pd.to_numeric(clean[column]).astype("int64")
    for column in NUMERIC_FEATURES:
        clean[column] = pd.to_numeric(clean[column]).astype("float64")
    for column in (*CATEGORICAL_FEATURES, LABEL):
        clean[column] = clean[column].astype(str).str.strip()
    clean["snapshot_date"] = pd.to_datetime(clean["snapshot_date"].astype(str)).dt.strftime("%Y-%m-%d")
    return clean.reset_index(drop=True)


def validate_dataset(frame: pd.DataFrame, min_classes: int = 2,
                     on_check: Callable[[list[CheckResult]], None] | None = None) -> pd.DataFrame:
    """The validated dataset with clean types, or a DatasetValidationError naming column, rule and rows."""
    results = run_checks(frame.reset_index(drop=True), min_classes)
    if on_check is not None:
        on_check(results)
    failures = [r for r in results if not r.passed]
    if failures:
        first = failures[0]
        raise DatasetValidationError(_message(first, len(failures) - 1), first.column, first.rule, first.examples)
    return coerce_types(frame)


def validation_summary(results: list[CheckResult]) -> pd.DataFrame:
    """The checks as a table for reports, one line per rule: columns checked, rows failing, pass/fail."""
    table = pd.DataFrame([{"Rule": r.rule, "Column": r.column, "Rows failing": r.failing} for r in results])
    grouped = table.groupby("Rule", sort=False).agg(**{
        "Columns checked": ("Column", lambda c: ", ".join(dict.fromkeys(c))),
        "Rows failing": ("Rows failing", "sum")}).reset_index()
    grouped["Result"] = grouped["Rows failing"].map(lambda n: "pass" if n == 0 else "FAIL")
    return grouped.set_index("Rule")
