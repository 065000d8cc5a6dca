"""The drift statistics registry: each statistic declares what it measures, for which features, and how it is read.

Modelled on the stat-test registry of Evidently (a test has a name, a display name, the feature
types it accepts and its thresholds, and is looked up by feature type). Here a
:class:`DriftStatistic` declares:

* ``name`` (the registry key), ``display_name`` (tables, charts) and ``description`` (one line
  for readers, formatted with the thresholds);
* ``feature_types``: ``"numeric"`` (values) or ``"categorical"`` (counts per category);
* ``threshold_keys``: the keys of the ``[drift]`` thresholds it reads (``defaults`` for keys a
  plugged-in statistic brings that ``thresholds.DEFAULTS`` does not know);
* ``compute(reference, current)`` → the result keys it adds to the feature's drift JSON entry;
* ``level(values, thresholds)`` → its own signal, ``ok`` / ``watch`` / ``drift``;
* ``kind``: an ``effect`` (how far the distribution moved) counts towards the feature's status;
  a ``test`` (is the move more than chance: ``drift`` means significant) only confirms effects;
  an effect reports the levels in ``confirm_levels`` only when the test ``confirmed_by`` is
  significant, else one level lower (PSI drift without a significant KS test is *watch*);
* ``columns``: the result keys shown in tables, with their header and format; ``chart_key``:
  the value charted per feature against the ``watch_key`` / ``drift_key`` thresholds.

:func:`feature_status` applies these declarations; the verdict, the tables and the charts
iterate over :func:`registered` statistics, so registering one (:func:`register`) is the only
change needed to add it. The built-in statistics live in :mod:`future_skills.monitoring.builtin_statistics`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from future_skills.exceptions import ConfigError
from future_skills.thresholds import DEFAULTS

LEVELS_ORDER = ("ok", "watch", "drift")
FEATURE_TYPES = ("numeric", "categorical")


@dataclass(frozen=True)
class Column:
    """One result key shown in a table: its header and how to format it (number, pvalue, percent, text)."""

    key: str
    header: str
    format: str = "number"
    digits: int = 3


@dataclass(frozen=True)
class DriftStatistic:
    """A drift statistic as registered (see the module docstring)."""

    name: str
    display_name: str
    feature_types: tuple[str, ...]
    threshold_keys: tuple[str, ...]
    compute: Callable[[Any, Any], dict[str, Any]]
    level: Callable[[Mapping[str, Any], Mapping[str, Any]], str]
    columns: tuple[Column, ...]
    description: str = ""
    kind: str = "effect"
    confirmed_by: str | None = None
    confirm_levels: tuple[str, ...] = ()
    chart_key: str | None = None
    watch_key: str | None = None
    drift_key: str | None = None
    defaults: Mapping[str, float] = field(default_factory=dict)

    def explain(self, thresholds: Mapping[str, Any]) -> str:
        """The one-line description with this statistic's thresholds filled in."""
        return self.description.format(**{**DEFAULTS["drift"], **self.defaults, **thresholds})


_REGISTRY: dict[str, DriftStatistic] = {}


def register(statistic: DriftStatistic) -> DriftStatistic:
    """Add (or replace) a statistic; its feature types and threshold keys are checked now, not at analysis."""
    unknown_types = set(statistic.feature_types) - set(FEATURE_TYPES)
    if unknown_types or statistic.kind not in ("effect", "test"):
        raise ConfigError(f"Drift statistic {statistic.name!r}: feature types must be among {FEATURE_TYPES} and "
                          f"kind 'effect' or 'test'; fix its declaration.")
    missing = [k for k in statistic.threshold_keys if k not in DEFAULTS["drift"] and k not in statistic.defaults]
    if missing:
        raise ConfigError(f"Drift statistic {statistic.name!r} reads unknown thresholds {', '.join(missing)}; "
                          "declare them in its defaults or in thresholds.DEFAULTS['drift'].")
    _REGISTRY[statistic.name] = statistic
    return statistic


def unregister(name: str) -> None:
    """Remove a statistic (tests and plug-ins); unknown names are ignored."""
    _REGISTRY.pop(name, None)


def registered(feature_type: str | None = None) -> list[DriftStatistic]:
    """The statistics in registration order, those accepting ``feature_type`` when given."""
    return [s for s in _REGISTRY.values() if feature_type is None or feature_type in s.feature_types]


def charted(feature_type: str = "numeric") -> list[DriftStatistic]:
    """The statistics drawn per feature (bar chart, history), in registration order."""
    return [s for s in registered(feature_type) if s.chart_key]


def resolved_thresholds(thresholds: Mapping[str, Any]) -> dict[str, Any]:
    """The drift thresholds with every registered statistic's own defaults filled in where unset."""
    merged: dict[str, Any] = {}
    for statistic in _REGISTRY.values():
        merged.update(statistic.defaults)
    merged.update(thresholds)
    return merged


def _lower(level: str) -> str:
    return LEVELS_ORDER[max(LEVELS_ORDER.index(level) - 1, 0)]


def feature_status(values: Mapping[str, Any], statistics: list[DriftStatistic],
                   thresholds: Mapping[str, Any]) -> str:
    """ok / watch / drift of one feature: the highest level of its effects, each confirmed as declared.

    A test that is not among ``statistics`` confirms nothing, so the effect it should confirm
    stands alone.
    """
    levels = {s.name: s.level(values, thresholds) for s in statistics}
    status = "ok"
    for statistic in statistics:
        if statistic.kind != "effect":
            continue
        level = levels[statistic.name]
        if level in statistic.confirm_levels and statistic.confirmed_by in levels \
                and levels[statistic.confirmed_by] != "drift":
            level = _lower(level)
        if LEVELS_ORDER.index(level) > LEVELS_ORDER.index(status):
            status = level
    return status


def compare(reference: Any, current: Any, feature_type: str, thresholds: Mapping[str, Any]) -> dict[str, Any]:
    """Every registered statistic of ``feature_type`` on one feature, and its status."""
    statistics = registered(feature_type)
    values: dict[str, Any] = {}
    for statistic in statistics:
        values.update(statistic.compute(reference, current))
    values["status"] = feature_status(values, statistics, thresholds)
    return values


def iter_columns(feature_type: str) -> Iterator[tuple[DriftStatistic, Column]]:
    """(statistic, column) of every table column of ``feature_type``, in registration order."""
    for statistic in registered(feature_type):
        for column in statistic.columns:
            yield statistic, column


# The built-ins register themselves on import; imported last because they use the definitions above.
from future_skills.monitoring import builtin_statistics  # noqa: E402,F401
