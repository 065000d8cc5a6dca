"""The live part of ``reports/<version>/index.html``: registry status, approval, stop switch.

The rest of the page is frozen when the run writes it (and fingerprinted by an approval); the
region between ``<!-- status:begin -->`` and ``<!-- status:end -->`` is rendered from the
registry and rewritten after every approve / reject / promote / rollback / suspend / resume
(:func:`refresh_status_blocks`), so a report never contradicts the registry. The approval
fingerprint (:func:`future_skills.registry.governance.report_fingerprints`) excludes this region.
"""
from __future__ import annotations

import re
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

from future_skills.atomic import atomic_write_text
from future_skills.paths import ProjectPaths
from future_skills.registry.entities import RegistryData, RegistryEntry, Status
from future_skills.registry.governance import (
    STATUS_BEGIN,
    STATUS_END,
    changed_reports,
    is_restricted,
    report_fingerprints,
)
from future_skills.registry.markdown import approval_phrase
from future_skills.registry.suspension import read_suspension
from future_skills.reporting.html import render_template
from future_skills.reporting.run_index import decision_commands
from future_skills.reporting.texts import STATUS_TEXT, check_language

_REGION = re.compile(re.escape(STATUS_BEGIN) + r".*?" + re.escape(STATUS_END), re.DOTALL)
_LANG = re.compile(r'<html lang="([a-z]{2})"')


def status_context(data: RegistryData, version: str, paths: ProjectPaths) -> dict[str, Any]:
    """What the status block says about ``version``, from the registry (plain data)."""
    entry: RegistryEntry | None = data.versions.get(version)
    production = data.production_entry()
    suspension = read_suspension(paths.suspension_flag)
    context: dict[str, Any] = {
        "version": version, "status": entry.status.value if entry else None,
        "refreshed_at": datetime.now().isoformat(timespec="seconds"),
        "restricted": is_restricted(),
        "suspension": suspension.sentence() if suspension else None,
        "production": production.version if production else None,
        "production_approval": approval_phrase(production.last_approval()) if production else None,
        "approval": None, "reports_changed": [], "duplicate_of": None, "commands": None,
    }
    if entry is None:
        return context
    approval = entry.last_approval()
    if approval is not None:
        context["approval"] = {"phrase": approval_phrase(approval), "by_person": approval.by_person,
                               "index_sha256": (approval.reports or {}).get("index")}
        if entry.status in (Status.APPROVED, Status.PRODUCTION):  # where it matters: hashing reports costs time
            context["reports_changed"] = changed_reports(approval.reports, report_fingerprints(paths, version))
    rejections = entry.decisions("rejected")
    if rejections:
        context["rejection"] = f"{rejections[-1].by} on {rejections[-1].at[:10]}: {rejections[-1].comment}"
    context["duplicate_of"] = entry.duplicate_of
    if entry.status == Status.CANDIDATE:
        context["commands"] = decision_commands(version)
    return context


def render_status_block(context: dict[str, Any], lang: str = "en") -> str:
    """The HTML of the region, markers included."""
    body = render_template("status_block.html.j2", {**context, "s": STATUS_TEXT[check_language(lang)]}, lang).strip()
    return f"{STATUS_BEGIN}\n{body}\n{STATUS_END}"


def refresh_status_block(index: Path, data: RegistryData, version: str, paths: ProjectPaths) -> bool:
    """Rewrite the region of one ``index.html`` (atomically); False when it has no region."""
    try:
        text = index.read_text(encoding="utf-8")
    except OSError:
        return False
    if not _REGION.search(text):
        return False
    match = _LANG.search(text)
    block = render_status_block(status_context(data, version, paths), match.group(1) if match else "en")
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
    """Refresh every registered version's index.html and the monitoring index; returns what was refreshed."""
    refreshed = [version for version in data.versions
                 if refresh_status_block(paths.report_dir(version) / "index.html", data, version, paths)]
    if refresh_status_block(monitoring_index(paths), data, data.production or "", paths):
        refreshed.append("monitoring")
    return refreshed
