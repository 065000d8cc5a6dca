"""promote and rollback verify the target's model file (sha256) before production moves."""
from __future__ import annotations

from pathlib import Path

import pytest

from future_skills.exceptions import ModelIntegrityError, ModelNotFoundError
from future_skills.paths import get_paths
from future_skills.registry.store import Registry
from helpers.registry import make_entry


@pytest.fixture
def registry(project_root: Path) -> Registry:
    registry = Registry(get_paths(project_root))
    registry.register(make_entry("v1"))
    registry.approve("v1", by="Claire Martin")
    registry.promote("v1", by="Claire Martin")
    registry.register(make_entry("v2"))
    registry.approve("v2", by="Claire Martin")
    return registry


def _model(registry: Registry, version: str) -> Path:
    return registry.paths.registered_model_file(registry.get(version))


@pytest.mark.parametrize("damage,error", [("delete", ModelNotFoundError), ("tamper", ModelIntegrityError)])
@pytest.mark.parametrize("force", [False, True])
def test_promote_refuses_a_missing_or_damaged_model(registry: Registry, damage: str, error: type, force: bool):
    model = _model(registry, "v2")
    model.unlink() if damage == "delete" else model.write_bytes(b"not the registered model")
    before = registry.path.read_bytes()
    with pytest.raises(error, match="v2 cannot go to production"):
        registry.promote("v2", by="Claire Martin", force=force, comment="urgent" if force else None)
    assert registry.path.read_bytes() == before and registry.production_version() == "v1"


def test_rollback_refuses_a_damaged_previous_model(registry: Registry):
    registry.promote("v2", by="Claire Martin")
    _model(registry, "v1").write_bytes(b"damaged")
    before = registry.path.read_bytes()
    with pytest.raises(ModelIntegrityError, match="v1 cannot go to production"):
        registry.rollback(by="Claire Martin")
    assert registry.path.read_bytes() == before and registry.production_version() == "v2"


def test_a_sound_model_is_promoted(registry: Registry):
    assert registry.promote("v2", by="Claire Martin").status.value == "production"
