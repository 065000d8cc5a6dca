"""Sentences and tables of the drift notebook, written for HR management (no statistics jargon first)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from future_skills.formatting import decimal, integer, percent, window_text
from future_skills.monitoring.statistics import Column, iter_columns, registered
from future_skills.reporting.drift_plots import level_label
from future_skills.reporting.drift_reasons import reason_text
from future_skills.reporting.drift_texts import (
    column_header,
    drift_text,
    readable,
    statistic_explanation,
    statistic_name,
)
from future_skills.schema import LEVELS

STATUSES = ("ok", "watch", "drift", "no_data")
FEATURE_SECTIONS = {"numeric": "features", "categorical": "categorical"}  # drift JSON section per feature type


def status_text(status: str, lang: str = "en") -> str:
    """A feature's or the mix's status as a word ('Watch' / 'À surveiller')."""
    return drift_text(f"status_{status}", lang) if status in STATUSES else status


def _count(value: Any, lang: str) -> Any:
    """A count as the English report always showed it (raw), or with French digit grouping."""
    return value if lang == "en" else integer(value, lang)


def verdict_sentence(report: dict[str, Any], lang: str = "en") -> str:
    """The verdict in one plain sentence, with its reasons as bullets (Markdown)."""
    if report.get("status") == "no_data":
        reason = (report.get("reasons") or [drift_text("no_predictions", lang)])[0]
        return drift_text("no_data", lang, reason=reason_text(reason, lang))
    reference = report.get("reference") or {}
    verdict = report["verdict"]
    lines = [drift_text(f"verdict_{verdict}", lang) if verdict in ("ok", "watch", "retrain") else verdict,
             drift_text("compared", lang, rows=_count(report["rows"], lang), window=report["window"] if lang == "en" else window_text(report["window"], lang),
                        reference_rows=_count(reference.get("rows"), lang), version=reference.get("version")), ""]
    lines += [f"- {reason_text(reason, lang)}" for reason in report.get("reasons", [])]
    return "\n".join(lines)


def _cell(value: Any, column: Column, lang: str) -> Any:
    """One table cell in the column's declared format."""
    if column.format == "percent":
        return percent(value, lang)
    if column.format == "pvalue":
        return "—" if value is None else decimal(value, column.digits, lang, grouping=False)
    if column.format == "text":
        return reason_text(value, lang) or ""
    if lang == "fr" and column.format == "number" and isinstance(value, float):
        return decimal(value, column.digits, lang, grouping=False)
    return value


def statistics_table(report: dict[str, Any], feature_type: str, lang: str = "en") -> pd.DataFrame | None:
    """One row per feature of ``feature_type``: every registered statistic's columns, then the status."""
    section = report.get(FEATURE_SECTIONS[feature_type]) or {}
    if not section:
        return None
    columns = [(column_header(s, c, lang), c) for s, c in iter_columns(feature_type)]
    feature, status = drift_text("feature", lang), drift_text("status", lang)
    rows = [{feature: readable(name, lang), **{h: _cell(r.get(c.key), c, lang) for h, c in columns},
             status: status_text(r["status"], lang)} for name, r in section.items()]
    digits = {h: c.digits for h, c in columns if c.format == "number"} if lang == "en" else {}
    return pd.DataFrame(rows).round(digits).set_index(feature)


def feature_table(report: dict[str, Any], lang: str = "en") -> pd.DataFrame | None:
    """One row per numeric feature: the registered numeric statistics (PSI, KS, out of range…) and the status."""
    return statistics_table(report, "numeric", lang)


def categorical_table(report: dict[str, Any], lang: str = "en") -> pd.DataFrame | None:
    """One row per categorical feature: the registered categorical statistics (unseen, chi-square…) and the status."""
    return statistics_table(report, "categorical", lang)


def statistics_glossary(report: dict[str, Any], feature_type: str = "numeric", lang: str = "en") -> str:
    """What each registered statistic of ``feature_type`` measures, with the thresholds in force (Markdown)."""
    thresholds = report.get("thresholds") or {}
    separator = "\u00a0:" if lang == "fr" else ":"
    return "\n".join(f"- **{statistic_name(s, lang)}**{separator} {statistic_explanation(s, thresholds, lang)}."
                     for s in registered(feature_type))


def prediction_mix_table(report: dict[str, Any], lang: str = "en") -> pd.DataFrame | None:
    """Share of each predicted level: model's test split vs logged predictions."""
    mix = report.get("prediction_mix") or {}
    if "reference" not in mix:
        return None
    level, test, logged = (drift_text(k, lang) for k in ("predicted_level", "test_split", "logged"))
    return pd.DataFrame([{level: level_label(name, lang), test: percent(mix["reference"][name], lang),
                          logged: percent(mix["current"][name], lang)} for name in LEVELS]).set_index(level)


def prediction_mix_sentence(report: dict[str, Any], lang: str = "en") -> str:
    """The prediction-mix and score comparison in words."""
    mix, score = report.get("prediction_mix") or {}, report.get("score") or {}
    if "reference" not in mix:
        return drift_text("mix_not_compared", lang, note=reason_text(mix.get("note", drift_text("no_data_note", lang)), lang))
    return drift_text("mix", lang, psi=decimal(mix["psi"], 3, lang), status=status_text(mix["status"], lang),
                      rows=_count(mix["rows"], lang), current=decimal(score["current_mean"], 1, lang),
                      reference=decimal(score["reference_mean"], 1, lang),
                      pvalue=decimal(score["ks_pvalue"], 4, lang), score_status=status_text(score["status"], lang))


def accuracy_sentence(report: dict[str, Any], lang: str = "en") -> str:
    """Realised accuracy (where HR decided afterwards) and the label-free estimate, in words."""
    if report.get("status") == "no_data":
        return drift_text("no_accuracy", lang)
    parts = []
    realised = report.get("realised_accuracy")
    if realised and realised.get("accuracy") is not None:
        parts.append(drift_text("realised", lang, accuracy=percent(realised["accuracy"], lang), rows=_count(realised["rows"], lang),
                                test=percent(realised["test_accuracy"], lang)))
    else:
        parts.append(drift_text("no_realised", lang))
    estimate = report.get("estimated_accuracy")
    if estimate:
        parts.append(drift_text("estimated", lang, value=percent(estimate["value"], lang), rows=_count(estimate["rows"], lang),
                                test=percent(estimate["test_confidence"], lang), assumption=reason_text(estimate["assumption"], lang)))
    return "\n\n".join(parts)


def log_sentence(report: dict[str, Any], lang: str = "en") -> str:
    """How much of the log was read, and how many malformed lines were skipped."""
    files = report.get("log_files") or []
    notes = "".join(f"\n\n- {reason_text(note, lang)}" for note in report.get("notes", []))
    return drift_text("log", lang, lines=_count(report.get("total_lines", 0), lang), files=len(files),
                      malformed=_count(report.get("malformed_lines", 0), lang)) + notes
