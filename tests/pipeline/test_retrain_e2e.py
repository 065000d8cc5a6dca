"""End to end: ``run_retrain.py`` twice (v1 then v2) in a temporary root, as a user runs it."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from future_skills.reporting.run_index import RELIABILITY_TAG, notebook_png
from helpers.reports import english_notebook_sentences, english_sentences

REPO = Path(__file__).resolve().parents[2]
DESIGN_KEYS = {
    "model_version", "training_date", "training_duration_seconds", "dataset", "hyperparameters", "metrics",
    "feature_importance_top10", "model_sha256", "run_id", "git_commit", "environment", "reports",
}
DATASET_KEYS = {"csv_path", "sha256", "total_samples", "features_used", "class_distribution"}
REPORT_KEYS = {"index", "export", "train", "evaluate", "drift"}

pytestmark = pytest.mark.slow


def retrain(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FUTURE_SKILLS_HOME": str(root)}
    return subprocess.run([sys.executable, str(REPO / "run_retrain.py"), *args], env=env,
                          capture_output=True, text=True, timeout=600)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under the generated folders with its sha256: to show that nothing changed."""
    digest = {}
    for folder in ("models", "runs", "reports"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not path.name.endswith(".lock"):
                digest[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


VALIDATION_ROWS, FLIPPED_ROWS = 30, 5


def write_validation_sample(dataset: Path, target: Path) -> None:
    """30 HR-labelled rows, five of them with a label no model can agree with (LOW ↔ HIGH swapped)."""
    import pandas as pd

    frame = pd.read_csv(dataset).sample(VALIDATION_ROWS, random_state=3).reset_index(drop=True)
    swap = {"LOW": "HIGH", "HIGH": "LOW", "MEDIUM": "LOW"}
    frame.loc[: FLIPPED_ROWS - 1, "future_need_level"] = frame.loc[: FLIPPED_ROWS - 1, "future_need_level"].map(swap)
    frame.to_csv(target, index=False)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("e2e")
    first = retrain(root, "--version", "v1", "--n-estimators", "30", "--auto-promote")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "v1 auto-promoted to production" in first.stdout and "v1 registered as production" in first.stdout
    assert "Model family: a random forest of 30 trees" in first.stdout and "below 50,000" in first.stdout
    assert "Run took " in first.stdout and " s for the notebooks" in first.stdout
    traffic = subprocess.run([str(Path(sys.executable).with_name("future-skills")), "simulate-traffic", "--days", "10",
                              "--rows-per-day", "60", "--drift", "0.6"], env={**os.environ, "FUTURE_SKILLS_HOME": str(root)},
                             capture_output=True, text=True, timeout=600)
    assert traffic.returncode == 0, traffic.stderr  # v2's drift report then has live evidence about v1
    sample = root / "validation_sample.csv"
    write_validation_sample(root / "runs" / "v1" / "dataset.csv", sample)
    second = retrain(root, "--version", "v2", "--n-estimators", "40", "--report-lang", "fr",
                     "--validation-csv", str(sample))
    assert second.returncode == 0, second.stdout + second.stderr
    return root


def test_models_and_metadata_have_every_design_key(two_versions: Path):
    for version in ("v1", "v2"):
        assert (two_versions / "models" / f"future_skills_model_{version}.pkl").stat().st_size > 0
        meta = json.loads((two_versions / "models" / f"future_skills_model_{version}.json").read_text())
        assert DESIGN_KEYS <= meta.keys()
        assert DATASET_KEYS <= meta["dataset"].keys()
        assert REPORT_KEYS <= meta["reports"].keys()
        assert meta["model_version"] == version
        assert set(meta["metrics"]["per_class"]) == {"LOW", "MEDIUM", "HIGH"}
        assert meta["model_sha256"] == hashlib.sha256(
            (two_versions / "models" / f"future_skills_model_{version}.pkl").read_bytes()).hexdigest()
        assert meta["model_path"] == f"models/future_skills_model_{version}.pkl"  # where it was published
        assert not (two_versions / "runs" / version / "model").exists()  # moved, not kept twice
        for published in (two_versions / "models").glob(f"future_skills_model_{version}.*"):
            assert published.stat().st_mode & 0o044 == 0o044, published  # readable by group and others
    v2 = json.loads((two_versions / "models" / "future_skills_model_v2.json").read_text())
    assert v2["hyperparameters"]["n_estimators"] == 40
    assert v2["evaluation"]["production_version"] == "v1"


def test_registry_has_v1_in_production_and_v2_as_candidate(two_versions: Path):
    registry = json.loads((two_versions / "models" / "registry.json").read_text())
    assert registry["production"] == "v1"
    assert registry["versions"]["v1"]["status"] == "production"
    assert registry["versions"]["v2"]["status"] == "candidate"
    assert registry["versions"]["v2"]["model_family"] == "rf" and "auto" in registry["versions"]["v2"]["model_reason"]
    markdown = (two_versions / "models" / "MODEL_REGISTRY.md").read_text()
    assert "| Version | Date | Dataset | Samples | Accuracy | F1-Score | N_estimators | Status | Notes |" in markdown
    assert "| v1 |" in markdown and "| v2 |" in markdown
    assert "auto-approved by the pipeline" in markdown and "not by a person" in markdown


def test_reports_say_auto_promotion_is_not_a_person_and_the_audit_log_verifies(two_versions: Path, monkeypatch):
    from future_skills.paths import get_paths
    from future_skills.registry.store import Registry

    v1 = (two_versions / "reports" / "v1" / "index.html").read_text(encoding="utf-8")
    assert "production, auto-approved by the pipeline" in v1 and "no person approved this version" in v1
    v2 = (two_versions / "reports" / "v2" / "index.html").read_text(encoding="utf-8")
    assert "candidat, approbation en attente" in v2 and "future-skills approve v2" in v2  # French report
    result = Registry(get_paths(two_versions)).verify()
    assert result.ok, result.problems


def test_executed_notebooks_carry_the_injected_version(two_versions: Path):
    for name in ("01_export", "02_train", "03_evaluate", "04_drift"):
        nb = nbformat.read(two_versions / "runs" / "v2" / f"{name}.ipynb", as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert injected and 'version = "v2"' in injected[0].source
        assert nb.metadata["papermill"]["exception"] is not True
    manifest = json.loads((two_versions / "runs" / "v2" / "run.json").read_text())
    assert manifest["status"] == "succeeded"
    assert [s["status"] for s in manifest["steps"]] == ["succeeded"] * 4


def test_the_run_records_its_timings_and_each_notebook_started_once_its_input_was_written(two_versions: Path):
    manifest = json.loads((two_versions / "runs" / "v2" / "run.json").read_text())
    assert [s["notebook"][:2] for s in manifest["steps"]] == ["01", "02", "03", "04"]
    assert all(s["seconds"] > 0 for s in manifest["steps"])
    assert 0 < manifest["notebooks_seconds"] <= manifest["seconds"]
    times = {name: nbformat.read(two_versions / "runs" / "v2" / f"{name}.ipynb", as_version=4).metadata["papermill"]
             for name in ("01_export", "02_train", "03_evaluate", "04_drift")}
    # 04_drift reads production's log, not the candidate: it ran alongside 02_train (its kernel asked for last)
    assert times["04_drift"]["start_time"] < times["02_train"]["end_time"]
    started = {name: datetime.fromisoformat(times[name]["start_time"]).timestamp() for name in times}
    # 02_train started once the snapshot (its record written last) was there, not before; its kernel was up
    # by then unless the template was still importing scikit-learn
    snapshot_written = (two_versions / "runs" / "v2" / "dataset.json").stat().st_mtime
    assert started["01_export"] < snapshot_written <= started["02_train"] + 0.1  # file times: a coarser clock
    # 03_evaluate started once the model's metadata was written, while 02_train still drew its figures
    assert times["02_train"]["start_time"] < times["03_evaluate"]["start_time"] < times["02_train"]["end_time"]


def test_html_reports_have_no_code_and_no_network_assets(two_versions: Path):
    reports = two_versions / "reports" / "v2"
    for name in ("index", "01_export", "02_train", "03_evaluate", "04_drift"):
        soup = BeautifulSoup((reports / f"{name}.html").read_text(), "html.parser")
        assert not soup.select(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .input_area"), name
        assert "import " not in soup.get_text() and "from future_skills" not in soup.get_text(), name
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in soup.find_all(tag):
                value = element.get(attr) or ""
                assert not value.startswith(("http:", "https:", "//")), (name, value)
        for img in soup.find_all("img"):
            assert img["src"].startswith("data:image/"), name
    index = BeautifulSoup((reports / "index.html").read_text(), "html.parser")
    assert index.find(id="verdict") is not None and index.find(id="criteria") is not None
    assert index.find(id="comparison") is not None
    links = {a["href"] for a in index.select("#reports a")}
    assert links == {"01_export.html", "02_train.html", "03_evaluate.html", "04_drift.html"}


def test_the_model_cards_calibration_chart_is_the_figure_03_evaluate_drew(two_versions: Path):
    """The pipeline's own process does not draw (nor import matplotlib): index.html shows 03's figure."""
    drawn = notebook_png(two_versions / "runs" / "v2" / "03_evaluate.ipynb", RELIABILITY_TAG)
    index = BeautifulSoup((two_versions / "reports" / "v2" / "index.html").read_text(), "html.parser")
    charts = [img["src"] for img in index.find_all("img") if img["src"].startswith("data:image/png")]
    assert drawn and charts == [f"data:image/png;base64,{drawn}"]


def test_an_existing_version_is_refused_and_nothing_changes(two_versions: Path):
    before = tree_digest(two_versions)
    again = retrain(two_versions, "--version", "v1")
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr
    assert tree_digest(two_versions) == before


def test_a_bad_version_string_is_refused_with_one_sentence(tmp_path: Path):
    result = retrain(tmp_path, "--version", "2")
    assert result.returncode == 2
    assert "Invalid model version '2'" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


@pytest.fixture(scope="module")
def demo_csv(tmp_path_factory) -> Path:
    """A valid dataset CSV exported from a throw-away demo database."""
    from future_skills.data.database import export_dataset
    from future_skills.data.demo import build_demo_database

    folder = tmp_path_factory.mktemp("csv")
    db = build_demo_database(folder / "hr.sqlite")
    frame = export_dataset(f"sqlite:///{db}")
    path = folder / "dataset.csv"
    frame.iloc[: len(frame) // 2].to_csv(path, index=False)
    return path


def test_dataset_csv_is_what_the_model_is_trained_on(tmp_path: Path, demo_csv: Path):
    import pandas as pd

    result = retrain(tmp_path, "--version", "v1", "--dataset-csv", str(demo_csv), "--n-estimators", "20")
    assert result.returncode == 0, result.stdout + result.stderr
    meta = json.loads((tmp_path / "models" / "future_skills_model_v1.json").read_text())
    frame = pd.read_csv(demo_csv)
    assert meta["dataset"]["total_samples"] == len(frame)
    assert meta["dataset"]["class_distribution"] == {
        level: int((frame["future_need_level"] == level).sum()) for level in ("LOW", "MEDIUM", "HIGH")
    }
    assert not (tmp_path / "data" / "future_skills_hr.sqlite").exists()  # no database was needed


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0"]


def chromium() -> str:
    import shutil

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        pytest.skip("Debian's chromium is not installed and `make browser-deps` could not install it here")
    return binary


@pytest.mark.parametrize("page", ["index.html", "03_evaluate.html"])
def test_reports_render_offline_in_chromium_without_console_messages(two_versions: Path, tmp_path: Path, page: str):
    binary = chromium()
    url = (two_versions / "reports" / "v1" / page).as_uri()
    dom = subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    assert "<table" in dom.stdout
    shot = tmp_path / "page.png"
    subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--window-size=900,1400",
                    f"--screenshot={shot}", url], capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_validation_sample_and_french_summary_reach_the_reports(two_versions: Path):
    meta = json.loads((two_versions / "models" / "future_skills_model_v2.json").read_text())
    criterion = {c["id"]: c for c in meta["gate"]["criteria"]}["validation_sample"]
    assert criterion["values"]["provided"] is True and criterion["values"]["rows"] == VALIDATION_ROWS
    evaluate = BeautifulSoup((two_versions / "reports" / "v2" / "03_evaluate.html").read_text(), "html.parser")
    assert "contredit la rh" in evaluate.get_text().lower()  # v2's report is French: rows where a model disagrees
    index = (two_versions / "reports" / "v2" / "index.html").read_text()
    assert '<html lang="fr"' in index and "Critères de mise en production" in index
    assert "future-skills approve v2" in index and "future-skills reject v2" in index


def test_french_reports_contain_no_sentence_of_the_english_catalogues(two_versions: Path):
    fragments = english_sentences() | english_notebook_sentences(REPO / "notebooks")
    for name in ("index", "01_export", "02_train", "03_evaluate", "04_drift"):
        html = (two_versions / "reports" / "v2" / f"{name}.html").read_text(encoding="utf-8")
        text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").replace("*", "").split())
        leaked = [f for f in fragments if f in text]
        assert not leaked, f"{name}.html: {leaked[:5]}"
        assert 'lang="fr"' in html
    english = " ".join(BeautifulSoup((two_versions / "reports" / "v1" / "02_train.html").read_text(),
                                     "html.parser").get_text(" ").replace("*", "").split())
    assert sum(f in english for f in fragments) > 5  # the same check finds English in an English report


def _page(root: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((root / "reports" / "v2" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def _words(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def test_each_figure_shown_twice_is_the_same_number_across_the_reports(two_versions: Path):
    index, evaluate, drift = (_page(two_versions, name) for name in ("index", "03_evaluate", "04_drift"))
    figure = {span["data-figure"]: span.get_text(strip=True) for span in index.select("#same-rows [data-figure]")}
    table = next(t for t in evaluate.find_all("table") if "Candidat v2" in t.get_text())
    row = next(tr for tr in table.find_all("tr") if tr.find("th") and tr.find("th").get_text(strip=True)
               == "Taux de bonnes réponses")
    candidate, production, difference = (td.get_text(strip=True) for td in row.find_all("td"))
    assert (candidate, production, difference) == (figure["candidate.accuracy"], figure["production.accuracy"],
                                                   figure["difference"])
    report = json.loads((two_versions / "runs" / "v2" / "drift.json").read_text(encoding="utf-8"))
    realised = report["realised_accuracy"]
    assert report["status"] != "no_data" and realised["accuracy"] is not None  # the check has figures to compare
    live, drift_text = _words(index.find(id="live")), _words(drift)
    shown = re.search(r"a eu raison dans ([\d,]+ %) des cas sur ([\d ]+) paires .* contre ([\d,]+ %)", live)
    found = re.search(r"constaté : ([\d,]+ %) sur ([\d ]+) prédictions .*jeu de test : ([\d,]+ %)", drift_text)
    assert shown and found and shown.groups() == found.groups(), (live, drift_text[:3000])
    verdict = {"ok": "pas de dérive", "watch": "à surveiller", "retrain": "réentraînement recommandé"}[report["verdict"]]
    assert verdict in live.lower() and verdict in drift_text.lower()


def test_every_notebook_report_states_the_registry_status_now(two_versions: Path):
    for name in ("01_export", "02_train", "03_evaluate", "04_drift"):
        status = _page(two_versions, name).find(id="registry-status")
        assert status is not None, name
        assert "candidat, approbation en attente" in _words(status) and status.find("a")["href"] == "index.html"
    v1 = BeautifulSoup((two_versions / "reports" / "v1" / "03_evaluate.html").read_text(encoding="utf-8"), "html.parser")
    assert "production, auto-approved by the pipeline" in _words(v1.find(id="registry-status"))
