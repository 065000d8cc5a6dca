"""Data layer: demo database, SQL export, validation rules and dataset snapshots."""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from future_skills.data.database import (
    connect,
    export_dataset,
    load_catalog,
    load_decisions,
    masked_url,
    record_observations,
)
from future_skills.data.dataset import (
    class_distribution,
    export_snapshot,
    last_exported_dataset,
    read_dataset_csv,
    write_snapshot,
)
from future_skills.data.demo import (
    DEPARTMENTS,
    SKILL_CATEGORIES,
    build_demo_database,
    demo_tables,
    ensure_demo_database,
    hidden_need_level,
)
from future_skills.data.validation import run_checks, validate_dataset, validation_summary
from future_skills.exceptions import DatabaseError, DatasetValidationError, FutureSkillsError
from future_skills.model import training
from future_skills.paths import get_paths
from future_skills.schema import DATASET_COLUMNS, KEY_COLUMNS, LABEL, LEVELS, NUMERIC_FEATURES
from future_skills.settings import default_db_url


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):  # built once for the whole module
    return build_demo_database(tmp_path_factory.mktemp("demo") / "hr.sqlite")


@pytest.fixture(scope="module")
def demo_url(demo_db):
    return f"sqlite:///{demo_db}"


@pytest.fixture(scope="module")
def demo_frame(demo_url):
    return export_dataset(demo_url)


@pytest.fixture
def small(demo_frame):
    """The first 60 exported rows: a valid dataset with several classes, small enough to edit."""
    return demo_frame.head(60).copy().reset_index(drop=True)


@pytest.fixture
def db_copy(demo_db, tmp_path):
    target = tmp_path / "copy.sqlite"
    shutil.copy(demo_db, target)
    return f"sqlite:///{target}"


def test_two_builds_give_the_same_export_and_another_seed_differs(demo_frame, tmp_path):
    again = export_dataset(f"sqlite:///{build_demo_database(tmp_path / 'again.sqlite')}")
    pd.testing.assert_frame_equal(again, demo_frame)
    assert not demo_tables(seed=1)["skill_signals"].equals(demo_tables()["skill_signals"])


def test_demo_catalog_shape(demo_url, demo_frame):
    from sqlalchemy import text

    roles, skills = load_catalog(demo_url)
    with connect(demo_url) as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM job_roles")).scalar() == len(roles)
    assert len(roles) == sum(len(v) for v in DEPARTMENTS.values()) and 28 <= len(roles) <= 32
    assert roles["job_role_id"].is_unique and roles["job_department"].nunique() == 8
    assert len(skills) == sum(len(v) for v in SKILL_CATEGORIES.values()) and 75 <= len(skills) <= 85
    assert skills["skill_id"].is_unique and skills["skill_category"].nunique() == 8
    assert demo_frame["job_role_id"].nunique() == len(roles)
    assert demo_frame["job_department"].nunique() == 8
    assert demo_frame["skill_id"].nunique() >= 0.9 * len(skills)


def test_demo_export_contract_rows_dates_and_class_balance(demo_frame):
    assert list(demo_frame.columns) == list(DATASET_COLUMNS)
    assert not demo_frame.duplicated(list(KEY_COLUMNS)).any()
    assert demo_frame["snapshot_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    validate_dataset(demo_frame)  # the demo export passes every rule
    assert 3000 <= len(demo_frame) <= 6000
    dates = pd.to_datetime(pd.Series(sorted(demo_frame["snapshot_date"].unique())))
    assert len(dates) >= 4
    assert dates.dt.is_quarter_end.all()
    months = dates.dt.year * 12 + dates.dt.month
    assert (months.diff().dropna() == 3).all()
    shares = demo_frame[LABEL].value_counts(normalize=True)
    assert set(shares.index) == set(LEVELS)
    assert (shares >= 0.15).all(), shares.to_dict()


def test_random_forest_learns_but_labels_are_noisy(demo_frame):
    frame = validate_dataset(demo_frame)
    train, test = training.split_dataset(frame, test_size=0.25, random_state=0)
    model = training.build_pipeline(n_estimators=60, random_state=0).fit(train, train[LABEL])
    accuracy = float((model.predict(test) == test[LABEL].to_numpy()).mean())
    assert 0.75 <= accuracy <= 0.95, accuracy
    # The noise-free hidden rule agrees with most HR decisions, but not all of them.
    agreement = float((hidden_need_level(demo_frame) == demo_frame[LABEL].to_numpy()).mean())
    assert 0.7 < agreement < 0.99, agreement


def test_hidden_need_level_is_deterministic_and_grows_with_trend():
    frame = pd.DataFrame({name: np.full(41, 0.5) for name in NUMERIC_FEATURES}).assign(
        trend_score=np.linspace(0, 1, 41), training_requests=15, economic_indicator=0.0, skill_category="Data")
    first, second = hidden_need_level(frame), hidden_need_level(frame)
    np.testing.assert_array_equal(first, second)
    ranks = np.array([LEVELS.index(level) for level in first])
    assert (np.diff(ranks) >= 0).all()
    assert first[0] == "LOW" and first[-1] == "HIGH" and "MEDIUM" in first
    noisy = [hidden_need_level(frame, np.random.default_rng(3)) for _ in range(2)]
    np.testing.assert_array_equal(noisy[0], noisy[1])


def test_ensure_demo_database_builds_under_the_root_once(project_root, capsys):
    url = ensure_demo_database()
    assert url == default_db_url()
    path = get_paths().demo_db
    assert path.is_file() and project_root in path.parents
    assert "Demo data" in capsys.readouterr().err
    assert ensure_demo_database() == url
    assert "Demo data" not in capsys.readouterr().err
    assert load_catalog(url)[0]["job_role_id"].nunique() == len(load_catalog(url)[0])


def test_ensure_demo_database_leaves_other_urls_alone(project_root, capsys, monkeypatch, tmp_path):
    other = f"sqlite:///{tmp_path / 'mine.sqlite'}"
    assert ensure_demo_database(other) == other
    monkeypatch.setenv("FUTURE_SKILLS_DB_URL", other)
    assert ensure_demo_database() == other
    assert not get_paths().demo_db.exists() and not (tmp_path / "mine.sqlite").exists()
    assert "Demo data" not in capsys.readouterr().err



@pytest.mark.parametrize("case, expected", [
    ("missing", "does not exist"), ("empty", "has no table"), ("directory", "Cannot use the HR database"),
    ("invalid", "Invalid database URL"), ("driver", "No driver"),
])
@pytest.mark.parametrize("reader", [export_dataset, load_catalog, load_decisions])
def test_database_failures_are_database_errors(tmp_path, case, expected, reader):
    (tmp_path / "empty.sqlite").touch()
    url = {"missing": f"sqlite:///{tmp_path / 'absent.sqlite'}", "empty": f"sqlite:///{tmp_path / 'empty.sqlite'}",
           "directory": f"sqlite:///{tmp_path}", "invalid": "not a url", "driver": "nosuchdb://x"}[case]
    with pytest.raises(DatabaseError) as err:
        reader(url)
    assert expected in str(err.value)
    assert isinstance(err.value, FutureSkillsError)
    if case == "empty":
        assert all(t in str(err.value) for t in ("job_roles", "skills", "skill_signals", "hr_decisions"))


@pytest.mark.parametrize("url", ["postgresql+psycopg://user:s3cret@127.0.0.1:1/db",
                                 "postgresql+psycopg://user:s3cret@127.0.0.1:notaport/db",
                                 "nosuchdb://user:s3cret@host/x"])
def test_database_errors_never_show_the_password(url):
    with pytest.raises(DatabaseError) as err:
        export_dataset(url)
    assert "s3cret" not in str(err.value)
    assert err.value.__cause__ is None or "s3cret" not in str(err.value.__cause__)


def test_masked_url_hides_only_the_password():
    shown = masked_url("postgresql+psycopg://user:s3cret@db.example:5432/hr")
    assert "s3cret" not in shown and "***" in shown and "user" in shown and "db.example" in shown
    assert masked_url("sqlite:///data/hr.sqlite") == "sqlite:///data/hr.sqlite"
    assert "s3cret" not in masked_url("garbage:s3cret@host")
    assert masked_url("postgresql://hr:p@ss@db:5432/hr") == "postgresql://hr:***@db:5432/hr"
    assert masked_url("postgresql://hr@db/hr?password=s3cret&sslmode=require") == (
        "postgresql://hr@db/hr?password=***&sslmode=require")


@pytest.mark.parametrize("url", ["garbage:s3cret@host", "nosuchdialect://hr:s3cret@db/hr",
                                 "postgresql://hr:s3cret@db:notaport/hr"])
def test_connect_errors_never_show_the_password(url):
    with pytest.raises(DatabaseError) as err:
        with connect(url):
            pass
    assert "s3cret" not in str(err.value) and str(err.value).count(".") >= 1


def _observations(frame, label):
    signals = frame[[*KEY_COLUMNS, *NUMERIC_FEATURES]].copy()
    decisions = frame[list(KEY_COLUMNS)].copy()
    decisions[LABEL] = label
    decisions["decided_at"] = "2027-01-15T10:00:00"
    return signals, decisions


def test_record_observations_inserts_and_replaces(db_copy, demo_frame):
    before = load_decisions(db_copy)
    new = demo_frame.head(2).copy()
    new["snapshot_date"] = "2026-12-31"
    new["trend_score"] = [1.5, 2.5]
    existing = demo_frame.iloc[[5]].copy()
    flipped = "LOW" if existing[LABEL].iloc[0] != "LOW" else "HIGH"
    signals, decisions = _observations(pd.concat([new, existing], ignore_index=True), flipped)
    for _ in range(2):  # recording the same keys twice must not duplicate them
        assert record_observations(db_copy, signals, decisions) == 3
    after = load_decisions(db_copy)
    assert len(after) == len(before) + 2
    assert not after.duplicated(list(KEY_COLUMNS)).any()
    key = existing[list(KEY_COLUMNS)].iloc[0]
    row = after[(after.job_role_id == key.job_role_id) & (after.skill_id == key.skill_id)
                & (after.snapshot_date == key.snapshot_date)]
    assert row[LABEL].tolist() == [flipped] and row["decided_at"].tolist() == ["2027-01-15T10:00:00"]
    exported = export_dataset(db_copy)
    assert len(exported) == len(demo_frame) + 2
    added = exported[exported.snapshot_date == "2026-12-31"].sort_values("trend_score")
    assert added["trend_score"].tolist() == [1.5, 2.5]


def test_record_observations_is_all_or_nothing(db_copy, demo_frame):
    from sqlalchemy import text

    changed = pd.concat([demo_frame.head(3).assign(trend_score=99.9),
                         demo_frame.head(3).assign(snapshot_date="2026-12-31")], ignore_index=True)
    signals, decisions = _observations(changed, "BOGUS")  # the label breaks the CHECK constraint
    with pytest.raises(DatabaseError):
        record_observations(db_copy, signals, decisions)
    pd.testing.assert_frame_equal(export_dataset(db_copy), demo_frame)
    with connect(db_copy) as connection:  # no orphan signal row was committed either
        assert connection.execute(text("SELECT COUNT(*) FROM skill_signals")).scalar() == len(demo_frame)


ROW_RULES = {  # case: (column, rule, bad value written at rows 7 and 20, i.e. CSV lines 9 and 22)
    "null": ("internal_usage", "a value in every row", None),
    "non_numeric": ("scarcity_index", "a number", "high"),
    "out_of_range": ("trend_score", "between 0 and 1", 2.5),
    "negative": ("training_requests", "0 or more", -1),
    "fractional_count": ("training_requests", "a whole number", 2.5),
    "infinite": ("economic_indicator", "a finite number", float("inf")),
    "zero_salary": ("avg_salary_k", "more than 0", 0),
    "bad_id": ("job_role_id", "a whole number above 0", 0),
    "bad_date": ("snapshot_date", "a date as YYYY-MM-DD", "31/12/2024"),
    "bad_label": (LABEL, "one of LOW, MEDIUM, HIGH", "URGENT"),
    "blank_name": ("skill_name", "not blank", "  "),
}


@pytest.mark.parametrize("case", list(ROW_RULES))
def test_row_rules_name_column_rule_and_first_line(small, case):
    column, rule, value = ROW_RULES[case]
    small[column] = small[column].astype(object)
    small.loc[[7, 20], column] = value
    small.index = small.index + 100  # line numbers follow row positions, not the index labels
    with pytest.raises(DatasetValidationError) as err:
        validate_dataset(small)
    assert (err.value.column, err.value.rule) == (column, rule)
    assert [(f.column, f.rule) for f in err.value.failures][0] == (column, rule)
    message = str(err.value)
    assert message.startswith(f"{len(err.value.failures)} rule")
    assert column in message and rule in message and "9, 22" in message
    assert [e["line"] for e in err.value.examples] == [9, 22]


def test_duplicate_key(small):
    small.loc[10, list(KEY_COLUMNS)] = small.loc[3, list(KEY_COLUMNS)].to_numpy()
    small.loc[10, ["job_role_name", "skill_name"]] = small.loc[3, ["job_role_name", "skill_name"]].to_numpy()
    with pytest.raises(DatasetValidationError) as err:
        validate_dataset(small)
    assert err.value.column == "job_role_id, skill_id, snapshot_date"
    assert err.value.rule == "one row per job role, skill and date"
    assert [e["line"] for e in err.value.examples] == [5, 12]
    assert "5, 12" in str(err.value)


def test_one_name_per_id(small):
    skill_id = small.loc[30, "skill_id"]
    small.loc[30, "skill_name"] = "A Different Name"
    first_line = int(small.index[small["skill_id"] == skill_id][0]) + 2
    with pytest.raises(DatasetValidationError) as err:
        validate_dataset(small)
    assert (err.value.column, err.value.rule) == ("skill_name", "one skill_name per skill_id")
    assert err.value.examples[0]["line"] == first_line and "A Different Name" in str(err.value)


def test_missing_column_and_empty_frame(small):
    with pytest.raises(DatasetValidationError) as err:
        validate_dataset(small.drop(columns=["avg_salary_k"]))
    assert (err.value.column, err.value.rule) == ("avg_salary_k", "column present")
    assert "avg_salary_k" in str(err.value) and "not in the file" in str(err.value)
    with pytest.raises(DatasetValidationError, match="has a header but no data rows") as err:
        validate_dataset(small.iloc[0:0])


def test_single_class_needs_min_classes_one(small):
    small[LABEL] = "MEDIUM"
    with pytest.raises(DatasetValidationError) as err:
        validate_dataset(small)
    assert (err.value.column, err.value.rule) == (LABEL, "at least 2 different levels")
    assert "dataset.min_classes" in str(err.value)
    assert len(validate_dataset(small, min_classes=1)) == len(small)


def test_too_few_rows_of_a_level(small):
    small[LABEL] = ["LOW"] * 3 + ["HIGH"] * (len(small) - 3)
    with pytest.raises(DatasetValidationError) as err:
        validate_dataset(small)
    assert err.value.rule == "at least 5 rows per level" and err.value.examples == [{"level": "LOW", "rows": 3}]
    assert "dataset.min_rows_per_class" in str(err.value)


def test_coerce_types(small):
    shuffled = small[list(reversed(DATASET_COLUMNS))].assign(extra="x")
    shuffled["job_role_id"] = shuffled["job_role_id"].astype(str)
    shuffled["snapshot_date"] = pd.to_datetime(shuffled["snapshot_date"])
    clean = validate_dataset(shuffled)
    assert list(clean.columns) == list(DATASET_COLUMNS)
    assert clean["job_role_id"].dtype == "int64" and clean["skill_id"].dtype == "int64"
    assert clean["snapshot_date"].tolist() == small["snapshot_date"].tolist()
    assert clean["job_role_id"].tolist() == small["job_role_id"].tolist()


def test_run_checks_and_summary(small):
    assert all(r.passed for r in run_checks(small))
    summary = validation_summary(run_checks(small))
    assert summary.index.is_unique and set(summary["Result"]) == {"pass"}
    small.loc[[4, 5, 6], "trend_score"] = 2.5
    summary = validation_summary(run_checks(small))
    assert summary.loc["between 0 and 1", "Result"] == "FAIL"
    assert summary.loc["between 0 and 1", "Rows failing"] == 3
    assert "trend_score" in summary.loc["between 0 and 1", "Columns checked"]
    assert (summary.drop(index="between 0 and 1")["Result"] == "pass").all()


@pytest.mark.parametrize("content", [None, random.Random(0).randbytes(3000), b"\x00\xff\xfe,\x00\n\x01", b""],
                         ids=["missing", "random_bytes", "binary", "empty"])
def test_unreadable_csv_is_a_validation_error(tmp_path, content):
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DatasetValidationError) as err:
        read_dataset_csv(path)
    assert str(path) in str(err.value)


def test_write_snapshot_and_sidecar(project_root, small):
    target = get_paths().dataset_csv("v9")
    info = write_snapshot(small, target, source="unit test")
    assert sorted(p.name for p in target.parent.iterdir()) == ["dataset.csv", "dataset.json", "dataset.parquet"]
    sidecar = json.loads(target.with_suffix(".json").read_text())
    assert sidecar == info
    assert info["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert info["parquet_sha256"] == hashlib.sha256(target.with_suffix(".parquet").read_bytes()).hexdigest()
    assert info["csv_path"] == "runs/v9/dataset.csv" and info["source"] == "unit test"
    assert info["total_samples"] == len(small)
    counts = small[LABEL].value_counts()
    assert info["class_distribution"] == {level: int(counts.get(level, 0)) for level in LEVELS}
    pd.testing.assert_frame_equal(read_dataset_csv(target), validate_dataset(small))


def test_read_snapshot_takes_the_parquet_copy_only_when_both_files_are_intact(project_root, small, monkeypatch):
    from future_skills.data import dataset

    target = get_paths().dataset_csv("v9")
    write_snapshot(small, target, source="unit test")
    parsed: list[Path] = []
    monkeypatch.setattr(dataset, "read_dataset_csv",
                        lambda path, **kw: parsed.append(Path(path)) or read_dataset_csv(path, **kw))
    pd.testing.assert_frame_equal(dataset.read_snapshot(target), read_dataset_csv(target), check_dtype=False)
    assert parsed == []  # typed copy used: no CSV parsing, no second validation
    target.with_suffix(".parquet").write_bytes(b"changed")  # a copy that no longer matches
    pd.testing.assert_frame_equal(dataset.read_snapshot(target), validate_dataset(small), check_dtype=False)
    assert parsed == [target]


def test_read_snapshot_validates_a_csv_without_sidecar(tmp_path, small):
    from future_skills.data.dataset import read_snapshot

    small.assign(trend_score=-5.0).to_csv(tmp_path / "given.csv", index=False)
    with pytest.raises(DatasetValidationError, match="trend_score"):
        read_snapshot(tmp_path / "given.csv")


def test_export_snapshot_from_database(project_root, demo_url, demo_frame):
    info = export_snapshot("v1", db_url=demo_url)
    csv = get_paths().dataset_csv("v1")
    assert info["total_samples"] == len(demo_frame) and info["source"].startswith("HR database")
    assert info["checks"] and all(c.passed for c in info["checks"])
    assert info["sha256"] == hashlib.sha256(csv.read_bytes()).hexdigest()
    pd.testing.assert_frame_equal(info["frame"], validate_dataset(demo_frame))


def test_export_snapshot_from_csv(project_root, small, tmp_path):
    small.to_csv(tmp_path / "given.csv", index=False)
    info = export_snapshot("v2", dataset_csv=str(tmp_path / "given.csv"))
    assert info["total_samples"] == len(small) and info["source"].startswith("CSV file")
    assert info["checks"] and all(c.passed for c in info["checks"])
    pd.testing.assert_frame_equal(info["frame"], validate_dataset(small))
    assert get_paths().dataset_csv("v2").is_file()
    assert not get_paths().demo_db.exists()  # the database was never touched


def test_export_snapshot_skip_export_takes_the_newest(project_root, small):
    paths = get_paths()
    with pytest.raises(DatasetValidationError, match="--skip-export"):
        export_snapshot("v3", skip_export=True)
    for version, rows, mtime in (("v1", 40, 2_000_000_000), ("v2", 50, 1_000_000_000)):
        write_snapshot(small.head(rows), paths.dataset_csv(version))
        os.utime(paths.dataset_csv(version), (mtime, mtime))
    assert last_exported_dataset() == paths.dataset_csv("v1")
    info = export_snapshot("v3", skip_export=True)
    assert info["total_samples"] == 40 and "runs/v1/dataset.csv" in info["source"]
    os.utime(paths.dataset_csv("v3"), (1, 1))  # the newest other than the run's own output
    again = export_snapshot("v1", skip_export=True)
    assert again["total_samples"] == 50 and "runs/v2/dataset.csv" in again["source"]


def test_class_distribution(small):
    frame = small.assign(**{LABEL: ["HIGH", "LOW"] * (len(small) // 2)})
    distribution = class_distribution(frame)
    assert list(distribution) == ["LOW", "MEDIUM", "HIGH"]
    assert distribution == {"LOW": len(small) // 2, "MEDIUM": 0, "HIGH": len(small) // 2}


def test_an_older_demo_database_is_rebuilt_on_the_contract_scales(project_root, capsys):
    import sqlite3

    ensure_demo_database()
    path = get_paths().demo_db
    with sqlite3.connect(path) as connection:  # as a database built on the old 0–100 scales
        connection.execute("UPDATE skill_signals SET trend_score = trend_score * 100")
        connection.execute("PRAGMA user_version = 0")
    connection.close()
    capsys.readouterr()
    ensure_demo_database()
    assert "older format" in capsys.readouterr().err
    assert export_dataset(default_db_url())["trend_score"].max() <= 1.0
