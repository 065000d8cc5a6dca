"""A dataset that breaks the contract: a --dataset-csv is refused by the driver before any notebook
(every failure at once, exit 2, models/ untouched); a bad database export shows the same table in
the 01_export report and in the failed run's index.html."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from future_skills.data.demo import build_demo_database
from helpers.model import make_dataset

REPO = Path(__file__).resolve().parents[2]


def retrain(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FUTURE_SKILLS_HOME": str(root)}
    return subprocess.run([sys.executable, str(REPO / "run_retrain.py"), *args], env=env,
                          capture_output=True, text=True, timeout=600)


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_csv_with_five_problems_is_refused_by_the_driver_listing_all_five(tmp_path: Path):
    frame = make_dataset(n_roles=10, n_skills=20).astype({"trend_score": object, "scarcity_index": object})
    frame.loc[7, "trend_score"] = 7.5
    frame.loc[9, "internal_usage"] = None
    frame.loc[11, "scarcity_index"] = "high"
    frame.loc[3, "future_need_level"] = "URGENT"
    frame.loc[20, "training_requests"] = -3
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    (root / "models" / "registry.json").write_text('{"versions": {}}\n')
    before = digest(root / "models")
    result = retrain(root, "--version", "v1", "--dataset-csv", str(bad))
    assert result.returncode == 2, result.stdout + result.stderr
    err = result.stderr
    assert err.startswith(f"error: 5 rules of the dataset contract failed in {bad}:")
    for column, rule, line, value in (("trend_score", "between 0 and 1", "9", "7.5"),
                                      ("internal_usage", "a value in every row", "11", "(empty)"),
                                      ("scarcity_index", "a number", "13", "high"),
                                      ("future_need_level", "one of LOW, MEDIUM, HIGH", "5", "URGENT"),
                                      ("training_requests", "0 or more", "22", "-3")):
        row = next(line_ for line_ in err.splitlines() if column in line_ and rule in line_)
        assert line in row.split() and value in row, row
    assert "future_skills.toml" in err and "[dataset.ranges] trend_score" in err and "Traceback" not in err
    assert "01_export" not in result.stdout  # no notebook was started
    assert digest(root / "models") == before
    assert not (root / "runs" / "v1").exists() and not (root / "reports" / "v1").exists()


@pytest.mark.slow
def test_a_bad_database_export_shows_the_table_in_the_report_and_the_index(tmp_path: Path):
    db = build_demo_database(tmp_path / "hr.sqlite")
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE skill_signals SET trend_score = 7.5 WHERE rowid = 3")
        connection.execute("UPDATE skill_signals SET training_requests = -2 WHERE rowid IN (5, 6)")
    connection.close()
    root = tmp_path / "project"
    result = retrain(root, "--version", "v1", "--db-url", f"sqlite:///{db}")
    assert result.returncode == 2 and "01_export.ipynb" in result.stderr, result.stderr
    assert not list((root / "models").glob("future_skills_model_*"))
    report = BeautifulSoup((root / "reports" / "v1" / "01_export.html").read_text(encoding="utf-8"), "html.parser")
    text = report.get_text(" ")
    assert "The dataset was refused." in text and "between 0 and 1" in text and "7.5" in text
    assert "0 or more" in text and "training_requests" in text
    index = BeautifulSoup((root / "reports" / "v1" / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = [[cell.get_text() for cell in tr.find_all(["td", "th"])] for tr in index.select("#failed-rules tr")]
    assert rows[0] == ["Rule", "Column", "Rows failing", "First lines", "First values"]
    assert {(r[0], r[1], r[2]) for r in rows[1:]} == {("between 0 and 1", "trend_score", "1"),
                                                     ("0 or more", "training_requests", "2")}
    assert "2 rules of the dataset contract failed" in index.get_text(" ")


@pytest.mark.slow
def test_a_french_failed_run_words_the_refusal_in_french(tmp_path: Path):
    from helpers.reports import english_sentences

    db = build_demo_database(tmp_path / "hr.sqlite")
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE skill_signals SET trend_score = 7.5 WHERE rowid = 3")
    connection.close()
    root = tmp_path / "project"
    result = retrain(root, "--version", "v1", "--db-url", f"sqlite:///{db}", "--report-lang", "fr")
    assert result.returncode == 2, result.stderr
    index = BeautifulSoup((root / "reports" / "v1" / "index.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(index.get_text(" ").split())
    leaked = [f for f in english_sentences() if f in text]
    assert not leaked, leaked
    assert "1 règle du contrat de données n'est pas respectée" in text and "entre 0 et 1" in text
    assert "rules of the dataset contract" not in text and "What to do" not in text and "sqlite" not in text
    export = BeautifulSoup((root / "reports" / "v1" / "01_export.html").read_text(encoding="utf-8"), "html.parser")
    assert "Le jeu de données a été refusé." in export.get_text(" ") and "Que faire" in export.get_text(" ")


@pytest.mark.slow
def test_a_french_spreadsheet_export_trains_and_names_keep_their_accents(tmp_path: Path):
    import json

    names = {1: "Chargée de développement RH", 2: "Contrôleur de gestion"}
    frame = make_dataset(n_roles=6, n_skills=10, seed=2)
    frame["job_role_name"] = frame["job_role_id"].map(names).fillna(frame["job_role_name"])
    french = frame.assign(remarque="à revoir")
    french["future_need_level"] = french["future_need_level"].str.lower()
    data = tmp_path / "export.csv"
    data.write_bytes(french.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n").encode("cp1252"))
    sample = frame.loc[frame["job_role_id"].isin(names)].groupby("job_role_id").head(15).copy()  # all mislabelled
    sample["future_need_level"] = sample["future_need_level"].map({"LOW": "HIGH", "MEDIUM": "HIGH", "HIGH": "LOW"})
    validation = tmp_path / "sample.csv"
    validation.write_bytes(sample.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig"))
    root = tmp_path / "project"
    result = retrain(root, "--version", "v1", "--dataset-csv", str(data), "--validation-csv", str(validation),
                     "--n-estimators", "10")
    assert result.returncode == 0, result.stdout + result.stderr
    snapshot = (root / "runs" / "v1" / "dataset.csv").read_text(encoding="utf-8")
    assert all(name in snapshot for name in names.values()) and "remarque" not in snapshot
    meta = json.loads((root / "models" / "future_skills_model_v1.json").read_text(encoding="utf-8"))
    assert meta["dataset"]["total_samples"] == len(frame)
    assert meta["dataset"]["contract"]["rules"]["trend_score"] == "between 0 and 1"
    export = BeautifulSoup((root / "reports" / "v1" / "01_export.html").read_text(encoding="utf-8"), "html.parser")
    text = export.get_text(" ")
    assert "Windows-1252, semicolon-separated, decimal comma" in text and "remarque" in text
    assert f"{len(frame):,} rows" in text and "between 0 and 1" in text
    evaluate = (root / "reports" / "v1" / "03_evaluate.html").read_text(encoding="utf-8")
    assert all(name in evaluate for name in names.values())
