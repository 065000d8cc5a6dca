"""The stop switch: ``models/serving_suspended.json`` exists while serving is suspended.

``future-skills suspend`` writes it (atomically, under the registry lock, audited) and
``future-skills resume`` removes it. Serving asks :class:`SuspensionWatch` before each
batch: one ``os.stat`` per call (about a microsecond), the file read again only when it
changed, so a running process picks a suspension up at its next prediction, no restart.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from future_skills.atomic import atomic_write_json
from future_skills.paths import get_paths


@dataclass(frozen=True)
class Suspension:
    """Who suspended serving, when and why."""

    by: str
    reason: str
    at: str
    account: str | None = None
    host: str | None = None

    def sentence(self) -> str:
        """The reason as serving reports it."""
        return f"serving was suspended by {self.by} on {self.at} ({self.reason}); `future-skills resume` ends it"


def write_suspension(flag: Path, suspension: Suspension) -> None:
    atomic_write_json(flag, asdict(suspension))


def read_suspension(flag: Path) -> Suspension | None:
    """The current suspension, or None; an unreadable flag still suspends (fail safe)."""
    try:
        data = json.loads(flag.read_text(encoding="utf-8"))
        return Suspension(**{k: data.get(k) for k in ("by", "reason", "at", "account", "host")})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError):
        return Suspension(by="unknown", reason=f"{flag.name} exists but cannot be read", at="unknown")


class SuspensionWatch:
    """Cheap repeated check of the flag file: stat each call, parse only when it changed."""

    def __init__(self) -> None:
        self._key: tuple[str, int, int] | None = None
        self._value: Suspension | None = None
        self._flag: tuple[str, Path] | None = None  # (FUTURE_SKILLS_HOME, its flag path)

    def check_project(self) -> Suspension | None:
        """:meth:`check` on the project's flag; the path is recomputed only when FUTURE_SKILLS_HOME changes.

        ``get_paths()`` resolves the root on each call (about 100 µs); this keeps the check at one stat.
        """
        home = os.environ.get("FUTURE_SKILLS_HOME", "")
        if self._flag is None or self._flag[0] != home:
            self._flag = (home, get_paths().suspension_flag)
        return self.check(self._flag[1])

    def check(self, flag: Path) -> Suspension | None:
        try:
            stat = os.stat(flag)
        except FileNotFoundError:
            self._key, self._value = None, None
            return None
        except OSError:
            return read_suspension(flag)
        key = (str(flag), stat.st_mtime_ns, stat.st_ino)
        if key != self._key:
            self._key, self._value = key, read_suspension(flag)
        return self._value
