"""Registered test entries come with their model file (promote and rollback verify it)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _registered_models_exist(registered_models_exist: None) -> None:
    """Every test of this folder: see ``registered_models_exist`` in tests/conftest.py."""
