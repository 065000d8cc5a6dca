"""The oversight commands as the operator sees them: status blocks, show, audit verify, suspend/resume, export."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from future_skills.cli import main
from future_skills.paths import get_paths
from future_skills.registry.governance import STATUS_BEGIN, STATUS_END, report_fingerprints
from future_skills.registry.store import Registry
from helpers.registry import as_account, make_entry


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def write_index(root: Path, version: str) -> Path:
    folder = root / "reports" / version
    folder.mkdir(parents=True)
    index = folder / "index.html"
    index.write_text(f'<html lang="en"><body><h1>{version}</h1>\n{STATUS_BEGIN}\npending\n{STATUS_END}\n'
                     "<p>frozen part</p></body></html>", encoding="utf-8")
    return index


def test_approve_and_promote_refresh_the_status_block_only(project_root: Path, capsys):
    registry = Registry(get_paths(project_root))
    registry.register(make_entry("v1", status="production"))
    registry.register(make_entry("v2"))
    index_v1, index_v2 = write_index(project_root, "v1"), write_index(project_root, "v2")
    assert run(capsys, "approve", "v2", "--by", "Claire Martin", "--comment", "ok")[0] == 0
    assert "approved, approved by Claire Martin" in index_v2.read_text()
    assert run(capsys, "promote", "v2")[0] == 0
    text = index_v2.read_text()
    assert "production, approved by Claire Martin" in text and "approval pending" not in text
    assert text.endswith("<p>frozen part</p></body></html>")
    assert "archived" in index_v1.read_text()  # the previous production's report is refreshed too
    assert "unchanged since approval" in text
    code, out, _ = run(capsys, "show", "v2")
    shown = json.loads(out)["approved_reports"]
    assert shown["unchanged"] is True and shown["by"] == "Claire Martin"
    assert shown["sha256"]["index"] == report_fingerprints(registry.paths, "v2")["index"]


def test_audit_verify_passes_then_names_the_broken_line(project_root: Path, capsys):
    registry = Registry(get_paths(project_root))
    registry.register(make_entry("v1"))
    registry.approve("v1", by="Alice")
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0 and "Audit log verified: 2 events" in out
    lines = registry.paths.audit_log.read_text().splitlines(keepends=True)
    registry.paths.audit_log.write_text(lines[1])
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 1 and "audit_log.jsonl line 1 does not carry the sha256 of line 0" in out


def test_suspend_and_resume_commands(project_root: Path, capsys):
    from future_skills.reporting.monitoring_history import build_monitor_history

    monitoring, _ = build_monitor_history(get_paths())
    assert "SUSPENDED" not in monitoring.read_text()
    code, out, _ = run(capsys, "suspend", "--by", "Claire Martin", "--reason", "incident 42")
    assert code == 0 and "rules engine answers" in out
    assert "SUSPENDED, the rules engine answers" in monitoring.read_text() and "incident 42" in monitoring.read_text()
    assert json.loads(get_paths().suspension_flag.read_text())["reason"] == "incident 42"
    code, out, _ = run(capsys, "resume", "--by", "Claire Martin")
    assert code == 0 and "suspended by Claire Martin" in out and not get_paths().suspension_flag.exists()
    assert "SUSPENDED" not in monitoring.read_text()
    code, _, err = run(capsys, "resume", "--by", "Claire Martin")
    assert code == 2 and "Serving is not suspended" in err
    assert run(capsys, "audit", "verify")[0] == 0


def test_unlisted_account_is_refused_by_the_cli(project_root: Path, capsys, monkeypatch):
    Registry(get_paths(project_root)).register(make_entry("v1"))
    (project_root / "future_skills.toml").write_text(
        '[governance]\napprovers = [{ name = "Claire Martin", role = "DRH", account = "cmartin" }]\n')
    as_account(monkeypatch, "bob")
    code, _, err = run(capsys, "approve", "v1", "--by", "Claire Martin")
    assert code == 2 and "[governance] approvers" in err


@pytest.mark.parametrize("given", [False, True])
def test_export_uses_the_notebook_export_and_the_project_root(project_root: Path, capsys, monkeypatch,
                                                              tmp_path: Path, given: bool):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    argv = ["export", "--output", str(tmp_path / "out.csv")] if given else ["export"]
    code, out, _ = run(capsys, *argv)
    target = tmp_path / "out.csv" if given else project_root / "data" / "exports" / "future_skills_dataset.csv"
    assert code == 0 and target.exists() and "validated rows" in out
    assert target.with_suffix(".json").exists()  # the notebook's snapshot sidecar
    assert not (elsewhere / "data").exists()


def test_listed_promoter_promotes_under_the_listed_name(project_root: Path, capsys, monkeypatch):
    registry = Registry(get_paths(project_root))
    registry.register(make_entry("v1"))
    registry.approve("v1", by="Claire Martin")
    (project_root / "future_skills.toml").write_text(
        '[governance]\npromoters = [{ name = "Data Team", role = "ML engineer", account = "mlops" }]\n')
    as_account(monkeypatch, "mlops")
    assert run(capsys, "promote", "v1")[0] == 0
    last = registry.get("v1").history[-1]
    assert (last.event, last.by, last.account) == ("promoted", "Data Team", "mlops")
    as_account(monkeypatch, "someone")
    code, _, err = run(capsys, "rollback")
    assert code == 2 and "may not rollback" in err and "[governance] promoters" in err


def test_a_report_that_cannot_be_refreshed_only_warns(project_root: Path, capsys, monkeypatch):
    from future_skills.reporting import status_block

    registry = Registry(get_paths(project_root))
    registry.register(make_entry("v1"))
    write_index(project_root, "v1")

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(status_block, "atomic_write_text", refuse)
    code, _, err = run(capsys, "approve", "v1", "--by", "Claire Martin")
    assert code == 0 and "was not refreshed (Permission denied)" in err
    assert registry.get("v1").status == "approved"
