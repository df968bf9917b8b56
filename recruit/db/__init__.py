"""Database access: engine and session factory, models, migrations."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, env: Mapping[str, str] | None = None) -> Engine:
    """Create an engine: SQLite with WAL, foreign keys and a busy timeout; PostgreSQL pooled.

    RECRUIT_DB_POOL_SIZE and RECRUIT_DB_MAX_OVERFLOW (default 5 and 10) are per process: size
    them so that processes x (pool + overflow) stays under PostgreSQL's max_connections.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _create_private(engine.url.database)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows are overwritten with zeros, not left in free pages for anyone
            # holding a copy of the file: erasure must erase.
            cur.execute("PRAGMA secure_delete=ON")
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


def _create_private(path: str | None) -> None:
    """Create a new SQLite database file readable by its owner only, whatever the umask.

    SQLite gives its -wal and -shm files the database file's mode, so they follow.
    """
    if not path or path == ":memory:" or path.startswith("file:") or os.path.exists(path):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another process created it first
        return
    except OSError:  # no such folder: let SQLite report it on connect
        return
    os.chmod(path, 0o600)


def checkpoint(session: Session) -> None:
    """Fold SQLite's write-ahead log into the database and empty it (a no-op elsewhere).

    After an erasure the WAL still holds the erased rows' old pages until a checkpoint, and
    the search index (recruit.db.search) their trigrams until its segments are merged.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    session.commit()
    # The search index keeps deleted rows' trigrams in old segments until they are merged:
    # merge them all, so the erased texts leave the index too (secure_delete zeroes the pages).
    if session.execute(
        text("SELECT 1 FROM sqlite_master WHERE name = 'application_search'")
    ).first():
        session.execute(
            text("INSERT INTO application_search (application_search) VALUES ('optimize')")
        )
        session.commit()
    session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


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
