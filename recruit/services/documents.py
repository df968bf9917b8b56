"""Applications and documents: storing, claiming, reading and scoring CVs."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from recruit.backoff import TRANSIENT_ERRORS
from recruit.core.contacts import normalise_email
from recruit.core.lifeline import process_start
from recruit.core.printable import unprintable
from recruit.core.reading import Limits, ReadResult
from recruit.core.reading.result import dump_kept, keepable, load_kept
from recruit.core.roles import RequirementProfile as Requirements
from recruit.db.models import (
    Application,
    Candidate,
    Document,
    Opening,
    RequirementProfile,
    Score,
    utcnow,
)
from recruit.services.errors import ServiceError, _l
from recruit.services.openings import accepts_applications, current_profile
from recruit.services.review import mirror_score
from recruit.storage import LocalStorage

if TYPE_CHECKING:
    from recruit.core.pipeline import Analysis

log = logging.getLogger(__name__)

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
        raise ServiceError(_l("this opening no longer accepts applications"))
    if any(unprintable(text) for text in (name, email, phone)):
        raise ServiceError(_l("the name, e-mail or phone holds control characters; type it again"))
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
    keep_verdict(storage, stored.key, verdict)
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
        raise ServiceError(_l("this opening no longer accepts applications"))
    stored = storage.put(data)
    document = add_document(
        session, stored.key, stored.sha256, stored.size, filename, application, verdict=verdict
    )
    keep_verdict(storage, stored.key, verdict)
    return document


def keep_verdict(storage: LocalStorage, key: str, verdict: ReadResult | None) -> None:
    """Keep a reading done at once of a file that goes to the queue, so the worker that reads
    it next need not read it again (a third of its time per CV); see `_kept_reading`."""
    if verdict is not None and keepable(verdict):
        storage.keep_reading(key, dump_kept(verdict))


def _kept_reading(storage: LocalStorage, key: str) -> ReadResult | None:
    """Take the reading kept of the file under `key`, if one of this reader's version is there
    (kept by the upload's request, or by `recruit import` reading ahead: see `keep_verdict`)."""
    try:
        kept = storage.take_reading(key)
    except OSError:  # the folder unreadable: reading the file still works
        return None
    return None if kept is None else load_kept(kept)


# How long a candidate waits for the verdict on their file before the queue takes over: a
# 2-page CV reads in 20-100 ms, a scan with OCR or a hostile file takes longer.
READ_AT_ONCE_SECONDS = 2.0
# Readings at once in progress in this process, each in a reader child: no more than the
# cores. Beyond that the children only queued for a core, and each one over the pool's idle
# hosts was started for one file and closed after it (a burst of 50 uploads from 8 clients
# started children for 4.2 s of CPU, more than reading and scoring the 50 CVs took).
_READING_AT_ONCE = threading.BoundedSemaphore(os.cpu_count() or 1)


def read_at_once(
    data: bytes, filename: str, *, max_bytes: int, seconds: float = READ_AT_ONCE_SECONDS
) -> ReadResult | None:
    """Read a CV within `seconds` (in the reader's child); None when that was not enough.

    A photo of a CV is not tried: OCR takes 2-3 s of a core (bench/ocr.py), so the attempt
    would only cost the candidate `seconds` and the server a core before the worker reads it.
    """
    from recruit.core.media import IMAGE_TYPES, sniff_media_type
    from recruit.core.reading import Limits, read_document

    if sniff_media_type(data) in IMAGE_TYPES and len(data) <= max_bytes:
        return None
    deadline = time.monotonic() + seconds
    if not _READING_AT_ONCE.acquire(timeout=seconds):
        return None  # others are being read: the worker reads this one
    try:
        limits = Limits(max_bytes=max_bytes, timeout_s=max(0.1, deadline - time.monotonic()))
        read = read_document(data, filename, limits=limits)
    finally:
        _READING_AT_ONCE.release()
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


def open_applications(
    session: Session, opening: Opening, candidates: Sequence[Candidate]
) -> list[Application]:
    """Add new candidates' applications to an opening when no e-mail is known yet.

    A bulk import's candidates, before their CVs are read (`key_by_email` keys them then):
    no first application to look for, so one flush for the candidates and one for the
    applications, however many.
    """
    session.add_all(candidates)
    session.flush()
    applications = [_new_application(c, opening, None, None) for c in candidates]
    session.add_all(applications)
    session.flush()
    return applications


def key_by_email(session: Session, *applications: Application) -> None:
    """Give applications their candidates' e-mail keys once the addresses are known, as
    applying does.

    A bulk import knows no address until the CV is read (or a recruiter types one): from
    then on the application is found by it like one sent through the form, the first with
    that address on the opening or a possible duplicate of the first. A key once set stays.
    Several at once (the documents of one batch) cost one query and one flush; only when
    another process keyed one of their addresses meanwhile are they keyed one by one.
    """
    wanting = [a for a in applications if _wants_key(a)]
    if len(wanting) > 1:
        try:
            with session.begin_nested():
                _key_together(session, wanting)
                session.flush()
        except IntegrityError:  # a concurrent reader keyed one of these addresses first
            pass  # the savepoint's changes are undone and its rows expired: one by one
        else:
            return
    for application in wanting:
        _key_one(session, application)


def _key_together(session: Session, applications: list[Application]) -> None:
    """Key these applications in order: the first with an address on its opening is the
    first, unless one was keyed already, and any later one a possible duplicate of it."""
    firsts = _first_applications(session, {(a.opening_id, a.candidate.email) for a in applications})
    for application in applications:
        key = application.candidate.email
        application.email_key = key
        first = firsts.setdefault((application.opening_id, key), application.id)
        if first != application.id:
            application.duplicate_of_id = first


def _wants_key(application: Application) -> bool:
    key = application.candidate.email
    return application.email_key is None and bool(key) and "@" in (key or "")


def _key_one(session: Session, application: Application) -> None:
    key = application.candidate.email
    if not _wants_key(application):
        return
    first = _first_application(session, application.opening_id, key)
    if first is None:
        try:
            with session.begin_nested():
                application.email_key = key
                session.flush()
        except IntegrityError:  # a concurrent reader keyed another application first
            first = _first_application(session, application.opening_id, key)
            if first is None:
                raise
        else:
            return
    application.email_key = key
    application.duplicate_of_id = first
    session.flush()


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
    return _first_applications(session, {(opening_id, key)}).get((opening_id, key))


def _first_applications(
    session: Session, wanted: set[tuple[int, str | None]]
) -> dict[tuple[int, str | None], int]:
    """Return the first application with each (opening, e-mail key) asked that has one."""
    rows = session.execute(
        select(Application.opening_id, Application.email_key, Application.id).where(
            Application.opening_id.in_({opening for opening, _ in wanted}),
            Application.email_key.in_({key for _, key in wanted}),
            Application.duplicate_of_id.is_(None),
        )
    )
    return {(o, k): i for o, k, i in rows if (o, k) in wanted}


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
    document = new_document(key, sha256, size, filename, application)
    if verdict is not None and unreadable(verdict):
        document.media_type = verdict.media_type or ""
        document.pages = verdict.pages
        error = verdict.error
        _finish(document, verdict.status, error and error.code, error and error.message)
    session.add(document)
    session.flush()
    return document


def new_document(
    key: str, sha256: str, size: int, filename: str, application: Application | None
) -> Document:
    """Return a queued document for a stored file, not added to any session yet."""
    return Document(
        application_id=application.id if application else None,
        original_filename=_safe_filename(filename),
        size=size,
        sha256=sha256,
        storage_key=key,
        status="queued",
    )


def _safe_filename(filename: str) -> str:
    """Keep only the last path component of an uploaded name, for display only."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:255] or "cv"


# Documents a reader claims together and stores in one commit (an import's readers, an RQ
# job of an import's documents): the database work of a batch costs about what one
# document's did, and RQ's bookkeeping is paid per job. The web's embedded threads take one
# at a time, so an upload's score is never held back by its neighbours. A batch that meets
# slow files hands the rest back when its reading budget is spent (`reading_budget`), so a
# batch of pathological files cannot outlast its lease. 500 CVs, alternated with batches of
# 8: PostgreSQL's CPU 0.52-0.63 s against 0.69-0.83 s (PostgreSQL + 2 RQ workers, 9 runs
# each) and a worker's store step 1.5-1.7 s against 1.8-2.0 s (one worker, 2 runs each); a
# claim, an RQ job and a commit are paid per batch. A commit's documents are split evenly
# over its jobs (queue.even_chunks), so a small import of 20 goes to two workers as 10 + 10.
CLAIM_BATCH = 16
# Documents read again together at a person's request (`recruit reread`, an RQ job of it): a
# re-read has no reading budget, and 8 files at the reader's 30 s timeout end inside the
# job's timeout (80% of the default 5-minute lease).
ASKED_REREAD_BATCH = 8


def reading_budget(lease: dt.timedelta) -> float:
    """Return the seconds a claimed batch may read before it hands the rest back.

    The last file it starts may take a reader's whole timeout: with half the lease as the
    budget less that timeout, the batch ends well inside its lease and its job's timeout
    (80% of the lease), however slow its files. A lease too short to hold one reader's
    timeout (a test's, a few seconds) cannot promise that: a quarter of it then, so the
    batch still reads more than its first file. A batch always reads its first file.
    """
    seconds = lease.total_seconds()
    return max(seconds / 2 - Limits().timeout_s, seconds / 4)


def claim_next_document(
    session: Session, *, now: dt.datetime | None = None, lease: dt.timedelta = LEASE
) -> int | None:
    """Claim one queued (or abandoned) document for reading; return its id or None."""
    claimed = claim_documents(session, 1, now=now, lease=lease)
    return claimed[0] if claimed else None


def claim_documents(
    session: Session,
    limit: int,
    *,
    among: Iterable[int] | None = None,
    now: dt.datetime | None = None,
    lease: dt.timedelta = LEASE,
) -> list[int]:
    """Claim up to `limit` queued (or abandoned) documents in one transaction; commit;
    return their ids, oldest first (`among`: only from these ids).

    A compare-and-set UPDATE makes the claim safe with several workers on one database;
    on PostgreSQL, SKIP LOCKED also lets concurrent workers pass each other's candidates.
    """
    now = now or utcnow()
    wanted = None if among is None else sorted(set(among))
    for _ in range(3):  # another worker may take the candidates between our two statements
        query = select(Document.id).where(_claimable(now))
        if wanted is not None:
            query = query.where(Document.id.in_(wanted))
        candidates = list(
            session.scalars(
                query.order_by(Document.id)
                .limit(max(1, limit))
                .with_for_update(skip_locked=True)  # rendered on PostgreSQL, ignored by SQLite
            )
        )
        if not candidates:
            break
        claimed = list(
            session.scalars(
                update(Document)
                .where(Document.id.in_(candidates), _claimable(now))
                .values(
                    status="reading",
                    lease_until=now + lease,
                    **_holder(),
                    attempts=Document.attempts + 1,
                    started_at=now,
                )
                .returning(Document.id)
            )
        )
        session.commit()
        if claimed:
            return sorted(claimed)
    session.commit()  # release the row locks of candidates nobody claimed
    return []


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
    if session.get(Document, document_id) is None:
        raise ServiceError(_l("no document %(id)s"), id=document_id)
    return process_documents(session, storage, [document_id])[0]


def _analyse_files(
    storage: LocalStorage,
    sources: Iterable[Sequence[Any]],
    *,
    again: bool,
    deadline: float | None = None,
) -> dict[int, Analysis | str]:
    """Analyse each (document id, storage key, file name): its Analysis, or why there is none.

    "crashed" when the reader failed in this process; reading `again`, "missing" when the
    file is gone (the old reading stays); "later" for each file not begun by `deadline`
    (time.monotonic(); the first is always read). A transient failure (storage away)
    propagates.
    """
    from recruit.core.pipeline import analyse, analyse_read

    outcomes: dict[int, Analysis | str] = {}
    for doc_id, key, filename in sources:
        if deadline is not None and outcomes and time.monotonic() > deadline:
            outcomes[doc_id] = "later"
            continue
        kept = None if again else _kept_reading(storage, key)
        data = b""
        try:
            if kept is None:
                data = storage.get(key)  # StorageUnavailable is transient: it propagates
        except (FileNotFoundError, ValueError):
            if not again:
                raise
            log.warning("document %s: its file is gone, it keeps its old reading", doc_id)
            outcomes[doc_id] = "missing"
            continue
        try:
            outcomes[doc_id] = analyse_read(kept) if kept is not None else analyse(data, filename)
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            log.exception("reading document %s%s failed", doc_id, " again" if again else "")
            outcomes[doc_id] = "crashed"
    return outcomes


def _store_reading(document: Document, analysis: Analysis) -> None:
    """Put what reading found on the document: text, profile, and the reader's version."""
    from recruit.core.pipeline import EXTRACTOR_VERSION

    read = analysis.read
    document.media_type = read.media_type or document.media_type or ""
    document.pages = read.pages
    document.language = read.language
    document.text = read.text or None
    document.ocr_confidence = read.ocr_confidence if read.ocr else None
    document.profile = analysis.profile.to_dict() if analysis.profile else None
    document.extractor_version = EXTRACTOR_VERSION


def _with_owners(session: Session, ids: Iterable[int]) -> list[Document]:
    """Load these documents with their applications and candidates, in one query."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.id.in_(list(ids)))
            .options(joinedload(Document.application).joinedload(Application.candidate))
            .order_by(Document.id)
        )
    )


def process_documents(
    session: Session,
    storage: LocalStorage,
    document_ids: Sequence[int],
    *,
    budget: float | None = None,
) -> list[Document]:
    """Read, extract and score claimed documents, then store every outcome in one commit.

    The files are read first, outside any write (reading takes the time; a transaction held
    open meanwhile would block SQLite's other writers); then the rows, their candidates and
    their applications are loaded in one query, scored (each opening's requirements parsed
    once; the shortlist's columns, the breakdown on the candidate page's first view), keyed
    by e-mail and committed together. A file the reader fails on in-process is marked for a
    person; a transient failure (storage away) raises, and the caller hands the claims back.
    `budget`: seconds of reading (see `reading_budget`); the documents not begun by then go
    back to the queue in the same commit, announced to the readers as new ones are.
    """
    deadline = None if budget is None else time.monotonic() + budget
    ids = sorted(set(document_ids))
    sources = session.execute(
        select(Document.id, Document.storage_key, Document.original_filename, Document.attempts)
        .where(Document.id.in_(ids))
        .order_by(Document.id)
    ).all()
    session.rollback()  # no snapshot or lock held while reading
    # It died with its worker this many times: stop retrying, tell a person.
    outcomes: dict[int, Analysis | str] = {
        doc_id: "attempts" for doc_id, _, _, attempts in sources if attempts > MAX_ATTEMPTS
    }
    outcomes |= _analyse_files(
        storage,
        [row[:3] for row in sources if row[0] not in outcomes],
        again=False,
        deadline=deadline,
    )
    try:
        documents = _store_outcomes(session, outcomes, key_first=True)
    except IntegrityError:
        # Another reader keyed one of these addresses between our look and our write: the
        # batch again, its keys given one by one (key_by_email), after the rest is written.
        session.rollback()
        documents = _store_outcomes(session, outcomes, key_first=False)
    session.commit()
    return documents


def _store_outcomes(
    session: Session, outcomes: dict[int, Analysis | str], *, key_first: bool
) -> list[Document]:
    """Put each outcome on its document (loaded with its owners), score the read ones and
    flush. `key_first`: the applications' e-mail keys are given before the one flush that
    writes everything (each application UPDATEd once); it raises IntegrityError when
    another reader took a key meanwhile."""
    documents = _with_owners(session, outcomes)
    scorer = _Scorer(session, breakdown=False)
    keyed: list[Application] = []
    with session.no_autoflush:
        for document in documents:
            outcome = outcomes[document.id]
            if outcome == "attempts":
                _finish(document, "error", "timeout", REPEATED_FAILURE)
                continue
            if outcome == "later":
                _hand_back(document)
                continue
            if isinstance(outcome, str):
                _finish(document, "error", "corrupt", UNREADABLE)
                continue
            read = outcome.read
            _store_reading(document, outcome)
            error = read.error
            _finish(document, read.status, error and error.code, error and error.message)
            if document.profile is not None and document.application is not None:
                fill_contacts(document.application.candidate, document.profile, document.language)
                keyed.append(document.application)
                scorer.add(document)
        if key_first and (wanting := [a for a in keyed if _wants_key(a)]):
            _key_together(session, wanting)
        # Its queries flush nothing: the scores' one flush writes each application once.
        scorer.store()
    if not key_first:
        key_by_email(session, *keyed)
    return documents


REPEATED_FAILURE = (
    "Reading this file failed repeatedly; please upload the PDF exported from your editor."
)
UNREADABLE = "We could not read this file. Please upload the PDF exported from your editor."


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


def _hand_back(document: Document) -> None:
    """Put a claimed document its batch had no time for back in the queue, unread: its claim
    does not count as an attempt (only a reading a worker died in does)."""
    document.status = "queued"
    document.attempts = max(0, (document.attempts or 0) - 1)
    document.started_at = None
    for column, value in _NO_HOLDER.items():
        setattr(document, column, value)


def _finish(document: Document, status: str, code: str | None, message: str | None) -> None:
    document.status = status
    document.error_code, document.error_message = code, message
    for column, value in _NO_HOLDER.items():
        setattr(document, column, value)
    document.finished_at = utcnow()


def score_document(session: Session, document: Document, opening: Opening) -> Score:
    """Score a read document against the opening's current requirement version."""
    scorer = _Scorer(session)
    scorer.add(document, opening)
    return scorer.store()[0]


def score_documents(session: Session, documents: Iterable[Document], opening: Opening) -> int:
    """Score read documents of one opening in one flush (see `_Scorer`); return how many."""
    scorer = _Scorer(session)
    for document in documents:
        scorer.add(document, opening)
    return len(scorer.store())


class _Scorer:
    """Score documents against their openings' current versions, written in one flush.

    Each opening's requirements are parsed once, and each new score is mirrored onto its
    application (the shortlist's columns) as the step after it. With `breakdown`, each score
    is also stored with its criteria and evidence (a Score row, what the candidate page
    shows; the existing rows found in one query). Without, as reading does: the batch's
    totals come from the criterion matrix at once, as a large re-score's do (`rank` agrees
    with `score` exactly), and the candidate page computes the breakdown when first opened;
    a breakdown stored for an older reading of these documents is dropped.
    """

    def __init__(self, session: Session, *, breakdown: bool = True) -> None:
        self.session = session
        self.breakdown = breakdown
        self.pending: list[tuple[Document, Opening]] = []

    def add(self, document: Document, opening: Opening | None = None) -> None:
        opening = opening or document.application.opening
        self.pending.append((document, opening))

    def store(self) -> list[Score]:
        from recruit.core.scoring import parse_requirements

        session = self.session
        versions: dict[int, tuple[RequirementProfile, Requirements]] = {}
        for _, opening in self.pending:
            if opening.id not in versions:
                version = current_profile(session, opening)
                versions[opening.id] = (version, parse_requirements(version.criteria))
        with session.no_autoflush:
            rows = self._rows(versions) if self.breakdown else self._totals(versions)
        self.pending = []
        session.flush()
        return rows

    def _rows(self, versions: dict[int, tuple[RequirementProfile, Requirements]]) -> list[Score]:
        from recruit.core.profile import Profile
        from recruit.core.scoring import result_row, score

        session = self.session
        existing: dict[tuple[int, int], Score] = {}
        if self.pending:
            existing = {
                (row.document_id, row.profile_id): row
                for row in session.scalars(
                    select(Score).where(
                        Score.document_id.in_([d.id for d, _ in self.pending]),
                        Score.profile_id.in_([v.id for v, _ in versions.values()]),
                    )
                )
            }
        rows = []
        for document, opening in self.pending:
            version, requirements = versions[opening.id]
            result = score(Profile.from_dict(document.profile or {}), requirements)
            data = result.to_dict()
            row = existing.get((document.id, version.id))
            if row is None:
                row = Score(document_id=document.id, profile_id=version.id)
                session.add(row)
                existing[(document.id, version.id)] = row
            row.total = float(data["score"])
            row.breakdown = data["criteria"]
            row.knockouts = list(data["knockouts"])
            # The shortlist's columns follow in the same flush: a step, not a hook.
            mirror_score(document, row.total, row.knockouts, version, result_row(result))
            rows.append(row)
        return rows

    def _totals(self, versions: dict[int, tuple[RequirementProfile, Requirements]]) -> list[Score]:
        from recruit.core.profile import Profile
        from recruit.core.scoring import criterion_matrix, pack_rows, rank

        if not self.pending:
            return []
        self.session.execute(
            delete(Score)
            .where(
                Score.document_id.in_([d.id for d, _ in self.pending]),
                Score.profile_id.in_([v.id for v, _ in versions.values()]),
            )
            .execution_options(synchronize_session=False)
        )
        by_opening: dict[int, list[Document]] = {}
        for document, opening in self.pending:
            by_opening.setdefault(opening.id, []).append(document)
        for opening_id, documents in by_opening.items():
            version, requirements = versions[opening_id]
            profiles = [Profile.from_dict(d.profile or {}) for d in documents]
            matrix = criterion_matrix(profiles, requirements)
            result = rank(matrix, requirements.weights, requirements.must_have)
            packed = pack_rows(matrix.values, matrix.passed)
            for i, document in enumerate(documents):
                total = float(result.totals[i])
                mirror_score(document, total, list(result.knockouts(i)), version, packed[i])
        return []


def fail_document(session: Session, document_id: int) -> Document:
    """Mark a document whose reading crashed; the original stays in storage."""
    document = session.get(Document, document_id)
    if document is None:
        raise ServiceError(_l("no document %(id)s"), id=document_id)
    _finish(document, "error", "corrupt", UNREADABLE)
    session.commit()
    return document


# --- reading again what an older extractor read ---------------------------------------------

# Statuses a re-read keeps: the document was read, and a person may already be working on it.
REREAD_STATUSES = ("ok", "needs_review")
# A re-read that failed is written "<old>!<current>": it keeps the old reading, is not tried
# again by this version, and is tried again by the next one.
REREAD_FAILED = "!"


def stale(version: str | None, current: str | None = None) -> bool:
    """Tell whether a document read by extractor `version` waits to be read again by `current`.

    Older means another version than the current one (versions only go up), unless the
    current one already tried and failed (`REREAD_FAILED`).
    """
    from recruit.core.pipeline import EXTRACTOR_VERSION

    current = current or EXTRACTOR_VERSION
    if version == current:
        return False
    return not (version or "").endswith(REREAD_FAILED + current)


def _rereadable(now: dt.datetime, *, force: bool = False) -> ColumnElement[bool]:
    from recruit.core.pipeline import EXTRACTOR_VERSION

    condition = (
        Document.status.in_(REREAD_STATUSES)
        & (Document.storage_key != "")
        & (Document.lease_until.is_(None) | (Document.lease_until < now))
    )
    if force:
        return condition
    return condition & or_(
        Document.extractor_version.is_(None),
        (Document.extractor_version != EXTRACTOR_VERSION)
        & Document.extractor_version.not_like(f"%{REREAD_FAILED}{EXTRACTOR_VERSION}"),
    )


def stale_documents(
    session: Session,
    *,
    opening_id: int | None = None,
    force: bool = False,
    limit: int | None = None,
) -> list[int]:
    """Return the ids of read documents to read again (`force`: every read one), in id order
    (`limit`: the first ones only)."""
    query = select(Document.id).where(_rereadable(utcnow(), force=force)).limit(limit)
    if opening_id is not None:
        query = query.join(Application, Document.application_id == Application.id).where(
            Application.opening_id == opening_id
        )
    return list(session.scalars(query.order_by(Document.id)))


def claim_rereads(
    session: Session,
    limit: int,
    *,
    among: Iterable[int] | None = None,
    force: bool = False,
    now: dt.datetime | None = None,
    lease: dt.timedelta = LEASE,
) -> list[int]:
    """Claim up to `limit` documents to read again (`among`: only these); commit; return them.

    The claim is a lease on the row, as for a first reading, but the status stays: the
    candidate stays on the shortlist with the old reading until the new one replaces it.
    """
    now = now or utcnow()
    query = select(Document.id).where(_rereadable(now, force=force))
    if among is not None:
        query = query.where(Document.id.in_(sorted(set(among))))
    candidates = list(
        session.scalars(
            query.order_by(Document.id).limit(max(1, limit)).with_for_update(skip_locked=True)
        )
    )
    if not candidates:
        session.commit()
        return []
    claimed = list(
        session.scalars(
            update(Document)
            .where(Document.id.in_(candidates), _rereadable(now, force=force))
            .values(lease_until=now + lease, **_holder())
            .returning(Document.id)
        )
    )
    session.commit()
    return sorted(claimed)


def release_rereads(session: Session, document_ids: Iterable[int]) -> None:
    """Hand back re-read claims after a transient failure (the old reading stays)."""
    session.execute(
        update(Document)
        .where(Document.id.in_(list(document_ids)), Document.status.in_(REREAD_STATUSES))
        .values(**_NO_HOLDER)
    )
    session.commit()


def reread_documents(
    session: Session, storage: LocalStorage, document_ids: Sequence[int]
) -> dict[int, str]:
    """Read claimed documents again with the current extractor; commit; return each outcome.

    "reread": the profile, text, language and pages are replaced and the candidate scored
    again; the status, its reason, the notes and the history stay (nothing is audited: this
    is the program catching up, not a person acting). "failed": the file no longer reads
    (or the reader crashed): everything stays as it was, marked so this version does not
    try again. A transient failure (storage away) raises; the caller releases the claims.
    """
    from recruit.core.pipeline import EXTRACTOR_VERSION, Analysis

    ids = sorted(set(document_ids))
    sources = session.execute(
        select(Document.id, Document.storage_key, Document.original_filename)
        .where(Document.id.in_(ids))
        .order_by(Document.id)
    ).all()
    session.rollback()  # no snapshot or lock held while reading
    outcomes = _analyse_files(storage, sources, again=True)
    documents = _with_owners(session, outcomes)
    results: dict[int, str] = {}
    scorer = _Scorer(session, breakdown=False)
    with session.no_autoflush:
        for document in documents:
            outcome = outcomes[document.id]
            for column, value in _NO_HOLDER.items():
                setattr(document, column, value)
            if document.status not in REREAD_STATUSES:
                results[document.id] = "skipped"  # erased or withdrawn meanwhile
                continue
            read = outcome.read if isinstance(outcome, Analysis) else None
            if read is None or read.status == "error" or outcome.profile is None:  # type: ignore[union-attr]
                reason = read.error.code if read is not None and read.error else str(outcome)
                log.warning("document %s: reading it again failed (%s)", document.id, reason)
                old = (document.extractor_version or "").split(REREAD_FAILED)[0]
                document.extractor_version = f"{old}{REREAD_FAILED}{EXTRACTOR_VERSION}"[:40]
                results[document.id] = "failed"
                continue
            assert isinstance(outcome, Analysis)
            _store_reading(document, outcome)
            results[document.id] = "reread"
            if document.profile is not None and document.application is not None:
                fill_contacts(document.application.candidate, document.profile, document.language)
                scorer.add(document)
    scorer.store()
    session.commit()
    return results


def outdated(version: str | None) -> str | None:
    """Say how a read document's reading stands: "waiting" (an older extractor read it, it
    is being read again), "failed" (reading it again failed: the old reading stays), None."""
    if (version or "").endswith(REREAD_FAILED + _current()):
        return "failed"
    return "waiting" if stale(version) else None


def outdated_applications(session: Session, application_ids: Iterable[int]) -> dict[int, str]:
    """Return {application id: `outdated` state} for the applications whose newest read
    document an older extractor read (a shortlist page's rows, in one query)."""
    ids = list(application_ids)
    if not ids:
        return {}
    newest: dict[int, str | None] = {}
    for app_id, version in session.execute(
        select(Document.application_id, Document.extractor_version)
        .where(Document.application_id.in_(ids), Document.status.in_(REREAD_STATUSES))
        .order_by(Document.id)
    ):
        newest[app_id] = version  # the last one wins: the newest read document
    return {app_id: state for app_id, v in newest.items() if (state := outdated(v))}


def _current() -> str:
    from recruit.core.pipeline import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION
