"""What the export report (01_export) shows: sentences and tables from the snapshot's data."""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from future_skills.data.validation import CheckResult, failure_table, validation_summary
from future_skills.formatting import date_time, decimal, integer, level_name, long_date, mark
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
        "rule_in_force": "Rule in force", "set_by": "Set by", "values": "Values in the data", "column": "Column",
        "default": "default", "span": "{low} to {high}", "item": "Item",
        "file_format": "File format", "no_file": "database query (no file)", "extra": "Extra columns (ignored)",
        "renamed": "Columns renamed (case or spaces)", "normalised": "Labels normalised (case, spaces, extra spellings)",
        "none": "none", "rows_count": "{count} rows",
        "refused": "**The dataset was refused.** {reason}", "first_lines": "First lines",
        "first_values": "First values",
        "rules_failed": "{count} rules of the dataset contract failed.",
        "rule_failed": "1 rule of the dataset contract failed.",
        "advice": "What to do: fix these rows in the data and run again.",
        "advice_keys": "What to do: fix these rows in the data and run again; if the data is right and a rule is "
                       "not, change the contract in future_skills.toml ({keys}) — `future-skills contract infer "
                       "--from FILE.csv` suggests one.",
        "empty": "(empty)", "not_in_file": "not in the file",
    },
    "fr": {
        "levels_title": "Niveaux de besoin décidés par la RH dans l'instantané",
        "snapshot": "**{rows} lignes** ({roles} métiers × {skills} compétences, {dates} dates d'instantané du "
                    "{start} au {end}) ont été lues depuis {source} ; toutes ont passé la validation.",
        "quarter": "Trimestre", "total": "Total", "min": "min.", "mean": "moyenne", "median": "médiane",
        "max": "max.", "signal": "Signal", "value": "Valeur", "file": "Fichier", "source": "Source",
        "exported": "Exporté le", "rule": "Règle", "columns": "Colonnes vérifiées", "failing": "Lignes en erreur",
        "result": "Résultat",
        "rule_in_force": "Règle en vigueur", "set_by": "Fixée par", "values": "Valeurs dans les données",
        "column": "Colonne", "default": "par défaut", "span": "de {low} à {high}", "item": "Élément",
        "file_format": "Format du fichier", "no_file": "requête sur la base (pas de fichier)",
        "extra": "Colonnes en plus (ignorées)", "renamed": "Colonnes renommées (casse ou espaces)",
        "normalised": "Niveaux normalisés (casse, espaces, autres graphies)", "none": "aucune",
        "rows_count": "{count} lignes",
        "refused": "**Le jeu de données a été refusé.** {reason}", "first_lines": "Premières lignes",
        "first_values": "Premières valeurs",
        "csv_format": "{encoding}, séparateur {delimiter}, décimales avec {decimal}, fins de ligne {endings}",
        "comma": "virgule", "semicolon": "point-virgule", "tab": "tabulation", "point": "point",
        "rules_failed": "{count} règles du contrat de données ne sont pas respectées.",
        "rule_failed": "1 règle du contrat de données n'est pas respectée.",
        "advice": "Que faire : corrigez ces lignes dans les données et relancez.",
        "advice_keys": "Que faire : corrigez ces lignes dans les données et relancez ; si les données sont justes et "
                       "qu'une règle ne l'est pas, modifiez le contrat dans future_skills.toml ({keys}) — la commande "
                       "`future-skills contract infer --from FICHIER.csv` en propose un.",
        "empty": "(vide)", "not_in_file": "absente du fichier",
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


RULES_FR: list[tuple[str, str]] = [  # the data layer's rule names (English), read in French
    (r"^column present$", "colonne présente"), (r"^a value in every row$", "une valeur dans chaque ligne"),
    (r"^a whole number above 0$", "un entier supérieur à 0"), (r"^not blank$", "non vide"),
    (r"^a date as YYYY-MM-DD$", "une date au format AAAA-MM-JJ"), (r"^a number$", "un nombre"),
    (r"^a finite number$", "un nombre fini"), (r"^any finite number$", "tout nombre fini"),
    (r"^a whole number$", "un entier"), (r"^between (\S+) and (\S+)$", r"entre \1 et \2"),
    (r"^(\S+) or more$", r"\1 ou plus"), (r"^(\S+) or less$", r"\1 ou moins"),
    (r"^more than (\S+)$", r"plus de \1"), (r"^less than (\S+)$", r"moins de \1"),
    (r"^one of (.+)$", r"l'une des valeurs \1"),
    (r"^one row per job role, skill and date$", "une seule ligne par métier, compétence et date"),
    (r"^one (\w+) per (\w+)$", r"un seul \1 par \2"),
    (r"^at least (\d+) different levels$", r"au moins \1 niveaux différents"),
    (r"^at least (\d+) rows per level$", r"au moins \1 lignes par niveau"),
]


def rule_text(rule: str, lang: str = "en") -> str:
    """A validation rule's name in ``lang`` (the data layer words it in English); unknown rules as given."""
    if lang != "fr":
        return rule
    for pattern, replacement in RULES_FR:
        if re.match(pattern, rule):
            return re.sub(pattern, replacement, rule)
    return rule


def validation_table(checks: list[CheckResult], lang: str = "en") -> pd.DataFrame:
    """The checks that ran (``validation_summary``), headers and pass/fail marks in ``lang``."""
    table = validation_summary(checks)
    table["Result"] = table["Rows failing"].map(lambda n: str(mark("pass" if n == 0 else "fail", lang)))
    table = table.rename(columns={"Columns checked": text("columns", lang), "Rows failing": text("failing", lang),
                                  "Result": text("result", lang)})
    table.index = [rule_text(rule, lang) for rule in table.index]
    table.index.name = text("rule", lang)
    return table


def contract_table(snapshot: dict[str, Any], frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The value rules the snapshot was checked against, where each comes from, and the data's span."""
    contract = snapshot["contract"]
    changed = {key.split(".", 1)[1] for key in contract["overridden"] if key.startswith("ranges.")}
    where = f"{contract['config_file']} [dataset.ranges]" if contract.get("config_file") else "future_skills.toml"
    numbers = frame[list(NUMERIC_FEATURES)].astype(float)
    table = pd.DataFrame({
        text("rule_in_force", lang): pd.Series({c: rule_text(r, lang) for c, r in contract["rules"].items()}),
        text("set_by", lang): pd.Series({c: where if c in changed else text("default", lang) for c in NUMERIC_FEATURES}),
        text("values", lang): pd.Series({c: text("span", lang, low=decimal(numbers[c].min(), 2, lang),
                                                 high=decimal(numbers[c].max(), 2, lang)) for c in NUMERIC_FEATURES}),
    })
    table.index.name = text("column", lang)
    return table


def input_table(snapshot: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """How the source was read and tidied: file format, extra columns ignored, labels normalised."""
    tidied = snapshot.get("input") or {}
    found = snapshot.get("format")
    none = text("none", lang)
    rows = {text("file_format", lang): format_note(found, lang) if found else text("no_file", lang),
            text("extra", lang): ", ".join(tidied.get("extra_columns") or []) or none,
            text("renamed", lang): ", ".join(f"{a} → {b}" for a, b in
                                             (tidied.get("renamed_columns") or {}).items()) or none,
            text("normalised", lang): text("rows_count", lang,
                                           count=integer(tidied.get("labels_normalised", 0), lang))}
    return pd.DataFrame({text("value", lang): rows}).rename_axis(text("item", lang))


def format_note(found: dict[str, Any], lang: str = "en") -> str:
    """What was detected in the CSV file (the data layer's ``CsvFormat.as_dict``), in ``lang``."""
    if lang == "en" or not found.get("encoding"):
        return "; ".join(found.get("notes") or [])
    decimal_mark = text("comma" if found.get("decimal") == "," else "point", lang)
    delimiter = found.get("delimiter")
    return text("csv_format", lang, encoding=found["encoding"], delimiter=text(delimiter, lang) if delimiter in
                ("comma", "semicolon", "tab") else delimiter, decimal=decimal_mark, endings=found.get("line_endings", ""))


def refusal_reason(count: int, message: str = "", lang: str = "en") -> str:
    """'2 rules of the dataset contract failed.' in ``lang``; a refusal without broken rules (an empty file)
    keeps the data layer's first line."""
    if count:
        return text("rule_failed", lang) if count == 1 else text("rules_failed", lang, count=integer(count, lang))
    return str(message).splitlines()[0] if message else ""


def refusal_sentence(refused: Exception, lang: str = "en") -> str:
    """The heading of a refused dataset, with how many rules failed (Markdown)."""
    failures = getattr(refused, "failures", None) or []
    return text("refused", lang, reason=refusal_reason(len(failures), str(refused), lang))


def refusal_advice(keys: list[str], lang: str = "en") -> str:
    """What to do about a refused dataset: fix the rows, or change the future_skills.toml ``keys``."""
    return text("advice_keys", lang, keys="; ".join(keys)) if keys else text("advice", lang)


def translated_failures(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A ``validation.failure_table`` (English headers, rule names and notes) read in ``lang``."""
    if lang == "en":
        return table
    table = table.copy()
    table["Rule"] = [rule_text(rule, lang) for rule in table["Rule"]]
    table["First values"] = [str(v).replace("(empty)", text("empty", lang)).replace("not in the file",
                                                                                      text("not_in_file", lang))
                             for v in table["First values"]]
    return table.rename(columns={"Rule": text("rule", lang), "Column": text("column", lang),
                                 "Rows failing": text("failing", lang), "First lines": text("first_lines", lang),
                                 "First values": text("first_values", lang)})


def refusal_table(refused: Any, lang: str = "en") -> pd.DataFrame:
    """The broken rules of a refused dataset (``validation.failure_table``), headers and rule names in ``lang``."""
    return translated_failures(failure_table(refused.failures), lang)


def refusal_view(refused: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """A refused dataset as the failed run's index.html shows it, from ``validation_failures.json``'s records:
    the reason, the table (``header`` and ``rows``) and what to do, all in ``lang``."""
    rows = refused.get("failures") or []
    table = translated_failures(pd.DataFrame(rows), lang) if rows else pd.DataFrame()
    return {"reason": refusal_reason(len(rows), refused.get("message", ""), lang), "header": list(table.columns),
            "rows": table.astype(str).values.tolist(), "advice": refusal_advice(refused.get("keys") or [], lang)}
