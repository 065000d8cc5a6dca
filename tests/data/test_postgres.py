"""The data layer against a real PostgreSQL server (started by the session, see tests/conftest.py)."""
from __future__ import annotations

import pandas as pd

from future_skills.data import database
from future_skills.data.catalog import lookup_names
from future_skills.data.demo import demo_tables
from future_skills.data.validation import validate_dataset


def test_the_server_is_a_real_postgresql(postgres_hr_url: str):
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_hr_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version()")).scalar().startswith("PostgreSQL ")
    engine.dispose()


def test_export_from_postgresql_matches_the_demo_data(postgres_hr_url: str):
    frame = validate_dataset(database.export_dataset(postgres_hr_url))
    tables = demo_tables()
    assert len(frame) == len(tables["hr_decisions"])
    assert frame["snapshot_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert set(frame["future_need_level"]) == {"LOW", "MEDIUM", "HIGH"}


def test_catalog_lookup_through_postgresql(postgres_hr_url: str):
    catalog = database.load_catalog(postgres_hr_url)
    pairs = pd.DataFrame({"job_role_id": [1, 999_999], "skill_id": [1, 1]})
    names = lookup_names(pairs, catalog)
    roles = demo_tables()["job_roles"].set_index("job_role_id")
    assert names.loc[0, "job_role_name"] == roles.loc[1, "job_role_name"]
    assert pd.isna(names.loc[1, "job_role_name"])  # unknown ID: NaN, not a guess


def test_recorded_observations_replace_their_keys_in_one_transaction(postgres_hr_url: str):
    decisions = database.load_decisions(postgres_hr_url)
    first = decisions.iloc[[0]].copy()
    key = first[["job_role_id", "skill_id", "snapshot_date"]]
    signals = demo_tables()["skill_signals"].merge(key)
    first["future_need_level"] = "HIGH" if first.iloc[0]["future_need_level"] != "HIGH" else "LOW"
    assert database.record_observations(postgres_hr_url, signals, first) == 1
    after = database.load_decisions(postgres_hr_url)
    assert len(after) == len(decisions)
    changed = after.merge(key)
    assert changed.iloc[0]["future_need_level"] == first.iloc[0]["future_need_level"]


def test_an_unknown_database_is_one_sentence_that_never_shows_the_password(postgres_server):
    from helpers.postgres import sqlalchemy_url

    url = sqlalchemy_url(postgres_server, "no_such_database").replace("postgres:@", "postgres:s3cret@")
    try:
        database.export_dataset(url)
    except database.DatabaseError as exc:
        assert "s3cret" not in str(exc) and "no_such_database" in str(exc)
    else:
        raise AssertionError("a missing database must raise DatabaseError")
