"""The one formatter: numbers, percentages, dates, hashes, marks and Markdown tables, in English and French."""
from __future__ import annotations

from datetime import date

import pytest

from future_skills.exceptions import FutureSkillsError
from future_skills.formatting import (
    DASH,
    NARROW_NBSP,
    NBSP,
    cell,
    check_language,
    colon,
    date_time,
    decimal,
    integer,
    long_date,
    mark,
    markdown_cell,
    markdown_table,
    outcome,
    p_statement,
    p_value,
    percent,
    points,
    short_hash,
    window_text,
)


def test_percent_in_english_and_french():
    assert percent(0.8552) == "85.5%"
    assert percent(0.8552, "fr") == f"85,5{NARROW_NBSP}%"
    assert percent(1) == "100.0%" and percent(0.05, digits=0) == "5%"
    assert percent(None) == DASH and percent(True) == DASH


def test_decimals_use_a_comma_in_french_and_group_thousands():
    assert decimal(0.8552) == "0.855" and decimal(0.8552, lang="fr") == "0,855"
    assert decimal(0.0083, 3, signed=True) == "+0.008" and decimal(-0.02, 2, "fr", signed=True) == "-0,02"
    assert decimal(6523.5, 1) == "6,523.5" and decimal(6523.5, 1, "fr") == f"6{NARROW_NBSP}523,5"
    assert decimal(6523.5, 1, grouping=False) == "6523.5"
    assert integer(6523) == "6,523" and integer(6523, "fr") == f"6{NARROW_NBSP}523"
    assert integer(66, signed=True) == "+66" and decimal("x") == DASH


def test_points_are_signed_and_singular_in_french_below_two():
    assert points(0.008) == f"+0.8{NBSP}points"
    assert points(0.008, "fr") == f"+0,8{NBSP}point"
    assert points(-0.054, "fr") == f"-5,4{NBSP}points"


def test_dates_read_as_words():
    assert long_date("2026-11-24") == "24 November 2026"
    assert long_date("2026-11-24T03:51:36", "fr") == "24 novembre 2026"
    assert long_date(date(2026, 8, 1), "fr") == "1er août 2026"
    assert long_date("soon") == "soon" and long_date(None) == DASH
    assert date_time("2026-11-24T03:51:36") == "24 November 2026, 03:51"
    assert date_time("2026-11-24T03:51:36", "fr") == "24 novembre 2026 à 03:51"


def test_french_colon_and_language_check():
    assert colon("Verdict") == "Verdict:" and colon("Verdict", "fr") == f"Verdict{NBSP}:"
    assert check_language("fr") == "fr"
    with pytest.raises(FutureSkillsError, match="not supported"):
        check_language("de")


def test_record_cells_cut_hashes_and_keep_raw_numbers():
    assert cell(0.85) == "0.8500" and cell(4800) == "4800" and cell(None) == DASH
    assert cell(4800.0) == "4800.0000" and cell(0.85, "fr") == "0,8500"
    assert cell("ab" * 32) == "abababababab"
    assert cell("0123456789abcdef0123456789abcdef01234567") == "0123456789ab"
    assert cell("balanced") == "balanced" and cell(False) == "false"
    assert cell(0.0123, signed=True) == "+0.0123" and cell(-0.05, signed=True) == "-0.0500"
    assert cell(600, signed=True) == "+600" and cell(-3, signed=True) == "-3"
    assert short_hash("abcdef0123456789", 8) == "abcdef01" and short_hash(None) == DASH


def test_marks_share_one_rendering_per_state():
    assert str(mark("pass")) == "✔ pass" and str(mark("fail", "fr")) == "✘ échoué"
    assert mark("not_checked").css == "not-checked" and str(mark("not_checked", "fr")) == "– non vérifié"
    assert mark("met").css == mark("pass").css and mark("not_met").css == mark("fail").css
    assert outcome(True) == "pass" and outcome(False) == "fail" and outcome(None) == "pending"
    assert outcome(None, checked=False) == "not_checked"


def test_markdown_table_escapes_cells_unless_told_they_are_escaped():
    lines = markdown_table(["A", "B"], [["x|y", None], ["multi\nline", 3]])
    assert lines == ["| A | B |", "|---|---|", "| x\\|y | — |", "| multi line | 3 |"]
    assert markdown_table(["A"], [["**bold\\|**"]], escaped=True)[2] == "| **bold\\|** |"
    assert markdown_cell("") == DASH


def test_windows_read_as_words():
    assert window_text("30d") == f"30{NBSP}days" and window_text("30d", "fr") == f"30{NBSP}jours"
    assert window_text("1w", "fr") == f"1{NBSP}semaine" and window_text("all") == "all"


def test_p_values_never_read_zero():
    assert p_value(0.5912) == "0.59" and p_value(0.5912, "fr") == "0,59"
    assert p_value(0.00001) == f"<{NBSP}0.01" and p_value(None) == DASH


def test_p_statements_read_as_a_person_writes_them():
    assert p_statement(0.5123) == f"p{NBSP}={NBSP}0.51"
    assert p_statement(0.5123, "fr") == f"p{NBSP}={NBSP}0,51"
    assert p_statement(0.00001) == f"p{NBSP}<{NBSP}0.01"


def test_compact_writes_a_setting_without_trailing_zeros():
    from future_skills.formatting import compact

    assert [compact(v) for v in (0.25, 0.1, 10.0, 0.0001)] == ["0.25", "0.1", "10", "0.0001"]
    assert compact(0.25, "fr") == "0,25" and compact(None) == "—"
