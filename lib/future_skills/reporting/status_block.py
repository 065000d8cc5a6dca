"""The live part of ``reports/<version>/index.html`` and of its notebook reports: registry status, approval, stop switch.

The rest of the page is frozen when the run writes it (and fingerprinted by an approval); the
region between ``<!-- status:begin -->`` and ``<!-- status:end -->`` is rendered from the
registry and rewritten after every approve / reject / promote / rollback / suspend / resume
(:func:`refresh_status_blocks`), so a report never contradicts the registry. Each notebook report
carries a short region (:func:`render_report_status`) at its top: the status now, and a link to the summary. The approval
fingerprint (:func:`future_skills.registry.governance.report_fingerprints`) excludes this region.
"""
from __future__ import annotations

import re
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from future_skills.atomic import atomic_write_text
from future_skills.formatting import date_time, long_date, typography
from future_skills.paths import ProjectPaths, report_paths
from future_skills.registry.entities import Approval, RegistryData, RegistryEntry, Status
from future_skills.registry.governance import (
    STATUS_BEGIN,
    STATUS_END,
    changed_reports,
    is_restricted,
    report_fingerprints,
)
from future_skills.registry.markdown import approval_phrase
from future_skills.registry.suspension import Suspension, read_suspension
from future_skills.reporting.html import render_template
from future_skills.reporting.run_index import decision_commands
from future_skills.reporting.texts import STATUS_TEXT, catalogue_text, check_language

_REGION = re.compile(re.escape(STATUS_BEGIN) + r".*?" + re.escape(STATUS_END), re.DOTALL)
_LANG = re.compile(r'<html lang="([a-z]{2})"')


def approval_text(approval: Approval | None, lang: str = "en") -> str:
    """The registry's approval phrase in ``lang`` (English: :func:`registry.markdown.approval_phrase` itself)."""
    if lang == "en":
        return approval_phrase(approval)
    if approval is None:
        return _s("never_approved", lang)
    when = long_date(approval.at[:10], lang)
    if not approval.by_person:
        return _s("auto_approved", lang, date=when, account=approval.account or approval.by)
    return _s("forced_by" if approval.decision == "forced" else "approved_by", lang, by=approval.by,
              role=f" ({approval.role})" if approval.role else "", date=when)


def _s(key: str, lang: str, **fields: object) -> str:
    return catalogue_text(STATUS_TEXT, key, lang, **fields)


def _suspension_text(suspension: Suspension, lang: str) -> str:
    if lang == "en":
        return suspension.sentence()
    return _s("suspension", lang, by=suspension.by, date=date_time(suspension.at, lang), reason=suspension.reason)


def status_context(data: RegistryData, version: str, paths: ProjectPaths, lang: str = "en") -> dict[str, Any]:
    """What the status block says about ``version``, from the registry, with its phrases in ``lang``."""
    lang = check_language(lang)
    entry: RegistryEntry | None = data.versions.get(version)
    production = data.production_entry()
    suspension = read_suspension(paths.suspension_flag)
    context: dict[str, Any] = {
        "version": version, "status": entry.status.value if entry else None,
        "refreshed_at": _now(lang),
        "restricted": is_restricted(),
        "suspension": _suspension_text(suspension, lang) if suspension else None,
        "production": production.version if production else None,
        "production_approval": approval_text(production.last_approval(), lang) if production else None,
        "approval": None, "reports_changed": [], "duplicate_of": None, "commands": None,
    }
    if entry is None:
        return context
    approval = entry.last_approval()
    if approval is not None:
        context["approval"] = {"phrase": approval_text(approval, lang), "by_person": approval.by_person,
                               "index_sha256": (approval.reports or {}).get("index")}
        if entry.status in (Status.APPROVED, Status.PRODUCTION):  # where it matters: hashing reports costs time
            context["reports_changed"] = changed_reports(approval.reports, report_fingerprints(paths, version))
    rejections = entry.decisions("rejected")
    if rejections:
        last = rejections[-1]
        context["rejection"] = _s("rejection", lang, by=last.by, comment=last.comment,
                                  date=last.at[:10] if lang == "en" else long_date(last.at[:10], lang))
    context["duplicate_of"] = entry.duplicate_of
    if entry.status == Status.CANDIDATE:
        context["commands"] = decision_commands(version)
    return context


def _now(lang: str) -> str:
    """The refresh time: ISO in English (as before), '24 novembre 2026 à 05:40' in French."""
    now = datetime.now().isoformat(timespec="seconds")
    return now if lang == "en" else date_time(now, lang)


def render_status_block(context: dict[str, Any], lang: str = "en") -> str:
    """The HTML of the region, markers included."""
    words = {key: typography(value, lang) for key, value in STATUS_TEXT[check_language(lang)].items()}
    body = render_template("status_block.html.j2", {**context, "s": words}, lang).strip()
    return f"{STATUS_BEGIN}\n{body}\n{STATUS_END}"


def render_report_status(context: dict[str, Any], lang: str = "en") -> str:
    """The short region of a notebook report, markers included: the version's registry status now, and a
    link to the audit summary (the rest of the report is the state at the time of the run)."""
    words = {key: typography(value, lang) for key, value in STATUS_TEXT[check_language(lang)].items()}
    body = render_template("report_status.html.j2", {**context, "s": words}, lang).strip()
    return f"{STATUS_BEGIN}\n{body}\n{STATUS_END}"


def page_language(text: str) -> str:
    """The ``<html lang>`` of a report page, English when missing or unknown."""
    match = _LANG.search(text)
    return match.group(1) if match and match.group(1) in STATUS_TEXT else "en"


def refresh_status_block(index: Path, data: RegistryData, version: str, paths: ProjectPaths,
                         render: Callable[[dict[str, Any], str], str] = render_status_block) -> bool:
    """Rewrite the region of one report page (atomically) with ``render``; False when it has no region."""
    try:
        text = index.read_text(encoding="utf-8")
    except OSError:
        return False
    if not _REGION.search(text):
        return False
    lang = page_language(text)
    block = render(status_context(data, version, paths, lang), lang)
    try:
        atomic_write_text(index, _REGION.sub(lambda _: block, text, count=1))
    except OSError as exc:  # the registry change is committed: a report that cannot be written only warns
        warnings.warn(f"The status block of {index} was not refreshed ({exc.strerror}); "
                      "check the folder's permissions, the registry itself is up to date.", stacklevel=2)
        return False
    return True


def monitoring_index(paths: ProjectPaths) -> Path:
    """``reports/monitoring/index.html``, whose status block speaks of the production version."""
    return paths.reports_dir / "monitoring" / "index.html"


def refresh_status_blocks(paths: ProjectPaths, data: RegistryData) -> list[str]:
    """Refresh every registered version's index.html and notebook reports, and the monitoring index; returns
    the versions whose index was refreshed (and "monitoring")."""
    refreshed = []
    for version in data.versions:
        if refresh_status_block(paths.report_dir(version) / "index.html", data, version, paths):
            refreshed.append(version)
        for name, relative in report_paths(version).items():
            if name != "index":
                refresh_status_block(paths.root / relative, data, version, paths, render_report_status)
    if refresh_status_block(monitoring_index(paths), data, data.production or "", paths):
        refreshed.append("monitoring")
    return refreshed
