"""Run-time settings read from environment variables (names of the original system)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from future_skills.paths import get_paths

ENV_ENABLE_MONITORING = "FUTURE_SKILLS_ENABLE_MONITORING"
ENV_MONITORING_LOG = "FUTURE_SKILLS_MONITORING_LOG"
ENV_MODEL_PATH = "FUTURE_SKILLS_MODEL_PATH"
ENV_MODEL_VERSION = "FUTURE_SKILLS_MODEL_VERSION"
ENV_DB_URL = "FUTURE_SKILLS_DB_URL"
ENV_LOG_MAX_BYTES = "FUTURE_SKILLS_MONITORING_MAX_BYTES"

DEFAULT_LOG_MAX_BYTES = 50 * 1024 * 1024
_FALSE_WORDS = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    """A snapshot of the settings; read again with :func:`load_settings` after env changes."""

    enable_monitoring: bool
    monitoring_log: Path
    model_path: Path | None
    model_version: str | None
    db_url: str
    log_max_bytes: int


def default_db_url() -> str:
    """The embedded SQLite demo database under data/."""
    return f"sqlite:///{get_paths().demo_db}"


def load_settings() -> Settings:
    """Read settings from the environment, with the documented defaults."""
    env = os.environ
    paths = get_paths()
    enabled = env.get(ENV_ENABLE_MONITORING, "true").strip().lower() not in _FALSE_WORDS
    log = env.get(ENV_MONITORING_LOG, "").strip()
    model_path = env.get(ENV_MODEL_PATH, "").strip()
    version = env.get(ENV_MODEL_VERSION, "").strip()
    try:
        max_bytes = int(env.get(ENV_LOG_MAX_BYTES, DEFAULT_LOG_MAX_BYTES))
    except ValueError:
        max_bytes = DEFAULT_LOG_MAX_BYTES
    return Settings(
        enable_monitoring=enabled,
        monitoring_log=Path(log).expanduser() if log else paths.prediction_log,
        model_path=Path(model_path).expanduser() if model_path else None,
        model_version=version or None,
        db_url=env.get(ENV_DB_URL, "").strip() or default_db_url(),
        log_max_bytes=max_bytes,
    )
