"""Thresholds for the promotion gate and drift verdicts, and who may decide: defined once, overridable.

Defaults come from the original model registry (DESIGN.md). A small TOML file
``future_skills.toml`` at the project root (or the path in ``FUTURE_SKILLS_CONFIG``)
may override any of them::

    [gate]
    min_class_precision = 0.65

    [targets]
    accuracy = 0.82

    [drift]
    psi_drift = 0.3

    [governance]                 # empty lists: approvals are not restricted
    allow_auto_promote = false
    approvers = [{ name = "Claire Martin", role = "DRH", account = "cmartin" }]
    promoters = [{ name = "Data Team", role = "ML engineer", account = "mlops" }]

``approvers`` may approve and reject; ``promoters`` may promote and roll back (an account
listed in both may do all four). The resolved values are recorded with every gate result and drift report.
"""
from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any

from future_skills.exceptions import ConfigError
from future_skills.paths import get_paths

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
        for key, value in values.items():
            if key not in resolved[section]:
                raise ConfigError(
                    f"Config file {file} sets unknown key {section}.{key}; "
                    f"allowed keys are {', '.join(sorted(resolved[section]))}."
                )
            resolved[section][key] = _checked_value(file, f"{section}.{key}", DEFAULTS[section][key], value)
    return resolved


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
