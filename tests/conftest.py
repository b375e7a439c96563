"""Shared fixtures: databases (SQLite and the real PostgreSQL), the app, real service checks.

With ``ATS_MATCH_REQUIRE_SERVICES=1`` (as ``.ci/run`` sets) a test that needs PostgreSQL or
Redis fails when the service is unreachable instead of being skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Settings are read from the environment: point the process at a throw-away data dir before
# anything imports them, and allow-list loopback so tests can play issuers on 127.0.0.1.
_DATA_DIR = Path(os.environ.get("ATS_MATCH_TEST_DATA_DIR", f"/tmp/ats-match-tests-{os.getpid()}"))
os.environ["ATS_MATCH_DATA_DIR"] = str(_DATA_DIR)
os.environ.setdefault("ATS_MATCH_ENVIRONMENT", "testing")
os.environ.setdefault("ATS_MATCH_FETCH_ALLOW_HOSTS", "127.0.0.1,localhost,::1")
os.environ.pop("ATS_MATCH_DATABASE_URL", None)
os.environ.pop("ATS_MATCH_BROKER_URL", None)

import sqlalchemy as sa  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

from ats_match import db  # noqa: E402
from ats_match.settings import get_settings  # noqa: E402

PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PG_ADMIN_URL = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/postgres"
REPO_ROOT = Path(__file__).resolve().parents[1]


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    """Skip (or fail under ATS_MATCH_REQUIRE_SERVICES=1) when a service is unreachable."""
    if _reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if os.environ.get("ATS_MATCH_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and ATS_MATCH_REQUIRE_SERVICES=1")
    pytest.skip(message)


def create_pg_database(prefix: str = "atsm_test") -> str:
    """A fresh, empty PostgreSQL database; returns its URL."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _data_dir() -> Iterator[Path]:
    _DATA_DIR.mkdir(parents=True, exist_ok=True)
    get_settings.cache_clear()
    yield _DATA_DIR
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    db.upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    need_service("PostgreSQL", PG_HOST, PG_PORT)
    url = create_pg_database()
    db.upgrade(url)
    yield url
    drop_pg_database(url)


@pytest.fixture
def committed_postgres_url() -> Iterator[str]:
    """A fresh migrated PostgreSQL database of its own, for tests whose code runs in other
    processes (server, worker) and so must see committed rows."""
    need_service("PostgreSQL", PG_HOST, PG_PORT)
    url = create_pg_database("atsm_proc")
    db.upgrade(url)
    yield url
    drop_pg_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs once on SQLite and once on the real PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A session inside one transaction that is rolled back after the test.

    Code under test may commit: with ``create_savepoint`` its commits end savepoints, and the
    outer transaction still throws everything away.
    """
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as test_session:
            yield test_session
        transaction.rollback()
    engine.dispose()


@pytest.fixture
def client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app, in process, on the database of ``database_url``."""
    from web.app import create_app

    monkeypatch.setenv("ATS_MATCH_DATABASE_URL", database_url)
    get_settings.cache_clear()
    with TestClient(create_app()) as test_client:
        yield test_client
    get_settings.cache_clear()
