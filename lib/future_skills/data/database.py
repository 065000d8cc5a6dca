"""The HR database through SQLAlchemy: the dataset export (one SQL join), catalog, decisions.

Any SQLAlchemy URL works (SQLite, PostgreSQL with ``postgresql+psycopg://``) as long as it
holds the four tables of the demo database (see ``demo_data.TABLES_SQL``). Every failure
becomes a :class:`DatabaseError` whose message never shows the password. The catalog and the
decisions of a plain SQLite file (``sqlite:///path``) are read through the standard library's
``sqlite3`` — the same driver SQLAlchemy would use, without importing SQLAlchemy (~0.15 s, a
tenth of a drift verdict).
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote

import pandas as pd

from future_skills.exceptions import DatabaseError
from future_skills.schema import DATASET_COLUMNS, KEY_COLUMNS, LABEL, NUMERIC_FEATURES

REQUIRED_TABLES: tuple[str, ...] = ("job_roles", "skills", "skill_signals", "hr_decisions")

EXPORT_SQL = f"""
SELECT s.job_role_id, r.job_role_name, r.job_department,
       s.skill_id, k.skill_name, k.skill_category,
       s.snapshot_date, {", ".join("s." + name for name in NUMERIC_FEATURES)},
       d.future_need_level
FROM skill_signals AS s
JOIN job_roles AS r ON r.job_role_id = s.job_role_id
JOIN skills AS k ON k.skill_id = s.skill_id
JOIN hr_decisions AS d
  ON d.job_role_id = s.job_role_id AND d.skill_id = s.skill_id AND d.snapshot_date = s.snapshot_date
ORDER BY s.snapshot_date, s.job_role_id, s.skill_id
"""


_PLAIN_SQLITE = re.compile(r"sqlite(?:\+pysqlite)?:///([^?]+)")  # no query: no driver option to honour
_URL_PASSWORD = re.compile(r"^([A-Za-z][\w+.-]*://[^:/@]*):(.*)@([^@]*)$")
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)


def masked_url(url: str) -> str:
    """The URL with its password (even one with an unescaped '@', or ``?password=``) shown as ***.

    Something that is not a URL but has an '@' is shown from its last '@' only.
    """
    if "://" not in url and "@" in url:
        return "***@" + url.rsplit("@", 1)[-1]
    return _QUERY_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1:***@\3", url))


def db_url_for_notebook(url: str | None) -> tuple[str | None, dict[str, str]]:
    """(papermill parameter, kernel environment) that hand ``url`` to a notebook.

    A URL with a password goes through ``FUTURE_SKILLS_DB_URL`` in the kernel's environment
    and the parameter stays None, so the password is never written into an executed notebook
    or its HTML report.
    """
    # sqlalchemy imported on first use: start-up time of commands that never touch the database
    from future_skills.settings import ENV_DB_URL

    if url is None or masked_url(url) == url:
        return url, {}
    return None, {ENV_DB_URL: url}


def _without_password(text: str, url: str) -> str:
    """``text`` (e.g. a driver's error) with the URL and any password it holds masked."""
    text = text.replace(url, masked_url(url))
    match = _URL_PASSWORD.match(url)
    return text.replace(match.group(2), "***") if match and match.group(2) else text


def _missing_sqlite_file(path: Path) -> DatabaseError:
    return DatabaseError(f"The SQLite database {path} does not exist; check --db-url / "
                         "FUTURE_SKILLS_DB_URL (leave both unset to use the embedded demo database).")


def _unusable(url: str, reason: str) -> DatabaseError:
    return DatabaseError(f"Cannot use the HR database at {masked_url(url)}: {reason}. Check that it is running, "
                         "reachable and holds the tables " + ", ".join(REQUIRED_TABLES) + ".")


def _sqlite_file(url: str) -> Path | None:
    # sqlalchemy imported on first use: start-up time of commands that never touch the database
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


@contextmanager
def connect(url: str) -> Iterator["object"]:
    """A SQLAlchemy connection to ``url``; any failure to reach the database is a DatabaseError."""
    # sqlalchemy imported on first use: start-up time of commands that never touch the database
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

    shown = masked_url(url)
    try:
        sqlite_file = _sqlite_file(url)
        engine = create_engine(url)
    except NoSuchModuleError as exc:
        raise DatabaseError(f"No driver for the database URL {shown} ({_without_password(str(exc), url)}); install it, e.g. "
                            "`pip install -e '.[postgres]'` for postgresql+psycopg://.") from None
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(f"Invalid database URL {shown!r} ({_without_password(str(exc), url)}); give a SQLAlchemy URL such as "
                            "sqlite:///data/hr.sqlite or postgresql+psycopg://user@host/db.") from None
    except ImportError as exc:
        raise DatabaseError(f"The driver for {shown} is not installed ({_without_password(str(exc), url)}); install it and run again.") from None
    if sqlite_file is not None and not sqlite_file.exists():
        raise _missing_sqlite_file(sqlite_file)
    try:
        with engine.connect() as connection:
            yield connection
    except SQLAlchemyError as exc:
        raise _unusable(url, _first_line(getattr(exc, "orig", None) or exc, url)) from None
    finally:
        engine.dispose()


def _first_line(exc: object, url: str) -> str:
    return _without_password(str(exc).strip().splitlines()[0], url).rstrip(".")


def check_tables(connection: object, url: str) -> None:
    """Raise a DatabaseError naming the missing tables, if any."""
    # sqlalchemy imported on first use: start-up time of commands that never touch the database
    from sqlalchemy import inspect

    _require_tables(set(inspect(connection).get_table_names()), url)


def plain_sqlite_file(url: str) -> Path | None:
    """The file of a plain SQLite URL (``sqlite:///path``, no query), which :func:`read_queries` reads with
    the standard library's ``sqlite3``; None for any other URL (in memory, options, other databases)."""
    match = _PLAIN_SQLITE.fullmatch(url)
    database = unquote(match.group(1)) if match else ""  # decoded as SQLAlchemy decodes it
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def read_queries(url: str, queries: list[str]) -> list[pd.DataFrame]:
    """The results of read-only ``queries``, after checking the tables: a plain SQLite file through ``sqlite3``
    (no SQLAlchemy import), any other database through SQLAlchemy; failures are DatabaseErrors."""
    path = plain_sqlite_file(url)
    if path is None:
        # sqlalchemy imported on first use: start-up time of commands that never touch the database
        from sqlalchemy import text

        with connect(url) as connection:
            check_tables(connection, url)
            return [pd.read_sql(text(query), connection) for query in queries]
    if not path.exists():
        raise _missing_sqlite_file(path)
    try:
        with closing(sqlite3.connect(path)) as connection:
            tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            _require_tables({name for (name,) in tables}, url)
            return [pd.read_sql(query, connection) for query in queries]
    except (sqlite3.Error, pd.errors.DatabaseError) as exc:  # pandas wraps the driver's error: show the driver's
        raise _unusable(url, _first_line(exc.__cause__ or exc, url)) from None


def _require_tables(present: set[str], url: str) -> None:
    missing = [name for name in REQUIRED_TABLES if name not in present]
    if missing:
        raise DatabaseError(f"The HR database at {masked_url(url)} has no table {', '.join(missing)}; "
                            f"it needs {', '.join(REQUIRED_TABLES)} (see docs/ARCHITECTURE.md).")


EXPORT_CHUNK_ROWS = 100_000


def export_dataset(url: str, chunk_rows: int = EXPORT_CHUNK_ROWS) -> pd.DataFrame:
    """The dataset of docs/CONTRACTS.md, one row per (role, skill, snapshot date), read with one SQL join.

    The rows are streamed from the database (server-side cursor where the driver has one) in
    chunks of ``chunk_rows``, each typed as it arrives, so no driver-level copy of the whole
    result is ever held beside the frame.
    """
    # sqlalchemy imported on first use: start-up time of commands that never touch the database
    from sqlalchemy import text

    chunks = []
    with connect(url) as connection:
        check_tables(connection, url)
        streaming = connection.execution_options(stream_results=True, yield_per=chunk_rows)
        for chunk in pd.read_sql(text(EXPORT_SQL), streaming, chunksize=chunk_rows):
            chunk["snapshot_date"] = chunk["snapshot_date"].astype(str).str[:10]
            chunks.append(chunk[list(DATASET_COLUMNS)])
    if not chunks:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in DATASET_COLUMNS})
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]


def load_catalog(url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(roles, skills): ID → name, department / category, to map logged IDs to names."""
    roles, skills = read_queries(url, ["SELECT job_role_id, job_role_name, job_department FROM job_roles",
                                       "SELECT skill_id, skill_name, skill_category FROM skills"])
    return roles, skills


def load_decisions(url: str) -> pd.DataFrame:
    """Every HR decision: the pair, its snapshot date, the level decided and when."""
    [frame] = read_queries(url, [f"SELECT job_role_id, skill_id, snapshot_date, {LABEL}, decided_at FROM hr_decisions"])
    frame["snapshot_date"] = frame["snapshot_date"].astype(str).str[:10]
    frame["decided_at"] = frame["decided_at"].astype(str)
    return frame


def record_observations(url: str, signals: pd.DataFrame, decisions: pd.DataFrame) -> int:
    """Insert (or replace) signals and HR decisions for their (role, skill, date) keys in one transaction."""
    # sqlalchemy imported on first use: start-up time of commands that never touch the database
    from sqlalchemy import text

    keys = list(KEY_COLUMNS)
    signal_columns = [*keys, *NUMERIC_FEATURES]
    decision_columns = [*keys, LABEL, "decided_at"]
    where = " AND ".join(f"{k} = :{k}" for k in keys)
    with connect(url) as connection:
        check_tables(connection, url)
        for table, frame, columns in (("skill_signals", signals, signal_columns),
                                      ("hr_decisions", decisions, decision_columns)):
            records = _records(frame[columns])
            if not records:
                continue
            connection.execute(text(f"DELETE FROM {table} WHERE {where}"), [{k: r[k] for k in keys} for r in records])
            connection.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                    f"({', '.join(':' + c for c in columns)})"), records)
        connection.commit()  # both tables or neither: closing without commit rolls back
    return len(decisions)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values (numpy scalars are not accepted by every driver)."""
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]
