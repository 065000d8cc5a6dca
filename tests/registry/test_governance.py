"""Human oversight (issue 12): who may decide, what they saw, the audit chain, the stop switch."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from future_skills.exceptions import ConfigError, PermissionRefusedError, ReportsChangedError
from future_skills.paths import get_paths
from future_skills.registry.entities import Decision, RegistryData, RegistryEntry, Status
from future_skills.registry.governance import STATUS_BEGIN, STATUS_END, report_fingerprints
from future_skills.registry.store import DuplicateModelWarning, Registry
from future_skills.thresholds import load_config
from helpers.registry import as_account, make_entry

GOVERNANCE = """
[governance]
allow_auto_promote = false
approvers = [{ name = "Claire Martin", role = "DRH", account = "cmartin" }]
promoters = [{ name = "Data Team", role = "ML engineer", account = "mlops" }]
"""


@pytest.fixture
def registry(project_root: Path) -> Registry:
    return Registry(get_paths(project_root))


@pytest.fixture
def governed(project_root: Path, registry: Registry) -> Registry:
    (project_root / "future_skills.toml").write_text(GOVERNANCE, encoding="utf-8")
    return registry


def write_reports(root: Path, version: str, index_body: str = "summary") -> Path:
    """A fake reports/<v>/ folder: index.html with a status region, and the four notebook reports."""
    folder = root / "reports" / version
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("01_export", "02_train", "03_evaluate", "04_drift"):
        (folder / f"{name}.html").write_text(f"<p>{name}</p>", encoding="utf-8")
    index = folder / "index.html"
    index.write_text(f'<html lang="en"><body>{STATUS_BEGIN}old{STATUS_END}<p>{index_body}</p></body></html>',
                     encoding="utf-8")
    return index


# ------------------------------------------------------------------ typed records
def test_entries_round_trip_to_the_same_json_and_status_is_an_enum():
    raw = make_entry("v1")
    raw["custom_key"] = {"kept": True}
    entry = RegistryEntry.from_dict(raw)
    assert entry.status is Status.CANDIDATE and entry.status == "candidate"
    assert entry.to_dict() == raw
    assert json.dumps(Status.PRODUCTION) == '"production"'
    with pytest.raises(ValueError, match="status 'bogus' is not one of"):
        RegistryEntry.from_dict({**raw, "status": "bogus"})
    assert RegistryData.from_dict({"versions": {"v1": raw}}).to_dict()["versions"]["v1"] == raw


# ------------------------------------------------------------------ 1. who may approve
def test_governance_section_is_checked(project_root: Path):
    assert load_config()["governance"] == {"allow_auto_promote": True, "approvers": [], "promoters": []}
    (project_root / "future_skills.toml").write_text("[governance]\napprovers = [{ name = 'A' }]\n")
    with pytest.raises(ConfigError, match=r"approvers\[0\].account must be non-empty text"):
        load_config()
    (project_root / "future_skills.toml").write_text("[governance]\nallow_auto_promote = 1\n")
    with pytest.raises(ConfigError, match="must be true or false"):
        load_config()


def test_unlisted_account_is_refused_naming_the_setting(governed: Registry, monkeypatch):
    governed.register(make_entry("v1"))
    as_account(monkeypatch, "intruder")
    with pytest.raises(PermissionRefusedError, match=r"intruder may not approve: it is not listed in \[governance\] "
                                                     r"approvers of future_skills.toml; ask Claire Martin"):
        governed.approve("v1", by="Claire Martin")
    assert governed.get("v1").status == Status.CANDIDATE
    as_account(monkeypatch, "cmartin")
    with pytest.raises(PermissionRefusedError, match="listed in .* as 'Claire Martin', not 'Bob'"):
        governed.approve("v1", by="Bob")
    with pytest.raises(PermissionRefusedError, match=r"\[governance\] promoters"):
        governed.promote("v1", by="Claire Martin")


def test_listed_approver_records_name_account_host_time_and_fingerprints(governed: Registry, monkeypatch):
    write_reports(governed.paths.root, "v1")
    governed.register(make_entry("v1"))
    as_account(monkeypatch, "cmartin")
    entry = governed.approve("v1", by="Claire Martin", comment="read the reports")
    approval = entry.approvals[-1]
    assert (approval.by, approval.account, approval.role) == ("Claire Martin", "cmartin", "DRH")
    assert approval.host and approval.at[:4].isdigit()
    assert approval.reports == report_fingerprints(governed.paths, "v1")
    assert set(approval.reports) == {"index", "export", "train", "evaluate", "drift"}
    assert all(len(sha) == 64 for sha in approval.reports.values())
    assert entry.history[-1].account == "cmartin"
    as_account(monkeypatch, "mlops")
    assert governed.promote("v1", by="Data Team").status == Status.PRODUCTION


def test_without_lists_anyone_may_decide(registry: Registry, monkeypatch):
    as_account(monkeypatch, "anyone")
    registry.register(make_entry("v1"))
    assert registry.approve("v1", by="Someone").approvals[-1].role is None


# ------------------------------------------------------------------ 2. what the approver saw
def test_promote_refuses_when_reports_changed_after_approval(registry: Registry):
    index = write_reports(registry.paths.root, "v1")
    registry.register(make_entry("v1"))
    registry.approve("v1", by="Claire")
    index.write_text(index.read_text().replace(f"{STATUS_BEGIN}old", f"{STATUS_BEGIN}refreshed"))
    assert report_fingerprints(registry.paths, "v1")["index"] == registry.get("v1").approvals[-1].reports["index"]
    (index.parent / "02_train.html").write_text("<p>regenerated</p>")
    with pytest.raises(ReportsChangedError, match=r"report\(s\) train changed after Claire approved them"):
        registry.promote("v1", by="Ops")
    assert registry.get("v1").status == Status.APPROVED


# ------------------------------------------------------------------ 3. audit log
def decide_everything(registry: Registry) -> None:
    registry.register(make_entry("v1"))
    registry.approve("v1", by="Alice")
    registry.promote("v1", by="Alice")
    registry.register(make_entry("v2"))
    registry.approve("v2", by="Alice")
    registry.promote("v2", by="Alice")
    registry.rollback(by="Carol", comment="bad")
    registry.suspend(by="Carol", reason="incident")
    registry.resume(by="Carol")


def test_untouched_registry_verifies_and_every_event_is_chained(registry: Registry):
    decide_everything(registry)
    result = registry.verify()
    assert result.ok, result.problems
    lines = registry.paths.audit_log.read_text().splitlines()
    events = [json.loads(line)["event"] for line in lines]
    assert events[:3] == ["registered", "approved", "promoted"]
    assert {"archived", "rolled_back", "restored", "suspended", "resumed"} <= set(events)
    assert result.lines == len(lines)
    assert f"chain head `{result.head}`" in registry.paths.registry_md.read_text()


def test_one_character_edited_in_registry_json_is_found(registry: Registry):
    decide_everything(registry)
    text = registry.path.read_text()
    registry.path.write_text(text.replace('"accuracy": 0.85', '"accuracy": 0.95', 1))
    result = registry.verify()
    assert not result.ok
    assert "registry.json is not the file written with line" in result.problems[0]


def test_status_edited_in_registry_json_names_the_version(registry: Registry):
    decide_everything(registry)
    data = json.loads(registry.path.read_text())
    data["versions"]["v2"]["status"] = "production"
    registry.path.write_text(json.dumps(data))
    problems = registry.verify().problems
    assert any("versions.v2.status is production but audit_log.jsonl says archived" in p for p in problems)


def test_deleted_audit_line_is_named(registry: Registry):
    decide_everything(registry)
    lines = registry.paths.audit_log.read_text().splitlines(keepends=True)
    del lines[3]
    registry.paths.audit_log.write_text("".join(lines))
    result = registry.verify()
    assert result.problems == ["audit_log.jsonl line 4 does not carry the sha256 of line 3: a line was deleted, "
                               "inserted or edited at or before line 4."]


def test_edited_audit_line_is_named(registry: Registry):
    decide_everything(registry)
    lines = registry.paths.audit_log.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace('"Alice"', '"Mallory"')
    registry.paths.audit_log.write_text("".join(lines))
    assert "line 3 does not carry the sha256 of line 2" in registry.verify().problems[0]


def test_a_log_started_on_an_existing_registry_begins_with_a_snapshot(registry: Registry):
    registry.register(make_entry("v1"))
    registry.paths.audit_log.unlink()
    assert "missing or empty" in registry.verify().problems[0]
    registry.approve("v1", by="Alice")
    first = json.loads(registry.paths.audit_log.read_text().splitlines()[0])
    assert first["event"] == "audit_started" and first["statuses"] == {"v1": "candidate"}
    assert registry.verify().ok


# ------------------------------------------------------------------ 4. auto-promotion
def test_auto_approval_is_not_a_person_and_can_be_disabled(registry: Registry, project_root: Path):
    registry.register(make_entry("v1"))
    entry = registry.approve("v1", by="root", decision="auto-approved")
    assert entry.approvals[-1].decision == Decision.AUTO_APPROVED and not entry.approvals[-1].by_person
    registry.promote("v1", by="root", automatic=True)
    assert "auto-approved by the pipeline" in registry.paths.registry_md.read_text()
    (project_root / "future_skills.toml").write_text("[governance]\nallow_auto_promote = false\n")
    registry.register(make_entry("v2"))
    with pytest.raises(PermissionRefusedError, match="allow_auto_promote = false"):
        registry.approve("v2", by="root", decision="auto-approved")


# ------------------------------------------------------------------ 7. duplicates
def test_duplicate_model_warns_naming_the_version(registry: Registry):
    registry.register(make_entry("v1"))
    twin = make_entry("v2")
    twin["model_sha256"] = registry.get("v1").model_sha256
    with pytest.warns(DuplicateModelWarning, match="v2 has the same model file .* as v1"):
        registry.register(twin)
    assert registry.get("v2").duplicate_of == "v1"
    assert "**Same model as:** v1" in registry.paths.registry_md.read_text()


def test_stop_switch_removed_by_hand_is_found(registry: Registry):
    registry.register(make_entry("v1"))
    registry.suspend(by="Claire", reason="incident")
    assert registry.verify().ok
    registry.paths.suspension_flag.unlink()
    assert "serving_suspended.json is missing but audit_log.jsonl says serving is suspended" in \
        registry.verify().problems[-1]


def test_a_deleted_report_counts_as_changed_but_one_missing_at_approval_does_not(registry: Registry):
    index = write_reports(registry.paths.root, "v1")
    index.unlink()  # as in --auto-promote: the index is written after the approval
    registry.register(make_entry("v1"))
    registry.approve("v1", by="Claire")
    write_reports(registry.paths.root, "v1", index_body="written later")
    (index.parent / "04_drift.html").unlink()
    with pytest.raises(ReportsChangedError, match=r"report\(s\) drift changed"):
        registry.promote("v1", by="Ops")


def test_the_account_is_the_real_user_not_an_environment_variable(monkeypatch):
    import pwd

    from future_skills.registry.governance import current_actor

    monkeypatch.setenv("LOGNAME", "cmartin")
    monkeypatch.setenv("USER", "cmartin")
    assert current_actor("Claire Martin").account == pwd.getpwuid(os.getuid()).pw_name
