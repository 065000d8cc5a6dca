"""Figures speak the report's language down to their tick labels; the reliability diagram shows every point."""
from __future__ import annotations

import re

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from future_skills.monitoring.statistics import charted
from future_skills.reporting import drift_plots, plots
from future_skills.reporting.monitoring_history import statistic_history_figure
from future_skills.schema import NUMERIC_FEATURES
from helpers.reports import candidate_metadata

CALIBRATION = {"bins": [{"confidence": 0.33, "accuracy": 0.12, "rows": 9}, {"confidence": 0.62, "accuracy": 0.6,
                                                                            "rows": 120},
                        {"confidence": 0.98, "accuracy": 1.0, "rows": 300}]}


def tick_labels(fig: Figure) -> list[str]:
    FigureCanvasAgg(fig).draw()
    return [t.get_text() for ax in fig.axes for t in (*ax.get_xticklabels(), *ax.get_yticklabels()) if t.get_text()]


def drift_report() -> dict:
    features = {name: {"status": "drift" if i == 0 else "ok", **{s.chart_key: 0.05 * (i + 1) for s in charted("numeric")}}
                for i, name in enumerate(NUMERIC_FEATURES)}
    return {"features": features, "thresholds": {"psi_watch": 0.1, "psi_drift": 0.25}}


def figures(lang: str) -> dict[str, Figure]:
    metadata = candidate_metadata()
    evaluation = metadata["evaluation"]
    history = [{"_run": f"2026111{i}T040000", "features": drift_report()["features"]} for i in range(3)]
    return {"comparison": plots.comparison_figure(evaluation["candidate"], evaluation["production"], lang=lang),
            "reliability": plots.reliability_figure(CALIBRATION, lang),
            "importance": plots.feature_importance_figure({"trend_score": 0.31, "salary_k": 0.125}, "t", lang),
            "statistics": drift_plots.statistics_chart(drift_report(), lang),
            "history": statistic_history_figure(history, charted("numeric")[0], lang)}


def test_french_tick_labels_have_decimal_commas_and_no_decimal_points():
    for name, fig in figures("fr").items():
        labels = tick_labels(fig)
        decimals = [t for t in labels if re.search(r"\d[.,]\d", t)]
        assert decimals, (name, labels)
        assert all("," in t for t in decimals), (name, labels)
        assert not any(re.search(r"\d\.\d", t) for t in labels), (name, labels)


def test_english_tick_labels_keep_decimal_points():
    for name, fig in figures("en").items():
        labels = [t for t in tick_labels(fig) if re.search(r"\d[.,]\d", t)]
        assert labels and all("." in t for t in labels), (name, labels)


@pytest.mark.parametrize("values, expected", [([0, 0.05, 0.1], ["0,00", "0,05", "0,10"]),
                                              ([0, 1, 2], ["0", "1", "2"]), ([0.2, 0.4], ["0,2", "0,4"])])
def test_ticks_of_an_axis_share_one_number_of_decimals(values, expected):
    assert plots.TickFormatter("fr").format_ticks(values) == expected


def test_share_ticks_are_percentages():
    assert plots.TickFormatter("fr", share=True).format_ticks([0.25, 0.5]) == ["25\u202f%", "50\u202f%"]


def test_the_reliability_diagram_holds_every_point_inside_its_axes():
    fig = plots.reliability_figure(CALIBRATION, "en")
    ax = fig.axes[0]
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    for b in CALIBRATION["bins"]:
        assert x_low < b["confidence"] < x_high and y_low < b["accuracy"] < y_high
    assert y_high > 1.0 and y_low < 0.12  # the point at 1.0 and the one at 0.12 are not on the edge
