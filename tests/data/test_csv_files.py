"""CSV files as HR people produce them: delimiter, decimal mark and encoding detected, extra columns
and label spellings tidied (and counted), ambiguous files refused with what was detected."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from future_skills.data.csv_files import read_hr_csv
from future_skills.data.dataset import read_dataset_csv
from future_skills.exceptions import DatasetValidationError
from future_skills.model import training
from future_skills.model.store import load_model
from future_skills.schema import DATASET_COLUMNS, LABEL, NUMERIC_FEATURES
from helpers.model import make_dataset

ACCENTED = {1: "Chargé de développement RH", 2: "Développeur·se Java", 3: "Contrôleur de gestion"}


@pytest.fixture
def frame() -> pd.DataFrame:
    data = make_dataset(n_roles=6, n_skills=8, seed=5)
    data["job_role_name"] = data["job_role_id"].map(ACCENTED).fillna(data["job_role_name"])
    return data


def french_export(frame: pd.DataFrame, path: Path, encoding: str) -> Path:
    """What a French spreadsheet writes: semicolons, decimal commas, CRLF, another column order,
    an extra column and labels in lower case with trailing spaces."""
    shuffled = frame[list(reversed(DATASET_COLUMNS))].assign(commentaire="vu en comité")
    shuffled[LABEL] = shuffled[LABEL].str.lower() + " "
    text = shuffled.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    path.write_bytes(text.encode(encoding))
    return path


def test_three_spellings_of_one_dataset_train_the_same_model(project_root, frame, tmp_path):
    files = {"comma_utf8": tmp_path / "a.csv", "semicolon_bom": tmp_path / "b.csv", "semicolon_1252": tmp_path / "c.csv"}
    frame.to_csv(files["comma_utf8"], index=False)
    french_export(frame, files["semicolon_bom"], "utf-8-sig")
    french_export(frame, files["semicolon_1252"], "cp1252")
    assert files["semicolon_bom"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Développeur".encode("cp1252") in files["semicolon_1252"].read_bytes()
    metadata = {}
    for name, path in files.items():
        metadata[name] = training.train_model(
            version="v1", dataset_csv=path, n_estimators=15, test_size=0.25, random_state=0,
            model_path=tmp_path / f"{name}.pkl", metadata_path=tmp_path / f"{name}.json",
            split_path=tmp_path / f"{name}_split.csv")
    first = metadata["comma_utf8"]
    for other in metadata.values():
        assert other["dataset"]["total_samples"] == first["dataset"]["total_samples"] == len(frame)
        assert other["dataset"]["class_distribution"] == first["dataset"]["class_distribution"]
        assert other["metrics"] == first["metrics"]
    model = load_model(tmp_path / "semicolon_1252.pkl", metadata["semicolon_1252"]["model_sha256"])
    categories = model.named_steps["preprocess"].named_transformers_["categorical"].categories_[0]
    assert set(ACCENTED.values()) <= set(categories)  # accents survive into the model


def test_what_was_detected_and_tidied_is_reported(project_root, frame, tmp_path):
    path = french_export(frame, tmp_path / "fr.csv", "cp1252")
    details: dict = {}
    clean = read_dataset_csv(path, details=details)
    assert details["format"]["encoding"] == "Windows-1252" and details["format"]["delimiter"] == "semicolon"
    assert details["format"]["decimal"] == "," and details["format"]["line_endings"] == "CRLF (Windows)"
    assert details["input"]["extra_columns"] == ["commentaire"]
    assert details["input"]["labels_normalised"] == len(frame)
    pd.testing.assert_frame_equal(clean[list(NUMERIC_FEATURES)], frame[list(NUMERIC_FEATURES)].astype(float))
    assert clean["job_role_name"].tolist() == frame["job_role_name"].tolist()


def test_spaces_as_thousands_separators_are_read(project_root, frame, tmp_path):
    frame["avg_salary_k"] = frame["avg_salary_k"] * 1000
    text = frame.to_csv(index=False, sep=";", decimal=",")
    text = text.replace(";", "\t").replace("\t", ";")
    rows = [line.split(";") for line in text.splitlines()]
    column = rows[0].index("avg_salary_k")
    for row in rows[1:]:
        whole, _, decimals = row[column].partition(",")
        row[column] = f"{int(whole):,}".replace(",", "\u202f") + ("," + decimals if decimals else "")
    path = tmp_path / "thousands.csv"
    path.write_text("\n".join(";".join(row) for row in rows), encoding="utf-8")
    assert read_dataset_csv(path)["avg_salary_k"].tolist() == frame["avg_salary_k"].astype(float).tolist()


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    ("job_role_id;skill_id\n1;2\n".encode("utf-16"), "UTF-16"),
    (b"\x00\x01\x02job_role_id,skill_id\n", "binary"),
    (b"name,age\nBob,3\n", "names none of the dataset columns"),
    (b"job_role_id,skill_id;trend_score;internal_usage;x,snapshot_date\n", "splits equally well on comma and semicolon"),
])
def test_unreadable_files_say_what_was_detected(tmp_path, content, message):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with pytest.raises(DatasetValidationError, match=message) as err:
        read_hr_csv(path)
    assert str(path) in str(err.value) and "export it again as CSV UTF-8" in str(err.value)


def test_mixed_decimal_marks_are_ambiguous(project_root, frame, tmp_path):
    text = frame.to_csv(index=False, sep=";", decimal=",")
    lines = text.splitlines()
    lines[3] = lines[3].replace(",", ".", 1)
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DatasetValidationError, match="mix decimal commas .* and decimal points"):
        read_dataset_csv(path)


def test_a_header_without_rows_is_said_plainly(project_root, tmp_path):
    path = tmp_path / "header_only.csv"
    path.write_text(",".join(DATASET_COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(DatasetValidationError, match="has a header but no data rows"):
        read_dataset_csv(path)


def test_the_snapshot_is_plain_utf8_whatever_the_source(project_root, frame, tmp_path):
    from future_skills.data.dataset import export_snapshot

    source = french_export(frame, tmp_path / "fr.csv", "cp1252")
    info = export_snapshot("v1", dataset_csv=str(source))
    snapshot = (project_root / info["csv_path"]).read_bytes()
    assert "Contrôleur de gestion".encode("utf-8") in snapshot and b"\r\n" not in snapshot
    sidecar = json.loads((project_root / "runs" / "v1" / "dataset.json").read_text(encoding="utf-8"))
    assert sidecar["input"]["extra_columns"] == ["commentaire"] and sidecar["format"]["encoding"] == "Windows-1252"


def test_numbers_are_parsed_as_pandas_parses_them():
    from future_skills.data.contract import parse_numbers

    spellings = [" 1.5", "1.5 ", "+1.5", "1e5", "inf", "-inf", "nan", "1_000", "0x10", "1,5", ".5", "5.", "", None]
    text = pd.Series(spellings, dtype=object)
    expected = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    np.testing.assert_array_equal(parse_numbers(text), expected)
    np.testing.assert_array_equal(parse_numbers(text.astype("str")), expected)
    valid = pd.Series(["1.25", "-3", "7e-3"], dtype="str")
    np.testing.assert_array_equal(parse_numbers(valid), [1.25, -3.0, 0.007])
    big = pd.Series([str(2**53 + 1), "12"], dtype="str")  # exact as integers, which floats are not
    assert parse_numbers(big, integer=True).tolist() == [2**53 + 1, 12]


def test_rows_validated_up_front_are_taken_only_from_that_very_file(project_root, frame, tmp_path, monkeypatch):
    """The pipeline checks a --dataset-csv before any notebook; 01_export takes those rows (same snapshot,
    same record) instead of parsing the file again, unless the file or the contract changed since."""
    from future_skills.data import dataset

    source = french_export(frame, tmp_path / "fr.csv", "cp1252")
    handed_on = project_root / "given.validated.parquet"
    checks, details = [], {}
    rows = read_dataset_csv(source, checks=checks, details=details)
    dataset.write_validated(rows, checks, details, source, handed_on)

    parsed = []
    real_read = dataset.read_dataset_csv
    monkeypatch.setattr(dataset, "read_dataset_csv", lambda *a, **k: parsed.append(a) or real_read(*a, **k))
    taken = dataset.export_snapshot("v1", dataset_csv=str(source), validated=str(handed_on))
    assert parsed == []  # not parsed again
    again = dataset.export_snapshot("v2", dataset_csv=str(source))  # parsed and checked as before
    assert len(parsed) == 1
    assert taken["sha256"] == again["sha256"] and taken["parquet_sha256"] == again["parquet_sha256"]
    assert [(c.column, c.rule, c.failing) for c in taken["checks"]] == \
        [(c.column, c.rule, c.failing) for c in again["checks"]]
    assert {k: v for k, v in taken.items() if k not in ("csv_path", "parquet_path", "exported_at", "frame", "checks")} \
        == {k: v for k, v in again.items() if k not in ("csv_path", "parquet_path", "exported_at", "frame", "checks")}

    source.write_bytes(source.read_bytes() + b"\n")  # the file changed after the check
    assert dataset.read_validated(handed_on, source) is None
    dataset.export_snapshot("v3", dataset_csv=str(source), validated=str(handed_on))
    assert len(parsed) == 2

    dataset.discard_validated(handed_on)  # the run removes the rows and their record once 01_export succeeded
    assert not handed_on.exists() and not list(project_root.glob("given.validated.*"))
