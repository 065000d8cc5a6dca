"""MODEL_REGISTRY.md: the historical table, details per version, escaping."""
from __future__ import annotations

import re
from pathlib import Path

from future_skills.paths import get_paths
from future_skills.registry.audit import chain_head
from future_skills.registry.entities import RegistryData
from future_skills.registry.markdown import escape, render_registry_markdown
from future_skills.registry.store import Registry
from helpers.registry import make_entry

HEADER_ROW = "| Version | Date | Dataset | Samples | Accuracy | F1-Score | N_estimators | Status | Notes |"


def registry_with(*entries: dict, production: str | None = None, history: list | None = None) -> RegistryData:
    return RegistryData.from_dict({"versions": {e["version"]: e for e in entries}, "production": production,
                                   "production_history": history or []})


def table_row(markdown: str, version: str) -> str:
    rows = [line for line in markdown.splitlines() if line.startswith(f"| {version} |")]
    assert len(rows) == 1, rows
    return rows[0]


def cells(row: str) -> list[str]:
    """Split a Markdown table row on unescaped pipes."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]


def test_empty_registry_renders_header_and_no_production():
    text = render_registry_markdown(RegistryData())
    assert text.startswith("<!-- generated from registry.json by future-skills; do not edit -->\n")
    assert "# Model registry — Future Skills" in text
    assert HEADER_ROW in text
    assert "**Production version:** none" in text
    assert "## Details" in text and "## Production history" in text


def test_table_row_values():
    entry = make_entry("v1", accuracy=0.8512, f1=0.8434)
    text = render_registry_markdown(registry_with(entry))
    assert cells(table_row(text, "v1")) == [
        "v1", "2025-11-27", "dataset.csv (cdcdcdcd)", "4,800", "85.1%", "0.843", "200", "candidate", "gate passed",
    ]


def test_production_is_bold_and_named_and_rows_newest_first():
    entries = [make_entry("v2", status="archived"), make_entry("v10", status="production"), make_entry("v9")]
    text = render_registry_markdown(registry_with(*entries, production="v10"))
    assert "**Production version:** v10" in text
    assert cells(table_row(text, "v10"))[7] == "**production**"
    assert cells(table_row(text, "v2"))[7] == "archived"
    lines = text.splitlines()
    order = [lines.index(table_row(text, v)) for v in ("v10", "v9", "v2")]
    assert order == sorted(order)
    details = [text.index(f"### {v}\n") for v in ("v10", "v9", "v2")]
    assert details == sorted(details)


def test_notes_fall_back_to_the_gate_summary():
    text = render_registry_markdown(registry_with(make_entry("v1", gate_passed=False), make_entry("v2", gate_passed=None)))
    assert cells(table_row(text, "v1"))[8] == "gate failed: no_regression"
    assert cells(table_row(text, "v2"))[8] == "gate not evaluated"


def test_pipes_and_newlines_in_free_text_are_escaped():
    entry = make_entry("v1", notes="retrained | new skills\nsecond line")
    entry["approvals"] = [{"decision": "approved", "by": "Ann|Lee", "at": "2025-11-28T09:00:00", "comment": "ok|go"}]
    entry["history"] = [{"at": "2025-11-28T09:00:00", "event": "approved", "from": "candidate", "to": "approved",
                         "by": "Ann|Lee", "comment": "a|b"}]
    text = render_registry_markdown(registry_with(entry))
    row = cells(table_row(text, "v1"))
    assert len(row) == 9
    assert row[8] == "retrained \\| new skills second line"
    assert "approved by Ann\\|Lee on 2025-11-28T09:00:00: ok\\|go" in text
    history_row = [line for line in text.splitlines() if line.startswith("| 2025-11-28T09:00:00 |")][0]
    assert len(cells(history_row)) == 6 and cells(history_row)[5] == "a\\|b"


def test_escape():
    assert escape("a|b") == "a\\|b"
    assert escape("x\n\ny") == "x y"
    assert escape(None) == "—" and escape("") == "—"


def test_details_section():
    entry = make_entry("v2", gate_passed=False)
    text = render_registry_markdown(registry_with(entry))
    section = text[text.index("### v2"):text.index("## Production history")]
    assert "- **Status:** candidate" in section
    assert "`runs/v2/dataset.csv`" in section and "cd" * 32 in section and "4,800" in section
    assert "2023-01-01 → 2025-10-01" in section
    assert "accuracy 85.0%" in section and "weighted F1 0.8400" in section
    assert "- **Promotion gate:** failed" in section
    assert re.search(r"✘ fail .*`no_regression`\): accuracy 0\.71 < production 0\.85", section)
    assert re.search(r"✔ pass .*`min_class_precision`", section)
    assert re.search(r"○ pending .*`approval`", section)
    assert "- **Approvals:** none" in section
    assert "[index](../reports/v2/index.html)" in section and "[train](../reports/v2/02_train.html)" in section
    assert "| When | Event | From | To | By | Comment |" in section


def test_production_history_table():
    history = [{"at": "2025-11-01T10:00:00", "event": "promote", "from": None, "to": "v1", "by": "Alice", "comment": None},
               {"at": "2025-11-02T10:00:00", "event": "rollback", "from": "v2", "to": "v1", "by": "Carol", "comment": "bad"}]
    text = render_registry_markdown(registry_with(make_entry("v1", status="production"), production="v1", history=history))
    tail = text[text.index("## Production history"):]
    assert "| 2025-11-01T10:00:00 | promote | — | v1 | Alice | — |" in tail
    assert "| 2025-11-02T10:00:00 | rollback | v2 | v1 | Carol | bad |" in tail


def test_registry_writes_the_markdown_file(project_root: Path):
    registry = Registry(get_paths(project_root))
    registry.register(make_entry("v1"))
    registry.approve("v1", by="Alice")
    registry.promote("v1", by="Alice")
    registry.register(make_entry("v2"))
    registry.reject("v2", by="Bob", comment="worse on HIGH")
    text = (project_root / "models" / "MODEL_REGISTRY.md").read_text(encoding="utf-8")
    assert HEADER_ROW in text
    assert cells(table_row(text, "v1"))[7] == "**production**"
    assert cells(table_row(text, "v2"))[7] == "rejected"
    assert "rejected by Bob" in text and "worse on HIGH" in text
    head = chain_head(registry.paths.audit_log)
    assert f"chain head `{head[1]}`" in text
    assert text == render_registry_markdown(registry.load(), audit_head=head)
