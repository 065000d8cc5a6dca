"""Every notebook report states the version's registry status now, refreshed after each decision, and the
region does not change what was approved."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from future_skills.paths import get_paths
from future_skills.registry.governance import STATUS_BEGIN, STATUS_END, changed_reports, report_fingerprints
from future_skills.registry.store import Registry
from future_skills.reporting.html import export_notebook_html
from future_skills.reporting.status_block import refresh_status_blocks
from helpers.registry import make_entry, model_files_follow_registrations


def executed(path: Path, lang: str) -> Path:
    """A tiny executed notebook, as papermill leaves it, saying approval is pending (as 03_evaluate does)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Approval by DRH: pending at the time of the run.")]
    nb.metadata["papermill"] = {"parameters": {"version": "v2", "report_lang": lang}}
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def project(project_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Registry:
    model_files_follow_registrations(monkeypatch)  # promotion verifies the model file
    registry = Registry(get_paths(project_root))
    reports = registry.paths.report_dir("v2")
    reports.mkdir(parents=True, exist_ok=True)
    for name, lang in (("03_evaluate", "fr"), ("02_train", "en")):
        export_notebook_html(executed(tmp_path / f"{name}.ipynb", lang), reports / f"{name}.html")
    registry.register(make_entry("v2"))
    return registry


def status_of(registry: Registry, name: str) -> BeautifulSoup:
    text = (registry.paths.report_dir("v2") / f"{name}.html").read_text(encoding="utf-8")
    assert text.count(STATUS_BEGIN) == 1 and text.count(STATUS_END) == 1
    return BeautifulSoup(text[text.index(STATUS_BEGIN):text.index(STATUS_END)], "html.parser")


def test_notebook_reports_follow_the_registry_after_approval_and_promotion(project: Registry):
    refresh_status_blocks(project.paths, project.load())
    assert status_of(project, "03_evaluate").find(id="status").get_text() == "candidat, approbation en attente"
    assert status_of(project, "02_train").find(id="status").get_text() == "candidate, approval pending"
    assert status_of(project, "02_train").find("a")["href"] == "index.html"
    project.approve("v2", by="Claire Martin")
    refresh_status_blocks(project.paths, project.load())
    french = status_of(project, "03_evaluate").get_text(" ")
    assert "approuvé par Claire Martin" in french and "en attente" not in french
    assert "état au moment de l'exécution" in french
    project.promote("v2", by="Ops")
    refresh_status_blocks(project.paths, project.load())
    assert status_of(project, "02_train").find(id="status").get_text().startswith("production, approved by Claire")


def test_refreshing_the_region_does_not_change_the_approved_fingerprints(project: Registry):
    before = report_fingerprints(project.paths, "v2")
    refresh_status_blocks(project.paths, project.load())
    project.approve("v2", by="Claire Martin")
    refresh_status_blocks(project.paths, project.load())
    approval = project.get("v2").last_approval()
    assert report_fingerprints(project.paths, "v2") == before
    assert changed_reports(approval.reports, report_fingerprints(project.paths, "v2")) == []
    report = project.paths.report_dir("v2") / "03_evaluate.html"
    report.write_text(report.read_text(encoding="utf-8").replace("pending", "done"), encoding="utf-8")
    assert changed_reports(approval.reports, report_fingerprints(project.paths, "v2")) == ["evaluate"]
