"""Fixtures for the scale tests: a database of their own on PostgreSQL, a Redis queue of their own.

The PostgreSQL database `test` is shared with the main suite, so these tests create and drop a
database of their own; Redis may be shared with other runs too, so each run gets its own queue
name (job ids start with it) and deletes its keys afterwards. Both skip cleanly when the
service is unreachable (the Redis fixtures live in tests/conftest.py).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def _admin_url() -> str:
    url = os.environ.get("RECRUIT_TEST_DATABASE_URL") or ""
    if not url.startswith("postgresql"):
        url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    return url


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """Create a PostgreSQL database for this module, migrated; drop it afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(_admin_url())
    if not _reachable(admin.host or "127.0.0.1", admin.port or 5432):
        pytest.skip(f"PostgreSQL unreachable at {admin.host}:{admin.port}")
    name = f"recruit_scale_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"cannot create a PostgreSQL database: {exc}")
    url = admin.set(database=name).render_as_string(hide_password=False)
    from recruit.db import upgrade

    upgrade(url)
    yield url
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def generated_cvs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of 200 generated CVs (every 40th broken on purpose)."""
    from tests.scale.cvs import write

    folder = tmp_path_factory.mktemp("cvs")
    write(folder, 200)
    return folder
