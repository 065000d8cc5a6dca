"""Builders of registry entries and model metadata for tests (importable by any test module)."""
from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

FAILED_NO_REGRESSION_DETAIL = "accuracy 0.71 < production 0.85 and F1 gain 0.00 ≤ 0.02"


def make_gate(passed: bool = True) -> dict[str, Any]:
    """A gate dict as gate.promotion_gate returns it; when failing, criterion no_regression fails."""
    return {
        "passed": passed,
        "verdict": "all blocking criteria passed" if passed else "criterion no_regression failed",
        "criteria": [
            {"id": "no_regression", "name": "No regression against production", "passed": passed,
             "detail": "accuracy 0.86 ≥ production 0.85" if passed else FAILED_NO_REGRESSION_DETAIL,
             "values": {}},
            {"id": "min_class_precision", "name": "Every class precision ≥ 60 %", "passed": True,
             "detail": "lowest precision 0.78 (MEDIUM)", "values": {}},
            {"id": "validation_sample", "name": "Manual validation sample", "passed": True,
             "detail": "no validation sample provided", "values": {}},
            {"id": "approval", "name": "Approved by DRH", "passed": None, "detail": "pending", "values": {}},
        ],
        "targets": [],
        "thresholds": {},
    }


def make_entry(version: str, status: str = "candidate", accuracy: float = 0.85, f1: float = 0.84,
               gate_passed: bool | None = True, notes: str = "") -> dict[str, Any]:
    """A registry entry as the pipeline registers it (``gate_passed=None``: no gate recorded)."""
    return {
        "version": version,
        "status": status,
        "created_at": "2025-11-27T14:30:00",
        "run_id": f"{version}-20251127T143000-abc123",
        "git_commit": "0123456789abcdef0123456789abcdef01234567",
        "model_path": f"models/future_skills_model_{version}.pkl",
        "metadata_path": f"models/future_skills_model_{version}.json",
        "model_sha256": hashlib.sha256(version.encode()).hexdigest(),  # distinct per version (no duplicates)
        "dataset": {"csv_path": f"runs/{version}/dataset.csv", "sha256": "cd" * 32, "total_samples": 4800,
                    "period": {"start": "2023-01-01", "end": "2025-10-01"}},
        "metrics": {"accuracy": accuracy, "f1_weighted": f1},
        "n_estimators": 200,
        "gate": None if gate_passed is None else make_gate(gate_passed),
        "reports": {"index": f"reports/{version}/index.html", "train": f"reports/{version}/02_train.html"},
        "approvals": [],
        "history": [],
        "notes": notes,
    }


BASE_METADATA: dict[str, Any] = {
    "model_version": "v1",
    "training_date": "2025-11-01T10:00:00",
    "training_duration_seconds": 12.5,
    "dataset": {
        "csv_path": "runs/v1/dataset.csv", "sha256": "11" * 32, "total_samples": 4000,
        "features_used": ["trend_score", "skill_name"],
        "class_distribution": {"LOW": 1500, "MEDIUM": 1500, "HIGH": 1000},
        "period": {"start": "2023-01-01", "end": "2025-07-01"},
    },
    "hyperparameters": {"n_estimators": 100, "random_state": 42, "test_size": 0.2, "class_weight": "balanced"},
    "metrics": {
        "accuracy": 0.85, "f1_weighted": 0.84,
        "per_class": {level: {"precision": 0.8, "recall": 0.8, "f1": 0.8, "support": 300}
                      for level in ("LOW", "MEDIUM", "HIGH")},
    },
    "feature_importance_top10": {"trend_score": 0.30, "scarcity_index": 0.20, "internal_usage": 0.10},
    "model_sha256": "aa" * 32,
    "run_id": "v1-run",
    "git_commit": "0123456789abcdef0123456789abcdef01234567",
    "environment": {"python": "3.11.7", "packages": {"scikit-learn": "1.5.2", "pandas": "3.0.0"}},
}


def make_metadata(version: str = "v1", **overrides: Any) -> dict[str, Any]:
    """Model metadata (DESIGN.md keys); ``overrides`` replace top-level keys."""
    meta = copy.deepcopy(BASE_METADATA)
    meta["model_version"] = version
    meta.update(copy.deepcopy(overrides))
    return meta


def register_in_process(root: str, version: str) -> None:
    """multiprocessing target: register ``version`` in the registry under ``root``, then approve it."""
    from future_skills.paths import get_paths
    from future_skills.registry.store import Registry

    registry = Registry(get_paths(Path(root)))
    registry.register(make_entry(version))
    registry.approve(version, by=f"worker-{version}")


def as_account(monkeypatch: Any, account: str) -> None:
    """Make the registry see ``account`` as the OS account running the next commands."""
    monkeypatch.setattr("future_skills.registry.governance.os_account", lambda: account)


def model_files_follow_registrations(monkeypatch: Any) -> None:
    """Registering a :func:`make_entry` entry also writes its model file (bytes = the version name, whose
    sha256 is the entry's), as the pipeline publishes the model before registering it: promote and rollback
    check that file. Tests that damage or delete it still see the check fail."""
    from future_skills.registry.store import Registry

    real_register = Registry.register

    def register(self, entry):  # noqa: ANN001, ANN202
        fields = entry if isinstance(entry, dict) else entry.to_dict()
        version, sha = fields.get("version"), fields.get("model_sha256")
        if isinstance(version, str) and fields.get("model_path") and sha == hashlib.sha256(version.encode()).hexdigest():
            model = self.paths.root / fields["model_path"]
            if not model.exists():
                model.parent.mkdir(parents=True, exist_ok=True)
                model.write_bytes(version.encode())
        return real_register(self, entry)

    monkeypatch.setattr(Registry, "register", register)
