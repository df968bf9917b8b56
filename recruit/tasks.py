"""Background task functions: they take ids, open their own session and commit once.

The embedded runner (recruit.runner) and the distributed queue (recruit.queue) call the same
functions. A document is only read by whoever holds its claim (a lease on its row), so a task
delivered twice, or re-delivered after its worker died, never reads a document twice at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from recruit import services
from recruit.db import make_engine, make_sessionmaker
from recruit.db.models import Application, Document, Opening
from recruit.services.documents import LEASE, claim_document, release_document
from recruit.settings import Settings
from recruit.storage import Storage, StorageUnavailable, make_storage

log = logging.getLogger(__name__)

# Failures of the machinery around a document, not of the document: retry later, never blame
# the file. OperationalError covers a lost or refused database connection.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    StorageUnavailable,
    ConnectionError,
    TimeoutError,
)


@dataclass(frozen=True)
class TaskContext:
    sessions: sessionmaker[Session]
    storage: Storage
    lease: dt.timedelta = LEASE

    @classmethod
    def from_settings(cls, settings: Settings, *, lease: dt.timedelta = LEASE) -> TaskContext:
        """Build the context a worker process needs, once."""
        engine = make_engine(settings.database_url)
        return cls(make_sessionmaker(engine), make_storage(settings.upload_dir), lease)


def read_document(ctx: TaskContext, document_id: int) -> str:
    """Read, extract and score one claimed document; return its final status.

    A transient failure (database or storage away) hands the claim back and re-raises, so the
    queue retries later; any other failure marks the document for a person.
    """
    log.info("task start document=%d", document_id)
    with ctx.sessions() as session:
        try:
            document = services.process_document(session, ctx.storage, document_id)
        except TRANSIENT_ERRORS:
            log.warning("document %d: transient failure, released for a retry", document_id)
            session.rollback()
            try:
                release_document(session, document_id)
            except TRANSIENT_ERRORS:  # still away: the lease runs out and the sweep re-queues it
                log.warning("document %d: could not release, its lease will expire", document_id)
            raise
        except Exception:
            # A bug must not kill the worker or lose the file: mark the document for a person.
            log.exception("reading document %s failed", document_id)
            session.rollback()
            document = services.fail_document(session, document_id)
        log.info("task done document=%d status=%s", document_id, document.status)
        return document.status


def claim_and_read(ctx: TaskContext, document_id: int) -> str | None:
    """Claim this document and read it; return its status, or None when someone else has it."""
    with ctx.sessions() as session:
        claimed = claim_document(session, document_id, lease=ctx.lease)
    if not claimed:
        # Done already, or another worker holds a live lease: a duplicate delivery, not an error.
        log.info("task skip document=%d (claimed elsewhere or finished)", document_id)
        return None
    return read_document(ctx, document_id)


def run_next(ctx: TaskContext) -> int | None:
    """Claim and read the next queued document; return its id, or None when idle."""
    with ctx.sessions() as session:
        document_id = services.claim_next_document(session, lease=ctx.lease)
    if document_id is not None:
        read_document(ctx, document_id)
    return document_id


def rescore_opening(ctx: TaskContext, opening_id: int) -> int:
    """Score the opening's read documents against its current requirements; return how many.

    Stored profiles are re-scored, never re-read: this is milliseconds per document.
    """
    with ctx.sessions() as session:
        opening = session.get(Opening, opening_id)
        if opening is None:
            return 0
        documents = session.scalars(
            select(Document)
            .join(Application, Document.application_id == Application.id)
            .where(
                Application.opening_id == opening_id,
                Document.status.in_(("ok", "needs_review")),
            )
            .order_by(Document.id)
        ).all()
        # A JSON column stores None as JSON null, not SQL NULL: filter here, not in SQL.
        documents = [d for d in documents if d.profile]
        for document in documents:
            services.score_document(session, document, opening)
        session.commit()
        return len(documents)
