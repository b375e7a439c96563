"""Engine and session handling. Services receive a session and never commit; the request or
task wrapper (``unit_of_work``) does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from ats_match.settings import get_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str, *, pre_ping: bool = True, **options: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    kwargs: dict[str, Any] = {
        "pool_pre_ping": pre_ping,
        "json_serializer": json_dumps,
        "json_deserializer": json_loads,
        **options,
    }
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def json_dumps(value: Any) -> str:
    """JSON columns' encoder: orjson (C, several times faster on score explanations and
    credential forms); what it refuses (integers past 64 bits) goes through the standard
    library as before."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


def json_loads(text: str | bytes) -> Any:
    """JSON columns' decoder: orjson, or the standard library for what orjson refuses (a NaN or
    an integer past 64 bits stored by the standard encoder)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    return _engine_for(get_settings().resolved_database_url)


@lru_cache(maxsize=4)
def _ingest_engine_for(url: str) -> Engine:
    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"}
    if not url.startswith("sqlite"):
        options["pool_size"] = 20
    return make_engine(url, pre_ping=False, **options)


def get_ingest_engine() -> Engine:
    """The webhook endpoint's engine: autocommit (the inbox INSERT is one statement: it is its
    own transaction, with no BEGIN / COMMIT round trips), no pre-ping ``SELECT 1`` per checkout
    (the endpoint retries once on a connection the server dropped) and a pool sized for the
    request threads."""
    return _ingest_engine_for(get_settings().resolved_database_url)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations, usable without alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url or get_settings().resolved_database_url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database schema to ``revision`` (``alembic upgrade``)."""
    command.upgrade(alembic_config(url), revision)


def check_ping(engine: Engine | None = None) -> None:
    """Raise if the database cannot answer a trivial query."""
    with (engine or get_engine()).connect() as connection:
        connection.execute(sa.text("SELECT 1"))
