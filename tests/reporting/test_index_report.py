"""index.html as DRH reads it: one number per figure, French without English, the status block."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from future_skills.formatting import percent
from future_skills.model.decision import recommend
from future_skills.reporting import (
    status_block,
)
from future_skills.reporting.html import write_run_index
from future_skills.reporting.model_card import model_card_context
from future_skills.reporting.run_index import decision_commands
from helpers.reports import candidate_metadata, english_sentences

DRIFT = {"status": "analysed", "verdict": "retrain", "window": "30d", "reference": {"version": "v1"},
         "realised_accuracy": {"accuracy": 0.814, "rows": 4814, "test_accuracy": 0.854},
         "features": {"trend_score": {"status": "drift"}}}


def live_status(lang: str) -> str:
    """The registry's status block as the pipeline renders it (reporting.status_block)."""
    return status_block.render_status_block({
        "version": "v2", "status": "candidate", "refreshed_at": "2026-11-24T04:00:00", "restricted": True,
        "suspension": None, "production": "v1", "production_approval": "—", "approval": None,
        "reports_changed": [], "duplicate_of": None, "commands": decision_commands("v2")}, lang)


def context(metadata: dict, lang: str = "en") -> dict:
    evaluation = metadata["evaluation"]
    return {
        "version": "v2", "run_date": "2026-11-24T03:51:36", "run_id": "v2-20261124", "status": "candidate",
        "failed": False, "failure": {}, "dataset": metadata["dataset"], "verdict": metadata["gate"]["verdict"],
        "gate_passed": metadata["gate"]["passed"], "criteria": metadata["gate"]["criteria"],
        "targets": metadata["gate"]["targets"],
        "comparison": {"production_version": "v1", "rows_compared": evaluation["rows_compared"],
                       "excluded_overlap": evaluation["excluded_overlap"], "rows": metadata["comparison"]},
        "paired": evaluation["paired"], "recent": evaluation["recent"], "decision": recommend(metadata, DRIFT),
        "drift": DRIFT, "model_card": model_card_context(metadata, {"owner": "HR data team", "contact": ""}),
        "status_block": live_status(lang), "changes": None,
        "reports": [{"step": "train", "href": "02_train.html", "exists": True}],
        "generated_at": "2026-11-24T04:00:00", "git_commit": "abc",
    }


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
