"""Background task functions: they take ids, open their own session and commit once.

The embedded runner (recruit.runner) and the distributed queue (recruit.queue) call the same
functions. A document is only read by whoever holds its claim (a lease on its row), so a task
delivered twice, or re-delivered after its worker died, never reads a document twice at once.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from recruit import services
from recruit.backoff import TRANSIENT_ERRORS, Backoff
from recruit.db import make_engine, make_sessionmaker
from recruit.db.models import Application, Document, Opening
from recruit.mailer import Mailer, make_mailer
from recruit.services.documents import (
    LEASE,
    claim_documents,
    claim_rereads,
    reading_budget,
    release_document,
    release_rereads,
    reread_documents,
)
from recruit.settings import Settings
from recruit.storage import Storage, make_storage

log = logging.getLogger(__name__)


class QuietSpell:
    """Until when a process need not look for documents an older extractor read.

    Once a look finds none, none appears while this code runs (what is read gets the
    current version), so looking every few seconds would only scan the documents table
    again; a while later it looks anyway, for a claim a dead worker held.
    """

    SECONDS = 600.0

    def __init__(self) -> None:
        self._until = 0.0

    def active(self) -> bool:
        """Whether the last look found nothing, recently."""
        return time.monotonic() < self._until

    def begin(self) -> None:
        """Record that a look found nothing."""
        self._until = time.monotonic() + self.SECONDS


@dataclass(frozen=True)
class TaskContext:
    sessions: sessionmaker[Session]
    storage: Storage
    lease: dt.timedelta = LEASE
    # Who sends the outbox's e-mails, and as whom (None: this process sends none).
    mailer: Mailer | None = None
    mail_from: str = "recruit <recruit@localhost>"
    # Read again, when idle, what an older extractor read (RECRUIT_REREAD).
    reread: bool = True
    reread_quiet: QuietSpell = field(default_factory=QuietSpell, compare=False)

    @classmethod
    def from_settings(cls, settings: Settings, *, lease: dt.timedelta = LEASE) -> TaskContext:
        """Build the context a worker process needs, once."""
        engine = make_engine(settings.database_url)
        return cls(
            make_sessionmaker(engine),
            make_storage(settings.upload_dir),
            lease,
            make_mailer(settings.smtp_url, settings.outbox_folder),
            settings.mail_from,
            settings.reread,
        )


# How often a worker looks for e-mails to send (a queued one waits at most this long).
MAIL_EVERY = dt.timedelta(seconds=2)


def mail_loop(ctx: TaskContext, stop: threading.Event, every: dt.timedelta = MAIL_EVERY) -> None:
    """Send the outbox's due e-mails now and then until `stop` is set (a daemon thread's body).

    Every worker runs it; a lease on each message row keeps two workers from sending one twice.
    """
    if ctx.mailer is None:
        return
    wait = every.total_seconds()
    # The database or the mail server away: wait longer each time, a log line a minute.
    backoff = Backoff("sending e-mails", log, first=wait)
    while not stop.wait(wait):
        try:
            services.outbox.deliver_due(ctx.sessions, ctx.mailer, ctx.mail_from)
        except Exception as exc:
            wait = backoff.failed(exc)
            continue
        backoff.succeeded()
        wait = every.total_seconds()


# The retention purge runs this long after a worker starts, then once a day.
PURGE_FIRST = dt.timedelta(minutes=1)
PURGE_EVERY = dt.timedelta(days=1)


def purge_loop(ctx: TaskContext, stop: threading.Event) -> None:
    """Run the GDPR retention purge now and then until `stop` is set (a daemon thread's body).

    Every worker runs it; the purge is idempotent, so several workers cost only a query each.
    While the database is away it is retried from a minute to an hour apart.
    """
    wait = PURGE_FIRST.total_seconds()
    backoff = Backoff("retention purge", log, first=60.0, cap=3600.0)
    while not stop.wait(wait):
        try:
            report = services.purge_task(ctx.sessions, ctx.storage)
        except Exception as exc:
            wait = backoff.failed(exc)
            continue
        backoff.succeeded()
        log.info("retention purge: %s", report)
        wait = PURGE_EVERY.total_seconds()


def reclaim_dead_leases(ctx: TaskContext) -> list[tuple[int, int]]:
    """Queue again what dead processes of this host were reading (a worker's first step)."""
    try:
        with ctx.sessions() as session:
            reclaimed = services.reclaim_dead_leases(session)
    except TRANSIENT_ERRORS as exc:  # the database is away: their leases will run out instead
        log.warning("could not look for leases of dead processes: %s", exc)
        return []
    if reclaimed:
        log.warning(
            "queued again %d documents whose reader died: %s",
            len(reclaimed),
            ", ".join(str(doc_id) for doc_id, _ in reclaimed),
        )
    return reclaimed


class Wakeup:
    """Wake idle worker threads when documents are queued, instead of at their next poll.

    A thread marks before it looks at the queue and waits only when no wake-up came since:
    one sent while it was busy reading is not lost.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._count = 0
        self._seen = threading.local()

    def wake(self) -> None:
        """Wake every waiting thread (and let the busy ones look again)."""
        with self._condition:
            self._count += 1
            self._condition.notify_all()

    def mark(self) -> None:
        """Remember, for this thread, the wake-ups seen so far."""
        self._seen.count = self._count

    def wait(self, timeout: float) -> None:
        """Wait up to `timeout` seconds, unless a wake-up came since this thread's mark."""
        with self._condition:
            if self._count == getattr(self._seen, "count", -1):
                self._condition.wait(timeout)


def serve_documents(
    ctx: TaskContext,
    stop: Any,
    backoff: Backoff,
    idle_sleep: float = 1.0,
    closed: Any = None,
    wakeup: Wakeup | None = None,
    batch: int = 1,
) -> None:
    """Read queued documents until `stop` is set (or, once `closed` is, none is left).

    `stop` and `closed` are threading or multiprocessing events. A database that is away is
    waited out (Backoff), never a reason to die or to log a traceback a second. Up to `batch`
    documents are claimed together and stored in one commit (throughput for an import; one
    at a time keeps an upload's wait shortest). With a
    `wakeup`, an idle thread waits for it (the commit that queues a document) and polls only
    every `idle_sleep` seconds as the fallback.
    """
    while not stop.is_set():
        if wakeup is not None:
            wakeup.mark()
        try:
            document_id = run_next(ctx, batch)
        except Exception as exc:
            stop.wait(backoff.failed(exc))
            continue
        backoff.succeeded()
        if document_id is None:
            if closed is not None and closed.is_set():
                return
            # Idle: read again a few documents an older extractor read, then look for new
            # uploads first again (a fresh CV never waits behind the catching up).
            if ctx.reread:
                try:
                    if reread_batch(ctx, REREAD_BATCH):
                        continue
                except Exception as exc:
                    stop.wait(backoff.failed(exc))
                    continue
            if wakeup is not None:
                wakeup.wait(idle_sleep)
            else:
                stop.wait(idle_sleep)


def on_queued(sessions: sessionmaker[Session], notify: Callable[[dict[int, int]], None]) -> None:
    """Call `notify({document id: attempts})` right after each commit that queued documents.

    After the commit, not before: a worker must find the rows. Both the RQ enqueue and the
    embedded worker's wake-up hang on this, so a new upload is read at once, not at the next
    poll. Nothing is lost when `notify` fails: the documents wait in the database.
    """
    key = f"recruit.queued.{id(notify)}"  # each subscriber keeps its own list

    @event.listens_for(sessions, "after_flush")
    def _collect(session: Session, _ctx: object) -> None:
        for obj in list(session.new) + list(session.dirty):
            if not isinstance(obj, Document) or obj.status != "queued":
                continue
            if obj in session.new or inspect(obj).attrs.status.history.has_changes():
                session.info.setdefault(key, {})[obj.id] = obj.attempts or 0

    @event.listens_for(sessions, "after_commit")
    def _notify(session: Session) -> None:
        pending = session.info.pop(key, None)
        if not pending:
            return
        try:
            notify(pending)
        except Exception:  # a queue or socket away: the documents are safe in the database
            log.warning("could not announce %d queued documents; polling will", len(pending))

    @event.listens_for(sessions, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(key, None)


def read_documents(ctx: TaskContext, document_ids: Sequence[int]) -> dict[int, str]:
    """Read, extract and score claimed documents, stored in one commit; return their statuses.

    A transient failure (database or storage away) hands the claims back and re-raises, so
    the queue retries later; any other failure of a batch reads its documents one by one,
    and the one that fails alone is marked for a person.
    """
    ids = sorted(set(document_ids))
    for document_id in ids:
        log.info("task start document=%d", document_id)
    with ctx.sessions() as session:
        try:
            documents = services.process_documents(
                session, ctx.storage, ids, budget=reading_budget(ctx.lease)
            )
        except TRANSIENT_ERRORS:
            log.warning("documents %s: transient failure, released for a retry", ids)
            session.rollback()
            try:
                for document_id in ids:
                    release_document(session, document_id)
            except TRANSIENT_ERRORS:  # still away: the leases run out and the sweep re-queues
                log.warning("documents %s: could not release, their leases will expire", ids)
            raise
        except Exception:
            session.rollback()
            if len(ids) > 1:
                log.exception("reading documents %s failed; reading them one by one", ids)
                return {k: v for one in ids for k, v in read_documents(ctx, [one]).items()}
            # A bug must not kill the worker or lose the file: mark the document for a person.
            log.exception("reading document %s failed", ids[0])
            documents = [services.fail_document(session, ids[0])]
        statuses = {d.id: d.status for d in documents}
    for document_id, status in statuses.items():
        if status == "queued":  # its batch ran out of reading time: back in the queue
            log.info("task later document=%d", document_id)
        else:
            log.info("task done document=%d status=%s", document_id, status)
    return statuses


def read_document(ctx: TaskContext, document_id: int) -> str:
    """Read, extract and score one claimed document; return its final status."""
    status = read_documents(ctx, [document_id]).get(document_id)
    if status is None:
        raise services.ServiceError("no document %(id)s", id=document_id)
    return status


def claim_and_read(ctx: TaskContext, document_id: int) -> str | None:
    """Claim this document and read it; return its status, or None when someone else has it."""
    return claim_and_read_many(ctx, [document_id]).get(document_id)


def claim_and_read_many(ctx: TaskContext, document_ids: Sequence[int]) -> dict[int, str]:
    """Claim what is still to read of these documents (one transaction) and read it in one
    batch; return their statuses (without the documents someone else had or finished)."""
    with ctx.sessions() as session:
        claimed = claim_documents(session, len(document_ids), among=document_ids, lease=ctx.lease)
    skipped = sorted(set(document_ids) - set(claimed))
    if skipped:
        # Done already, or another worker holds a live lease: a duplicate delivery, not an error.
        log.info("task skip documents=%s (claimed elsewhere or finished)", skipped)
    return read_documents(ctx, claimed) if claimed else {}


def run_next(ctx: TaskContext, batch: int = 1) -> int | None:
    """Claim and read the next queued documents (up to `batch`); return the first one's id,
    or None when idle."""
    claimed = run_batch(ctx, batch)
    return claimed[0] if claimed else None


def run_batch(ctx: TaskContext, batch: int) -> list[int]:
    """Claim up to `batch` queued documents in one transaction, read them, store them in one
    commit; return their ids (empty when idle)."""
    with ctx.sessions() as session:
        claimed = claim_documents(session, batch, lease=ctx.lease)
    if claimed:
        read_documents(ctx, claimed)
    return claimed


# Documents read again per claim: small, so a new upload waits at most this many readings.
REREAD_BATCH = 2


def reread_batch(
    ctx: TaskContext,
    batch: int = REREAD_BATCH,
    *,
    among: Sequence[int] | None = None,
    force: bool = False,
) -> dict[int, str]:
    """Claim up to `batch` documents an older extractor read (`among`: only these; `force`:
    read ones of any version), read them again, store them in one commit; return
    {id: "reread" | "failed" | "skipped"} (empty when none is left)."""
    looking_for_any = among is None and not force
    if looking_for_any and ctx.reread_quiet.active():
        return {}
    with ctx.sessions() as session:
        claimed = claim_rereads(session, batch, among=among, force=force, lease=ctx.lease)
    if not claimed:
        if looking_for_any:
            ctx.reread_quiet.begin()
        return {}
    for document_id in claimed:
        log.info("task start reread document=%d", document_id)
    with ctx.sessions() as session:
        try:
            results = reread_documents(session, ctx.storage, claimed)
        except Exception:
            session.rollback()
            try:
                release_rereads(session, claimed)
            except TRANSIENT_ERRORS:  # still away: the leases run out
                log.warning("documents %s: could not release, their leases will expire", claimed)
            raise
    for document_id, outcome in results.items():
        log.info("task done reread document=%d outcome=%s", document_id, outcome)
    return results


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
        done = services.score_documents(session, documents, opening)
        session.commit()
        return done


def warm_up(*, here: bool = False) -> None:
    """Read two tiny CVs (ro, en) so the first real job does not pay for loading, then freeze.

    Loading spaCy, the lexicons and pdfplumber takes seconds; a worker pays it here, once.
    Workers keep the reader's fork per document: only a child killed at its deadline bounds
    a hostile PDF (a reference cycle loops forever in-process), and fork was cheap here
    (under 1 ms) except on a saturated machine (up to 86 ms), where gc.freeze() helps it.
    `here`: read them in this process, starting no reader child (a parent about to fork
    the processes that read).
    """
    try:
        from recruit.core.pipeline import analyse
        from recruit.core.reading import Limits

        limits = Limits(isolate=False) if here else None
        for lines in WARM_UP_CVS:
            analyse(tiny_pdf(lines), "warm-up.pdf", limits=limits)
    except Exception:  # a missing model must not stop the worker: the first job will say why
        log.exception("warm-up failed")
    # Long-lived spaCy objects make every collection re-scan them while pdfplumber allocates;
    # frozen, they are also never written to by the collector in a forked child (shared pages).
    gc.freeze()


WARM_UP_CVS = (
    (
        "Ana Popescu",
        "Manager de cont",
        "Experienta profesionala",
        "2019 - prezent Manager de cont, Banca Transilvania, Cluj-Napoca",
        "Educatie: Licenta in Stiinte Economice, 2013 - 2016",
        "Competente: negociere, vanzari, Microsoft Excel, limba engleza C1, permis B",
    ),
    (
        "John Smith",
        "Key Account Manager",
        "Professional experience",
        "Jan 2021 - present Key Account Manager, Orange Romania, Bucharest",
        "Education: Bachelor of Economics, 2013 - 2016",
        "Skills: negotiation, sales, Microsoft Excel, English C2, driving licence B",
    ),
)


def tiny_pdf(lines: Iterable[str]) -> bytes:
    """Return a one-page PDF with these ASCII lines in Helvetica (no PDF library needed)."""
    ops = ["BT /F1 11 Tf 14 TL 56 780 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    return assemble_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ]
    )


def assemble_pdf(objects: Sequence[bytes]) -> bytes:
    """Assemble numbered PDF objects (1..n, object 1 the catalog) with a valid xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
