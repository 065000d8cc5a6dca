"""Where everything lives.

Generated folders (data/, runs/, models/, reports/, logs/) resolve from
``FUTURE_SKILLS_HOME`` when it is set, else from the repository root, so tests and
parallel runs can work in temporary roots. Notebooks are always read from the
repository's ``notebooks/`` folder. Paths are computed on each call, never cached,
so a changed environment variable takes effect at once.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"

NOTEBOOKS: tuple[str, ...] = (
    "01_export.ipynb",
    "02_train.ipynb",
    "03_evaluate.ipynb",
    "04_drift.ipynb",
)
# Short step names used for report file names and metadata["reports"] keys.
NOTEBOOK_STEPS: dict[str, str] = {
    "01_export.ipynb": "export",
    "02_train.ipynb": "train",
    "03_evaluate.ipynb": "evaluate",
    "04_drift.ipynb": "drift",
}

DEMO_DB_FILENAME = "future_skills_hr.sqlite"
PREDICTION_LOG_FILENAME = "predictions_monitoring.jsonl"
CONFIG_FILENAME = "future_skills.toml"


def project_root() -> Path:
    """The root under which generated folders live (``FUTURE_SKILLS_HOME`` or the repo)."""
    home = os.environ.get("FUTURE_SKILLS_HOME", "").strip()
    return Path(home).expanduser().resolve() if home else REPO_ROOT


@dataclass(frozen=True)
class ProjectPaths:
    """All generated locations under one project root."""

    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def demo_db(self) -> Path:
        return self.data_dir / DEMO_DB_FILENAME

    @property
    def registry_json(self) -> Path:
        return self.models_dir / "registry.json"

    @property
    def registry_md(self) -> Path:
        return self.models_dir / "MODEL_REGISTRY.md"

    @property
    def audit_log(self) -> Path:
        """Append-only hash chain of every registry event (never rotated, never rewritten)."""
        return self.models_dir / "audit_log.jsonl"

    @property
    def suspension_flag(self) -> Path:
        """Present while serving is suspended (``future-skills suspend``): who, when, why."""
        return self.models_dir / "serving_suspended.json"

    @property
    def prediction_log(self) -> Path:
        return self.logs_dir / PREDICTION_LOG_FILENAME

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILENAME

    def run_dir(self, version: str) -> Path:
        return self.runs_dir / version

    def dataset_csv(self, version: str) -> Path:
        return self.run_dir(version) / "dataset.csv"

    def validated_csv_rows(self, version: str) -> Path:
        """A given ``--dataset-csv``'s rows as the pipeline validated them before the notebooks (for 01_export)."""
        return self.run_dir(version) / "given.validated.parquet"

    def split_csv(self, version: str) -> Path:
        """Which rows of the version's dataset were used for training vs testing."""
        return self.run_dir(version) / "split.csv"

    def staged_model(self, version: str) -> Path:
        """Where 02_train writes the model before the pipeline publishes it to models/."""
        return self.run_dir(version) / "model" / model_filename(version)

    def staged_metadata(self, version: str) -> Path:
        return self.run_dir(version) / "model" / metadata_filename(version)

    def model_path(self, version: str) -> Path:
        return self.models_dir / model_filename(version)

    def metadata_path(self, version: str) -> Path:
        return self.models_dir / metadata_filename(version)

    def registered_model_file(self, entry: Any) -> Path:
        """The model file a registry entry (``RegistryEntry``) points at: its ``model_path``, relative or absolute."""
        return self.root / entry.model_path

    def report_dir(self, version: str) -> Path:
        return self.reports_dir / version

    def ensure(self) -> "ProjectPaths":
        """Create the generated folders if missing; returns self."""
        for folder in (self.data_dir, self.runs_dir, self.models_dir, self.reports_dir, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def model_filename(version: str) -> str:
    return f"future_skills_model_{version}.pkl"


def metadata_filename(version: str) -> str:
    return f"future_skills_model_{version}.json"


def report_paths(version: str) -> dict[str, str]:
    """Report locations relative to the project root, as stored in metadata["reports"]."""
    reports = {"index": f"reports/{version}/index.html"}
    for notebook, step in NOTEBOOK_STEPS.items():
        reports[step] = f"reports/{version}/{notebook.replace('.ipynb', '.html')}"
    return reports


def relative_to_root(path: Path | str, root: Path | None = None) -> str:
    """``path`` relative to the project root when inside it (portable in JSON), else absolute."""
    base = root or project_root()
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(base).as_posix()
    except ValueError:
        return str(resolved)


def get_paths(root: Path | str | None = None) -> ProjectPaths:
    """Paths under ``root`` (default: :func:`project_root`)."""
    return ProjectPaths(Path(root).resolve() if root is not None else project_root())
