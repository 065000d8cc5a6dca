"""Simulated HR-application traffic on the demo database, through the real prediction path.

For each day of the period, ``rows_per_day`` (job role, skill) pairs are drawn from the latest
signals of each pair in the HR database, lightly jittered (5 % of a standard deviation), and —
with ``drift`` > 0 — ``trend_score`` and ``scarcity_index`` are shifted upwards by up to
``drift × 2`` standard deviations, growing linearly over the days (clipped to the dataset
contract's ranges in force, so simulated traffic never breaks the input contract). The pairs are scored by :func:`serving.predict` with timestamps within that day's
working hours, and are logged (``log=True``: simulating traffic is meant to fill the log).
For ``decision_share`` of them, an HR decision is recorded (label from the demo data's hidden
rule, ``decided_at`` 1–7 days after the prediction, ``snapshot_date`` = the prediction date)
together with the matching signals, through ``database.record_observations``.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any, Callable

import numpy as np
import pandas as pd

from future_skills.data import database
from future_skills.data.contract import ColumnRange, numeric_ranges
from future_skills.data.demo import ensure_demo_database, hidden_need_level
from future_skills.exceptions import FutureSkillsError
from future_skills.schema import ID_COLUMNS, KEY_COLUMNS, LABEL, NUMERIC_FEATURES

SHIFTED_FEATURES: tuple[str, ...] = ("trend_score", "scarcity_index")
MAX_SHIFT_STD = 2.0
JITTER_STD = 0.05
WORKDAY_START_HOUR = 8
WORKDAY_SECONDS = 10 * 3600


def validate_arguments(days: Any, rows_per_day: Any, drift: Any, decision_share: Any) -> None:
    """Reject impossible arguments with one sentence each."""
    for name, value in (("days", days), ("rows_per_day", rows_per_day)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise FutureSkillsError(f"{name} must be a positive whole number, got {value!r}.")
    for name, value in (("drift", drift), ("decision_share", decision_share)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
            raise FutureSkillsError(f"{name} must be a number between 0 and 1, got {value!r}.")


def latest_pairs(dataset: pd.DataFrame) -> pd.DataFrame:
    """The most recent row of every (job role, skill) pair."""
    if dataset.empty:
        raise FutureSkillsError("The HR database holds no labelled signals to draw pairs from; build the demo data first.")
    ordered = dataset.sort_values("snapshot_date", kind="stable")
    latest = ordered.drop_duplicates(list(ID_COLUMNS), keep="last")
    return latest.sort_values(list(ID_COLUMNS)).reset_index(drop=True)


def shift_features(batch: pd.DataFrame, factor: float, stds: pd.Series, rng: np.random.Generator,
                   integer_columns: set[str], ranges: dict[str, ColumnRange] | None = None) -> pd.DataFrame:
    """Jitter every numeric feature, shift the drifting ones by ``factor × 2 std``, clip to the contract's ranges."""
    ranges = ranges or numeric_ranges()
    shifted = batch.copy()
    for name in NUMERIC_FEATURES:
        values = shifted[name].to_numpy(dtype=float) + rng.normal(0.0, JITTER_STD * stds[name], len(shifted))
        if name in SHIFTED_FEATURES:
            values = values + factor * MAX_SHIFT_STD * stds[name]
        values = ranges[name].clip(np.round(values) if name in integer_columns else np.round(values, 3))
        shifted[name] = values
    return shifted


def day_timestamps(day: date, count: int, rng: np.random.Generator) -> pd.Series:
    """``count`` sorted timestamps within the working hours of ``day``."""
    start = pd.Timestamp(day) + pd.Timedelta(hours=WORKDAY_START_HOUR)
    seconds = np.sort(rng.integers(0, WORKDAY_SECONDS, count))
    return pd.Series(start + pd.to_timedelta(seconds, unit="s"))


def observations(batch: pd.DataFrame, stamps: pd.Series, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(signals, decisions) of the pairs HR decided on: labels from the hidden rule, decided 1–7 days later."""
    signals = batch[[*ID_COLUMNS, *NUMERIC_FEATURES]].copy()
    signals["snapshot_date"] = stamps.dt.strftime("%Y-%m-%d").to_numpy()
    signals = signals[[*KEY_COLUMNS, *NUMERIC_FEATURES]].drop_duplicates(list(KEY_COLUMNS), keep="last")
    labelled = batch.loc[signals.index]
    decided = stamps.loc[signals.index] + pd.to_timedelta(rng.uniform(1, 7, len(signals)), unit="D")
    decisions = signals[list(KEY_COLUMNS)].copy()
    decisions[LABEL] = np.asarray(hidden_need_level(labelled, rng))
    decisions["decided_at"] = decided.dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy()
    return signals.reset_index(drop=True), decisions.reset_index(drop=True)


def _end_day(end: Any) -> date:
    if end is None:
        return date.today()
    try:
        return pd.Timestamp(end).date()
    except (ValueError, TypeError) as exc:
        raise FutureSkillsError(f"Invalid end date {end!r}: give an ISO date such as 2025-11-30.") from exc


def simulate_traffic(*, predict: Callable[..., pd.DataFrame], days: int = 30, rows_per_day: int = 200,
                     drift: float = 0.0, db_url: str | None = None, seed: int = 0, decision_share: float = 0.3,
                     end: Any = None) -> dict[str, Any]:
    """Score and log ``days × rows_per_day`` simulated predictions, record some HR decisions; returns counts.

    ``predict`` is the serving API (:func:`future_skills.serving.predict.predict`), passed in by the
    caller: the simulation plays the HR application, which sits above serving.
    """
    validate_arguments(days, rows_per_day, drift, decision_share)
    last = _end_day(end)

    url = ensure_demo_database(db_url)
    dataset = database.export_dataset(url)
    pairs = latest_pairs(dataset)
    stds = dataset[list(NUMERIC_FEATURES)].astype(float).std().fillna(0.0)
    integers = {n for n in NUMERIC_FEATURES if np.allclose(dataset[n].astype(float) % 1, 0)}
    rng = np.random.default_rng(seed)
    ranges = numeric_ranges()
    versions: Counter[str] = Counter()
    signals, decisions = [], []
    for index in range(days):
        day = last - timedelta(days=days - 1 - index)
        batch = pairs.iloc[rng.integers(0, len(pairs), rows_per_day)].reset_index(drop=True)
        batch = shift_features(batch, float(drift) * (index + 1) / days, stds, rng, integers, ranges)
        stamps = day_timestamps(day, rows_per_day, rng)
        result = predict(batch, log=True, timestamp=stamps)
        versions.update(result["model_version"].tolist())
        chosen = rng.random(rows_per_day) < decision_share
        if chosen.any():
            day_signals, day_decisions = observations(batch.loc[chosen], stamps.loc[chosen], rng)
            signals.append(day_signals)
            decisions.append(day_decisions)
    recorded = 0
    if decisions:
        all_signals, all_decisions = pd.concat(signals), pd.concat(decisions)
        database.record_observations(url, all_signals, all_decisions)
        recorded = len(all_decisions)
    return {"days": days, "predictions": days * rows_per_day, "decisions": recorded,
            "start": (last - timedelta(days=days - 1)).isoformat(), "end": last.isoformat(),
            "drift": float(drift), "model_versions": dict(versions)}
