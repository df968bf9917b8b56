"""Applications and documents: storing, claiming, reading and scoring CVs."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recruit.core.contacts import normalise_email
from recruit.core.lifeline import process_start
from recruit.core.printable import unprintable
from recruit.core.reading import ReadResult
from recruit.db.models import Application, Candidate, Document, Opening, Score, utcnow
from recruit.services.errors import ServiceError
from recruit.services.openings import accepts_applications, current_profile
from recruit.services.review import mirror_score
from recruit.storage import LocalStorage

# Long enough that a crashed worker's document is picked up again, short enough not to wait long.
LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 3
# Leases name the machine that holds them: only there can a dead holder be told from a slow one.
LEASE_HOST = socket.gethostname()[:255]


def _holder() -> dict[str, object]:
    """Return the lease columns naming this process: host, pid and the pid's start time."""
    pid = os.getpid()  # per call: a forked child claims in its own name
    return {"lease_host": LEASE_HOST, "lease_pid": pid, "lease_started": process_start(pid)}


_NO_HOLDER: dict[str, object] = {
    "lease_until": None,
    "lease_host": None,
    "lease_pid": None,
    "lease_started": None,
}


@dataclass(frozen=True)
class Submission:
    application: Application
    document: Document


def submit_application(
    session: Session,
    storage: LocalStorage,
    opening: Opening,
    *,
    name: str,
    email: str,
    phone: str,
    filename: str,
    data: bytes,
    consent_version: str,
    retain_for: dt.timedelta = dt.timedelta(days=183),
    verdict: ReadResult | None = None,
) -> Submission:
    """Store the CV, then record the candidate, the application and a queued document.

    With the `verdict` of a reading done at once (`read_at_once`), a file that cannot be read
    is recorded with its reason instead of being queued.

    Every submission is an application of its own, with its own token: the same e-mail sent
    again to the same opening (in any case or spacing) never reaches, changes or reveals the
    first application, because knowing an address proves nothing. It is kept apart as a
    possible duplicate of the first, for staff to see (and for the address's owner to link).
    """
    if not accepts_applications(opening):
        raise ServiceError("this opening no longer accepts applications")
    if any(unprintable(text) for text in (name, email, phone)):
        raise ServiceError("the name, e-mail or phone holds control characters; type it again")
    stored = storage.put(data)  # first: a failed write leaves no row behind
    now = utcnow()
    candidate = Candidate(
        name=name.strip(),
        email=normalise_email(email),
        phone=phone.strip(),
        consent_at=now,
        consent_version=consent_version,
        retain_until=now + retain_for,
    )
    application = open_application(session, opening, candidate, email_key=candidate.email)
    document = add_document(
        session, stored.key, stored.sha256, stored.size, filename, application, verdict=verdict
    )
    return Submission(application, document)


def add_version(
    session: Session,
    storage: LocalStorage,
    application: Application,
    filename: str,
    data: bytes,
    verdict: ReadResult | None = None,
) -> Document:
    """Store another CV file for an application (its status link is the candidate's key)."""
    if not accepts_applications(application.opening):
        raise ServiceError("this opening no longer accepts applications")
    stored = storage.put(data)
    return add_document(
        session, stored.key, stored.sha256, stored.size, filename, application, verdict=verdict
    )


# How long a candidate waits for the verdict on their file before the queue takes over: a
# 2-page CV reads in 20-100 ms, a scan with OCR or a hostile file takes longer.
READ_AT_ONCE_SECONDS = 2.0


def read_at_once(
    data: bytes, filename: str, *, max_bytes: int, seconds: float = READ_AT_ONCE_SECONDS
) -> ReadResult | None:
    """Read a CV within `seconds` (in the reader's child); None when that was not enough."""
    from recruit.core.reading import Limits, read_document

    read = read_document(data, filename, limits=Limits(max_bytes=max_bytes, timeout_s=seconds))
    if read.error is not None and read.error.code == "timeout":
        return None  # the worker has the full deadline
    return read


def unreadable(read: ReadResult | None) -> bool:
    """Tell whether a reading found nothing to work with, so another file is needed."""
    return read is not None and read.status != "ok" and not read.text.strip()


def open_application(
    session: Session, opening: Opening, candidate: Candidate, *, email_key: str | None = None
) -> Application:
    """Add a new candidate's application to an opening, with its private status token.

    With an `email_key` already used on this opening, the application is a possible
    duplicate of the first one sent with it. The unique index on first applications decides
    races: of concurrent applies with one address exactly one becomes the first.
    """
    session.add(candidate)
    session.flush()  # also begins the transaction the savepoint below nests in
    key = email_key or None
    first = _first_application(session, opening.id, key)
    if first is None and key is not None:
        application = _new_application(candidate, opening, key, None)
        try:
            with session.begin_nested():
                session.add(application)
        except IntegrityError:
            first = _first_application(session, opening.id, key)
            if first is None:  # not the race we expect: let the caller see it
                raise
        else:
            return application
    application = _new_application(candidate, opening, key, first)
    session.add(application)
    session.flush()
    return application


def _new_application(
    candidate: Candidate, opening: Opening, key: str | None, first: int | None
) -> Application:
    return Application(
        candidate_id=candidate.id,
        opening_id=opening.id,
        status_token=secrets.token_urlsafe(32),
        email_key=key,
        duplicate_of_id=first,
    )


def _first_application(session: Session, opening_id: int, key: str | None) -> int | None:
    if key is None:
        return None
    return session.scalar(
        select(Application.id).where(
            Application.opening_id == opening_id,
            Application.email_key == key,
            Application.duplicate_of_id.is_(None),
        )
    )


def add_document(
    session: Session,
    key: str,
    sha256: str,
    size: int,
    filename: str,
    application: Application | None = None,
    *,
    verdict: ReadResult | None = None,
) -> Document:
    """Record a stored file as a queued document (the original is already on disk).

    A file the `verdict` found unreadable is recorded with its reason and never queued.
    """
    document = Document(
        application_id=application.id if application else None,
        original_filename=_safe_filename(filename),
        size=size,
        sha256=sha256,
        storage_key=key,
        status="queued",
    )
    if verdict is not None and unreadable(verdict):
        document.media_type = verdict.media_type or ""
        document.pages = verdict.pages
        error = verdict.error
        _finish(document, verdict.status, error and error.code, error and error.message)
    session.add(document)
    session.flush()
    return document


def _safe_filename(filename: str) -> str:
    """Keep only the last path component of an uploaded name, for display only."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:255] or "cv"


def claim_next_document(
    session: Session, *, now: dt.datetime | None = None, lease: dt.timedelta = LEASE
) -> int | None:
    """Claim one queued (or abandoned) document for reading; return its id or None.

    A compare-and-set UPDATE makes the claim safe with several workers on one database;
    on PostgreSQL, SKIP LOCKED also lets concurrent workers pass each other's candidates.
    """
    now = now or utcnow()
    candidates = (
        select(Document.id)
        .where(_claimable(now))
        .order_by(Document.id)
        .limit(5)
        .with_for_update(skip_locked=True)  # rendered on PostgreSQL, ignored by SQLite
    )
    for doc_id in list(session.scalars(candidates)):
        if claim_document(session, doc_id, now=now, lease=lease):
            return doc_id
    session.commit()  # release the row locks of candidates nobody claimed
    return None


def claim_document(
    session: Session,
    document_id: int,
    *,
    now: dt.datetime | None = None,
    lease: dt.timedelta = LEASE,
) -> bool:
    """Claim this document if it is queued or its lease ran out; commit; tell whether we got it."""
    now = now or utcnow()
    result = session.execute(
        update(Document)
        .where(Document.id == document_id, _claimable(now))
        .values(
            status="reading",
            lease_until=now + lease,
            **_holder(),
            attempts=Document.attempts + 1,
            started_at=now,
        )
    )
    session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


def reclaim_dead_leases(session: Session, host: str = LEASE_HOST) -> list[tuple[int, int]]:
    """Queue again the documents whose lease a dead process on `host` holds; commit.

    Called when a worker starts: a crash then costs seconds, not the rest of the lease.
    Returns (document id, attempts) of each, for a queue to be told; attempts are kept, so a
    document that kills its worker every time is still stopped after MAX_ATTEMPTS.
    """
    rows = session.execute(
        select(Document.id, Document.lease_pid, Document.lease_started).where(
            Document.status == "reading", Document.lease_host == host
        )
    ).all()
    dead = [doc_id for doc_id, pid, started in rows if pid is None or not _alive(pid, started)]
    reclaimed: list[tuple[int, int]] = []
    if dead:
        reclaimed = [
            (doc_id, attempts)
            for doc_id, attempts in session.execute(
                update(Document)
                .where(Document.id.in_(dead), Document.status == "reading")
                .values(status="queued", **_NO_HOLDER)
                .returning(Document.id, Document.attempts)
            )
        ]
    session.commit()
    return reclaimed


def _alive(pid: int, started: int | None = None) -> bool:
    """Tell whether the process that took a lease as `pid` (started at `started`) still runs.

    A pid is reused once its process is gone: a process under that pid that started at
    another time is a newcomer, and the holder is dead. Without a recorded start time (a
    lease taken before it was recorded, or no /proc) the pid alone decides.
    """
    if started is not None:
        now_started = process_start(pid)
        if now_started is not None:
            return now_started == started
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # no signal sent: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def release_document(session: Session, document_id: int) -> None:
    """Put a claimed document back in the queue after a transient failure (attempts are kept)."""
    session.execute(
        update(Document)
        .where(Document.id == document_id, Document.status == "reading")
        .values(status="queued", **_NO_HOLDER)
    )
    session.commit()


def _claimable(now: dt.datetime) -> ColumnElement[bool]:
    return or_(
        Document.status == "queued",
        (Document.status == "reading") & (Document.lease_until < now),
    )


def process_document(session: Session, storage: LocalStorage, document_id: int) -> Document:
    """Read, extract and score one claimed document; the outcome is stored on its row."""
    from recruit.core.pipeline import EXTRACTOR_VERSION, analyse

    document = session.get(Document, document_id)
    if document is None:
        raise ServiceError(f"no document {document_id}")
    if document.attempts > MAX_ATTEMPTS:
        # It died with its worker this many times: stop retrying, tell a person.
        _finish(
            document,
            "error",
            "timeout",
            "Reading this file failed repeatedly; please upload the PDF exported from your editor.",
        )
        session.commit()
        return document
    analysis = analyse(storage.get(document.storage_key), document.original_filename)
    read = analysis.read
    document.media_type = read.media_type or ""
    document.pages = read.pages
    document.language = read.language
    document.text = read.text or None
    document.profile = analysis.profile.to_dict() if analysis.profile else None
    document.extractor_version = EXTRACTOR_VERSION
    _finish(
        document,
        read.status,
        read.error.code if read.error else None,
        read.error.message if read.error else None,
    )
    if document.profile is not None and document.application is not None:
        fill_contacts(document.application.candidate, document.profile, document.language)
        score_document(session, document, document.application.opening)
    session.commit()
    return document


def fill_contacts(candidate: Candidate, profile: dict[str, object], language: str | None) -> None:
    """Take what is still unknown about a candidate (None) from their read CV.

    Only unknowns: what the candidate typed in the form, or a recruiter corrected, stays.
    The profile says null when the CV does not say, so an unknown may stay unknown.
    """
    emails = profile.get("emails") or []
    phones = profile.get("phones") or []
    name = profile.get("name")
    if candidate.name is None and isinstance(name, str) and name.strip():
        candidate.name = name.strip()[:200]
    if candidate.email is None and isinstance(emails, list) and emails:
        candidate.email = normalise_email(str(emails[0]))[:254]
    if candidate.phone is None and isinstance(phones, list) and phones:
        candidate.phone = str(phones[0])[:40]
    if candidate.locale is None and language:
        candidate.locale = language


def _finish(document: Document, status: str, code: str | None, message: str | None) -> None:
    document.status = status
    document.error_code, document.error_message = code, message
    for column, value in _NO_HOLDER.items():
        setattr(document, column, value)
    document.finished_at = utcnow()


def score_document(session: Session, document: Document, opening: Opening) -> Score:
    """Score a read document against the opening's current requirement version."""
    from recruit.core.profile import Profile
    from recruit.core.scoring import parse_requirements, result_row, score

    version = current_profile(session, opening)
    result = score(Profile.from_dict(document.profile or {}), parse_requirements(version.criteria))
    data = result.to_dict()
    row = session.scalar(
        select(Score).where(Score.document_id == document.id, Score.profile_id == version.id)
    )
    if row is None:
        row = Score(document_id=document.id, profile_id=version.id)
        session.add(row)
    row.total = float(data["score"])
    row.breakdown = data["criteria"]
    row.knockouts = list(data["knockouts"])
    # The shortlist's columns follow in the same flush: an explicit step, not a hook.
    mirror_score(document, row, version, result_row(result))
    session.flush()
    return row


def fail_document(session: Session, document_id: int) -> Document:
    """Mark a document whose reading crashed; the original stays in storage."""
    document = session.get(Document, document_id)
    if document is None:
        raise ServiceError(f"no document {document_id}")
    _finish(
        document,
        "error",
        "corrupt",
        "We could not read this file. Please upload the PDF exported from your editor.",
    )
    session.commit()
    return document
