"""The drift JSON's English notes read in French: an exception's own (English) text never reaches the page."""
from __future__ import annotations

import pytest

from future_skills.reporting.drift_reasons import ERROR_FR, reason_text
from future_skills.reporting.drift_view import log_sentence

ERROR = "Model file models/future_skills_model_v1.joblib is missing; restore it from a backup"
NOTES = [f"The prediction mix and score are not compared: the test predictions of v1 cannot be made ({ERROR})",
         f"The HR database was not used (IDs mapped through the reference dataset, no realised accuracy): {ERROR}"]


@pytest.mark.parametrize("note", NOTES)
def test_a_french_note_names_where_the_technical_detail_is_not_the_english_text(note):
    french = reason_text(note, "fr")
    assert ERROR_FR in french
    assert "missing" not in french and "restore" not in french and "joblib" not in french
    assert reason_text(note, "en") == note  # the English report keeps the detail


def test_the_french_log_notes_hold_no_exception_text():
    report = {"status": "analysed", "verdict": "ok", "rows": 10, "malformed_lines": 0, "window": "30d",
              "reasons": [], "notes": NOTES, "features": {}, "reference": {"version": "v1"}}
    text = log_sentence(report, "fr")
    assert "missing" not in text and text.count(ERROR_FR) == 2
