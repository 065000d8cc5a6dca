"""Human oversight rules: who may decide, who decided, and what they saw.

* :func:`current_actor` — the claimed name (``--by``), the OS account that ran the command and
  the host; every decision records all three with the time.
* :func:`authorise` — with ``[governance] approvers`` / ``promoters`` set in ``future_skills.toml``,
  only listed accounts may approve/reject (approvers) or promote/roll back (promoters), under
  the name they are listed with; suspending and resuming serving is open to anyone listed.
  Empty lists: not restricted (as before), which the reports say.
* :func:`report_fingerprints` — sha256 of ``index.html`` (its status block excluded, since it is
  refreshed after each decision) and of the four notebook reports an approval refers to.
"""
from __future__ import annotations

import hashlib
import os
import pwd
import re
import socket
from pathlib import Path
from typing import Any

from future_skills.environment import login_name
from future_skills.exceptions import PermissionRefusedError
from future_skills.paths import ProjectPaths, report_paths
from future_skills.registry.entities import Actor
from future_skills.thresholds import governance_config

STATUS_BEGIN = "<!-- status:begin -->"
STATUS_END = "<!-- status:end -->"
_STATUS_REGION = re.compile(re.escape(STATUS_BEGIN) + r".*?" + re.escape(STATUS_END), re.DOTALL)
# Which [governance] list may take each action.
ACTION_LISTS: dict[str, tuple[str, ...]] = {
    "approve": ("approvers",), "reject": ("approvers",),
    "promote": ("promoters",), "rollback": ("promoters",),
    "suspend": ("approvers", "promoters"), "resume": ("approvers", "promoters"),
}


def os_account() -> str:
    """The account of the process's real user id (not LOGNAME/USER, which anyone can set); "" if unknown."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):  # no pwd module (Windows) or a uid without a passwd entry
        return login_name()


def current_actor(by: str | None) -> Actor:
    """``by`` as claimed, with the OS account and host running this process."""
    try:
        host = socket.gethostname() or None
    except OSError:
        host = None
    return Actor(by=by, account=os_account() or None, host=host)


def is_restricted(config: dict[str, Any] | None = None) -> bool:
    """True when ``[governance]`` lists anyone (decisions are then restricted)."""
    config = config if config is not None else governance_config()
    return bool(config["approvers"] or config["promoters"])


def authorise(action: str, actor: Actor, config: dict[str, Any] | None = None) -> str | None:
    """The role ``actor`` acts under; PermissionRefusedError when the lists exclude them.

    Returns None when the action is not restricted.
    """
    config = config if config is not None else governance_config()
    lists = ACTION_LISTS[action]
    people = [person for key in lists for person in config[key]]
    if not people:
        return None
    setting = " or ".join(f"[governance] {key}" for key in lists)
    listed = [p for p in people if p["account"] == actor.account]
    if not listed:
        names = ", ".join(sorted({p["name"] for p in people}))
        raise PermissionRefusedError(
            f"Account {actor.account or '(unknown)'} may not {action}: it is not listed in {setting} of "
            f"future_skills.toml; ask {names}, or have the account added there."
        )
    person = next((p for p in listed if p["name"] == actor.by), None)
    if person is None:
        raise PermissionRefusedError(
            f"Account {actor.account} is listed in {setting} as {listed[0]['name']!r}, not {actor.by!r}; "
            f"give --by {listed[0]['name']!r}."
        )
    return person.get("role")


def check_auto_promote_allowed() -> None:
    """PermissionRefusedError when ``[governance] allow_auto_promote = false``."""
    if not governance_config()["allow_auto_promote"]:
        raise PermissionRefusedError("Auto-promotion is disabled by [governance] allow_auto_promote = false in "
                                     "future_skills.toml; a listed approver must approve the version and a "
                                     "promoter promote it.")


def default_name(action: str, config: dict[str, Any] | None = None) -> str:
    """The name to record when --by is not given: the one this account is listed under, else the login."""
    config = config if config is not None else governance_config()
    account = os_account()
    listed = [p["name"] for key in ACTION_LISTS[action] for p in config[key] if p["account"] == account]
    return listed[0] if listed else login_name()


def without_status_block(text: str) -> str:
    """``text`` with the refreshed status region emptied (markers kept)."""
    return _STATUS_REGION.sub(STATUS_BEGIN + STATUS_END, text)


def _report_sha256(path: Path, strip_status: bool) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if strip_status:
        data = without_status_block(data.decode("utf-8", errors="surrogateescape")).encode(
            "utf-8", errors="surrogateescape")
    return hashlib.sha256(data).hexdigest()


def report_fingerprints(paths: ProjectPaths, version: str) -> dict[str, str | None]:
    """Report name -> sha256 of ``reports/<version>/…`` (None when the file is missing), each without its
    live status region (refreshed after every decision, so not part of what was approved)."""
    return {name: _report_sha256(paths.root / rel, strip_status=True)
            for name, rel in report_paths(version).items()}


def changed_reports(recorded: dict[str, str | None] | None, current: dict[str, str | None]) -> list[str]:
    """Names of the reports whose sha256 differs from what was approved.

    Reports that did not exist at approval time (``None``, e.g. the index an ``--auto-promote``
    run writes after promoting) were not read, so they are not compared.
    """
    if recorded is None:
        return []
    return [name for name in sorted(recorded) if recorded[name] is not None and recorded[name] != current.get(name)]
