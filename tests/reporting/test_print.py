"""index.html printed on A4 (headless Chromium): what DRH signs is on page 1, commands are never cut mid-word."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from future_skills.reporting.html import write_run_index
from helpers.reports import candidate_metadata, index_context

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND"]


def tools() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    reader = shutil.which("pdftotext")
    if not browser or not reader:
        pytest.skip("chromium and poppler-utils (pdftotext) are needed to print the page")
    return browser, reader


def printed_pages(page: Path, tmp_path: Path) -> list[str]:
    """The text of each A4 page of ``page`` printed by Chromium."""
    browser, reader = tools()
    pdf = tmp_path / "page.pdf"
    subprocess.run([browser, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120, check=True)
    text = subprocess.run([reader, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(p.split()) for p in text.split("\f") if p.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_recommendation_reasons_and_decision_block_print_on_page_one(tmp_path: Path, lang: str):
    context = index_context(candidate_metadata(), lang)
    page = write_run_index(tmp_path / "index.html", context, lang)
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    pages = printed_pages(page, tmp_path)
    assert len(pages) >= 3
    first = pages[0]
    recommendation = " ".join(soup.find(id="recommendation").get_text().split())
    assert recommendation in first
    for reason in soup.select("#reasons li"):
        assert " ".join(reason.get_text().split())[:40] in first
    block = " ".join(soup.find(id="decision-block").get_text(" ").split())
    assert "Signature" in first and block.split()[0] in first
    commands = [" ".join(pre.get_text().split()) for pre in soup.select("pre")]
    everything = " ".join(pages)
    for command in commands:  # never broken across lines mid-word: each prints on one line
        assert command in everything, command
    headings = [h.get_text(strip=True) for h in soup.find_all(["h2", "h3"])]
    for text in pages:  # no heading stranded at the bottom of a page
        tail = text[-80:]
        assert not any(tail.endswith(h) for h in headings), tail
    assert not re.search(r"future-skills\s+appro\s", everything)
