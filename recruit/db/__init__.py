"""Database access: engine and session factory, models, migrations."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, env: Mapping[str, str] | None = None) -> Engine:
    """Create an engine: SQLite with WAL, foreign keys and a busy timeout; PostgreSQL pooled.

    RECRUIT_DB_POOL_SIZE and RECRUIT_DB_MAX_OVERFLOW (default 5 and 10) are per process: size
    them so that processes x (pool + overflow) stays under PostgreSQL's max_connections.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    env = os.environ if env is None else env
    return create_engine(
        url,
        pool_pre_ping=True,  # a restarted PostgreSQL or a dropped idle connection is not an error
        pool_size=int(env.get("RECRUIT_DB_POOL_SIZE") or 5),
        max_overflow=int(env.get("RECRUIT_DB_MAX_OVERFLOW") or 10),
        # Below the usual 30-60 min idle timeouts of load balancers and pgbouncer.
        pool_recycle=int(env.get("RECRUIT_DB_POOL_RECYCLE") or 1800),
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory used by the web, the CLI and the workers."""
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the Alembic migrations to the database at `url`."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = url
    command.upgrade(cfg, revision)
