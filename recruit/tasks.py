"""Background task functions: they take ids, open their own session and commit once.

The embedded runner (recruit.runner) and the distributed queue call the same functions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from recruit import services
from recruit.db import make_engine, make_sessionmaker
from recruit.settings import Settings
from recruit.storage import LocalStorage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaskContext:
    sessions: sessionmaker[Session]
    storage: LocalStorage

    @classmethod
    def from_settings(cls, settings: Settings) -> TaskContext:
        """Build the context a worker process needs, once."""
        engine = make_engine(settings.database_url)
        return cls(make_sessionmaker(engine), LocalStorage(settings.upload_dir))


def read_document(ctx: TaskContext, document_id: int) -> str:
    """Read, extract and score one document; return its final status."""
    with ctx.sessions() as session:
        try:
            document = services.process_document(session, ctx.storage, document_id)
        except Exception:
            # A bug must not kill the worker or lose the file: mark the document for a person.
            log.exception("reading document %s failed", document_id)
            session.rollback()
            document = services.fail_document(session, document_id)
        return document.status


def run_next(ctx: TaskContext) -> int | None:
    """Claim and read the next queued document; return its id, or None when idle."""
    with ctx.sessions() as session:
        document_id = services.claim_next_document(session)
    if document_id is not None:
        read_document(ctx, document_id)
    return document_id
