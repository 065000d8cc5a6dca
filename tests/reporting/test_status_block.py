"""The live status block of index.html, rendered from the registry (both languages)."""
from __future__ import annotations

from pathlib import Path

import pytest

from future_skills.exceptions import FutureSkillsError
from future_skills.paths import get_paths
from future_skills.registry.governance import STATUS_BEGIN, STATUS_END
from future_skills.registry.store import Registry
from future_skills.reporting.status_block import render_status_block, status_context
from helpers.registry import make_entry, model_files_follow_registrations

pytestmark = pytest.mark.usefixtures("registered_models_exist")  # promote verifies the model file


@pytest.fixture
def registry(project_root: Path, monkeypatch: pytest.MonkeyPatch) -> Registry:
    model_files_follow_registrations(monkeypatch)  # promotion verifies the model file
    registry = Registry(get_paths(project_root))
    registry.register(make_entry("v1"))
    registry.approve("v1", by="Claire Martin")
    registry.promote("v1", by="Ops")
    twin = make_entry("v2")
    twin["model_sha256"] = registry.get("v1").model_sha256
    with pytest.warns(UserWarning):
        registry.register(twin)
    return registry


def block(registry: Registry, version: str, lang: str = "en") -> str:
    return render_status_block(status_context(registry.load(), version, registry.paths), lang)


def test_candidate_block_says_pending_duplicate_and_who_is_in_production(registry: Registry):
    html = block(registry, "v2")
    assert html.startswith(STATUS_BEGIN) and html.endswith(STATUS_END)
    assert "candidate, approval pending" in html
    assert "Same model file as v1" in html
    assert "v1, approved by Claire Martin on" in html
    assert "future-skills approve v2" in html  # the decision commands are live too
    assert "Approvals are not restricted" in html


def test_block_in_french_and_with_restricted_approvals(registry: Registry, project_root: Path):
    (project_root / "future_skills.toml").write_text(
        '[governance]\napprovers = [{ name = "Claire Martin", role = "DRH", account = "cmartin" }]\n')
    html = block(registry, "v1", "fr")
    assert "en production" in html and "Approvals are not restricted" not in html
    assert "ne liste personne" not in html
    with pytest.raises(FutureSkillsError, match="Report language 'de' is not supported"):
        block(registry, "v1", "de")


def test_block_shows_a_suspension(registry: Registry):
    registry.suspend(by="Claire Martin", reason="works council")
    html = block(registry, "v1")
    assert "SUSPENDED, the rules engine answers" in html and "works council" in html
    registry.resume(by="Claire Martin")
    assert "SUSPENDED" not in block(registry, "v1")
