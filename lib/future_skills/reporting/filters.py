"""The Jinja filters of the HTML templates: every value goes through ``formatting`` or a view, in one language."""
from __future__ import annotations

from typing import Any, Callable

from future_skills.formatting import (
    cell,
    colon,
    date_time,
    decimal,
    integer,
    level_name,
    long_date,
    mark,
    outcome,
    p_statement,
    p_value,
    percent,
    points,
    window_text,
)
from future_skills.model.gate_texts import criterion_detail, criterion_name, verdict_text
from future_skills.reporting import decision_view
from future_skills.reporting.changes_view import change_row
from future_skills.reporting.drift_texts import readable
from future_skills.reporting.export_view import refusal_view
from future_skills.reporting.metrics_view import measure, measure_change, metric_label


def template_filters(lang: str) -> dict[str, Callable[..., Any]]:
    """All filters bound to ``lang``."""
    return {
        "pct": lambda v, d=1: percent(v, lang, d),
        "num": lambda v, d=3: decimal(v, d, lang),
        "pvalue": lambda v: p_value(v, lang),
        "pstatement": lambda v: p_statement(v, lang),
        "signed": lambda v, d=3: decimal(v, d, lang, signed=True),
        "int": lambda v: integer(v, lang),
        "points": lambda v: points(v, lang),
        "date": lambda v: long_date(v, lang),
        "datetime": lambda v: date_time(v, lang),
        "window": lambda v: window_text(v, lang),
        "cell": lambda v, signed=False: cell(v, lang, signed=signed),
        "metric": lambda key: metric_label(key, lang),
        "measure": lambda key, v: measure(key, v, lang),
        "measure_change": lambda key, v: measure_change(key, v, lang),
        "level": lambda v: level_name(v, lang),
        "mark": lambda state: mark(state, lang),
        "label": lambda text: colon(text, lang),
        "readable": lambda name: readable(name, lang),
        "change_row": lambda row: change_row(row, lang),
        "refusal": lambda refused: refusal_view(refused, lang),
        "criterion_name": lambda c: criterion_name(c["id"], lang),
        "criterion_detail": lambda c: criterion_detail(c, lang),
        "outcome": lambda c: mark(outcome(c.get("passed"), checked=c.get("checked", True)), lang),
        "verdict": lambda criteria, passed: verdict_text(criteria, bool(passed), lang),
        "recommendation": lambda d: decision_view.recommendation_title(d, lang),
        "reason": lambda r: decision_view.reason_sentence(r, lang, lambda name: readable(name, lang)),
        "error_sentences": lambda d: decision_view.error_sentences(d, lang),
        "recent_sentence": lambda recent: decision_view.reason_sentence(
            {"code": "recent", "values": {"rows": recent["rows"], "after": recent.get("after"),
                                          "candidate": recent["candidate"]["accuracy"],
                                          "production": recent["production"]["accuracy"]}}, lang),
    }
