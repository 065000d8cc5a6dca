"""Sentences and tables of the drift notebook, written for HR management (no statistics jargon first)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from future_skills.formatting import percent
from future_skills.monitoring.statistics import Column, iter_columns, registered
from future_skills.reporting.drift_plots import readable
from future_skills.reporting.plots import LEVEL_NAMES
from future_skills.schema import LEVELS

VERDICT_TEXT = {
    "ok": "**No drift.** Recent predictions look like the data the model was trained on; nothing to do.",
    "watch": "**Watch.** Some signals moved; the model can stay in production, but keep an eye on the next reports.",
    "retrain": "**Retrain recommended.** The data has moved away from what the model learned; train a new version.",
}
STATUS_TEXT = {"ok": "OK", "watch": "Watch", "drift": "Drift", "no_data": "No data"}
FEATURE_SECTIONS = {"numeric": "features", "categorical": "categorical"}  # drift JSON section per feature type


def verdict_sentence(report: dict[str, Any]) -> str:
    """The verdict in one plain sentence, with its reasons as bullets (Markdown)."""
    if report.get("status") == "no_data":
        reason = (report.get("reasons") or ["no predictions in the window"])[0]
        return (f"**No drift analysis possible:** {reason}. The verdict stays *ok* because there is nothing "
                "to compare; this report will fill in once predictions are logged.")
    reference = report.get("reference") or {}
    lines = [VERDICT_TEXT.get(report["verdict"], report["verdict"]),
             f"\nCompared {report['rows']} predictions logged in the window *{report['window']}* with the "
             f"{reference.get('rows')} training rows of model **{reference.get('version')}**.", ""]
    lines += [f"- {reason}" for reason in report.get("reasons", [])]
    return "\n".join(lines)


def _cell(value: Any, column: Column) -> Any:
    """One table cell in the column's declared format."""
    if column.format == "percent":
        return percent(value)
    if column.format == "pvalue":
        return "—" if value is None else f"{value:.{column.digits}f}"
    if column.format == "text":
        return value or ""
    return value


def statistics_table(report: dict[str, Any], feature_type: str) -> pd.DataFrame | None:
    """One row per feature of ``feature_type``: every registered statistic's columns, then the status."""
    section = report.get(FEATURE_SECTIONS[feature_type]) or {}
    if not section:
        return None
    columns = list(iter_columns(feature_type))
    rows = [{"Feature": readable(name), **{c.header: _cell(r.get(c.key), c) for _, c in columns},
             "Status": STATUS_TEXT.get(r["status"], r["status"])} for name, r in section.items()]
    digits = {c.header: c.digits for _, c in columns if c.format == "number"}
    return pd.DataFrame(rows).round(digits).set_index("Feature")


def feature_table(report: dict[str, Any]) -> pd.DataFrame | None:
    """One row per numeric feature: the registered numeric statistics (PSI, KS, out of range…) and the status."""
    return statistics_table(report, "numeric")


def categorical_table(report: dict[str, Any]) -> pd.DataFrame | None:
    """One row per categorical feature: the registered categorical statistics (unseen, chi-square…) and the status."""
    return statistics_table(report, "categorical")


def statistics_glossary(report: dict[str, Any], feature_type: str = "numeric") -> str:
    """What each registered statistic of ``feature_type`` measures, with the thresholds in force (Markdown)."""
    thresholds = report.get("thresholds") or {}
    return "\n".join(f"- **{s.display_name}**: {s.explain(thresholds)}." for s in registered(feature_type))


def prediction_mix_table(report: dict[str, Any]) -> pd.DataFrame | None:
    """Share of each predicted level: model's test split vs logged predictions."""
    mix = report.get("prediction_mix") or {}
    if "reference" not in mix:
        return None
    return pd.DataFrame([{"Predicted level": LEVEL_NAMES[level], "Test split (reference)": percent(mix["reference"][level]),
                          "Logged predictions": percent(mix["current"][level])} for level in LEVELS]
                        ).set_index("Predicted level")


def prediction_mix_sentence(report: dict[str, Any]) -> str:
    """The prediction-mix and score comparison in words."""
    mix, score = report.get("prediction_mix") or {}, report.get("score") or {}
    if "reference" not in mix:
        return f"The predicted-level mix is not compared: {mix.get('note', 'no data')}."
    return (f"Mix of predicted levels: PSI {mix['psi']:.3f} ({STATUS_TEXT[mix['status']]}), over {mix['rows']} "
            f"predictions of the reference model. Mean score {score['current_mean']:.1f} vs "
            f"{score['reference_mean']:.1f} on the test split (KS p-value {score['ks_pvalue']:.4f}, "
            f"{STATUS_TEXT[score['status']]}).")


def accuracy_sentence(report: dict[str, Any]) -> str:
    """Realised accuracy (where HR decided afterwards) and the label-free estimate, in words."""
    if report.get("status") == "no_data":
        return "No accuracy can be measured without logged predictions."
    parts = []
    realised = report.get("realised_accuracy")
    if realised and realised.get("accuracy") is not None:
        parts.append(f"**Realised accuracy:** {percent(realised['accuracy'])} on {realised['rows']} predictions that HR "
                     f"decided on afterwards (test accuracy {percent(realised['test_accuracy'])}).")
    else:
        parts.append("**Realised accuracy:** no HR decision was recorded yet for the logged predictions.")
    estimate = report.get("estimated_accuracy")
    if estimate:
        parts.append(f"**Estimated accuracy without labels:** {percent(estimate['value'])} (mean confidence of "
                     f"{estimate['rows']} predictions; {percent(estimate['test_confidence'])} on the test split). "
                     f"Assumes {estimate['assumption']}.")
    return "\n\n".join(parts)


def log_sentence(report: dict[str, Any]) -> str:
    """How much of the log was read, and how many malformed lines were skipped."""
    files = report.get("log_files") or []
    notes = "".join(f"\n\n- {note}" for note in report.get("notes", []))
    return (f"Read {report.get('total_lines', 0)} log lines from {len(files)} file(s); "
            f"**{report.get('malformed_lines', 0)} malformed lines** were skipped (torn, empty or invalid)."
            f"{notes}")
