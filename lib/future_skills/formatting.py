"""One place for how values look to a reader, in English or French.

Every report, table, Markdown file and CLI line formats numbers, percentages, dates, hashes,
pass/fail marks and Markdown tables through this module, so the same value reads the same
everywhere. French follows French typography: decimal comma, a narrow no-break space before
``%`` and as thousands separator ("85,5 %", "6 523"), a no-break space before ``:`` and
dates such as "24 novembre 2026".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Sequence

from future_skills.exceptions import FutureSkillsError

LANGUAGES: tuple[str, ...] = ("en", "fr")
DASH = "—"
NARROW_NBSP = "\u202f"   # French: before % and ; ! ?, and between thousands
NBSP = "\u00a0"          # French: before :
HEX_PATTERN = re.compile(r"^[0-9a-f]{32,}$")
SHORT_HASH = 12

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
}

LEVEL_NAMES = {"en": {"LOW": "LOW", "MEDIUM": "MEDIUM", "HIGH": "HIGH"},
               "fr": {"LOW": "FAIBLE", "MEDIUM": "MOYEN", "HIGH": "ÉLEVÉ"}}

# Colour of each CSS class of a mark: the same green / red / amber / grey on every page and table.
MARK_COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "pending": "#9a6700", "not-checked": "#57606a"}

# Outcome of a check -> (symbol, word per language, CSS class). One rendering for every page.
MARKS: dict[str, tuple[str, dict[str, str], str]] = {
    "pass": ("✔", {"en": "pass", "fr": "réussi"}, "pass"),
    "fail": ("✘", {"en": "fail", "fr": "échoué"}, "fail"),
    "pending": ("○", {"en": "pending", "fr": "en attente"}, "pending"),
    "not_checked": ("–", {"en": "not checked", "fr": "non vérifié"}, "not-checked"),
    "met": ("✔", {"en": "met", "fr": "atteint"}, "pass"),
    "not_met": ("✘", {"en": "not met", "fr": "non atteint"}, "fail"),
}


def level_name(level: str, lang: str = "en") -> str:
    """A need level as the reader sees it: 'MEDIUM' / 'MOYEN'."""
    return LEVEL_NAMES[lang].get(str(level), str(level))


def check_language(lang: str) -> str:
    """``lang`` if it is a supported report language, else a FutureSkillsError saying which are."""
    if lang not in LANGUAGES:
        raise FutureSkillsError(f"Report language {lang!r} is not supported; use one of {', '.join(LANGUAGES)}.")
    return lang


def is_number(value: Any) -> bool:
    """True for int and float, False for bool (a bool is not a measurement)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _localise(text: str, lang: str) -> str:
    """'1,234.5' (Python's format) -> '1 234,5' in French."""
    if lang == "fr":
        return text.replace(",", NARROW_NBSP).replace(".", ",")
    return text


def decimal(value: Any, digits: int = 3, lang: str = "en", *, signed: bool = False, grouping: bool = True) -> str:
    """0.8552 -> '0.855' / '0,855'; ``signed`` adds '+' to positive values; None -> a dash."""
    if not is_number(value):
        return DASH
    spec = f"{'+' if signed else ''}{',' if grouping else ''}.{digits}f"
    return _localise(format(float(value), spec), lang)


def compact(value: Any, lang: str = "en") -> str:
    """A setting as written, without trailing zeros (Python's ``g``): 0.25 -> '0.25' / '0,25', 10.0 -> '10'."""
    if not is_number(value):
        return DASH
    return _localise(format(float(value), "g"), lang)


def integer(value: Any, lang: str = "en", *, signed: bool = False) -> str:
    """6523 -> '6,523' / '6 523'."""
    if not is_number(value):
        return DASH
    return _localise(format(int(value), f"{'+' if signed else ''},d"), lang)


def percent(value: Any, lang: str = "en", digits: int = 1) -> str:
    """A share as a percentage: 0.8552 -> '85.5%' / '85,5 %'."""
    if not is_number(value):
        return DASH
    number = decimal(100 * float(value), digits, lang)
    return f"{number}{NARROW_NBSP}%" if lang == "fr" else f"{number}%"


def points(value: Any, lang: str = "en", digits: int = 1) -> str:
    """A difference of two shares in percentage points, signed: 0.008 -> '+0.8 points' / '+0,8 point'."""
    if not is_number(value):
        return DASH
    number = decimal(100 * float(value), digits, lang, signed=True)
    unit = "point" if lang == "fr" and abs(100 * float(value)) < 2 else "points"
    return f"{number}{NBSP}{unit}"


def p_value(value: Any, lang: str = "en") -> str:
    """A p-value with two decimals, or '< 0.01' / '< 0,01' below that (never a misleading 0.00)."""
    if not is_number(value):
        return DASH
    return f"<{NBSP}{decimal(0.01, 2, lang)}" if value < 0.01 else decimal(value, 2, lang)


def p_statement(value: Any, lang: str = "en") -> str:
    """'p = 0.51' or 'p < 0.01' (never 'p = < 0.01', never a misleading 'p = 0.00')."""
    shown = p_value(value, lang)
    return f"p{NBSP}{shown}" if shown.startswith("<") else f"p{NBSP}={NBSP}{shown}"


def colon(label: str, lang: str = "en") -> str:
    """'Verdict:' / 'Verdict :' (French puts a no-break space before the colon)."""
    return f"{label}{NBSP}:" if lang == "fr" else f"{label}:"


def typography(text: str, lang: str = "en") -> str:
    """French spacing: a no-break space before ':' and a narrow one before ';', '!', '?' (English unchanged)."""
    if lang != "fr":
        return text
    text = re.sub(r" ?(?<![:/])(:)(?=\s|$)", f"{NBSP}:", text)
    return re.sub(r" ?([;!?])(?=\s|$)", f"{NARROW_NBSP}\\1", text)


def window_text(window: Any, lang: str = "en") -> str:
    """A look-back window as words: '30d' -> '30 days' / '30 jours', '12h' -> '12 hours' / '12 heures'."""
    found = re.fullmatch(r"\s*(\d+)\s*([dhw])\s*", str(window))
    if not found:
        return str(window)
    count, unit = int(found.group(1)), found.group(2)
    words = {"en": {"d": ("day", "days"), "h": ("hour", "hours"), "w": ("week", "weeks")},
             "fr": {"d": ("jour", "jours"), "h": ("heure", "heures"), "w": ("semaine", "semaines")}}
    singular, plural = words[lang][unit]
    return f"{count}{NBSP}{singular if count == 1 else plural}"


def as_date(value: Any) -> date | None:
    """An ISO date or date-time (text, date or datetime) as a date; None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value)).date()
    except (TypeError, ValueError):
        return None


def long_date(value: Any, lang: str = "en") -> str:
    """'2026-11-24' -> '24 November 2026' / '24 novembre 2026'; unreadable values as given."""
    day = as_date(value)
    if day is None:
        return DASH if value in (None, "") else str(value)
    prefix = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{prefix} {MONTHS[lang][day.month - 1]} {day.year}"


def date_time(value: Any, lang: str = "en") -> str:
    """'2026-11-24T03:51:36' -> '24 November 2026, 03:51' / '24 novembre 2026 à 03:51'."""
    try:
        moment = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return long_date(value, lang)
    joiner = " à " if lang == "fr" else ", "
    return f"{long_date(moment, lang)}{joiner}{moment:%H:%M}"


def short_hash(value: Any, length: int = SHORT_HASH) -> str:
    """The first ``length`` characters of a fingerprint, or a dash."""
    return str(value)[:length] if value else DASH


def cell(value: Any, lang: str = "en", *, signed: bool = False) -> str:
    """A table cell of raw records: floats with 4 decimals, ints as ints, long hashes cut, None as a dash."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:+d}" if signed else str(value)
    if isinstance(value, float):
        return decimal(value, 4, lang, signed=signed, grouping=False)
    text = str(value)
    return text[:SHORT_HASH] if HEX_PATTERN.match(text) else text


@dataclass(frozen=True)
class Mark:
    """How one outcome is shown: symbol, word and CSS class (the colour)."""

    symbol: str
    word: str
    css: str

    def __str__(self) -> str:
        return f"{self.symbol} {self.word}"

    @property
    def style(self) -> str:
        """Inline CSS of the mark (for tables rendered outside the HTML templates)."""
        return f"color: {MARK_COLOURS[self.css]}; font-weight: bold"


def outcome(passed: bool | None, *, checked: bool = True) -> str:
    """A criterion's state: True -> 'pass', False -> 'fail', None -> 'pending' (or 'not_checked')."""
    if not checked:
        return "not_checked"
    return {True: "pass", False: "fail", None: "pending"}[passed]


def mark(state: str, lang: str = "en") -> Mark:
    """The mark of ``state`` ('pass', 'fail', 'pending', 'not_checked', 'met', 'not_met')."""
    symbol, words, css = MARKS[state]
    return Mark(symbol, words[lang], css)


def mark_css() -> str:
    """The CSS rules of the mark classes, for the HTML templates."""
    return " ".join(f".{css} {{ color: {colour}; font-weight: bold; }}" for css, colour in MARK_COLOURS.items())


def mark_of(text: Any, lang: str = "en") -> Mark | None:
    """The mark a rendered cell starts with ('✔ pass' -> the pass mark), or None."""
    for state in MARKS:
        candidate = mark(state, lang)
        if str(text) == str(candidate):
            return candidate
    return None


def markdown_cell(value: Any) -> str:
    """Free text made safe for a Markdown table cell or list item (pipes, line breaks); empty -> dash."""
    if value is None or value == "":
        return DASH
    text = str(value).replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.split())


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, escaped: bool = False) -> list[str]:
    """Markdown table lines; cells are escaped with :func:`markdown_cell` unless ``escaped``."""
    def line(cells: Sequence[Any]) -> str:
        return "| " + " | ".join(str(c) if escaped else markdown_cell(c) for c in cells) + " |"

    return [line(header), "|" + "|".join("---" for _ in header) + "|", *(line(r) for r in rows)]
