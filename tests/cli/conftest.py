"""Registered test entries come with their model file (promote and rollback verify it)."""
from __future__ import annotations

import pytest

from helpers.registry import model_files_follow_registrations


@pytest.fixture(autouse=True)
def _registered_models_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    model_files_follow_registrations(monkeypatch)
