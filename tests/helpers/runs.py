"""A trained-but-unpublished version in a project root, without training: for publishing and recovery tests.

The "model" is a few bytes (publishing checks its sha256 and never unpickles it).
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from future_skills.paths import ProjectPaths
from future_skills.pipeline.manifest import RunManifest, RunStatus

RUN_ID = "{version}-20261124T040000-abcdef"


def stage_model(paths: ProjectPaths, version: str, status: RunStatus = RunStatus.RUNNING) -> dict[str, Any]:
    """Write runs/<v>/run.json (``status``) and a staged model + metadata as 02_train/03_evaluate leave them."""
    run_id = RUN_ID.format(version=version)
    model = f"model bytes of {version}".encode()
    paths.staged_model(version).parent.mkdir(parents=True, exist_ok=True)
    paths.staged_model(version).write_bytes(model)
    metadata = {
        "model_version": version, "training_date": "2026-11-24T04:00:00", "run_id": run_id, "git_commit": "abc",
        "model_sha256": hashlib.sha256(model).hexdigest(), "model_path": f"runs/{version}/model/x.pkl",
        "dataset": {"csv_path": f"runs/{version}/dataset.csv", "sha256": "cd" * 32, "total_samples": 100,
                    "period": {"start": "2025-01-01", "end": "2026-01-01"}},
        "metrics": {"accuracy": 0.8, "f1_weighted": 0.79}, "hyperparameters": {"n_estimators": 5},
        "gate": None, "reports": {},
    }
    paths.staged_metadata(version).write_text(json.dumps(metadata))
    RunManifest(run_id=run_id, version=version, status=status.value, started_at="2026-11-24T04:00:00",
                parameters={"version": version, "report_lang": "en"}, git_commit="abc", environment={},
                production_before=None).save(paths.run_dir(version))
    return metadata


def leftovers(paths: ProjectPaths) -> list[str]:
    """Temporary files anywhere under the root (what an interrupted atomic write leaves)."""
    return sorted(str(p.relative_to(paths.root)) for p in paths.root.rglob("*.tmp"))
