"""Shared fixtures: an app on a migrated database (SQLite, or RECRUIT_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, create_engine, text

from recruit.db import upgrade
from recruit.db.models import Base

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_CVS = SHARED / "data" / "cvs"
REDIS_URL = os.environ.get("RECRUIT_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"


def reset_database(engine: Engine) -> None:
    """Drop every table, ours and Alembic's, so migrations start from empty."""
    meta = MetaData()
    meta.reflect(engine)
    meta.drop_all(engine)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the test database URL, migrated once for the session."""
    url = os.environ.get("RECRUIT_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )
    engine = create_engine(url)
    reset_database(engine)
    engine.dispose()
    upgrade(url)
    return url


def _truncate(url: str) -> None:
    engine = create_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Fail loudly, naming the holder, instead of waiting forever behind a leaked
            # transaction of an earlier test.
            conn.execute(text("SET LOCAL lock_timeout = '60s'"))
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
            # As RESTART IDENTITY does on PostgreSQL: AUTOINCREMENT tables count from 1 again.
            if conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            ).first():
                conn.execute(text("DELETE FROM sqlite_sequence"))
    engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path):
    """An app on a clean, migrated database with uploads in a temporary folder."""
    from recruit import create_app

    _truncate(database_url)
    env = {
        "RECRUIT_DATABASE_URL": database_url,
        "RECRUIT_UPLOAD_DIR": str(tmp_path / "uploads"),
        "RECRUIT_SECRET_KEY": "test-secret-key",
    }
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "ENV": env, "TESTING": True})
    yield app
    engine = app.extensions["recruit.engine"]
    # A connection still checked out here is a request, stream or thread that never ended its
    # transaction: on PostgreSQL it blocks the next test's TRUNCATE (and, in production, vacuum).
    leaked = getattr(engine.pool, "checkedout", lambda: 0)()
    engine.dispose()
    assert not leaked, f"{leaked} database connection(s) left checked out by this test"


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    with app.extensions["recruit.sessions"]() as s:
        yield s


@pytest.fixture
def storage(app):
    return app.extensions["recruit.storage"]


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Return the Redis URL, or skip when Redis is unreachable."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except RedisError:
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture
def queue_name(redis_url: str) -> Iterator[str]:
    """A queue name for this test only; its keys are deleted afterwards."""
    from redis import Redis

    name = f"recruit-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    yield name
    redis = Redis.from_url(redis_url)
    keys = list(redis.scan_iter(match=f"*{name}*", count=1000))
    if keys:
        redis.delete(*keys)
