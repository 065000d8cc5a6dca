"""A suggested ``[dataset]`` section of ``future_skills.toml`` from a user's own data file.

For each numeric column the rule is inferred from the bulk of the values (0.5 % cut at each
end from 200 rows, so a stray error stays visible), then widened so that the next export,
with a little more spread, still passes: shares within 0–1 keep 0–1, values within 0–100
become 0–100 (percentages), counts get "0 or more", anything else gets its range widened by half its span on each side and rounded
outwards to a round step — never the raw min/max. Non-negative data never gets a negative
bound; strictly positive data keeps "more than 0". The text is TOML to paste and edit.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from future_skills.data.contract import ColumnRange
from future_skills.data.csv_files import read_hr_csv
from future_skills.data.validation import normalise_dataset
from future_skills.schema import COUNT_COLUMNS, LABEL, LEVELS, MIN_CLASSES, MIN_ROWS_PER_CLASS, NUMERIC_FEATURES

WIDEN = 0.5  # share of the observed span added on each side


def _step(span: float) -> float:
    """A round step (1, 2 or 5 × a power of ten) about a tenth of ``span``."""
    raw = max(span, 1e-9) / 10
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def suggest_rule(values: pd.Series, column: str) -> dict[str, float]:
    """The suggested rule (TOML keys min/max/above) for one column's values."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    numbers = numbers[np.isfinite(numbers)]
    if numbers.empty:
        return {}
    # the bulk of the values decides the scale: a stray 7.5 among shares stays an error to fix
    low, high = (float(numbers.quantile(0.005)), float(numbers.quantile(0.995))) if len(numbers) >= 200 else (
        float(numbers.min()), float(numbers.max()))
    if column in COUNT_COLUMNS:
        return {"min": 0.0}
    if low >= 0 and high <= 1:
        return {"min": 0.0, "max": 1.0}
    if low >= 0 and high <= 100:
        return {"min": 0.0, "max": 100.0}
    span = high - low or abs(high) or 1.0
    step = _step(span)
    lower = math.floor((low - WIDEN * span) / step) * step
    upper = math.ceil((high + WIDEN * span) / step) * step
    if low > 0 and lower <= 0:
        return {"above": 0.0, "max": upper}
    if low >= 0:
        lower = max(lower, 0.0)
    return {"min": lower, "max": upper}


def _toml_rule(rule: dict[str, float]) -> str:
    return "{ " + ", ".join(f"{key} = {value:g}" for key, value in rule.items()) + " }" if rule else "{}"


def infer_section(path: Path | str) -> str:
    """The ``[dataset]`` TOML text suggested for the file at ``path``, with the observed values as comments."""
    raw, found = read_hr_csv(path)
    frame, tidied = normalise_dataset(raw)
    lines = [f"# Suggested by `future-skills contract infer` from {Path(path).name} ({len(frame):,} rows; "
             f"{found.notes[0]}).",
             "# Ranges are the file's values widened, not its raw min/max: edit them to what the data means.",
             "[dataset]"]
    lines += _class_lines(frame)
    lines += ["", "[dataset.ranges]"]
    for column in NUMERIC_FEATURES:
        if column not in frame.columns:
            lines.append(f"# {column}: not in the file")
            continue
        numbers = pd.to_numeric(frame[column], errors="coerce")
        rule = suggest_rule(frame[column], column)
        seen = f"file: {numbers.min():g} to {numbers.max():g}" if numbers.notna().any() else "file: no number"
        outside = int(ColumnRange.from_dict(rule).outside(numbers).sum())
        if outside:
            seen += f"; {outside} value(s) outside this rule: check them"
        lines.append(f"{column} = {_toml_rule(rule)}  # {seen}")
    lines += _label_lines(frame)
    if tidied["extra_columns"]:
        lines.append(f"# Columns ignored (not in the contract): {', '.join(tidied['extra_columns'])}")
    return "\n".join(lines) + "\n"


def _class_lines(frame: pd.DataFrame) -> list[str]:
    if LABEL not in frame.columns:
        return [f"min_rows_per_class = {MIN_ROWS_PER_CLASS}", f"min_classes = {MIN_CLASSES}"]
    counts = frame[LABEL].loc[frame[LABEL].isin(LEVELS)].value_counts()
    smallest = f"smallest level in the file: {counts.idxmin()} with {counts.min()} rows" if len(counts) else "no level"
    return [f"min_rows_per_class = {MIN_ROWS_PER_CLASS}  # {smallest}",
            f"min_classes = {MIN_CLASSES}  # levels in the file: {len(counts)}"]


def _label_lines(frame: pd.DataFrame) -> list[str]:
    if LABEL not in frame.columns:
        return []
    others: dict[str, Any] = frame[LABEL].loc[frame[LABEL].notna() & ~frame[LABEL].isin(LEVELS)].value_counts().to_dict()
    if not others:
        return []
    found = ", ".join(f'"{label}" ({n} rows)' for label, n in others.items())
    return ["", "[dataset.labels]", f"# The file has labels that are not LOW, MEDIUM or HIGH: {found}.",
            "# Say which level each one means, e.g.:", f'# HIGH = ["{next(iter(others))}"]']
