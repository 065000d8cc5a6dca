"""Thresholds for the promotion gate and drift verdicts, and who may decide: defined once, overridable.

Defaults come from the original model registry (see docs/CONTRACTS.md). A small TOML file
``future_skills.toml`` at the project root (or the path in ``FUTURE_SKILLS_CONFIG``)
may override any of them::

    [gate]
    min_class_precision = 0.65

    [targets]
    accuracy = 0.82

    [drift]
    psi_drift = 0.3

    [model_card]
    owner = "HR data team"
    contact = "data-team@example.org"

    [dataset]                      # the dataset contract (see data.contract)
    min_rows_per_class = 10
    [dataset.ranges]               # replaces a column's default rule; {} = any finite number
    economic_indicator = { min = 50, max = 150 }
    [dataset.labels]               # extra spellings accepted for a level
    HIGH = ["ÉLEVÉ", "FORT"]

    [governance]                 # empty lists: approvals are not restricted
    allow_auto_promote = false
    approvers = [{ name = "Claire Martin", role = "DRH", account = "cmartin" }]
    promoters = [{ name = "Data Team", role = "ML engineer", account = "mlops" }]

``approvers`` may approve and reject; ``promoters`` may promote and roll back (an account
listed in both may do all four). The resolved values are recorded with every gate result,
drift report and model version.
"""
from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any

from future_skills.exceptions import ConfigError
from future_skills.paths import get_paths
from future_skills.schema import LEVELS, MIN_CLASSES, MIN_ROWS_PER_CLASS, NUMERIC_RANGES, RANGE_KEYS

ENV_CONFIG = "FUTURE_SKILLS_CONFIG"

DEFAULTS: dict[str, dict[str, Any]] = {
    # Objectives shown beside the candidate's numbers; not blocking.
    "targets": {
        "accuracy": 0.80,
        "f1_weighted": 0.75,
        "precision_LOW": 0.75,
        "precision_MEDIUM": 0.70,
        "precision_HIGH": 0.80,
    },
    # Blocking promotion criteria.
    "gate": {
        "f1_improvement": 0.02,        # F1 gain that excuses a lower accuracy
        "min_class_precision": 0.60,   # no class below this precision
        "min_comparison_rows": 30,     # fewer comparable rows: criterion 1 cannot be judged
        "validation_min_accuracy": 0.70,  # manual sample: candidate accuracy at least this
        "require_validation_sample": False,  # true: no manual sample means the gate fails
    },
    # Who answers for the model: shown in the model card of every audit summary.
    "model_card": {
        "owner": "",     # team or person accountable for the model
        "contact": "",   # where to send questions (e-mail, channel)
    },
    "drift": {
        "psi_watch": 0.10,
        "psi_drift": 0.25,
        "ks_pvalue": 0.01,
        "out_of_range_watch": 0.05,
        "unseen_category_watch": 0.05,
        "total_variation_watch": 0.10,  # effect size below which a significant chi-square is ignored (large n)
        "chi2_pvalue": 0.01,
        "prediction_mix_psi_watch": 0.10,
        "prediction_mix_psi_drift": 0.25,
        "min_rows": 30,
        "accuracy_drop_retrain": 0.10,
    },
    # The dataset contract's settings: value rules per numeric column, extra label spellings.
    "dataset": {
        "min_rows_per_class": MIN_ROWS_PER_CLASS,
        "min_classes": MIN_CLASSES,
        "ranges": NUMERIC_RANGES,
        "labels": {level: [] for level in LEVELS},
    },
    # Human oversight (issue 12): who may decide, and whether --auto-promote is allowed at all.
    "governance": {
        "allow_auto_promote": True,
        "approvers": [],
        "promoters": [],
    },
}
PERSON_KEYS = {"name": True, "account": True, "role": False}  # key -> required


def config_path() -> Path:
    """The config file in use (it may not exist)."""
    env = os.environ.get(ENV_CONFIG, "").strip()
    return Path(env).expanduser() if env else get_paths().config_file


def load_config(path: Path | str | None = None) -> dict[str, dict[str, Any]]:
    """Defaults merged with the TOML file, if present; unknown keys are an error."""
    resolved = copy.deepcopy(DEFAULTS)
    file = Path(path) if path is not None else config_path()
    if not file.exists():
        return resolved
    try:
        overrides = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"Config file {file} is not valid TOML ({exc}); fix or remove it.") from exc
    for section, values in overrides.items():
        if section not in resolved or not isinstance(values, dict):
            raise ConfigError(
                f"Config file {file} has an unknown section [{section}]; "
                f"allowed sections are {', '.join(sorted(resolved))}."
            )
        if section == "dataset":
            _merge_dataset(file, resolved["dataset"], values)
            continue
        for key, value in values.items():
            if key not in resolved[section]:
                raise _unknown_key(file, section, key, sorted(resolved[section]))
            resolved[section][key] = _checked_value(file, f"{section}.{key}", DEFAULTS[section][key], value)
    return resolved


def _unknown_key(file: Path, where: str, key: str, allowed: Any) -> ConfigError:
    return ConfigError(f"Config file {file} sets unknown key {where}.{key}; allowed keys are {', '.join(allowed)}.")


def _number(file: Path, where: str, value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ConfigError(f"Config file {file}: {where} must be a number, got {value!r}.")
    return value


def _column_rule(file: Path, column: str, rule: Any) -> dict[str, float]:
    """One ``[dataset.ranges]`` entry: a table of min/max/above/below numbers, consistent."""
    where = f"dataset.ranges.{column}"
    if not isinstance(rule, dict):
        raise ConfigError(f"Config file {file}: {where} must be a table such as {{ min = 0, max = 1 }}, got {rule!r}.")
    for key in rule:
        if key not in RANGE_KEYS:
            raise _unknown_key(file, where, key, RANGE_KEYS)
    clean = {key: float(_number(file, f"{where}.{key}", value)) for key, value in rule.items()}
    if ("min" in clean and "above" in clean) or ("max" in clean and "below" in clean):
        raise ConfigError(f"Config file {file}: {where} gives two lower or two upper bounds; keep one of each.")
    low, high = clean.get("min", clean.get("above")), clean.get("max", clean.get("below"))
    if low is not None and high is not None and low >= high:
        raise ConfigError(f"Config file {file}: {where} has its lower bound {low:g} above its upper bound {high:g}.")
    return clean


def _merge_dataset(file: Path, resolved: dict[str, Any], values: dict[str, Any]) -> None:
    """``[dataset]``: class minimums, per-column rules (a column given replaces its default), labels."""
    for key, value in values.items():
        if key == "ranges" and isinstance(value, dict):
            for column, rule in value.items():
                if column not in resolved["ranges"]:
                    raise _unknown_key(file, "dataset.ranges", column, resolved["ranges"])
                resolved["ranges"][column] = _column_rule(file, column, rule)
        elif key == "labels" and isinstance(value, dict):
            for level, spellings in value.items():
                if level not in LEVELS:
                    raise _unknown_key(file, "dataset.labels", level, LEVELS)
                if not isinstance(spellings, list) or not all(isinstance(s, str) and s.strip() for s in spellings):
                    raise ConfigError(f"Config file {file}: dataset.labels.{level} must be a list of texts, "
                                      f"such as [\"ÉLEVÉ\"], got {spellings!r}.")
                resolved["labels"][level] = [s.strip() for s in spellings]
        elif key in ("min_rows_per_class", "min_classes"):
            number = _number(file, f"dataset.{key}", value)
            if number != int(number) or not 1 <= number <= (len(LEVELS) if key == "min_classes" else 10**6):
                raise ConfigError(f"Config file {file}: dataset.{key} must be a whole number of at least 1"
                                  f"{' and at most 3' if key == 'min_classes' else ''}, got {value!r}.")
            resolved[key] = int(number)
        else:
            raise _unknown_key(file, "dataset", key, sorted(resolved))


def _checked_value(file: Path, name: str, default: Any, value: Any) -> Any:
    """``value`` when it has the type of ``default`` (number, true/false, list of people), else ConfigError."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"Config file {file}: {name} must be true or false, got {value!r}.")
        return value
    if isinstance(default, list):
        if not isinstance(value, list):
            raise ConfigError(f"Config file {file}: {name} must be a list of {{ name, role, account }} tables.")
        return [_checked_person(file, f"{name}[{i}]", person) for i, person in enumerate(value)]
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"Config file {file}: {name} must be text in quotes, got {value!r}.")
        return value
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ConfigError(f"Config file {file}: {name} must be a number, got {value!r}.")
    return value


def _checked_person(file: Path, name: str, person: Any) -> dict[str, str]:
    """One listed person: ``name`` and ``account`` required, ``role`` optional, all non-empty text."""
    if not isinstance(person, dict):
        raise ConfigError(f"Config file {file}: {name} must be a table like {{ name = \"…\", account = \"…\" }}.")
    unknown = sorted(set(person) - set(PERSON_KEYS))
    if unknown:
        raise ConfigError(f"Config file {file}: {name} has unknown key(s) {', '.join(unknown)}; "
                          f"allowed keys are {', '.join(PERSON_KEYS)}.")
    for key, required in PERSON_KEYS.items():
        value = person.get(key)
        if (required or key in person) and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(f"Config file {file}: {name}.{key} must be non-empty text.")
    return {key: person[key].strip() for key in PERSON_KEYS if key in person}


def governance_config(path: Path | str | None = None) -> dict[str, Any]:
    """The ``[governance]`` section: ``approvers``, ``promoters`` and ``allow_auto_promote``."""
    return load_config(path)["governance"]
