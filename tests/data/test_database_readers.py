"""The catalog and decisions readers: a plain SQLite file through sqlite3, anything else through SQLAlchemy,
with the same frames either way (and the same as PostgreSQL's)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from future_skills.data import database
from future_skills.data.demo import build_demo_database
from future_skills.exceptions import DatabaseError


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    return build_demo_database(tmp_path_factory.mktemp("readers") / "demo.sqlite")


@pytest.mark.parametrize("url, expected", [
    ("sqlite:///data/hr.sqlite", Path("data/hr.sqlite")),
    ("sqlite:////srv/hr db.sqlite", Path("/srv/hr db.sqlite")),
    ("sqlite+pysqlite:///hr.sqlite", Path("hr.sqlite")),
    ("sqlite:///caf%C3%A9.sqlite", Path("café.sqlite")),  # decoded as SQLAlchemy decodes it
    ("sqlite:///hr.sqlite?timeout=5", None),  # a driver option: SQLAlchemy honours it
    ("sqlite:///:memory:", None), ("sqlite://", None), ("sqlite:///file:hr.sqlite", None),
    ("sqlite+pysqlcipher://:key@/hr.sqlite", None), ("postgresql+psycopg://hr@db/hr", None),
])
def test_only_plain_sqlite_urls_skip_sqlalchemy(url: str, expected: Path | None):
    assert database.plain_sqlite_file(url) == expected


@pytest.mark.parametrize("reader", [database.load_catalog, database.load_decisions])
def test_sqlite3_reads_the_same_frames_as_sqlalchemy(demo_db: Path, reader):
    plain, through_sqlalchemy = f"sqlite:///{demo_db}", f"sqlite:///{demo_db}?timeout=5"
    assert database.plain_sqlite_file(through_sqlalchemy) is None
    for ours, theirs in zip(_frames(reader(plain)), _frames(reader(through_sqlalchemy))):
        assert len(ours) > 10
        pd.testing.assert_frame_equal(ours, theirs)


def _frames(result: pd.DataFrame | tuple[pd.DataFrame, ...]) -> tuple[pd.DataFrame, ...]:
    return result if isinstance(result, tuple) else (result,)


def test_a_failing_query_on_sqlite_is_a_database_error(demo_db: Path):
    with pytest.raises(DatabaseError, match=r"Cannot use the HR database at sqlite:///.*no such column: nope\. Check"):
        database.read_queries(f"sqlite:///{demo_db}", ["SELECT nope FROM job_roles"])


@pytest.mark.parametrize("reader", [database.load_catalog, database.load_decisions])
def test_postgresql_gives_the_frames_sqlite_gives(postgres_hr_url: str, demo_db: Path, reader):
    """The same demo tables read from PostgreSQL (SQLAlchemy) and from SQLite (sqlite3): equal frames."""
    for ours, theirs in zip(_frames(reader(f"sqlite:///{demo_db}")), _frames(reader(postgres_hr_url))):
        key = list(ours.columns[:3])
        pd.testing.assert_frame_equal(ours.sort_values(key).reset_index(drop=True),
                                      theirs.sort_values(key).reset_index(drop=True))
