"""What the export report (01_export) shows: sentences and tables from the snapshot's data."""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from future_skills.data.validation import CheckResult, validation_summary
from future_skills.formatting import date_time, integer, level_name, long_date, mark
from future_skills.reporting.texts import catalogue_text
from future_skills.schema import LABEL, LEVELS, NUMERIC_FEATURES

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "levels_title": "Need levels decided by HR in the snapshot",
        "snapshot": "**{rows} rows** ({roles} job roles × {skills} skills, {dates} snapshot dates from {start} to "
                    "{end}) were read from the {source} and all passed validation.",
        "quarter": "Quarter", "total": "Total", "min": "min", "mean": "mean", "median": "median", "max": "max",
        "signal": "Signal", "value": "Value", "file": "File", "source": "Source", "exported": "Exported at",
        "rule": "Rule", "columns": "Columns checked", "failing": "Rows failing", "result": "Result",
    },
    "fr": {
        "levels_title": "Niveaux de besoin décidés par la RH dans l'instantané",
        "snapshot": "**{rows} lignes** ({roles} métiers × {skills} compétences, {dates} dates d'instantané du "
                    "{start} au {end}) ont été lues depuis {source} ; toutes ont passé la validation.",
        "quarter": "Trimestre", "total": "Total", "min": "min.", "mean": "moyenne", "median": "médiane",
        "max": "max.", "signal": "Signal", "value": "Valeur", "file": "Fichier", "source": "Source",
        "exported": "Exporté le", "rule": "Règle", "columns": "Colonnes vérifiées", "failing": "Lignes en erreur",
        "result": "Résultat",
    },
}


def text(key: str, lang: str = "en", **fields: Any) -> str:
    """One phrase of this report (a figure title, a heading) in ``lang``."""
    return catalogue_text(TEXT, key, lang, **fields)


MACHINE_ADDRESS = re.compile(r"\s*\(?\b[a-z][a-z0-9+]*://\S*|\s*(?<![\w.])/(?:[^\s/]+/)+")


SOURCES = {"en": {"HR database": "HR database", "CSV file": "CSV file", "earlier snapshot": "earlier snapshot"},
           "fr": {"HR database": "la base RH", "CSV file": "le fichier CSV", "earlier snapshot": "l'instantané précédent"}}


def readable_source(source: str, lang: str = "en") -> str:
    """Where the rows came from, without database URLs or machine paths ('HR database', 'CSV file x.csv')."""
    text = MACHINE_ADDRESS.sub(lambda m: " " if m.group(0).strip().startswith("/") else "", str(source)).strip()
    for prefix, words in SOURCES[lang].items():
        if text.startswith(prefix):
            return words + text[len(prefix):]
    return text


def snapshot_sentence(snapshot: dict[str, Any], lang: str = "en") -> str:
    """One plain sentence: how many rows, from where, over which period."""
    period = snapshot.get("period") or {}
    return text("snapshot", lang, rows=integer(snapshot["total_samples"], lang), roles=snapshot["job_roles"],
              skills=snapshot["skills"], dates=snapshot["snapshot_dates"],
              start=long_date(period.get("start"), lang), end=long_date(period.get("end"), lang),
              source=readable_source(snapshot["source"], lang))


def levels_by_date(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Rows per quarter of snapshot date and need level (quarters keep the table short)."""
    quarters = pd.PeriodIndex(pd.to_datetime(frame["snapshot_date"]), freq="Q").astype(str)
    table = pd.crosstab(quarters, frame[LABEL]).reindex(columns=list(LEVELS), fill_value=0)
    table[text("total", lang)] = table.sum(axis=1)
    table.columns = [level_name(c, lang) if c in LEVELS else c for c in table.columns]
    table.index.name, table.columns.name = text("quarter", lang), None
    return table


def numeric_summary(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Min, mean, median and max of each numeric signal, for the export report."""
    numbers = frame[list(NUMERIC_FEATURES)].astype(float)
    table = pd.DataFrame({text(k, lang): getattr(numbers, k)() for k in ("min", "mean", "median", "max")}).round(2)
    table.index.name = text("signal", lang)
    return table


def snapshot_table(snapshot: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """The snapshot's file, fingerprint, source and export time."""
    return pd.DataFrame({text("value", lang): {
        text("file", lang): snapshot["csv_path"], "sha256": snapshot["sha256"], text("source", lang): readable_source(snapshot["source"], lang),
        text("exported", lang): date_time(snapshot["exported_at"], lang)}})


def validation_table(checks: list[CheckResult], lang: str = "en") -> pd.DataFrame:
    """The checks that ran (``validation_summary``), headers and pass/fail marks in ``lang``."""
    table = validation_summary(checks)
    table["Result"] = table["Rows failing"].map(lambda n: str(mark("pass" if n == 0 else "fail", lang)))
    table = table.rename(columns={"Columns checked": text("columns", lang), "Rows failing": text("failing", lang),
                                  "Result": text("result", lang)})
    table.index.name = text("rule", lang)
    return table
