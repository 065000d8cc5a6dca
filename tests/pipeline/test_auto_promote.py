"""--auto-promote under [governance]: recorded as the pipeline's approval, disabled by allow_auto_promote."""
from __future__ import annotations

from pathlib import Path

import pytest

from future_skills.paths import get_paths
from future_skills.pipeline.retrain import RetrainOptions, _Run
from future_skills.registry.entities import Status
from future_skills.registry.store import Registry
from helpers.registry import make_entry, model_files_follow_registrations


@pytest.fixture(autouse=True)
def _registered_models_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    model_files_follow_registrations(monkeypatch)  # promotion verifies the model file

pytestmark = pytest.mark.usefixtures("registered_models_exist")  # promote verifies the model file


def candidate_run(project_root: Path, messages: list[str], lang: str = "en") -> _Run:
    Registry(get_paths(project_root)).register(make_entry("v1"))
    return _Run(RetrainOptions(version="v1", auto_promote=True, operator="ops", report_lang=lang),
                get_paths(project_root), messages.append)


def test_auto_promotion_is_refused_when_disabled(project_root: Path):
    (project_root / "future_skills.toml").write_text("[governance]\nallow_auto_promote = false\n")
    messages: list[str] = []
    run = candidate_run(project_root, messages)
    assert run.auto_promote({"gate": {"passed": True}}) is False
    assert "allow_auto_promote = false" in messages[-1]
    assert run.registry.get("v1").status == Status.CANDIDATE


def test_the_refused_auto_promotion_is_worded_in_french(project_root: Path):
    from helpers.reports import english_sentences

    (project_root / "future_skills.toml").write_text("[governance]\nallow_auto_promote = false\n")
    messages: list[str] = []
    run = candidate_run(project_root, messages, "fr")
    assert run.auto_promote({"gate": {"passed": True}}) is False
    line = messages[-1]
    assert line.startswith("Mise en production automatique refusée\u00a0: la mise en production automatique est "
                           "désactivée") and "allow_auto_promote = false" in line
    assert not [f for f in english_sentences() if f in line]
    assert "disabled" not in line and "approver" not in line


def test_auto_promotion_is_recorded_as_not_a_person(project_root: Path):
    messages: list[str] = []
    run = candidate_run(project_root, messages)
    assert run.auto_promote({"gate": {"passed": True}}) is True
    entry = run.registry.get("v1")
    assert entry.status == Status.PRODUCTION and not entry.last_approval().by_person
    assert "not an approval by a person" in messages[-1]
