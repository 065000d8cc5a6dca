"""The dataset contract, declared once as a pandera ``DataFrameSchema``.

Columns, nullability, types, value rules, labels, the unique key and the class minimums come
from ``schema`` (defaults faithful to the original system: shares in 0–1) merged with the
``[dataset]`` section of ``future_skills.toml`` (:func:`thresholds.load_config`). The same
contract checks the export, ``--dataset-csv`` files, serving's inputs (:func:`features_schema`)
and gives drift its ranges (:func:`numeric_ranges`). Validation is lazy: every failing rule is
collected in one pass. Every check's name is the rule as a person would write it. pandera itself
(~0.2 s to import) is imported by the functions that build or apply a schema, so that what needs
only the rules (drift's ranges, serving's fast path) does not pay for it.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd
import pyarrow as arrow
import pyarrow.compute  # noqa: F401 - arrow.compute.cast

from future_skills.schema import (
    CATEGORICAL_FEATURES,
    COUNT_COLUMNS,
    DATASET_COLUMNS,
    ID_COLUMNS,
    KEY_COLUMNS,
    LABEL,
    LEVELS,
    NUMERIC_FEATURES,
    NUMERIC_RANGES,
)
from future_skills.thresholds import DEFAULTS, config_path, load_config

if TYPE_CHECKING:  # at run time, imported by the functions that build or apply a schema (module docstring)
    import pandera.pandas as pa

DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class ColumnRange:
    """The value rule of one numeric column: inclusive ``min``/``max``, exclusive ``above``/``below``."""

    min: float | None = None
    max: float | None = None
    above: float | None = None
    below: float | None = None

    @classmethod
    def from_dict(cls, rule: dict[str, float]) -> "ColumnRange":
        return cls(**{key: float(value) for key, value in rule.items()})

    def as_dict(self) -> dict[str, float]:
        """The TOML form: only the bounds that are set."""
        return {key: value for key, value in vars(self).items() if value is not None}

    def describe(self) -> str:
        """The rule in words: 'between 0 and 1', '0 or more', 'more than 0', 'any finite number'."""
        low = f"{self.min:g} or more" if self.min is not None else (
            f"more than {self.above:g}" if self.above is not None else None)
        high = f"{self.max:g} or less" if self.max is not None else (
            f"less than {self.below:g}" if self.below is not None else None)
        if self.min is not None and self.max is not None:
            return f"between {self.min:g} and {self.max:g}"
        if low and high:
            return f"{low} and {high}"
        return low or high or "any finite number"

    def outside(self, values: Any) -> np.ndarray:
        """True where a value breaks the rule (NaN is never outside: missing is another rule)."""
        numbers = values if isinstance(values, np.ndarray) and values.dtype.kind == "f" else np.asarray(
            pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
        with np.errstate(invalid="ignore"):
            bad = np.isinf(numbers)
            for bound, breaks in ((self.min, np.less), (self.max, np.greater),
                                  (self.above, np.less_equal), (self.below, np.greater_equal)):
                if bound is not None:
                    bad |= breaks(numbers, bound)
        return bad

    def share_outside(self, values: Any) -> float:
        """Share of the non-missing values that break the rule (NaN when there is none)."""
        numbers = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
        return float(self.outside(numbers).mean()) if len(numbers) else float("nan")

    def clip(self, values: np.ndarray) -> np.ndarray:
        """``values`` brought inside the rule (exclusive bounds by the smallest step)."""
        low = self.min if self.min is not None else (
            np.nextafter(self.above, np.inf) if self.above is not None else -np.inf)
        high = self.max if self.max is not None else (
            np.nextafter(self.below, -np.inf) if self.below is not None else np.inf)
        return np.clip(values, low, high)


@dataclass(frozen=True)
class DatasetContract:
    """The contract in force: defaults plus the user's ``[dataset]`` overrides."""

    ranges: dict[str, ColumnRange]
    label_spellings: dict[str, str]  # extra spelling (upper case) -> level
    min_rows_per_class: int
    min_classes: int
    overridden: tuple[str, ...] = field(default=())
    config_file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """What the metadata records: every rule in force and which ones the user changed."""
        labels: dict[str, list[str]] = {level: [] for level in LEVELS}
        for spelling, level in self.label_spellings.items():
            labels[level].append(spelling)
        return {"ranges": {c: r.as_dict() for c, r in self.ranges.items()},
                "rules": {c: r.describe() for c, r in self.ranges.items()},
                "labels": {"levels": list(LEVELS), "extra_spellings": labels},
                "min_rows_per_class": self.min_rows_per_class, "min_classes": self.min_classes,
                "overridden": list(self.overridden), "config_file": self.config_file}


def load_contract(config: dict[str, Any] | None = None) -> DatasetContract:
    """The contract in force (``config`` = :func:`thresholds.load_config` output, read when None)."""
    section = (config or load_config())["dataset"]
    ranges = {column: ColumnRange.from_dict(section["ranges"][column]) for column in NUMERIC_FEATURES}
    spellings = {s.upper(): level for level, values in section["labels"].items() for s in values}
    overridden = [f"ranges.{c}" for c in NUMERIC_FEATURES if section["ranges"][c] != NUMERIC_RANGES[c]]
    overridden += [f"labels.{level}" for level, values in section["labels"].items() if values]
    overridden += [key for key in ("min_rows_per_class", "min_classes")
                   if section[key] != DEFAULTS["dataset"][key]]
    file = config_path()
    return DatasetContract(ranges, spellings, int(section["min_rows_per_class"]), int(section["min_classes"]),
                           tuple(overridden), str(file) if file.exists() else None)


def contract_from_dict(recorded: dict[str, Any]) -> DatasetContract:
    """A contract as :meth:`DatasetContract.as_dict` recorded it (with a snapshot or a model)."""
    spellings = {s.upper(): level for level, values in recorded["labels"]["extra_spellings"].items() for s in values}
    return DatasetContract({c: ColumnRange.from_dict(r) for c, r in recorded["ranges"].items()}, spellings,
                           int(recorded["min_rows_per_class"]), int(recorded["min_classes"]),
                           tuple(recorded.get("overridden", ())), recorded.get("config_file"))


def numeric_ranges(contract: DatasetContract | None = None) -> dict[str, ColumnRange]:
    """The value rule of every numeric feature in force (for drift and the traffic simulation)."""
    return dict((contract or load_contract()).ranges)


def parse_numbers(values: pd.Series, integer: bool = False) -> np.ndarray:
    """The values as floats (or int64), NaN where empty or not a number (no parsing for numeric columns).

    Text is parsed by Arrow (about twice as fast as pandas at 1M rows, and it accepts no spelling
    pandas refuses); a column Arrow cannot parse whole, e.g. with a typo or missing values for
    integers, goes through ``pd.to_numeric`` with its NaN for what is not a number, as before.
    """
    if values.dtype.kind in "fiu":
        return values.to_numpy(dtype="int64" if integer else float)
    try:
        text = arrow.array(values, from_pandas=True)  # pandas' Arrow-backed text columns: no copy
        parsed = arrow.compute.cast(text, arrow.int64() if integer else arrow.float64())
        if integer and parsed.null_count:
            raise arrow.ArrowInvalid("missing values")
        return parsed.to_numpy(zero_copy_only=False)
    except (arrow.ArrowInvalid, arrow.ArrowTypeError, arrow.ArrowNotImplementedError):
        numbers = pd.to_numeric(values, errors="coerce")
        return numbers.to_numpy(dtype="int64") if integer else numbers.to_numpy(dtype=float)


_COLUMN = threading.local()  # the column the pandera checks are on, and its numbers


def _floats(values: pd.Series) -> np.ndarray:
    """:func:`parse_numbers` of a column, parsed once for all the rules checked on it one after another."""
    if getattr(_COLUMN, "series", None) is not values:
        _COLUMN.series, _COLUMN.numbers = values, parse_numbers(values)
    return _COLUMN.numbers


def forget_parsed_column() -> None:
    """Drop the column :func:`_floats` keeps (validation is over: no reference to the data is kept)."""
    _COLUMN.series = _COLUMN.numbers = None


# A rule on one column: (floats, missing) -> True where the value passes. Missing values pass every
# rule but "a value in every row", so that each problem is reported once, under its own rule.
Predicate = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _numeric_rules(column: str, rule: ColumnRange) -> list[tuple[str, Predicate]]:
    """(name, predicate) of a number column: a number, finite, inside its rule (and whole for counts)."""
    rules: list[tuple[str, Predicate]] = [
        ("a number", lambda x, missing: missing | ~np.isnan(x)),
        ("a finite number", lambda x, missing: ~np.isinf(x))]
    if rule.describe() != "any finite number":
        rules.append((rule.describe(), lambda x, missing: ~rule.outside(x)))
    if column in COUNT_COLUMNS:
        rules.append(("a whole number", lambda x, missing: ~(np.nan_to_num(x % 1, nan=0.0) > 0)))
    return rules


def feature_rules(contract: DatasetContract) -> dict[str, list[tuple[str, Predicate]]]:
    """The rules of the IDs and numeric features, per column: the one definition behind both the pandera
    schema and :func:`features_pass` (serving's fast path)."""
    def whole_positive(x: np.ndarray, missing: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return missing | ((x % 1 == 0) & (x > 0))

    rules = {name: [("a whole number above 0", whole_positive)] for name in ID_COLUMNS}
    rules.update({name: _numeric_rules(name, contract.ranges[name]) for name in NUMERIC_FEATURES})
    return rules


def features_pass(frame: pd.DataFrame, contract: DatasetContract) -> bool:
    """True when every ID and feature column is present, filled and passes every rule (no pandera
    overhead: serving checks this first and asks pandera for the details only when it is False)."""
    for column, rules in feature_rules(contract).items():
        if column not in frame.columns:
            return False
        missing = frame[column].isna().to_numpy()
        values = _floats(frame[column])
        if missing.any() or not all(predicate(values, missing).all() for _, predicate in rules):
            return False
    return True


def _check(name: str, predicate: Predicate) -> pa.Check:
    """A pandera check (row-wise result) from a column rule."""
    import pandera.pandas as pa  # on first use: start-up time (module docstring)

    return pa.Check(lambda s: pd.Series(predicate(_floats(s), s.isna().to_numpy()), index=s.index), name=name)


def _column(checks: list[pa.Check]) -> pa.Column:
    import pandera.pandas as pa  # on first use: start-up time (module docstring)

    return pa.Column(None, checks, nullable=False, required=True)


def _feature_columns(contract: DatasetContract) -> dict[str, pa.Column]:
    return {column: _column([_check(name, predicate) for name, predicate in rules])
            for column, rules in feature_rules(contract).items()}


def _label_rule() -> str:
    return "one of " + ", ".join(LEVELS)


def _frame_checks(contract: DatasetContract, min_classes: int) -> list[pa.Check]:
    """Checks across columns: the unique key, one name per ID, enough rows per level."""
    import pandera.pandas as pa  # on first use: start-up time (module docstring)

    def has(frame: pd.DataFrame, *columns: str) -> bool:
        return all(c in frame.columns for c in columns)

    def unique_key(frame: pd.DataFrame) -> Any:
        if not has(frame, *KEY_COLUMNS):
            return True
        return ~frame.assign(snapshot_date=frame["snapshot_date"].astype(str)).duplicated(list(KEY_COLUMNS), keep=False)

    def one_name(id_column: str, name_column: str):
        def check(frame: pd.DataFrame) -> Any:
            if not has(frame, id_column, name_column):
                return True
            return frame.groupby(id_column)[name_column].transform("nunique") <= 1
        return pa.Check(check, name=f"one {name_column} per {id_column}")

    def known_levels(frame: pd.DataFrame) -> pd.Series:
        return frame[LABEL].loc[frame[LABEL].isin(LEVELS)] if has(frame, LABEL) else pd.Series(dtype=object)

    def enough_levels(frame: pd.DataFrame) -> bool:  # no known level at all is the label rule's failure
        levels = known_levels(frame)
        return levels.empty or levels.nunique() >= min_classes

    def enough_rows(frame: pd.DataFrame) -> bool:
        return bool((known_levels(frame).value_counts() >= contract.min_rows_per_class).all())

    checks = [pa.Check(unique_key, name="one row per job role, skill and date"),
              one_name("job_role_id", "job_role_name"), one_name("skill_id", "skill_name")]
    if min_classes > 1:  # a validation sample (min_classes=1) may hold a single level, in few rows
        checks += [pa.Check(enough_levels, name=f"at least {min_classes} different levels"),
                   pa.Check(enough_rows, name=f"at least {contract.min_rows_per_class} rows per level")]
    return checks


def dataset_schema(contract: DatasetContract | None = None, min_classes: int | None = None) -> pa.DataFrameSchema:
    """The whole dataset contract; ``min_classes=1`` (a validation sample) skips the class minimums."""
    import pandera.pandas as pa  # on first use: start-up time (module docstring)

    contract = contract or load_contract()
    wanted = contract.min_classes if min_classes is None else min_classes
    columns = _feature_columns(contract)
    columns["snapshot_date"] = _column([pa.Check(
        lambda s: s.isna() | pd.to_datetime(s.astype(str), format=DATE_FORMAT, errors="coerce").notna(),
        name="a date as YYYY-MM-DD")])
    columns[LABEL] = _column([pa.Check(lambda s: s.isna() | s.isin(LEVELS), name=_label_rule())])
    for name in CATEGORICAL_FEATURES:
        columns[name] = _column([pa.Check(lambda s: s.isna() | (s.astype(str).str.strip() != ""), name="not blank")])
    ordered = {name: columns[name] for name in DATASET_COLUMNS}
    return pa.DataFrameSchema(ordered, checks=_frame_checks(contract, wanted), strict=False, name="dataset")


def features_schema(contract: DatasetContract | None = None) -> pa.DataFrameSchema:
    """The contract's IDs and numeric features only: what serving needs to score a pair."""
    import pandera.pandas as pa  # on first use: start-up time (module docstring)

    return pa.DataFrameSchema(_feature_columns(contract or load_contract()), strict=False, name="pairs to score")


def failure_cases(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Every failure of ``frame`` against ``schema`` in one pass (pandera ``lazy=True``); empty when valid."""
    import pandera.pandas as pa  # on first use: start-up time (module docstring)

    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases
    finally:
        forget_parsed_column()
    return pd.DataFrame(columns=["column", "check", "failure_case", "index"])
