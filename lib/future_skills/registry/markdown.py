"""``models/MODEL_REGISTRY.md``: the human-readable registry, rendered from registry.json.

It keeps the historical table of the original registry (one row per version, newest first)
and adds a details section per version and the production history. Never edited by hand:
every registry change re-renders it.
"""
from __future__ import annotations

from pathlib import PurePath
from typing import Any

from future_skills.formatting import DASH, decimal, integer, mark, markdown_cell, markdown_table, outcome, percent
from future_skills.formatting import short_hash as short_sha
from future_skills.versions import version_sort_key

GENERATED_COMMENT = "<!-- generated from registry.json by future-skills; do not edit -->"
TITLE = "# Model registry — Future Skills"
TABLE_COLUMNS = ("Version", "Date", "Dataset", "Samples", "Accuracy", "F1-Score", "N_estimators", "Status", "Notes")
HISTORY_COLUMNS = ("When", "Event", "From", "To", "By", "Comment")
PRODUCTION_HISTORY_COLUMNS = ("When", "Event", "From", "To", "By", "Comment")
escape = markdown_cell


def _number(value: Any, digits: int) -> str:
    return decimal(value, digits, grouping=False)


def table(header: tuple[str, ...] | list[str], rows: list[list[str]]) -> list[str]:
    """Markdown table lines (cells already escaped: some carry Markdown such as **bold**)."""
    return markdown_table(header, rows, escaped=True)


def _sorted_entries(registry: dict[str, Any]) -> list[dict[str, Any]]:
    """Entries, newest version first."""
    versions = registry.get("versions") or {}
    return [versions[v] for v in sorted(versions, key=version_sort_key, reverse=True)]


def dataset_cell(dataset: dict[str, Any] | None) -> str:
    """'dataset.csv (1a2b3c4d)': the snapshot's file name and short sha256."""
    dataset = dataset or {}
    name = PurePath(str(dataset["csv_path"]).replace("\\", "/")).name if dataset.get("csv_path") else DASH
    return f"{escape(name)} ({short_sha(dataset.get('sha256'), 8)})" if dataset.get("sha256") else escape(name)


def gate_summary(gate: dict[str, Any] | None) -> str:
    """'gate passed', 'gate failed: no_regression' or 'not evaluated'."""
    if not gate:
        return "gate not evaluated"
    if gate.get("passed"):
        return "gate passed"
    failed = [str(c.get("id")) for c in gate.get("criteria") or [] if c.get("passed") is False]
    return "gate failed" + (f": {', '.join(failed)}" if failed else "")


def version_row(entry: dict[str, Any], production: str | None) -> list[str]:
    """One row of the historical table."""
    metrics = entry.get("metrics") or {}
    dataset = entry.get("dataset") or {}
    status = escape(entry.get("status"))
    if entry.get("version") == production:
        status = f"**{status}**"
    samples = dataset.get("total_samples")
    return [
        escape(entry.get("version")),
        escape(str(entry.get("created_at") or "")[:10]),
        dataset_cell(dataset),
        integer(samples) if isinstance(samples, int) else escape(samples),
        percent(metrics.get("accuracy")),
        _number(metrics.get("f1_weighted"), 3),
        escape(entry.get("n_estimators")),
        status,
        escape(entry.get("notes") or gate_summary(entry.get("gate"))),
    ]


def production_line(registry: dict[str, Any]) -> str:
    production = registry.get("production")
    entry = (registry.get("versions") or {}).get(production) if production else None
    if not entry:
        return "**Production version:** none — no version has been promoted yet."
    metrics = entry.get("metrics") or {}
    return (f"**Production version:** {escape(production)} (accuracy {percent(metrics.get('accuracy'))}, "
            f"weighted F1 {_number(metrics.get('f1_weighted'), 3)}).")


def report_link(path: str) -> str:
    """A report path (relative to the project root) as seen from models/."""
    return path if PurePath(path).is_absolute() else f"../{path}"


def _dataset_lines(dataset: dict[str, Any]) -> list[str]:
    period = dataset.get("period") or {}
    samples = dataset.get("total_samples")
    return [
        f"- **Dataset:** `{escape(dataset.get('csv_path'))}`",
        f"  - sha256: `{escape(dataset.get('sha256'))}`",
        f"  - samples: {integer(samples) if isinstance(samples, int) else escape(samples)}",
        f"  - period: {escape(period.get('start'))} → {escape(period.get('end'))}",
    ]


def _gate_lines(gate: dict[str, Any] | None) -> list[str]:
    if not gate:
        return ["- **Promotion gate:** not evaluated"]
    verdict = "passed" if gate.get("passed") else "failed"
    lines = [f"- **Promotion gate:** {verdict}" + (f" — {escape(gate['verdict'])}" if gate.get("verdict") else "")]
    for criterion in gate.get("criteria") or []:
        shown = mark(outcome(criterion.get("passed"), checked=criterion.get("checked", True)))
        name = escape(criterion.get("name") or criterion.get("id"))
        lines.append(f"  - {shown} {name} (`{escape(criterion.get('id'))}`): {escape(criterion.get('detail'))}")
    return lines


def _approval_lines(approvals: list[dict[str, Any]]) -> list[str]:
    if not approvals:
        return ["- **Approvals:** none"]
    lines = ["- **Approvals:**"]
    for a in approvals:
        lines.append(f"  - {escape(a.get('decision'))} by {escape(a.get('by'))} on {escape(a.get('at'))}: "
                     f"{escape(a.get('comment'))}")
    return lines


def _event_rows(events: list[dict[str, Any]]) -> list[list[str]]:
    return [[escape(e.get(k)) for k in ("at", "event", "from", "to", "by", "comment")] for e in events]


def version_details(entry: dict[str, Any]) -> list[str]:
    """The '### vN' section of one version."""
    metrics = entry.get("metrics") or {}
    lines = [f"### {escape(entry.get('version'))}", "",
             f"- **Status:** {escape(entry.get('status'))}",
             f"- **Created:** {escape(entry.get('created_at'))}",
             f"- **Run:** {escape(entry.get('run_id'))} (git commit {short_sha(entry.get('git_commit'), 12)})",
             f"- **Model:** `{escape(entry.get('model_path'))}` (sha256 `{short_sha(entry.get('model_sha256'), 12)}`)"]
    lines += _dataset_lines(entry.get("dataset") or {})
    lines.append(f"- **Metrics:** accuracy {percent(metrics.get('accuracy'))} "
                 f"({_number(metrics.get('accuracy'), 4)}), weighted F1 {_number(metrics.get('f1_weighted'), 4)}; "
                 f"n_estimators {escape(entry.get('n_estimators'))}")
    lines += _gate_lines(entry.get("gate"))
    lines += _approval_lines(entry.get("approvals") or [])
    reports = entry.get("reports") or {}
    links = " · ".join(f"[{escape(name)}]({report_link(str(path))})" for name, path in reports.items() if path)
    lines.append(f"- **Reports:** {links or DASH}")
    if entry.get("notes"):
        lines.append(f"- **Notes:** {escape(entry['notes'])}")
    lines += ["", "History:", ""]
    lines += table(HISTORY_COLUMNS, _event_rows(entry.get("history") or []))
    return lines + [""]


def render_registry_markdown(registry: dict[str, Any]) -> str:
    """The whole MODEL_REGISTRY.md text for ``registry`` (the parsed registry.json)."""
    entries = _sorted_entries(registry)
    production = registry.get("production")
    lines = [GENERATED_COMMENT, "", TITLE, "", production_line(registry), "", "## Versions", ""]
    lines += table(TABLE_COLUMNS, [version_row(e, production) for e in entries])
    lines += ["", "## Details", ""]
    for entry in entries:
        lines += version_details(entry)
    if not entries:
        lines += ["No version registered yet.", ""]
    lines += ["## Production history", ""]
    history = registry.get("production_history") or []
    if history:
        lines += table(PRODUCTION_HISTORY_COLUMNS, _event_rows(history))
    else:
        lines.append("No promotion yet.")
    return "\n".join(lines).rstrip() + "\n"
