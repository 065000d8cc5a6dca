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
from future_skills.registry.entities import Approval, Event, RegistryData, RegistryEntry
from future_skills.versions import version_sort_key

GENERATED_COMMENT = "<!-- generated from registry.json by future-skills; do not edit -->"
TITLE = "# Model registry — Future Skills"
TABLE_COLUMNS = ("Version", "Date", "Dataset", "Samples", "Accuracy", "F1-Score", "N_estimators", "Status", "Notes")
HISTORY_COLUMNS = ("When", "Event", "From", "To", "By", "Comment")
PRODUCTION_HISTORY_COLUMNS = ("When", "Event", "From", "To", "By", "Comment")
escape = markdown_cell


def _number(value: Any, spec: str) -> str:
    """``spec`` '.3f' -> 3 decimals, through the shared formatter."""
    return decimal(value, int(spec.strip(".f")), grouping=False)


def table(header: tuple[str, ...] | list[str], rows: list[list[str]]) -> list[str]:
    """Markdown table lines (cells already escaped: some carry Markdown such as **bold**)."""
    return markdown_table(header, rows, escaped=True)


def _sorted_entries(registry: RegistryData) -> list[RegistryEntry]:
    """Entries, newest version first."""
    return [registry.versions[v] for v in sorted(registry.versions, key=version_sort_key, reverse=True)]


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


def version_row(entry: RegistryEntry, production: str | None) -> list[str]:
    """One row of the historical table."""
    metrics, dataset = entry.metrics, entry.dataset
    status = escape(entry.status)
    if entry.version == production:
        status = f"**{status}**"
    samples = dataset.get("total_samples")
    return [
        escape(entry.version),
        escape(str(entry.created_at or "")[:10]),
        dataset_cell(dataset),
        integer(samples) if isinstance(samples, int) else escape(samples),
        percent(metrics.get("accuracy")),
        _number(metrics.get("f1_weighted"), ".3f"),
        escape(entry.n_estimators),
        status,
        escape(entry.notes or gate_summary(entry.gate)),
    ]


def production_line(registry: RegistryData) -> str:
    entry = registry.production_entry()
    if not entry:
        return "**Production version:** none — no version has been promoted yet."
    metrics = entry.metrics
    approval = entry.last_approval()
    return (f"**Production version:** {escape(entry.version)} (accuracy {percent(metrics.get('accuracy'))}, "
            f"weighted F1 {_number(metrics.get('f1_weighted'), '.3f')}); {escape(approval_phrase(approval))}.")


def approval_phrase(approval: Approval | None) -> str:
    """'approved by Claire Martin (DRH) on 2025-11-27', or says it was automatic / missing."""
    if approval is None:
        return "never approved"
    role = f" ({approval.role})" if approval.role else ""
    when = f" on {approval.at[:10]}"
    if not approval.by_person:
        return f"auto-approved by the pipeline{when}, not by a person (run by {approval.account or approval.by})"
    verb = "forced into production" if approval.decision == "forced" else "approved"
    return f"{verb} by {approval.by}{role}{when}"


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


def _approval_lines(approvals: list[Approval]) -> list[str]:
    if not approvals:
        return ["- **Approvals:** none"]
    lines = ["- **Approvals:**"]
    for a in approvals:
        who = escape(a.by) + ("" if a.by_person else " (automatic, not a person)")
        account = f" (account {escape(a.account)}@{escape(a.host)})" if a.account else ""
        lines.append(f"  - {escape(a.decision)} by {who}{account} on {escape(a.at)}: {escape(a.comment)}")
        if a.reports and a.reports.get("index"):
            lines.append(f"    - reports approved: index.html sha256 `{short_sha(a.reports['index'], 12)}`")
    return lines


def _event_rows(events: list[Event]) -> list[list[str]]:
    return [[escape(v) for v in (e.at, e.event, e.before, e.after, e.by, e.comment)] for e in events]


def version_details(entry: RegistryEntry) -> list[str]:
    """The '### vN' section of one version."""
    metrics = entry.metrics
    lines = [f"### {escape(entry.version)}", "",
             f"- **Status:** {escape(entry.status)}",
             f"- **Created:** {escape(entry.created_at)}",
             f"- **Run:** {escape(entry.run_id)} (git commit {short_sha(entry.git_commit, 12)})",
             f"- **Model:** `{escape(entry.model_path)}` (sha256 `{short_sha(entry.model_sha256, 12)}`)"]
    if entry.duplicate_of:
        lines.append(f"- **Same model as:** {escape(entry.duplicate_of)} (identical model sha256)")
    lines += _dataset_lines(entry.dataset)
    lines.append(f"- **Metrics:** accuracy {percent(metrics.get('accuracy'))} "
                 f"({_number(metrics.get('accuracy'), '.4f')}), weighted F1 {_number(metrics.get('f1_weighted'), '.4f')}; "
                 f"n_estimators {escape(entry.n_estimators)}")
    lines += _gate_lines(entry.gate)
    lines += _approval_lines(entry.approvals)
    links = " · ".join(f"[{escape(name)}]({report_link(str(path))})" for name, path in entry.reports.items() if path)
    lines.append(f"- **Reports:** {links or DASH}")
    if entry.notes:
        lines.append(f"- **Notes:** {escape(entry.notes)}")
    lines += ["", "History:", ""]
    lines += table(HISTORY_COLUMNS, _event_rows(entry.history))
    return lines + [""]


def render_registry_markdown(registry: RegistryData, audit_head: tuple[int, str] | None = None) -> str:
    """The whole MODEL_REGISTRY.md text for ``registry``; ``audit_head`` = (lines, sha256) of the audit log."""
    entries = _sorted_entries(registry)
    production = registry.production
    lines = [GENERATED_COMMENT, "", TITLE, "", production_line(registry), ""]
    if audit_head is not None:
        lines += [f"**Audit log:** `models/audit_log.jsonl`, {audit_head[0]} events, chain head "
                  f"`{audit_head[1]}` (`future-skills audit verify` checks it).", ""]
    lines += ["## Versions", ""]
    lines += table(TABLE_COLUMNS, [version_row(e, production) for e in entries])
    lines += ["", "## Details", ""]
    for entry in entries:
        lines += version_details(entry)
    if not entries:
        lines += ["No version registered yet.", ""]
    lines += ["## Production history", ""]
    if registry.production_history:
        lines += table(PRODUCTION_HISTORY_COLUMNS, _event_rows(registry.production_history))
    else:
        lines.append("No promotion yet.")
    return "\n".join(lines).rstrip() + "\n"
