"""How long a notebook may run: light on imports, so the CLI can show the defaults without loading papermill."""
from __future__ import annotations

from dataclasses import dataclass

from future_skills.exceptions import FutureSkillsError

DEFAULT_CELL_TIMEOUT = 1800.0  # seconds; the slowest cell (training) takes well under a minute on the demo data
DEFAULT_NOTEBOOK_TIMEOUT = 3600.0


@dataclass(frozen=True)
class TimeLimits:
    """How long one cell and one whole notebook may run (seconds; None = no limit)."""

    cell_seconds: float | None = DEFAULT_CELL_TIMEOUT
    notebook_seconds: float | None = DEFAULT_NOTEBOOK_TIMEOUT

    def check(self) -> "TimeLimits":
        """Reject non-positive limits before anything starts."""
        for flag, value in (("--cell-timeout", self.cell_seconds), ("--notebook-timeout", self.notebook_seconds)):
            if value is not None and not (isinstance(value, (int, float)) and 0 < value < 10**7):
                raise FutureSkillsError(f"{flag} must be a positive number of seconds, got {value!r}.")
        return self
