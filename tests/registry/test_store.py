"""The model registry: life cycle, promotion gate, rollback, corruption, concurrent writers."""
from __future__ import annotations

import json
import multiprocessing
import re
from pathlib import Path

import pytest

from future_skills.exceptions import (
    InvalidVersionError,
    PromotionRefusedError,
    RegistryError,
    TransitionError,
    VersionExistsError,
)
from future_skills.paths import get_paths
from future_skills.registry.entities import RegistryData
from future_skills.registry.store import Registry
from helpers.registry import FAILED_NO_REGRESSION_DETAIL, make_entry, make_gate, register_in_process

ISO_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


@pytest.fixture
def registry(project_root: Path) -> Registry:
    return Registry(get_paths(project_root))


def promoted(registry: Registry, version: str, **entry_args) -> None:
    """Register, approve and promote ``version``."""
    registry.register(make_entry(version, **entry_args))
    registry.approve(version, by="Alice")
    registry.promote(version, by="Alice")


def at_status(registry: Registry, version: str, status: str) -> None:
    """Bring a new ``version`` to ``status`` through the public API only."""
    if status == "failed":
        registry.register(make_entry(version, status="failed"))
        return
    if status == "archived":
        promoted(registry, version)
        promoted(registry, "v99")
        return
    registry.register(make_entry(version))
    if status in ("approved", "production"):
        registry.approve(version, by="Alice")
    if status == "production":
        registry.promote(version, by="Alice")
    if status == "rejected":
        registry.reject(version, by="Bob", comment="not convincing")
    assert registry.get(version).status == status


def read_json(registry: Registry) -> dict:
    return json.loads(registry.path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ reading
def test_missing_file_is_an_empty_registry(registry: Registry):
    assert not registry.path.exists()
    assert registry.load() == RegistryData()
    assert registry.versions() == []
    assert registry.production_version() is None
    assert registry.production_entry() is None
    assert registry.exists("v1") is False


def test_register_then_read_back(registry: Registry):
    returned = registry.register(make_entry("v1"))
    entry = registry.get("v1")
    assert entry == returned
    assert entry.status == "candidate"
    assert registry.exists("v1")
    assert [e.event for e in entry.history] == ["registered"]
    assert entry.history[0].before is None and entry.history[0].after == "candidate"
    assert ISO_SECONDS.match(entry.history[0].at)
    on_disk = read_json(registry)
    assert on_disk["schema_version"] == 1 and on_disk["versions"]["v1"]["metrics"]["accuracy"] == 0.85
    assert registry.paths.registry_md.exists()


def test_returned_entries_are_copies(registry: Registry):
    registry.register(make_entry("v1"))
    registry.get("v1").status = "production"
    assert registry.get("v1").status == "candidate"


def test_versions_sorted_numerically(registry: Registry):
    for version in ("v10", "v2", "v1.1", "v1"):
        registry.register(make_entry(version))
    assert [e.version for e in registry.versions()] == ["v1", "v1.1", "v2", "v10"]


def test_unknown_version_names_the_version_and_the_command(registry: Registry):
    with pytest.raises(RegistryError, match=r"Version v9 is not in the registry; run `future-skills registry`"):
        registry.get("v9")


def test_register_refuses_an_existing_version(registry: Registry):
    registry.register(make_entry("v1"))
    with pytest.raises(VersionExistsError, match="v1 is already in the registry"):
        registry.register(make_entry("v1", accuracy=0.5))
    assert registry.get("v1").metrics["accuracy"] == 0.85


@pytest.mark.parametrize("status", ["approved", "archived", "rejected", "bogus"])
def test_register_refuses_other_statuses(registry: Registry, status: str):
    with pytest.raises(RegistryError, match="cannot be registered with status"):
        registry.register(make_entry("v1", status=status))
    assert not registry.exists("v1")


def test_register_refuses_a_bad_version(registry: Registry):
    with pytest.raises(InvalidVersionError):
        registry.register(make_entry("version-1"))


def test_register_fills_defaults_without_mutating_the_argument(registry: Registry):
    entry = {"version": "v1", "status": "candidate", "metrics": {"accuracy": 0.8, "f1_weighted": 0.8}}
    registry.register(entry)
    assert "history" not in entry
    stored = registry.get("v1")
    assert stored.approvals == [] and stored.gate is None and stored.notes == ""
    assert stored.reports["index"] == "reports/v1/index.html"


# ------------------------------------------------------------------ allowed transitions
def test_approve_records_the_approval(registry: Registry):
    registry.register(make_entry("v1"))
    registry.approve("v1", by="  Alice Martin ", comment="reports reviewed")
    entry = registry.get("v1")
    assert entry.status == "approved"
    approval = entry.approvals[-1]
    assert approval.decision == "approved" and approval.by == "Alice Martin"
    assert approval.comment == "reports reviewed" and ISO_SECONDS.match(approval.at)
    last = entry.history[-1]
    assert (last.event, last.before, last.after, last.by) == ("approved", "candidate", "approved", "Alice Martin")


def test_auto_approved_decision(registry: Registry):
    registry.register(make_entry("v1"))
    registry.approve("v1", by="ops", decision="auto-approved")
    assert registry.get("v1").approvals[-1].decision == "auto-approved"
    with pytest.raises(RegistryError, match="Unknown approval decision"):
        registry.approve("v1", by="ops", decision="maybe")


@pytest.mark.parametrize("start", ["candidate", "approved"])
def test_reject_from_candidate_or_approved(registry: Registry, start: str):
    at_status(registry, "v1", start)
    registry.reject("v1", by="Bob", comment="precision too low on HIGH")
    entry = registry.get("v1")
    assert entry.status == "rejected"
    assert entry.approvals[-1].decision == "rejected"
    assert entry.history[-1].comment == "precision too low on HIGH"
    assert (entry.history[-1].before, entry.history[-1].after) == (start, "rejected")


@pytest.mark.parametrize("start", ["candidate", "approved"])
def test_mark_failed_from_candidate_or_approved(registry: Registry, start: str):
    at_status(registry, "v1", start)
    registry.mark_failed("v1", reason="model file missing after publish")
    entry = registry.get("v1")
    assert entry.status == "failed"
    assert entry.history[-1].event == "failed"
    assert entry.notes == "model file missing after publish"


def test_promote_approved_with_passed_gate(registry: Registry):
    at_status(registry, "v1", "approved")
    registry.promote("v1", by="Alice", comment="go")
    entry = registry.get("v1")
    assert entry.status == "production" and registry.production_version() == "v1"
    assert entry.history[-1].event == "promoted"
    history = read_json(registry)["production_history"]
    assert len(history) == 1
    assert {k: history[0][k] for k in ("event", "from", "to", "by", "comment")} == {
        "event": "promote", "from": None, "to": "v1", "by": "Alice", "comment": "go"}


def test_promote_archives_the_previous_production_in_the_same_write(registry: Registry):
    promoted(registry, "v1")
    promoted(registry, "v2")
    data = read_json(registry)
    assert data["production"] == "v2"
    assert data["versions"]["v1"]["status"] == "archived"
    assert data["versions"]["v1"]["history"][-1]["event"] == "archived"
    assert [s["status"] for s in data["versions"].values()].count("production") == 1
    assert [(h["from"], h["to"]) for h in data["production_history"]] == [(None, "v1"), ("v1", "v2")]


def test_register_as_production_is_the_auto_promote_path(registry: Registry):
    promoted(registry, "v1")
    entry = make_entry("v2", status="production")
    entry["approvals"] = [{"decision": "auto-approved", "by": "ops", "at": "2025-11-27T14:30:00", "comment": None}]
    registry.register(entry)
    data = read_json(registry)
    assert data["production"] == "v2"
    assert data["versions"]["v1"]["status"] == "archived"
    assert data["production_history"][-1]["to"] == "v2" and data["production_history"][-1]["by"] == "ops"


# ------------------------------------------------------------------ refused transitions
REFUSED = [
    ("approved", "approve"), ("production", "approve"), ("archived", "approve"),
    ("rejected", "approve"), ("failed", "approve"),
    ("production", "reject"), ("archived", "reject"), ("rejected", "reject"), ("failed", "reject"),
    ("production", "promote"), ("archived", "promote"), ("rejected", "promote"), ("failed", "promote"),
    ("production", "mark_failed"), ("archived", "mark_failed"), ("rejected", "mark_failed"),
    ("failed", "mark_failed"),
]
TARGET = {"approve": "approved", "reject": "rejected", "promote": "production", "mark_failed": "failed"}


def _act(registry: Registry, action: str, version: str) -> None:
    if action == "approve":
        registry.approve(version, by="Alice")
    elif action == "reject":
        registry.reject(version, by="Bob", comment="no")
    elif action == "promote":
        registry.promote(version, by="Alice", comment="override", force=True)
    else:
        registry.mark_failed(version, reason="broken")


@pytest.mark.parametrize(("start", "action"), REFUSED)
def test_refused_transitions(registry: Registry, start: str, action: str):
    at_status(registry, "v1", start)
    before = read_json(registry)
    with pytest.raises(TransitionError) as caught:
        _act(registry, action, "v1")
    message = str(caught.value)
    assert f"v1 cannot go from {start} to {TARGET[action]}" in message
    assert ("is final" in message) if start in ("rejected", "failed") else ("allowed moves from" in message)
    assert read_json(registry) == before


def test_archived_can_only_come_back_by_rollback(registry: Registry):
    at_status(registry, "v1", "archived")
    with pytest.raises(TransitionError, match="rollback"):
        registry.promote("v1", by="Alice", comment="back", force=True)


# ------------------------------------------------------------------ promotion gate
def test_promote_refused_lists_every_reason(registry: Registry):
    registry.register(make_entry("v3", gate_passed=False))
    before = read_json(registry)
    with pytest.raises(PromotionRefusedError) as caught:
        registry.promote("v3", by="Alice")
    message = str(caught.value)
    assert message.startswith("v3 cannot be promoted: ")
    assert f"criterion 'No regression against production' (no_regression) failed ({FAILED_NO_REGRESSION_DETAIL})" in message
    assert "not approved by DRH (status candidate)" in message
    assert "`future-skills approve v3 --by NAME`" in message and "--force --by NAME --comment TEXT" in message
    assert "min_class_precision" not in message and "'approval'" not in message
    assert read_json(registry) == before


def test_promote_refused_when_approved_but_gate_failed(registry: Registry):
    registry.register(make_entry("v1", gate_passed=False))
    registry.approve("v1", by="Alice")
    with pytest.raises(PromotionRefusedError) as caught:
        registry.promote("v1", by="Alice")
    assert "no_regression" in str(caught.value) and "not approved" not in str(caught.value)
    assert registry.get("v1").status == "approved" and registry.production_version() is None


def test_promote_refused_when_not_approved(registry: Registry):
    registry.register(make_entry("v1"))
    with pytest.raises(PromotionRefusedError, match=r"v1 cannot be promoted: not approved by DRH \(status candidate\)"):
        registry.promote("v1", by="Alice")


def test_promote_refused_without_gate(registry: Registry):
    registry.register(make_entry("v1", gate_passed=None))
    registry.approve("v1", by="Alice")
    with pytest.raises(PromotionRefusedError, match="no promotion gate result"):
        registry.promote("v1", by="Alice")


def test_force_records_the_override(registry: Registry):
    promoted(registry, "v1")
    registry.register(make_entry("v2", gate_passed=False))
    registry.promote("v2", by="DRH Director", comment="business deadline, accepted risk", force=True)
    entry = registry.get("v2")
    assert entry.status == "production" and registry.production_version() == "v2"
    assert entry.approvals[-1].decision == "forced"
    assert entry.approvals[-1].by == "DRH Director"
    assert entry.history[-1].event == "force_promoted"
    assert registry.get("v1").status == "archived"
    assert read_json(registry)["production_history"][-1]["comment"] == "business deadline, accepted risk"


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_force_requires_a_comment(registry: Registry, comment):
    registry.register(make_entry("v1", gate_passed=False))
    with pytest.raises(RegistryError, match="forced promotion needs a --comment"):
        registry.promote("v1", by="Alice", comment=comment, force=True)
    assert registry.get("v1").status == "candidate"


@pytest.mark.parametrize("by", [None, "", "  "])
def test_by_is_required(registry: Registry, by):
    registry.register(make_entry("v1"))
    with pytest.raises(RegistryError, match="required"):
        registry.approve("v1", by=by)
    with pytest.raises(RegistryError, match="required"):
        registry.reject("v1", by=by, comment="no")
    with pytest.raises(RegistryError, match="required"):
        registry.promote("v1", by=by, comment="x", force=True)
    assert registry.get("v1").status == "candidate"


def test_reject_requires_a_comment(registry: Registry):
    registry.register(make_entry("v1"))
    with pytest.raises(RegistryError, match="reason for the rejection"):
        registry.reject("v1", by="Bob", comment="  ")
    assert registry.get("v1").status == "candidate"


def test_mark_failed_requires_a_reason(registry: Registry):
    registry.register(make_entry("v1"))
    with pytest.raises(RegistryError, match="reason"):
        registry.mark_failed("v1", reason="")


# ------------------------------------------------------------------ rollback
def test_rollback_restores_the_previous_production(registry: Registry):
    promoted(registry, "v1")
    promoted(registry, "v2")
    restored = registry.rollback(by="Carol", comment="v2 misclassifies HIGH")
    assert restored.version == "v1"
    data = read_json(registry)
    assert data["production"] == "v1"
    assert data["versions"]["v1"]["status"] == "production"
    assert data["versions"]["v2"]["status"] == "archived"
    v1_last, v2_last = data["versions"]["v1"]["history"][-1], data["versions"]["v2"]["history"][-1]
    assert (v1_last["event"], v1_last["from"], v1_last["to"], v1_last["by"]) == ("restored", "archived", "production", "Carol")
    assert (v2_last["event"], v2_last["from"], v2_last["to"]) == ("rolled_back", "production", "archived")
    last = data["production_history"][-1]
    assert (last["event"], last["from"], last["to"], last["comment"]) == ("rollback", "v2", "v1", "v2 misclassifies HIGH")


def test_repeated_rollbacks_walk_further_back(registry: Registry):
    for version in ("v1", "v2", "v3"):
        promoted(registry, version)
    registry.rollback(by="Carol")
    assert registry.production_version() == "v2"
    registry.rollback(by="Carol")
    assert registry.production_version() == "v1"
    with pytest.raises(RegistryError, match="nothing to roll back to"):
        registry.rollback(by="Carol")
    assert registry.production_version() == "v1"


def test_rollback_skips_a_version_rolled_back_from(registry: Registry):
    promoted(registry, "v1")
    promoted(registry, "v2")
    registry.rollback(by="Carol")
    promoted(registry, "v3")
    registry.rollback(by="Carol")
    assert registry.production_version() == "v1"


def test_rollback_skips_versions_no_longer_archived(registry: Registry):
    for version in ("v1", "v2", "v3"):
        promoted(registry, version)
    data = read_json(registry)
    data["versions"]["v2"]["status"] = "rejected"
    registry.path.write_text(json.dumps(data), encoding="utf-8")
    registry.rollback(by="Carol")
    assert registry.production_version() == "v1"
    assert registry.get("v2").status == "rejected"


def test_rollback_with_no_production(registry: Registry):
    with pytest.raises(RegistryError, match="no production version to roll back from"):
        registry.rollback(by="Carol")
    assert not registry.path.exists()


def test_rollback_with_a_single_production(registry: Registry):
    promoted(registry, "v1")
    before = read_json(registry)
    with pytest.raises(RegistryError, match="nothing to roll back to"):
        registry.rollback(by="Carol")
    assert read_json(registry) == before


# ------------------------------------------------------------------ update_entry
def test_update_entry_sets_fields_and_records_it(registry: Registry):
    registry.register(make_entry("v1", gate_passed=None))
    registry.update_entry("v1", gate=make_gate(True), notes="re-evaluated")
    entry = registry.get("v1")
    assert entry.gate["passed"] is True and entry.notes == "re-evaluated"
    last = entry.history[-1]
    assert last.event == "updated" and last.before == last.after == "candidate"
    assert "gate" in last.comment and "notes" in last.comment


@pytest.mark.parametrize("field", ["status", "version", "history", "approvals"])
def test_update_entry_refuses_life_cycle_fields(registry: Registry, field: str):
    registry.register(make_entry("v1"))
    with pytest.raises(RegistryError, match=f"cannot change {field}"):
        registry.update_entry("v1", **{field: "production"})
    assert registry.get("v1").status == "candidate"


def test_update_entry_unknown_version(registry: Registry):
    with pytest.raises(RegistryError, match="v7 is not in the registry"):
        registry.update_entry("v7", notes="x")


# ------------------------------------------------------------------ the file itself
def test_corrupt_json_is_one_clear_sentence(registry: Registry):
    registry.paths.models_dir.mkdir(parents=True)
    registry.path.write_text('{"versions": {\n  "v1": oops\n}', encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        registry.versions()
    message = str(caught.value)
    assert message.startswith("models/registry.json is not valid JSON (line 2)")
    assert "restore it from backup or git" in message and "\n" not in message
    with pytest.raises(RegistryError, match="not valid JSON"):
        registry.register(make_entry("v2"))
    assert registry.path.read_text(encoding="utf-8") == '{"versions": {\n  "v1": oops\n}'


def test_registry_json_of_the_wrong_shape(registry: Registry):
    registry.paths.models_dir.mkdir(parents=True)
    registry.path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(RegistryError, match="does not hold a registry object"):
        registry.load()


def test_no_temporary_files_left_behind(registry: Registry):
    promoted(registry, "v1")
    names = sorted(p.name for p in registry.paths.models_dir.iterdir())
    assert [n for n in names if n.endswith(".tmp")] == []
    assert "registry.json" in names and "MODEL_REGISTRY.md" in names


def test_markdown_is_rerendered_on_every_change(registry: Registry):
    registry.register(make_entry("v1"))
    assert "| candidate |" in registry.paths.registry_md.read_text(encoding="utf-8")
    registry.approve("v1", by="Alice")
    assert "| approved |" in registry.paths.registry_md.read_text(encoding="utf-8")
    registry.promote("v1", by="Alice")
    assert "| **production** |" in registry.paths.registry_md.read_text(encoding="utf-8")


def test_concurrent_writers_lose_nothing(registry: Registry):
    versions = [f"v{i}" for i in range(1, 9)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        pool.starmap(register_in_process, [(str(registry.paths.root), v) for v in versions])
    data = read_json(registry)
    assert sorted(data["versions"]) == sorted(versions)
    for version in versions:
        entry = data["versions"][version]
        assert entry["status"] == "approved"
        assert [h["event"] for h in entry["history"]] == ["registered", "approved"]
        assert entry["approvals"][0]["by"] == f"worker-{version}"
    markdown = registry.paths.registry_md.read_text(encoding="utf-8")
    assert all(f"| {v} |" in markdown for v in versions)


def test_approval_is_written_into_the_gate_approval_criterion(project_root):
    from future_skills.registry.store import Registry
    from helpers.registry import make_entry

    registry = Registry()
    registry.register(make_entry("v2"))
    before = {c["id"]: c["passed"] for c in registry.get("v2").gate["criteria"]}
    assert before["approval"] is None
    registry.approve("v2", by="Claire Martin", comment="ok")
    criteria = {c["id"]: c for c in registry.get("v2").gate["criteria"]}
    assert criteria["approval"]["passed"] is True and "Claire Martin" in criteria["approval"]["detail"]
    assert {k: c["passed"] for k, c in criteria.items() if k != "approval"} == \
        {k: v for k, v in before.items() if k != "approval"}
