"""The registry status block of ``index.html``: where the version stands now (candidate, approved by …).

It sits between ``<!-- status:begin -->`` and ``<!-- status:end -->`` so that it can be refreshed
after ``approve`` / ``reject`` / ``promote`` without re-rendering the rest of the page
(:func:`replace_status_block`); the page's ``<html lang>`` gives the language.
"""
from __future__ import annotations

import html
import re
from typing import Any

from future_skills.formatting import colon, date_time
from future_skills.reporting.texts import catalogue_text

BEGIN, END = "<!-- status:begin -->", "<!-- status:end -->"
BLOCK = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
LANG = re.compile(r'<html lang="(\w+)"')

TEXT: dict[str, dict[str, str]] = {
    "en": {"label": "Registry status", "candidate": "candidate, waiting for a decision",
           "approved": "approved", "rejected": "rejected", "production": "in production",
           "archived": "archived", "failed": "failed: nothing was registered", "none": "not registered",
           "decision": "{decision} by {by} on {at}", "decided_approved": "approved",
           "decided_auto-approved": "approved automatically", "decided_rejected": "rejected"},
    "fr": {"label": "Statut dans le registre", "candidate": "candidat, en attente de décision",
           "approved": "approuvé", "rejected": "rejeté", "production": "en production",
           "archived": "archivé", "failed": "échec : rien n'a été enregistré", "none": "non enregistré",
           "decision": "{decision} par {by} le {at}", "decided_approved": "approuvé",
           "decided_auto-approved": "approuvé automatiquement", "decided_rejected": "rejeté"},
}


def _t(key: str, lang: str, **fields: Any) -> str:
    return catalogue_text(TEXT, key, lang, **fields) if key in TEXT[lang] else key


def render_status_block(entry: dict[str, Any] | None, lang: str = "en", failed: bool = False) -> str:
    """The delimited HTML block for a registry ``entry`` (None: not registered)."""
    status = "failed" if failed else (entry or {}).get("status") or "none"
    parts = [_t(status, lang)]
    approvals = (entry or {}).get("approvals") or []
    if approvals:
        last = approvals[-1]
        parts.append(_t("decision", lang, decision=_t(f"decided_{last.get('decision')}", lang),
                        by=last.get("by") or "?", at=date_time(last.get("at"), lang)))
    text = html.escape(" — ".join(parts))
    return (f'{BEGIN}<p class="status status-{html.escape(status)}" id="status"><strong>'
            f'{html.escape(colon(_t("label", lang), lang))}</strong> {text}</p>{END}')


def replace_status_block(page: str, entry: dict[str, Any] | None) -> str:
    """``page`` (an index.html) with its status block re-rendered for ``entry``, in the page's language."""
    found = LANG.search(page)
    lang = found.group(1) if found and found.group(1) in TEXT else "en"
    return BLOCK.sub(lambda _: render_status_block(entry, lang), page, count=1)
