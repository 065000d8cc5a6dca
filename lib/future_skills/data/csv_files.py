"""Reading the CSV files HR people actually produce, or refusing them with what was detected.

A French spreadsheet exports semicolons with decimal commas, in UTF-8 (often with a BOM) or
Windows-1252, with CRLF line endings. :func:`read_hr_csv` detects the encoding (UTF-8 with or
without BOM, else Windows-1252), the delimiter (comma, semicolon or tab: the one whose header
names the most dataset columns) and the decimal mark (in the numeric columns), and returns every
value as text (numbers with a decimal point) for the contract to check. Anything it cannot
tell apart is refused with a sentence saying what was detected and how to re-export.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from future_skills.exceptions import DatasetValidationError
from future_skills.schema import DATASET_COLUMNS, ID_COLUMNS, NUMERIC_FEATURES

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
REEXPORT = "export it again as CSV UTF-8 (comma- or semicolon-separated) with a header row"
_COMMA_DECIMAL = re.compile(r"^[+-]?\d[\d\s\u00a0\u202f]*,\d+$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")


@dataclass
class CsvFormat:
    """What was detected in a file: recorded with the snapshot and shown in the export report."""

    encoding: str
    delimiter: str
    decimal: str
    line_endings: str
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "delimiter": DELIMITERS[self.delimiter]}


def _refuse(source: Path, what: str) -> DatasetValidationError:
    return DatasetValidationError(f"{source} cannot be read: {what}; {REEXPORT}.")


def decode(data: bytes, source: Path) -> tuple[str, str]:
    """(text, encoding name): UTF-8 with BOM, UTF-8, else Windows-1252; refused otherwise."""
    if not data.strip():
        raise _refuse(source, "the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _refuse(source, "it is in UTF-16 (\"Unicode text\"), not UTF-8 or Windows-1252")
    if b"\x00" in data:
        raise _refuse(source, "it holds binary bytes (NUL), so it is not a text file")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise _refuse(source, "it is neither UTF-8 nor Windows-1252 text") from None
    if sum(ch.isprintable() or ch in "\r\n\t" for ch in text) < 0.99 * len(text):
        raise _refuse(source, "it is neither UTF-8 nor Windows-1252 text (too many control characters)")
    return text, "Windows-1252"


def detect_delimiter(header: str, source: Path) -> str:
    """The delimiter whose split of the header names the most dataset columns; ties are refused."""
    wanted = {c.lower() for c in DATASET_COLUMNS}
    scores = {}
    for delimiter in DELIMITERS:
        names = next(csv.reader([header], delimiter=delimiter), [])
        scores[delimiter] = sum(name.strip().lower() in wanted for name in names)
    best = max(scores.values())
    winners = [d for d, s in scores.items() if s == best]
    if best < 2:
        raise _refuse(source, f"its first line names none of the dataset columns whichever the delimiter "
                              f"(comma, semicolon or tab) (first line: {header[:80]!r})")
    if len(winners) > 1:
        raise _refuse(source, "its header splits equally well on " + " and ".join(DELIMITERS[d] for d in winners))
    return winners[0]


def detect_decimal(frame: pd.DataFrame, delimiter: str, source: Path) -> str:
    """'.' or ',': a comma only with a non-comma delimiter, never both marks in one file."""
    columns = [c for c in frame.columns if c.strip().lower() in NUMERIC_FEATURES]
    if delimiter == ",":  # a decimal comma would split the field: nothing to look at
        return "."
    values = pd.concat([frame[c] for c in columns], ignore_index=True).dropna().astype(str).str.strip() \
        if columns else pd.Series(dtype=str)
    commas = values.str.match(_COMMA_DECIMAL)
    if not commas.any():
        return "."
    points = values.str.match(_POINT_DECIMAL)
    if points.any():
        raise _refuse(source, f"its numbers mix decimal commas (e.g. {values[commas].iloc[0]!r}) and decimal points "
                              f"(e.g. {values[points].iloc[0]!r}), so the decimal mark is ambiguous")
    return ","


def _with_point(values: pd.Series) -> pd.Series:
    """'52 000,5' -> '52000.5' (spaces as thousands separators dropped, comma as decimal point)."""
    text = values.astype("string").str.strip()
    looks_numeric = text.str.match(_COMMA_DECIMAL) | text.str.fullmatch(r"[+-]?\d[\d\s\u00a0\u202f]*")
    cleaned = text.str.replace(_SPACES, "", regex=True).str.replace(",", ".", regex=False)
    return cleaned.where(looks_numeric.fillna(False), text).astype(object).where(text.notna(), None)


def read_hr_csv(path: Path | str) -> tuple[pd.DataFrame, CsvFormat]:
    """The file as text columns (numbers with a decimal point) and what was detected in it."""
    source = Path(path)
    if not source.is_file():
        raise DatasetValidationError(f"The dataset CSV {source} does not exist; check the path "
                                     "(or run the export step first).")
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise _refuse(source, f"the file cannot be opened ({exc.strerror})") from None
    text, encoding = decode(data, source)
    line_endings = "CRLF (Windows)" if "\r\n" in text else "LF"
    header_end = text.find("\n")  # the header line only: splitting a 100-MB text into lines costs seconds
    delimiter = detect_delimiter((text if header_end < 0 else text[:header_end]).rstrip("\r"), source)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            na_values=[""], skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _refuse(source, f"it is not regular {DELIMITERS[delimiter]}-separated text ({reason})") from None
    decimal = detect_decimal(frame, delimiter, source)
    numeric = [c for c in frame.columns if c.strip().lower() in (*NUMERIC_FEATURES, *ID_COLUMNS)]
    if decimal == ",":
        for column in numeric:
            frame[column] = _with_point(frame[column])
    notes = [f"{encoding}, {DELIMITERS[delimiter]}-separated, decimal {'comma' if decimal == ',' else 'point'}, "
             f"{line_endings} line endings"]
    return frame, CsvFormat(encoding, delimiter, decimal, line_endings, notes)
