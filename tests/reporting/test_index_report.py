"""index.html as DRH reads it: one number per figure, French without English, the status block."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from future_skills.formatting import percent
from future_skills.reporting.html import write_run_index
from helpers.reports import candidate_metadata, english_sentences
from helpers.reports import index_context as context


@pytest.fixture
def pages(project_root, tmp_path: Path) -> dict[str, BeautifulSoup]:
    metadata = candidate_metadata()
    return {lang: BeautifulSoup(write_run_index(tmp_path / f"{lang}.html", context(metadata, lang), lang).read_text(),
                                "html.parser") for lang in ("en", "fr")}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_figure_shown_twice_is_the_same_number(pages, lang):
    soup = pages[lang]
    shown: dict[str, set[str]] = {}
    for span in soup.select("[data-figure]"):
        shown.setdefault(span["data-figure"], set()).add(span.get_text(strip=True))
    repeated = {key: values for key, values in shown.items() if len(soup.select(f'[data-figure="{key}"]')) > 1}
    assert "candidate.accuracy" in repeated and "production.accuracy" in repeated
    assert all(len(values) == 1 for values in repeated.values()), repeated
    accuracy = shown["candidate.accuracy"].pop()
    criteria = soup.find(id="criteria").get_text(" ")
    assert accuracy in criteria  # the criterion's sentence quotes the very same figure


def test_the_decision_sheet_comes_first_and_carries_the_decision(pages):
    soup = pages["en"]
    headings = [h.get_text(strip=True) for h in soup.find_all("h2")]
    assert headings[0] == "Decision sheet"
    sheet = soup.find(id="decision-sheet")
    assert "approve with reservations" in sheet.find(id="recommendation").get_text()
    reasons = sheet.select("#reasons li")
    assert 3 <= len(reasons) <= 5
    assert "95% range" in sheet.get_text() and "within chance" in sheet.get_text()
    assert "retrain recommended" in sheet.find(id="live").get_text()
    block = sheet.find(id="decision-block").get_text()
    assert all(word in block for word in ("Approve", "Reject", "Name:", "Date:", "Signature:"))
    assert soup.title.get_text() == "v2 — Audit summary"
    assert soup.find(id="owner").get_text(strip=True) == "HR data team"


def test_french_report_has_no_sentence_of_the_english_catalogue(pages):
    text = " ".join(pages["fr"].get_text(" ").split())
    fragments = english_sentences()
    assert len(fragments) > 100
    leaked = [f for f in fragments if f in text]
    assert not leaked, leaked
    english = " ".join(pages["en"].get_text(" ").split())
    assert sum(f in english for f in fragments) > 40  # the check can fail: English pages do contain them


def test_french_numbers_and_typography(pages):
    text = pages["fr"].get_text(" ")
    assert re.search(r"\d+,\d\u202f%", text) and not re.search(r"\d+\.\d%", text)
    assert "Verdict\u00a0:" in text and "24 novembre 2026" in text


def test_status_block_region_is_there_once_after_the_decision_sheet(pages):
    page = str(pages["fr"])
    begin, end = page.index("<!-- status:begin -->"), page.index("<!-- status:end -->")
    assert page.count("<!-- status:begin -->") == 1 and page.count("<!-- status:end -->") == 1
    assert page.index('id="decision-sheet"') < begin < end
    assert "candidat, approbation en attente" in page[begin:end]
    assert "future-skills approve v2" in page[begin:end]


def test_figures_use_the_shared_formatter(pages):
    accuracy = candidate_metadata()["evaluation"]["paired"]["candidate"]["accuracy"]
    assert pages["en"].find(attrs={"data-figure": "candidate.accuracy"}).get_text() == percent(accuracy)
    assert pages["fr"].find(attrs={"data-figure": "candidate.accuracy"}).get_text() == percent(accuracy, "fr")


def test_the_calibration_chart_is_the_one_03_evaluate_drew_else_drawn_in_the_pages_language(monkeypatch, tmp_path):
    """The run's own process takes the chart from the executed 03_evaluate notebook instead of importing matplotlib."""
    from future_skills.reporting import plots, run_index

    drawn: list[str] = []
    original = plots.reliability_figure
    monkeypatch.setattr(plots, "reliability_figure", lambda calibration, lang: drawn.append(lang) or
                        original(calibration, lang))
    calibration = {"bins": [{"confidence": 0.55, "accuracy": 0.5, "rows": 40},
                            {"confidence": 0.9, "accuracy": 0.88, "rows": 60}]}
    executed = tmp_path / "03_evaluate.ipynb"
    executed.write_text(json.dumps({"cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [{"output_type": "display_data", "data": {"image/png": "x"}}]},
        {"cell_type": "code", "metadata": {"tags": [run_index.RELIABILITY_TAG]}, "outputs": [
            {"output_type": "display_data", "data": {"text/markdown": "When the model is ..."}},
            {"output_type": "display_data", "data": {"image/png": ["iVBORw0K\n", "GgoAAA\n"]}}]}]}))
    assert run_index.calibration_png(calibration, "fr", executed) == {"fr": "iVBORw0KGgoAAA"} and drawn == []
    assert run_index.calibration_png(None, "fr", executed) is None  # no calibration: no chart at all
    for missing in (tmp_path / "absent.ipynb", None):  # a run without the executed notebook: drawn here
        assert set(run_index.calibration_png(calibration, "en", missing)) == {"en"}
    assert drawn == ["en", "en"]
