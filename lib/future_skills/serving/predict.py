"""Score (job role, skill) pairs with the production model, fall back to rules, log every prediction.

Which model: ``FUTURE_SKILLS_MODEL_PATH`` (a pickle; verified against the registry entry
with that path, else its sidecar ``.json``'s ``model_sha256``), else
``FUTURE_SKILLS_MODEL_VERSION`` (a registry version), else the registry's production entry.
The sha256 is always verified before unpickling (:func:`model_store.load_model`); loaded
models are cached per (path, sha256, mtime).

Score (0–100) of the ML engine = expected need = ``100 · (0·P(LOW) + 0.5·P(MEDIUM) + 1·P(HIGH))``;
the predicted level is the most probable one. The rules engine's score is its rule score
(see :mod:`future_skills.serving.rules`).

Pairs given by IDs only get their role/skill names, department and category from the HR
catalog (the database of ``FUTURE_SKILLS_DB_URL``, read once per process); when the catalog is
unavailable or lacks an ID, the value is "unknown", which the model's one-hot encoder ignores,
and a :class:`NamesUnknownWarning` says so once.

When no model is usable, :func:`rules.rules_predict` answers (engine ``"rules"``) and the
reason is reported ONCE per process and reason with :func:`warnings.warn`
(:class:`RulesFallbackWarning`, shown on stderr). While serving is suspended
(``future-skills suspend``, :mod:`future_skills.registry.suspension`) the rules answer too, and
every logged line says engine ``"rules"``; the next call after ``resume`` uses the model again.
"""
from __future__ import annotations

import functools
import os
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from future_skills.data.catalog import lookup_names
from future_skills.data.contract import features_pass, features_schema, load_contract
from future_skills.data.database import load_catalog
from future_skills.data.validation import PRESENT, check_frame
from future_skills.exceptions import FutureSkillsError
from future_skills.model.scoring import ml_engine, ml_model_version, ml_predict
from future_skills.model.store import load_model
from future_skills.monitoring import log_writer as monitoring
from future_skills.paths import ProjectPaths, get_paths
from future_skills.registry.entities import RegistryEntry
from future_skills.registry.reader import AUTO, RegistryReader, read_metadata
from future_skills.registry.suspension import SuspensionWatch
from future_skills.schema import (
    CATEGORICAL_FEATURES,
    ID_COLUMNS,
    NUMERIC_FEATURES,
    PROBABILITY_COLUMNS,
)
from future_skills.serving import hot_path
from future_skills.serving.rules import RULES_ENGINE, RULES_VERSION, rules_predict
from future_skills.settings import ENV_MODEL_PATH, ENV_MODEL_VERSION, default_db_url, load_settings

RESULT_COLUMNS: tuple[str, ...] = (
    *ID_COLUMNS, "predicted_level", "score", *PROBABILITY_COLUMNS, "engine", "model_version",
)
UNKNOWN_CATEGORY = "unknown"

_MODEL_CACHE: dict[tuple[str, str, int], Any] = {}
_CHOICE_CACHE: dict[tuple[Any, ...], ModelChoice] = {}
_CATALOG_CACHE: dict[str, tuple[pd.DataFrame, pd.DataFrame] | None] = {}
_WARNED: set[str] = set()
_SUSPENSION = SuspensionWatch()


class RulesFallbackWarning(UserWarning):
    """No ML model could be used; the rules engine answered."""


class NamesUnknownWarning(UserWarning):
    """Some pairs came without names and the HR catalog could not supply them."""


# The engine of every answer (and log line) given by the rules because the model that should have
# answered is missing or damaged; plain RULES_ENGINE is a deliberate choice (no production, suspended).
FALLBACK_ENGINE = f"{RULES_ENGINE} (fallback: model unusable)"


def fell_back(result: pd.DataFrame) -> bool:
    """Did the rules answer because the model that should have answered is unusable?"""
    return bool(len(result)) and bool((result["engine"] == FALLBACK_ENGINE).any())


@dataclass(frozen=True)
class ModelChoice:
    """The model to serve: a pickle and the sha256 it must have, or None with the reason."""

    path: Path | None
    sha256: str | None
    version: str | None
    reason: str | None = None


def clear_cache() -> None:
    """Forget loaded models and the warnings already shown (tests, or after a promotion)."""
    _MODEL_CACHE.clear()
    hot_path.COMPILED_CACHE.clear()
    hot_path.RULES_CACHE.clear()
    _CHOICE_CACHE.clear()
    _CATALOG_CACHE.clear()
    _WARNED.clear()


def _registry() -> RegistryReader:
    return RegistryReader(get_paths())


def _entry_choice(entry: RegistryEntry, paths: ProjectPaths) -> ModelChoice:
    if not entry.model_path:
        return ModelChoice(None, None, None, f"the registry entry of {entry.version} has no model_path")
    return ModelChoice(paths.registered_model_file(entry), entry.model_sha256, entry.version)


def _pinned_path_choice(path: Path) -> ModelChoice:
    """``FUTURE_SKILLS_MODEL_PATH``: find its sha256 in the registry, else in its sidecar JSON."""
    paths = get_paths()
    target = path.resolve()
    try:
        for entry in _registry().versions():
            choice = _entry_choice(entry, paths)
            if choice.path is not None and choice.path.resolve() == target:
                return choice
    except FutureSkillsError:
        pass  # no usable registry: try the sidecar
    sidecar = path.with_suffix(".json")
    try:
        meta = read_metadata(sidecar)
        return ModelChoice(path, meta["model_sha256"], str(meta.get("model_version") or path.stem))
    except (FutureSkillsError, KeyError, TypeError):
        return ModelChoice(None, None, None, f"{ENV_MODEL_PATH}={path} has no registry entry and no sidecar "
                                             f"{sidecar.name} with its model_sha256, so it cannot be verified")


def resolve_model() -> ModelChoice:
    """Which model to serve, following the settings (see the module docstring); never raises.

    Re-read only when the settings, the registry file or a pinned model's sidecar changed.
    """
    settings = load_settings()
    watched = [get_paths().registry_json]
    if settings.model_path is not None:
        watched.append(settings.model_path.with_suffix(".json"))  # its sidecar may appear or change
    key = (settings.model_path, settings.model_version, *(_stamp(path) for path in watched))
    if key not in _CHOICE_CACHE:
        _CHOICE_CACHE.clear()
        _CHOICE_CACHE[key] = _resolve_model(settings)
    return _CHOICE_CACHE[key]


def _stamp(path: Path) -> tuple[int, int] | None:
    """(mtime, size) of a file, None when absent: what the choice cache watches."""
    stat = path.stat() if path.exists() else None
    return (stat.st_mtime_ns, stat.st_size) if stat else None


def _resolve_model(settings: Any) -> ModelChoice:
    if settings.model_path is not None:
        return _pinned_path_choice(settings.model_path)
    try:
        entry = _registry().resolve(settings.model_version or AUTO)
    except FutureSkillsError as exc:
        pinned = f" ({ENV_MODEL_VERSION}={settings.model_version})" if settings.model_version else ""
        return ModelChoice(None, None, None, f"the model registry cannot be used{pinned}: {exc}")
    if not entry:
        return ModelChoice(None, None, None, "no model is in production")
    return _entry_choice(entry, get_paths())


def load_serving_model(choice: ModelChoice) -> Any:
    """The pipeline of ``choice``, sha256-verified, cached per (path, sha256, mtime)."""
    if choice.sha256 is None:
        raise FutureSkillsError(f"No sha256 is recorded for {choice.path}, so it cannot be verified.")
    try:
        mtime = os.stat(choice.path).st_mtime_ns
    except OSError:
        mtime = -1  # let load_model raise its ModelNotFoundError
    key = (str(choice.path), choice.sha256, mtime)
    if key not in _MODEL_CACHE:
        model = load_model(choice.path, choice.sha256)
        for step in getattr(model, "named_steps", {}).values():
            if hasattr(step, "n_jobs"):
                step.n_jobs = None  # this loaded copy only: ml_predict picks the threads per batch
        _MODEL_CACHE[key] = model
    return _MODEL_CACHE[key]


def _warn_once(reason: str, category: type[Warning] = RulesFallbackWarning) -> None:
    if reason not in _WARNED:
        _WARNED.add(reason)
        message = (f"Future Skills: the rules engine answers because {reason.rstrip('.')}."
                   if category is RulesFallbackWarning else f"Future Skills: {reason}")
        warnings.warn(message, category, stacklevel=3)


def hr_catalog() -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(roles, skills) of the HR database, read once per process; None when it cannot be read.

    The embedded demo database is never built here: serving must not create data.
    """
    url = load_settings().db_url
    if url not in _CATALOG_CACHE:
        catalog = None
        if url != default_db_url() or get_paths().demo_db.exists():
            try:
                catalog = load_catalog(url)
            except FutureSkillsError:
                catalog = None
        _CATALOG_CACHE[url] = catalog
    return _CATALOG_CACHE[url]


def _fill_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill absent names/department/category from the catalog by ID; what stays absent is "unknown"."""
    if all(name in frame.columns and not frame[name].isna().any() for name in CATEGORICAL_FEATURES):
        return frame.astype({name: str for name in CATEGORICAL_FEATURES})  # all given: no round trip via object
    for name in CATEGORICAL_FEATURES:
        frame[name] = frame[name].astype(object) if name in frame.columns else None
    catalog = hr_catalog()
    if catalog is not None:
        looked_up = lookup_names(frame, catalog)
        for name in CATEGORICAL_FEATURES:
            frame[name] = frame[name].where(frame[name].notna(), looked_up[name])
    if frame[list(CATEGORICAL_FEATURES)].isna().any().any():
        _warn_once("some pairs have no role or skill names and the HR catalog does not supply them; "
                   "those names count as unknown, which makes the prediction less precise.", NamesUnknownWarning)
    for name in CATEGORICAL_FEATURES:
        frame[name] = frame[name].where(frame[name].notna(), UNKNOWN_CATEGORY).astype(str)
    return frame


def active_model() -> tuple[Any | None, ModelChoice]:
    """The loaded model and its choice, or (None, choice with the reason) when rules must answer.

    A suspension (``future-skills suspend``) wins over any model: one ``stat`` per call.
    """
    suspension = _SUSPENSION.check_project()
    if suspension is not None:
        return None, ModelChoice(None, None, None, suspension.sentence())
    choice = resolve_model()
    if choice.reason is not None:
        return None, choice
    try:
        return load_serving_model(choice), choice
    except Exception as exc:  # noqa: BLE001 - any load failure (tampered, missing, unpicklable) means rules
        reason = f"the model {choice.version} ({choice.path}) cannot be loaded: {exc}"
        return None, ModelChoice(choice.path, choice.sha256, choice.version, reason)


def engine_status() -> dict[str, Any]:
    """Which engine would answer now, with the model version or the reason for the rules fallback."""
    model, choice = active_model()
    if model is None:
        return {"engine": RULES_ENGINE, "model_version": RULES_VERSION, "reason": choice.reason}
    return {"engine": ml_engine(model), "model_version": ml_model_version(choice.version), "reason": None,
            "model_path": str(choice.path)}


ON_INVALID = ("refuse", "rules")


class InvalidPairsWarning(UserWarning):
    """Some pairs broke the input contract and were scored by the rules engine (``on_invalid="rules"``)."""


def _as_frame(frame_or_records: pd.DataFrame | list[dict[str, Any]] | dict[str, Any]) -> pd.DataFrame:
    if isinstance(frame_or_records, dict):
        frame_or_records = [frame_or_records]
    frame = (frame_or_records.copy() if isinstance(frame_or_records, pd.DataFrame)
             else pd.DataFrame.from_records(list(frame_or_records)))
    return frame.reset_index(drop=True)


def _problems_sentence(results: list, invalid: int, total: int) -> str:
    """'3 of 10 pairs break the input contract: trend_score between 0 and 1 (rows 2, 5: 7.5, 3.0); …'."""
    parts = []
    for r in (r for r in results if not r.passed):
        rows = ", ".join(str(e["row"]) for e in r.examples if "row" in e)
        values = ", ".join("empty" if pd.isna(e["value"]) else str(e["value"]) for e in r.examples if "row" in e)
        where = f" (rows {rows}: {values})" if rows else " (the column is absent)"
        parts.append(f"{r.column} {r.rule if r.rule != PRESENT else 'is missing'}{where}")
    return f"{invalid} of {total} pairs break the input contract: {'; '.join(parts)}"


def prepare_pairs(frame_or_records: pd.DataFrame | list[dict[str, Any]] | dict[str, Any],
                  on_invalid: str = "refuse") -> tuple[pd.DataFrame, pd.Series]:
    """The pairs checked against the dataset contract's input rules, and which rows break them.

    IDs are required. A missing feature column, an empty, non-numeric or out-of-contract value
    makes its row invalid: ``on_invalid="refuse"`` raises a FutureSkillsError naming them (nothing
    is scored), ``"rules"`` keeps them (their bad values as NaN) for the rules engine to score.
    Names are optional (from the catalog).
    """
    if on_invalid not in ON_INVALID:
        raise FutureSkillsError(f"on_invalid must be one of {', '.join(ON_INVALID)}, got {on_invalid!r}.")
    frame = _as_frame(frame_or_records)
    missing_ids = [name for name in ID_COLUMNS if name not in frame.columns]
    if missing_ids:
        raise FutureSkillsError(f"The pairs to score lack the column(s) {', '.join(missing_ids)}; add them and retry.")
    contract = load_contract()
    if features_pass(frame, contract):  # the common case, without pandera's overhead
        results, rows = [], set()
    else:
        results, rows = check_frame(frame, features_schema(contract), contract)
    absent = [name for name in NUMERIC_FEATURES if name not in frame.columns]
    invalid = pd.Series(frame.index.isin(sorted(rows)) | bool(absent), index=frame.index)
    if invalid.any():
        sentence = _problems_sentence(results, int(invalid.sum()), len(frame))
        if any(not r.passed and r.column in ID_COLUMNS for r in results):
            raise FutureSkillsError(f"{sentence}. Nothing was scored: give every pair its job_role_id and skill_id "
                                    "as whole numbers above 0.")
        if on_invalid == "refuse":
            raise FutureSkillsError(f"{sentence}. Nothing was scored: fix these values, or score those pairs "
                                    "with the rules engine (--on-invalid rules, or on_invalid=\"rules\").")
        warnings.warn(f"Future Skills: {sentence}; the rules engine scored those {int(invalid.sum())} pair(s), "
                      "counting their missing or unreadable signals as 0.", InvalidPairsWarning, stacklevel=3)
    for name in (*ID_COLUMNS, *NUMERIC_FEATURES):
        values = pd.to_numeric(frame[name], errors="coerce") if name in frame.columns else pd.Series(float("nan"),
                                                                                                    index=frame.index)
        frame[name] = values.astype("int64") if name in ID_COLUMNS else values.astype("float64")
    return _fill_names(frame), invalid


def prepare_frame(frame_or_records: pd.DataFrame | list[dict[str, Any]] | dict[str, Any]) -> pd.DataFrame:
    """The pairs to score, checked against the contract (any invalid row is refused); see :func:`prepare_pairs`."""
    return prepare_pairs(frame_or_records)[0]


def _timestamps(timestamp: Any, count: int) -> list[str]:
    """One ISO timestamp (seconds) per row: now, a single value, or one value per row."""
    if timestamp is None:
        return [datetime.now().isoformat(timespec="seconds")] * count
    if isinstance(timestamp, (str, datetime, pd.Timestamp)):
        return [pd.Timestamp(timestamp).isoformat(timespec="seconds")] * count
    values = list(timestamp)
    if len(values) != count:
        raise FutureSkillsError(f"Got {len(values)} timestamps for {count} pairs; give one per pair or one for all.")
    return [pd.Timestamp(value).isoformat(timespec="seconds") for value in values]


def _log(frame: pd.DataFrame, result: pd.DataFrame, stamps: list[str]) -> None:
    """One log line per prediction, formatted column-wise (no per-row dicts)."""
    columns = {name: result[name].to_numpy() for name in result.columns}
    columns.update({name: frame[name].to_numpy() for name in NUMERIC_FEATURES})
    columns["timestamp"] = stamps
    monitoring.append_formatted(lambda: monitoring.format_columns(columns), len(result), enabled=True)


def _score(frame: pd.DataFrame, active: Callable[[], tuple[Any | None, ModelChoice]] = active_model) -> pd.DataFrame:
    """ML scores when a model is usable, else the rules (warning once with the reason)."""
    model, choice = active()
    if model is not None:
        try:
            scored = ml_predict(model, frame, hot_path.compiled_model(model))
            scored["model_version"] = ml_model_version(choice.version)
            return scored
        except Exception as exc:  # noqa: BLE001 - a model that cannot score (e.g. incompatible) means rules
            choice = ModelChoice(None, None, None, f"the model {choice.version} failed to score: {exc}")
    _warn_once(choice.reason or "no model is available")
    scored = rules_predict(frame)
    if choice.version is not None:  # a model was expected but is missing, damaged or cannot score
        scored["engine"] = FALLBACK_ENGINE
    return scored


def predict(frame_or_records: pd.DataFrame | list[dict[str, Any]] | dict[str, Any], *,
            log: bool | None = None, timestamp: Any = None, on_invalid: str = "refuse") -> pd.DataFrame:
    """Score pairs; returns :data:`RESULT_COLUMNS`, one row per input row, in input order.

    ``log=None`` follows ``FUTURE_SKILLS_ENABLE_MONITORING``; ``timestamp`` (one value or one
    per row, default now) is what the log records. Pairs that break the input contract are
    refused (``on_invalid="refuse"``) or scored by the rules engine (``"rules"``, with a warning
    saying how many). A few complete, valid records take the hot path
    (:mod:`future_skills.serving.hot_path`); everything else the general one below.
    """
    active = functools.cache(active_model)  # one model lookup (and load attempt) per call, whichever path answers
    fast = hot_path.predict_records(frame_or_records, log, timestamp, on_invalid, active)
    if fast is not None:
        return fast
    frame, invalid = prepare_pairs(frame_or_records, on_invalid)
    logging_on = bool(len(frame)) and (load_settings().enable_monitoring if log is None else log)
    try:
        stamps = _timestamps(timestamp, len(frame)) if logging_on else []
    except (ValueError, TypeError) as exc:
        raise FutureSkillsError(f"Invalid timestamp {timestamp!r} ({exc}); give ISO date-times.") from exc
    valid = frame.loc[~invalid]
    parts = [_score(valid, active)] if len(valid) or not len(frame) else []
    if invalid.any():
        parts.append(rules_predict(frame.loc[invalid], missing_as_zero=True))
    scored = pd.concat(parts).sort_index() if len(parts) > 1 else parts[0]
    result = pd.concat([frame[list(ID_COLUMNS)], scored], axis=1)[list(RESULT_COLUMNS)]
    if logging_on:
        _log(frame, result, stamps)
    return result
