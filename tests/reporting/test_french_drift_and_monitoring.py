"""--report-lang fr beyond index.html: the 04_drift report, the status block and the monitoring page carry no
sentence of the English catalogues (nor the monitoring layer's English reasons and statistic names)."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from matplotlib.figure import Figure

from future_skills.monitoring.drift import analyse_drift
from future_skills.monitoring.log_reader import read_prediction_log
from future_skills.monitoring.log_writer import format_lines
from future_skills.registry.store import Registry
from future_skills.reporting import drift_plots, drift_view
from future_skills.reporting.drift_reasons import reason_text
from future_skills.reporting.monitoring_history import build_monitor_history
from future_skills.reporting.status_block import render_status_block, status_context
from future_skills.thresholds import load_config
from helpers import drift_golden as golden
from helpers.registry import make_entry, model_files_follow_registrations
from helpers.reports import english_sentences


@pytest.fixture(scope="module")
def report():
    """The golden drift case: retrain, two drifted signals, realised accuracy, every kind of reason."""
    records = golden.log_records()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.jsonl"
        log.write_bytes(format_lines(records))
        result = read_prediction_log(log, window="30d", now=golden.NOW)
        config = load_config(Path(tmp) / "none.toml")
    return analyse_drift(golden.inputs(records, result), config)


def _figure_words(fig: Figure | None) -> list[str]:
    if fig is None:
        return []
    words = [fig._suptitle.get_text()] if fig._suptitle else []
    for ax in fig.axes:
        words += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *ax.get_legend_handles_labels()[1]]
        words += [label.get_text() for label in ax.get_yticklabels()]
    for legend in fig.legends:
        words += [t.get_text() for t in legend.get_texts()]
    return words


def drift_report_text(report, lang: str) -> str:
    """Every word the 04_drift notebook shows, in the order of its cells."""
    parts = [drift_view.verdict_sentence(report, lang), drift_view.statistics_glossary(report, "numeric", lang),
             drift_view.feature_table(report, lang).to_string(), drift_view.statistics_glossary(report, "categorical",
                                                                                                 lang),
             drift_view.categorical_table(report, lang).to_string(), drift_view.prediction_mix_sentence(report, lang),
             drift_view.prediction_mix_table(report, lang).to_string(), drift_view.accuracy_sentence(report, lang),
             drift_view.log_sentence(report, lang)]
    for chart in (drift_plots.statistics_chart, drift_plots.feature_histograms, drift_plots.prediction_mix_by_week):
        parts += _figure_words(chart(report, lang=lang))
    return " ".join(" ".join(parts).replace("*", "").split())


def _leaks(french: str, english: str, fragments: set[str]) -> tuple[list[str], int]:
    return [f for f in fragments if f in french], sum(f in english for f in fragments)


def test_the_french_drift_report_has_no_english_sentence(report):
    assert report["verdict"] == "retrain" and len(report["reasons"]) >= 4
    french, english = drift_report_text(report, "fr"), drift_report_text(report, "en")
    fragments = english_sentences() | {r for reason in report["reasons"] for r in [reason] if len(reason.split()) >= 4}
    leaked, shown_in_english = _leaks(french, english, fragments)
    assert not leaked, leaked
    assert shown_in_english > 10  # the check can fail: the English report does contain them
    assert "Réentraînement recommandé" in french and "2 signaux en dérive" in french
    assert "Indice de stabilité de population (PSI)" in french and "45,8 %" in french  # spaces normalised
    assert not any(word in french for word in ("Feature", "Status", "Watch", "Logged predictions"))


def test_english_drift_report_is_unchanged(report):
    assert drift_view.verdict_sentence(report).startswith("**Retrain recommended.** The data has moved away")
    assert list(drift_view.feature_table(report).columns)[:2] == ["PSI", "KS statistic"]
    assert drift_view.feature_table(report).index.name == "Feature"
    assert "- **Population stability index (PSI)**: how far" in drift_view.statistics_glossary(report)
    assert reason_text(report["reasons"][0]) == report["reasons"][0]


def test_an_unknown_reason_is_shown_as_written():
    assert reason_text("a plug-in said so", "fr") == "a plug-in said so"
    assert reason_text("only 20 predictions (< 200): too few to ask for a retrain", "fr") == \
        "seulement 20 prédictions (moins de 200)\u00a0: trop peu pour demander un réentraînement"


@pytest.fixture
def registry(project_root: Path, monkeypatch) -> Registry:
    model_files_follow_registrations(monkeypatch)
    registry = Registry()
    registry.register({**make_entry("v1"), "created_at": "2026-10-01T00:00:00"})
    registry.approve("v1", by="Claire Martin")
    registry.promote("v1", by="Ops")
    registry.register({**make_entry("v2"), "created_at": "2026-11-09T10:00:00"})
    registry.reject("v2", by="Claire Martin", comment="too early")
    registry.suspend(by="Claire Martin", reason="works council")
    return registry


def _page_text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def test_the_french_status_block_has_no_english_sentence(registry: Registry):
    french, english = (_page_text(render_status_block(status_context(registry.load(), version, registry.paths, lang),
                                                      lang)) for version, lang in (("v2", "fr"), ("v2", "en")))
    leaked, shown_in_english = _leaks(french, english, english_sentences())
    assert not leaked, leaked
    assert shown_in_english >= 3
    assert "approved by" not in french and "suspended by" not in french


def test_the_french_monitoring_page_has_no_english_sentence(registry: Registry, project_root: Path, report):
    folder = project_root / "runs" / "monitoring" / "20261108T060000"
    folder.mkdir(parents=True)
    drift = json.loads(json.dumps(dict(report), default=str))
    (folder / "drift.json").write_text(json.dumps({**drift, "generated_at": "2026-11-08T06:00:00"}))
    pages = {lang: _page_text(build_monitor_history(lang=lang)[0].read_text()) for lang in ("en", "fr")}
    fragments = english_sentences() | {r for r in report["reasons"] if len(r.split()) >= 4}
    leaked, shown_in_english = _leaks(pages["fr"], pages["en"], fragments)
    assert not leaked, leaked
    assert shown_in_english > 5
    assert "Historique du suivi de la dérive" in pages["fr"] and "8 novembre 2026 à 06:00" in pages["fr"]
    assert "30 jours" in pages["fr"] and "réentraîner" in pages["fr"]
    html = (project_root / "reports" / "monitoring" / "index.html").read_text()
    assert '<html lang="fr">' in html


def test_console_lines_in_both_languages():
    from future_skills.reporting.texts import cli_text

    assert cli_text("registered", "en", version="v2", status="candidate", path="r/index.html") == \
        "v2 registered as candidate. Audit report: r/index.html"
    assert cli_text("registered", "fr", version="v2", status="candidate", path="r/index.html") == \
        "v2 enregistrée, statut\u00a0: candidat, approbation en attente. Rapport d'audit\u00a0: r/index.html"
    assert cli_text("drift_verdict", "fr", verdict="watch", rows="2 000", malformed=0).startswith(
        "Verdict de dérive\u00a0: à surveiller (2 000 prédictions")
