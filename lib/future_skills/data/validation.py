"""Dataset validation: every row against the contract (``data.contract``), every failure at once.

:func:`normalise_dataset` first tidies what people's files differ in without being wrong
(column names' case and spaces, extra columns, label case and spaces, extra label spellings)
and counts it. :func:`run_checks` then applies the pandera schema lazily and returns one
:class:`CheckResult` per rule, with the rows failing and the first offending CSV line numbers
(header = line 1) and values; :func:`validate_dataset` raises them all in one message.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from future_skills.data.contract import (
    DatasetContract,
    dataset_schema,
    failure_cases,
    load_contract,
    parse_numbers,
)
from future_skills.exceptions import DatasetValidationError
from future_skills.schema import (
    CATEGORICAL_FEATURES,
    DATASET_COLUMNS,
    INTEGER_COLUMNS,
    KEY_COLUMNS,
    LABEL,
    LEVELS,
    NUMERIC_FEATURES,
)

MAX_EXAMPLES = 5
PRESENT = "column present"
NOT_MISSING = "a value in every row"
CONFIG_FILE = "future_skills.toml"


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


def normalise_dataset(frame: pd.DataFrame, contract: DatasetContract | None = None) -> tuple[pd.DataFrame, dict]:
    """Column names matched without case/spaces, extra columns dropped, labels upper-cased and trimmed.

    Returns the tidied frame and what was done: ``extra_columns`` (ignored), ``renamed_columns``,
    ``labels_normalised`` (rows whose label was rewritten, e.g. ' high' → 'HIGH' or an extra spelling).
    """
    contract = contract or load_contract()
    wanted = {name.lower(): name for name in DATASET_COLUMNS}
    renamed = {c: wanted[str(c).strip().lower()] for c in frame.columns
               if str(c).strip().lower() in wanted and c != wanted[str(c).strip().lower()]}
    tidy = frame.rename(columns=renamed)
    extra = [str(c) for c in tidy.columns if c not in DATASET_COLUMNS]
    tidy = tidy[[c for c in tidy.columns if c in DATASET_COLUMNS]].reset_index(drop=True)
    changed = 0
    if LABEL in tidy.columns:
        raw = tidy[LABEL]
        text = raw.astype("string").str.strip().str.upper()
        text = text.replace(contract.label_spellings) if contract.label_spellings else text
        changed = int((raw.notna() & (raw.astype("string") != text)).sum())
        tidy[LABEL] = text.astype(object).where(text.notna(), None)
    for name in CATEGORICAL_FEATURES:
        if name in tidy.columns and tidy[name].dtype == object:
            tidy[name] = tidy[name].map(lambda v: v.strip() if isinstance(v, str) else v)
    return tidy, {"extra_columns": extra, "renamed_columns": {str(k): v for k, v in renamed.items()},
                  "labels_normalised": changed}


def _rule_names(schema: Any) -> list[tuple[str, str]]:
    """(column, rule) of every declared check, in the schema's order."""
    rules = []
    for name, column in schema.columns.items():
        rules += [(name, PRESENT), (name, NOT_MISSING)] + [(name, check.name) for check in column.checks]
    return rules + [(_frame_column(check.name), check.name) for check in schema.checks]


def _frame_column(rule: str) -> str:
    if rule.startswith("one row per"):
        return ", ".join(KEY_COLUMNS)
    if rule.startswith("one "):
        return rule.split()[1]
    return LABEL


def _value(frame: pd.DataFrame, row: int, column: str) -> Any:
    if column in frame.columns:
        return frame[column].iloc[row]
    return ", ".join(f"{c}={frame[c].iloc[row]}" for c in column.split(", ") if c in frame.columns)


def _class_examples(frame: pd.DataFrame, rule: str, contract: DatasetContract) -> tuple[int, list[dict]]:
    counts = frame[LABEL].loc[frame[LABEL].isin(LEVELS)].value_counts()
    if "rows per level" in rule:
        small = {level: int(n) for level, n in counts.items() if n < contract.min_rows_per_class}
        return len(small), [{"level": level, "rows": n} for level, n in small.items()]
    return 1, [{"levels_found": ", ".join(map(str, counts.index)) or "none"}]


def _result(frame: pd.DataFrame, column: str, rule: str, cases: pd.DataFrame, contract: DatasetContract) -> CheckResult:
    """The failures of one (column, rule) as a CheckResult with lines and values."""
    if rule == PRESENT:
        return CheckResult(column, rule, 1, [{"value": "not in the file"}])
    rows = sorted({int(i) for i in cases["index"].dropna()})
    if not rows:  # a check on the whole table (classes)
        failing, examples = _class_examples(frame, rule, contract)
        return CheckResult(column, rule, failing, examples)
    examples = [{"line": row + 2, "row": row, "value": _value(frame, row, column)} for row in rows[:MAX_EXAMPLES]]
    return CheckResult(column, rule, len(rows), examples)


def check_frame(frame: pd.DataFrame, schema: Any, contract: DatasetContract) -> tuple[list[CheckResult], set[int]]:
    """Every rule of ``schema`` on ``frame`` at once: one result per (column, rule), and the failing rows."""
    frame = frame.reset_index(drop=True)
    cases = failure_cases(schema, frame)
    if cases.empty:  # the common case, kept fast for serving
        return [CheckResult(column, rule) for column, rule in _rule_names(schema)], set()
    cases = cases.assign(rule=cases["check"].map(lambda c: {"column_in_dataframe": PRESENT,
                                                            "not_nullable": NOT_MISSING}.get(c, c)))
    missing_columns = set(cases.loc[cases["rule"] == PRESENT, "failure_case"])
    frame_rules = {check.name for check in schema.checks}
    results = []
    for column, rule in _rule_names(schema):
        if rule == PRESENT:
            mine = cases.loc[(cases["rule"] == rule) & (cases["failure_case"] == column)]
        elif column in missing_columns:
            continue
        elif rule in frame_rules:
            mine = cases.loc[cases["rule"] == rule]
        else:
            mine = cases.loc[(cases["rule"] == rule) & (cases["column"] == column)]
        results.append(_result(frame, column, rule, mine, contract) if len(mine) else CheckResult(column, rule))
    return results, {int(i) for i in cases["index"].dropna()}


def run_checks(frame: pd.DataFrame, min_classes: int | None = None,
               contract: DatasetContract | None = None) -> list[CheckResult]:
    """Every rule of the dataset contract on ``frame`` at once; one result per (column, rule), passed or not."""
    contract = contract or load_contract()
    return check_frame(frame, dataset_schema(contract, min_classes), contract)[0]


def contract_keys(failures: list[CheckResult], contract: DatasetContract | None = None) -> list[str]:
    """The future_skills.toml keys that would change the failed rules (none for rules the data must meet)."""
    contract = contract or load_contract()
    keys = []
    for failure in failures:
        if failure.column in NUMERIC_FEATURES and failure.rule == contract.ranges[failure.column].describe():
            keys.append(f"[dataset.ranges] {failure.column} = {{ min = …, max = … }}")
        elif failure.column == LABEL and failure.rule.startswith("one of"):
            keys.append('[dataset.labels] HIGH = ["…"] (an extra spelling of a level)')
        elif "rows per level" in failure.rule:
            keys.append("dataset.min_rows_per_class")
        elif "different levels" in failure.rule:
            keys.append("dataset.min_classes")
    return list(dict.fromkeys(keys))


def what_to_do(failures: list[CheckResult], contract: DatasetContract | None = None) -> str:
    """The closing sentence: fix the data, or name the future_skills.toml key that changes the rule."""
    keys = contract_keys(failures, contract)
    advice = "What to do: fix these rows in the data and run again"
    if keys:
        advice += (f"; if the data is right and a rule is not, change the contract in {CONFIG_FILE} "
                   f"({'; '.join(keys)}) — `future-skills contract infer --from FILE.csv` suggests one")
    return advice + "."


def failure_table(results: list[CheckResult]) -> pd.DataFrame:
    """The failing rules for people: rule, column, rows failing, first lines and their values."""
    rows = []
    for r in (r for r in results if not r.passed):
        lines = ", ".join(str(e["line"]) for e in r.examples if "line" in e)
        values = "; ".join(_shown(e) for e in r.examples)
        rows.append({"Rule": r.rule, "Column": r.column, "Rows failing": r.failing,
                     "First lines": lines or "—", "First values": values})
    return pd.DataFrame(rows, columns=["Rule", "Column", "Rows failing", "First lines", "First values"])


def _shown(example: dict) -> str:
    """One example as the table shows it: the value (text quoted, missing as '(empty)') or its details."""
    if "value" not in example:
        return ", ".join(f"{k} {v}" for k, v in example.items() if k not in ("line", "row"))
    value = example["value"]
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "(empty)"
    return repr(value) if isinstance(value, str) else str(value)


def failure_message(failures: list[CheckResult], source: str, contract: DatasetContract | None = None) -> str:
    """One sentence, the table as text, and what to do."""
    count = len(failures)
    head = f"{count} rule{'s' if count > 1 else ''} of the dataset contract failed in {source}:"
    table = failure_table(failures).to_string(index=False, max_colwidth=60)
    return f"{head}\n{table}\n{what_to_do(failures, contract)}"


def coerce_types(frame: pd.DataFrame) -> pd.DataFrame:
    """The dataset columns in contract order, with IDs as integers, numbers as floats, text as str."""
    clean = frame[list(DATASET_COLUMNS)].copy()
    for column in INTEGER_COLUMNS:
        clean[column] = parse_numbers(clean[column], integer=True)
    for column in NUMERIC_FEATURES:
        clean[column] = parse_numbers(clean[column])
    for column in (*CATEGORICAL_FEATURES, LABEL):
        clean[column] = clean[column].astype(str).str.strip()
    clean["snapshot_date"] = pd.to_datetime(clean["snapshot_date"].astype(str)).dt.strftime("%Y-%m-%d")
    return clean.reset_index(drop=True)


def validate_dataset(frame: pd.DataFrame, min_classes: int | None = None,
                     on_check: Callable[[list[CheckResult]], None] | None = None,
                     contract: DatasetContract | None = None, source: str = "the dataset") -> pd.DataFrame:
    """The validated dataset with clean types, or a DatasetValidationError listing every failed rule."""
    contract = contract or load_contract()
    if len(frame.columns) and not len(frame):
        raise DatasetValidationError(f"{source} has a header but no data rows; export it again with its rows.",
                                     "all columns", "at least one data row")
    results = run_checks(frame, min_classes, contract)
    if on_check is not None:
        on_check(results)
    failures = [r for r in results if not r.passed]
    if failures:
        first = failures[0]
        raise DatasetValidationError(failure_message(failures, source, contract), first.column, first.rule,
                                     first.examples, failures)
    return coerce_types(frame)


def validation_summary(results: list[CheckResult]) -> pd.DataFrame:
    """The checks as a table for reports, one line per rule: columns checked, rows failing, pass/fail."""
    table = pd.DataFrame([{"Rule": r.rule, "Column": r.column, "Rows failing": r.failing} for r in results])
    grouped = table.groupby("Rule", sort=False).agg(**{
        "Columns checked": ("Column", lambda c: ", ".join(dict.fromkeys(c))),
        "Rows failing": ("Rows failing", "sum")}).reset_index()
    grouped["Result"] = grouped["Rows failing"].map(lambda n: "pass" if n == 0 else "FAIL")
    return grouped.set_index("Rule")
