"""A failed run's index.html words a refused dataset from its records, in the page's language."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from future_skills.data.dataset import read_failures, write_failures
from future_skills.data.validation import validate_dataset
from future_skills.exceptions import DatasetValidationError
from future_skills.reporting.html import write_run_index
from helpers.model import make_dataset
from helpers.reports import english_sentences


def refused_records(tmp_path: Path) -> dict:
    """validation_failures.json of a dataset with a value out of range and a negative count."""
    frame = make_dataset(n_roles=10, n_skills=20)
    frame.loc[3, "trend_score"] = 7.5
    frame.loc[[5, 6], "training_requests"] = -2
    frame.loc[8, "internal_usage"] = None
    with pytest.raises(DatasetValidationError) as refused:
        validate_dataset(frame, source="the export of the HR database sqlite:////tmp/hr.sqlite")
    write_failures(tmp_path / "validation_failures.json", refused.value)
    return read_failures(tmp_path)


def page(tmp_path: Path, refused: dict, lang: str) -> BeautifulSoup:
    context = {"version": "v3", "run_date": "2026-11-24T10:00:00", "run_id": "v3-x", "failed": True,
               "failure": {"notebook": "01_export.ipynb", "cell": 5, "error": "DatasetValidationError: 3 rules",
                           "report": "01_export.html", "refused": refused},
               "dataset": None, "criteria": [], "targets": [], "comparison": None, "changes": None,
               "generated_at": "2026-11-24T10:00:00", "git_commit": "abc",
               "reports": [{"step": "export", "href": "01_export.html", "exists": True}]}
    path = write_run_index(tmp_path / f"{lang}.html", context, lang)
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_a_french_failed_run_shows_the_refusal_without_an_english_sentence(tmp_path: Path):
    refused = refused_records(tmp_path)
    assert refused["keys"] and len(refused["failures"]) == 3
    french, english = page(tmp_path, refused, "fr"), page(tmp_path, refused, "en")
    text = " ".join(french.get_text(" ").split())
    fragments = english_sentences() | {" ".join(line.split()) for line in refused["message"].splitlines()
                                       if len(line.split()) >= 4}
    leaked = [f for f in fragments if f in text]
    assert not leaked, leaked
    english_text = " ".join(english.get_text(" ").split())
    assert sum(f in english_text for f in fragments) >= 3  # the check can fail: the English page has them
    assert "3 règles du contrat de données ne sont pas respectées" in text and "cellule 5" in text
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in french.select("#failed-rules tr")]
    assert rows[0] == ["Règle", "Colonne", "Lignes en erreur", "Premières lignes", "Premières valeurs"]
    assert ("entre 0 et 1", "trend_score", "1") in {tuple(r[:3]) for r in rows[1:]}
    assert any("(vide)" in r[4] for r in rows[1:])
    assert "Que faire" in french.find(id="refusal-advice").get_text() and "sqlite" not in text


def test_the_english_failed_run_words_the_same_refusal(tmp_path: Path):
    soup = page(tmp_path, refused_records(tmp_path), "en")
    text = " ".join(soup.get_text(" ").split())
    assert "01_export.ipynb (cell 5): 3 rules of the dataset contract failed." in text
    assert "[dataset.ranges] trend_score" in soup.find(id="refusal-advice").get_text()
    frame = pd.DataFrame([[c.get_text() for c in tr.find_all("td")] for tr in soup.select("#failed-rules tr")[1:]])
    assert set(frame[1]) == {"trend_score", "training_requests", "internal_usage"}
