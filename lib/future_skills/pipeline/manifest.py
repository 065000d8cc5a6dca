"""``runs/<version>/run.json``, the run manifest: a typed record of what ran, on what, and how it ended.

It records the options (database password masked), the git commit, the sha256 of each
notebook, every installed package with its version (what ``future-skills reproduce`` compares),
and one :class:`StepRecord` per notebook. It is written atomically after each step, so a run
killed at any point leaves a readable manifest whose status is still ``running``.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

from future_skills.atomic import atomic_write_json, file_sha256
from future_skills.paths import NOTEBOOKS, NOTEBOOKS_DIR

MANIFEST_NAME = "run.json"


class RunStatus(str, Enum):
    """How a run ended (``running`` while it runs, or when it was killed)."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    UNPUBLISHED = "unpublished"  # trained and evaluated, but models/ could not be written: `publish` retries


@dataclass
class StepRecord:
    """One notebook of the run."""

    notebook: str
    output: str
    report: str
    status: str = RunStatus.RUNNING.value
    seconds: float | None = None
    cell: int | None = None
    error: str | None = None


@dataclass
class RunManifest:
    """What ran, with which parameters and packages, how long, and how it ended."""

    run_id: str
    version: str
    status: str
    started_at: str
    parameters: dict[str, Any]
    git_commit: str
    environment: dict[str, Any]
    production_before: str | None
    production_after: str | None = None
    finished_at: str | None = None
    steps: list[StepRecord] = field(default_factory=list)
    error: str | None = None
    promoted: bool = False
    notebooks_sha256: dict[str, str] = field(default_factory=dict)
    packages: dict[str, str] = field(default_factory=dict)
    notebooks_seconds: float | None = None  # wall time of the four notebooks (04_drift runs alongside 01-03)
    seconds: float | None = None  # wall time of the whole run, from the command's start to index.html

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["status"] = RunStatus(self.status).value
        return record

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> "RunManifest":
        """The manifest in ``record``; unknown keys are ignored, missing optional ones take their default."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in record.items() if k in known}
        step_keys = {f.name for f in fields(StepRecord)}
        values["steps"] = [StepRecord(**{k: v for k, v in s.items() if k in step_keys})
                           for s in record.get("steps") or [] if isinstance(s, dict)]
        return cls(**values)

    def save(self, run_dir: Path) -> None:
        atomic_write_json(run_dir / MANIFEST_NAME, self.to_dict())


def load_manifest(run_dir: Path) -> RunManifest | None:
    """The manifest in ``run_dir``, or None when there is none or it cannot be read (killed mid-write)."""
    try:
        return RunManifest.from_dict(json.loads((run_dir / MANIFEST_NAME).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def notebook_hashes(notebooks: tuple[str, ...] = NOTEBOOKS) -> dict[str, str]:
    """sha256 of each pipeline notebook as committed (what the run executed)."""
    return {name: file_sha256(NOTEBOOKS_DIR / name) for name in notebooks}
