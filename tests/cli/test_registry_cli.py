"""``future-skills`` governance commands driven in-process through ``cli.main``.

The registry life cycle itself is covered by test_registry.py; these tests check what the
operator sees: exit codes, stdout/stderr sentences, and the files the commands leave behind.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from future_skills.cli import main, retrain_main
from future_skills.paths import get_paths
from future_skills.registry.markdown import TABLE_COLUMNS
from future_skills.registry.store import Registry
from helpers.registry import FAILED_NO_REGRESSION_DETAIL, make_entry, make_metadata

ISO_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


@pytest.fixture
def registry(project_root: Path) -> Registry:
    """v1 in production, v2 a candidate whose gate passed, v3 a candidate whose gate failed."""
    registry = Registry(get_paths(project_root))
    registry.register(make_entry("v1", status="production"))
    registry.register(make_entry("v2", accuracy=0.87, f1=0.86))
    registry.register(make_entry("v3", accuracy=0.71, f1=0.70, gate_passed=False))
    for version, accuracy, f1 in (("v1", 0.85, 0.84), ("v2", 0.87, 0.86)):
        meta = make_metadata(version, metrics={"accuracy": accuracy, "f1_weighted": f1})
        registry.paths.metadata_path(version).write_text(json.dumps(meta), encoding="utf-8")
    return registry


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``future-skills ARGV``: (exit code, stdout, stderr); never a traceback."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def on_disk(registry: Registry) -> dict:
    return json.loads(registry.path.read_text(encoding="utf-8"))


def events(registry: Registry, version: str) -> dict[str, dict]:
    """The last history record of each event name of ``version``."""
    return {e["event"]: e for e in on_disk(registry)["versions"][version]["history"]}


def md_status(registry: Registry, version: str) -> str:
    """The Status cell of ``version``'s row in MODEL_REGISTRY.md's versions table."""
    text = registry.paths.registry_md.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith(f"| {version} |")]
    assert len(rows) == 1, rows
    cells = [c.strip() for c in rows[0].strip().strip("|").split("|")]
    assert len(cells) == len(TABLE_COLUMNS)
    return cells[TABLE_COLUMNS.index("Status")]


# ------------------------------------------------------------ approve, promote, rollback
def test_approve_promote_rollback_flow(registry: Registry, capsys, monkeypatch):
    monkeypatch.setenv("LOGNAME", "ops-jdoe")
    code, out, err = run(capsys, "approve", "v2", "--by", "Claire Martin", "--comment", "ok")
    assert (code, err) == (0, "")
    assert "v2 approved by Claire Martin" in out and "future-skills promote v2" in out
    assert on_disk(registry)["versions"]["v2"]["status"] == "approved"
    assert md_status(registry, "v2") == "approved"

    code, out, err = run(capsys, "promote", "v2")
    assert (code, err) == (0, "")
    assert "v2 is now in production" in out
    data = on_disk(registry)
    assert data["production"] == "v2"
    assert data["versions"]["v2"]["status"] == "production"
    assert data["versions"]["v1"]["status"] == "archived"
    assert (md_status(registry, "v2"), md_status(registry, "v1")) == ("**production**", "archived")

    code, out, err = run(capsys, "rollback", "--by", "Ops On-call", "--comment", "alerts")
    assert (code, err) == (0, "")
    assert "production is v1 again (was v2)" in out
    data = on_disk(registry)
    assert data["production"] == "v1"
    assert (data["versions"]["v1"]["status"], data["versions"]["v2"]["status"]) == ("production", "archived")
    assert (md_status(registry, "v1"), md_status(registry, "v2")) == ("**production**", "archived")
    assert [(r["event"], r["from"], r["to"]) for r in data["production_history"]] == [
        ("promote", None, "v1"), ("promote", "v1", "v2"), ("rollback", "v2", "v1")]

    v2, v1 = events(registry, "v2"), events(registry, "v1")
    assert (v2["approved"]["by"], v2["approved"]["comment"]) == ("Claire Martin", "ok")
    assert (v2["promoted"]["by"], v2["promoted"]["to"]) == ("ops-jdoe", "production")  # who ran it
    assert re.fullmatch(r"approved by Claire Martin on \d{4}-\d{2}-\d{2}", v2["promoted"]["comment"])
    assert (v2["rolled_back"]["by"], v2["rolled_back"]["comment"]) == ("Ops On-call", "alerts")
    assert (v1["archived"]["by"], v1["restored"]["by"]) == ("ops-jdoe", "Ops On-call")
    for event in (v2["approved"], v2["promoted"], v2["rolled_back"], v1["archived"], v1["restored"]):
        assert ISO_SECONDS.match(event["at"])
    approvals = data["versions"]["v2"]["approvals"]
    assert [(a["decision"], a["by"], a["comment"]) for a in approvals] == [("approved", "Claire Martin", "ok")]


def test_rollback_defaults_to_the_login_name(registry: Registry, capsys, monkeypatch):
    monkeypatch.setenv("LOGNAME", "jdoe")
    assert run(capsys, "approve", "v2", "--by", "Claire Martin")[0] == 0
    assert run(capsys, "promote", "v2", "--by", "Release Bot")[0] == 0
    assert events(registry, "v2")["promoted"]["by"] == "Release Bot"
    assert run(capsys, "rollback")[0] == 0
    assert events(registry, "v1")["restored"]["by"] == "jdoe"


@pytest.mark.parametrize("setup", ["empty", "single production"])
def test_rollback_without_a_previous_production(project_root: Path, capsys, setup: str):
    registry = Registry(get_paths(project_root))
    registry.register(make_entry("v1", status="production" if setup != "empty" else "candidate"))
    before = registry.path.read_bytes()
    code, out, err = run(capsys, "rollback", "--by", "Ops")
    assert code != 0 and out == ""
    expected = "no production version to roll back from" if setup == "empty" else "nothing to roll back to"
    assert err.startswith("error: ") and expected in err
    assert registry.path.read_bytes() == before


# ------------------------------------------------------------ refused promotions
def test_promote_with_a_failed_gate_lists_the_failed_criteria(registry: Registry, capsys):
    assert run(capsys, "approve", "v3", "--by", "Claire Martin")[0] == 0
    before = registry.path.read_bytes()
    code, out, err = run(capsys, "promote", "v3")
    assert code == 2 and out == ""
    assert err.startswith("error: v3 cannot be promoted")
    assert "no_regression" in err and FAILED_NO_REGRESSION_DETAIL in err
    assert "min_class_precision" not in err and "validation_sample" not in err  # those passed
    assert "--force --by NAME --comment TEXT" in err
    assert registry.path.read_bytes() == before


def test_promote_unapproved_with_by_names_the_approve_command(registry: Registry, capsys):
    before = registry.path.read_bytes()
    code, out, err = run(capsys, "promote", "v2", "--by", "Claire Martin")
    assert code == 2 and out == ""
    assert "not approved" in err and "future-skills approve v2 --by NAME" in err
    assert registry.path.read_bytes() == before


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_promote_unapproved_without_by_says_it_needs_approval(registry: Registry, capsys, version: str):
    code, _, err = run(capsys, "promote", version)
    assert code == 2
    assert "not approved" in err and f"future-skills approve {version} --by NAME" in err


def test_force_promote_records_who_and_why(registry: Registry, capsys):
    code, out, err = run(capsys, "promote", "v3", "--force", "--by", "CTO", "--comment", "hotfix for payroll")
    assert (code, err) == (0, "") and "v3 is now in production" in out
    data = on_disk(registry)
    assert data["production"] == "v3" and data["versions"]["v1"]["status"] == "archived"
    forced = events(registry, "v3")["force_promoted"]
    assert (forced["by"], forced["comment"], forced["from"], forced["to"]) == (
        "CTO", "hotfix for payroll", "candidate", "production")
    assert data["versions"]["v3"]["approvals"][-1]["decision"] == "forced"
    assert md_status(registry, "v3") == "**production**"


@pytest.mark.parametrize("extra, message", [
    (["--comment", "urgent"], "(--by) is required"),
    (["--by", "CTO"], "forced promotion needs a --comment"),
    (["--by", "CTO", "--comment", "  "], "forced promotion needs a --comment"),
])
def test_force_needs_by_and_comment(registry: Registry, capsys, extra, message):
    before = registry.path.read_bytes()
    code, out, err = run(capsys, "promote", "v3", "--force", *extra)
    assert code == 2 and out == "" and message in err
    assert registry.path.read_bytes() == before


# ------------------------------------------------------------ reject
def test_reject_is_final(registry: Registry, capsys):
    code, out, err = run(capsys, "reject", "v2", "--by", "Claire Martin", "--comment", "too few samples")
    assert (code, err) == (0, "") and "v2 rejected by Claire Martin" in out
    assert on_disk(registry)["versions"]["v2"]["status"] == "rejected"
    assert (events(registry, "v2")["rejected"]["comment"]) == "too few samples"
    assert md_status(registry, "v2") == "rejected"
    before = registry.path.read_bytes()
    for argv in (["approve", "v2", "--by", "Claire Martin"], ["promote", "v2", "--by", "Claire Martin"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == ""
        assert "v2 cannot go from rejected to" in err and "rejected is final" in err
    assert registry.path.read_bytes() == before


def test_promote_rejected_without_by_names_the_transition(registry: Registry, capsys):
    assert run(capsys, "reject", "v2", "--by", "Claire Martin", "--comment", "no")[0] == 0
    code, _, err = run(capsys, "promote", "v2")
    assert code == 2 and "rejected is final" in err


def test_reject_needs_a_comment(registry: Registry, capsys):
    before = registry.path.read_bytes()
    with pytest.raises(SystemExit) as exc:
        main(["reject", "v2", "--by", "Claire Martin"])
    assert exc.value.code == 2
    assert "the following arguments are required: --comment" in capsys.readouterr().err
    code, _, err = run(capsys, "reject", "v2", "--by", "Claire Martin", "--comment", " ")
    assert code == 2 and "reason for the rejection (--comment) is required" in err
    assert registry.path.read_bytes() == before


# ------------------------------------------------------------ diff
def test_diff_table(registry: Registry, capsys):
    code, out, err = run(capsys, "diff", "v1", "v2")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["Section", "Metric", "v1", "v2", "Change"]
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in lines[2:]}
    assert rows[("metrics", "accuracy")] == ["0.8500", "0.8700", "+0.0200"]
    assert rows[("metrics", "f1_weighted")] == ["0.8400", "0.8600", "+0.0200"]
    assert rows[("hyperparameters", "n_estimators")] == ["100", "100"]  # unchanged: no delta


def test_diff_markdown(registry: Registry, capsys):
    code, out, err = run(capsys, "diff", "v1", "v2", "--md")
    assert (code, err) == (0, "")
    lines = out.strip().splitlines()
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert lines[0] == "| Section | Metric | v1 | v2 | Change |"
    assert re.fullmatch(r"\|(-+\|){5}", lines[1])
    assert "| metrics | accuracy | 0.8500 | 0.8700 | +0.0200 |" in lines
    assert "| metrics | f1_weighted | 0.8400 | 0.8600 | +0.0200 |" in lines


@pytest.mark.parametrize("argv", [["diff", "v1", "v9"], ["diff", "v9", "v2", "--md"]])
def test_diff_unknown_version(registry: Registry, capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert "Version v9 is not in the registry" in err


def test_diff_missing_metadata(registry: Registry, capsys):
    code, out, err = run(capsys, "diff", "v1", "v3")
    assert code == 2 and out == "" and "metadata JSON of v3 is missing" in err


# ------------------------------------------------------------ registry, show
def test_registry_lists_versions_with_status(registry: Registry, capsys):
    assert run(capsys, "approve", "v2", "--by", "Claire Martin")[0] == 0
    code, out, err = run(capsys, "registry")
    assert (code, err) == (0, "")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    assert list(rows) == ["v1", "v2", "v3"]
    assert [rows[v][1] for v in rows] == ["production", "approved", "candidate"]
    assert (rows["v2"][-1], rows["v3"][-1]) == ("passed", "failed")


def test_registry_json(registry: Registry, capsys):
    code, out, _ = run(capsys, "registry", "--json")
    entries = json.loads(out)
    assert code == 0
    assert [(e["version"], e["status"]) for e in entries] == [
        ("v1", "production"), ("v2", "candidate"), ("v3", "candidate")]


def test_registry_empty(project_root: Path, capsys):
    code, out, _ = run(capsys, "registry")
    assert code == 0 and "The registry is empty" in out
    assert json.loads(run(capsys, "registry", "--json")[1]) == []


def test_show(registry: Registry, capsys):
    code, out, err = run(capsys, "show", "v2")
    assert (code, err) == (0, "")
    shown = json.loads(out)
    assert shown["metadata"]["model_version"] == "v2"
    assert shown["registry"]["version"] == "v2" and shown["registry"]["status"] == "candidate"


def test_show_unknown_version(registry: Registry, capsys):
    code, out, err = run(capsys, "show", "v9")
    assert code == 2 and out == ""
    assert err == "error: Version v9 is not in the registry; run `future-skills registry` to list versions.\n"


# ------------------------------------------------------------ invalid version strings
@pytest.mark.parametrize("argv", [["approve", "2.0", "--by", "x"], ["promote", "2.0"],
                                  ["show", "version2"], ["diff", "v1", "2.0"]])
def test_invalid_version_names_the_expected_form(registry: Registry, capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and "'v' followed by digits" in err


def test_invalid_version_is_refused_cleanly(registry: Registry, capsys):
    before = registry.path.read_bytes()
    code, out, err = run(capsys, "approve", "2.0", "--by", "x")
    assert code == 2 and out == "" and err.startswith("error: ") and "2.0" in err
    assert registry.path.read_bytes() == before


def test_run_retrain_help_names_the_script_and_every_option(capsys):
    with pytest.raises(SystemExit) as stop:
        retrain_main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: run_retrain.py")
    for option in ("--version", "--n-estimators", "--test-size", "--random-state", "--skip-export",
                   "--dataset-csv", "--db-url", "--window", "--validation-csv", "--auto-promote",
                   "--kernel", "--report-lang"):
        assert option in out


def test_run_retrain_bad_version_is_one_sentence_and_exit_2(project_root: Path, capsys):
    assert retrain_main(["--version", "version2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Invalid model version 'version2'") and err.count("\n") == 1
    assert not (project_root / "models" / "registry.json").exists()
