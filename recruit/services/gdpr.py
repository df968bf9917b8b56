"""GDPR: consent texts, retention and purge, a candidate's export and erasure."""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, String, Text, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from recruit import db
from recruit.db.models import (
    Application,
    AuditEvent,
    Candidate,
    ConsentText,
    Document,
    Note,
    Opening,
    OutboxMessage,
    Score,
    SiteSetting,
    User,
    as_utc,
    parse_token,
    utcnow,
)
from recruit.services import duplicates
from recruit.services.accounts import audit
from recruit.services.errors import ServiceError, _l
from recruit.services.outbox import erase_messages
from recruit.services.review import park_erased
from recruit.storage import LocalStorage

DEFAULT_RETENTION_MONTHS = 6
BUILTIN_CONSENT_VERSION = "2026-11"
BUILTIN_CONSENT_TEXT = """\
We process the CV and the details you send us (name, e-mail, phone and what your CV says)
only to consider your application for this opening, on the basis of your consent (GDPR
art. 6(1)(a)). Our recruiters and the opening's hiring managers read them; a program reads
your CV to rank applications against the opening's published requirements, and a person
makes every decision.

We keep your data until six months after the opening closes, then erase it automatically.
With the private link you receive after applying you can at any time download everything we
hold about you (art. 15 and 20) and erase it (art. 17); withdrawing consent does not affect
what was done before. You may also complain to the national supervisory authority (ANSPDCP).
"""


# The same notice in Romanian, sentence for sentence: what a Romanian candidate consents to.
BUILTIN_CONSENT_TEXT_RO = """\
Prelucrăm CV-ul și datele pe care ni le trimiteți (numele, adresa de e-mail, telefonul și
ce scrie în CV) numai pentru a vă analiza candidatura la acest post, pe baza consimțământului
dumneavoastră (art. 6 alin. (1) lit. a) din GDPR). Le citesc recrutorii noștri și managerii
de angajare ai postului; un program citește CV-ul pentru a ordona candidaturile după cerințele
publicate ale postului, iar fiecare decizie o ia un om.

Vă păstrăm datele până la șase luni după închiderea postului, apoi le ștergem automat. Cu
linkul privat pe care îl primiți după ce aplicați puteți oricând să descărcați tot ce deținem
despre dumneavoastră (art. 15 și 20) și să ștergeți aceste date (art. 17); retragerea
consimțământului nu afectează ce s-a făcut înainte. Puteți depune și o plângere la autoritatea
națională de supraveghere (ANSPDCP).
"""


@dataclass(frozen=True)
class Notice:
    version: str
    body: str
    published_at: dt.datetime | None  # None for the built-in text
    # The same text in other languages, by code (the built-in notice has Romanian).
    translations: tuple[tuple[str, str], ...] = ()

    def body_in(self, language: str | None) -> str:
        """Return the notice in `language` when it has that translation, else as published."""
        return dict(self.translations).get(language or "", self.body)


BUILTIN_NOTICE = Notice(
    BUILTIN_CONSENT_VERSION, BUILTIN_CONSENT_TEXT, None, (("ro", BUILTIN_CONSENT_TEXT_RO),)
)


def current_notice(session: Session) -> Notice:
    """Return the privacy notice a candidate consents to now: the latest published version."""
    row = session.scalar(select(ConsentText).order_by(ConsentText.id.desc()).limit(1))
    if row is None:
        return BUILTIN_NOTICE
    return Notice(row.version, row.body, row.created_at)


def notice_versions(session: Session) -> list[Notice]:
    """Return every version of the privacy notice, newest first, the built-in one last."""
    rows = session.scalars(select(ConsentText).order_by(ConsentText.id.desc()))
    return [Notice(r.version, r.body, r.created_at) for r in rows] + [BUILTIN_NOTICE]


def notice_version(session: Session, version: str) -> Notice | None:
    """Return one version of the privacy notice, or None."""
    return next((n for n in notice_versions(session) if n.version == version), None)


def publish_notice(session: Session, version: str, body: str, *, actor: User | None) -> Notice:
    """Publish a new privacy notice version; earlier ones stay readable, never edited."""
    version, body = version.strip(), body.strip()
    if not version or not body:
        raise ServiceError(_l("a notice needs a version and a text"))
    if notice_version(session, version) is not None:
        raise ServiceError(
            _l("version %(version)s exists already; choose a new version"), version=version
        )
    row = ConsentText(version=version, body=body, author_id=actor.id if actor else None)
    session.add(row)
    session.flush()
    audit(session, "consent.published", "consent_text", version, actor=actor)
    return Notice(row.version, row.body, row.created_at)


# -- retention ----------------------------------------------------------------------------


def retention_months(session: Session) -> int:
    """Return how many months candidates' data is kept after their opening closes."""
    row = session.get(SiteSetting, "retention")
    return (
        int(row.value.get("months", DEFAULT_RETENTION_MONTHS)) if row else DEFAULT_RETENTION_MONTHS
    )


def set_retention_months(session: Session, months: int, *, actor: User | None) -> None:
    """Set the retention period (in months after an opening closes) and re-date candidates."""
    if not 1 <= months <= 120:
        raise ServiceError(_l("choose between 1 and 120 months"))
    row = session.get(SiteSetting, "retention")
    old = retention_months(session)
    if row is None:
        session.add(SiteSetting(key="retention", value={"months": months}))
    else:
        row.value = {"months": months}
    session.flush()
    audit(session, "retention.changed", "setting", "retention", actor=actor, old=old, new=months)
    refresh_retention(session)


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    """Return the same day `months` later (the month's last day when it is shorter)."""
    index = when.month - 1 + months
    year, month = when.year + index // 12, index % 12 + 1
    return when.replace(
        year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1])
    )


def refresh_retention(session: Session, now: dt.datetime | None = None) -> None:
    """Date every candidate: `retention_months` after the last of their openings closes.

    A candidate with an application on an opening that has not closed keeps no date: the
    clock starts when it closes.
    """
    now = now or utcnow()
    months = retention_months(session)
    live = select(Candidate.id).where(Candidate.erased_at.is_(None))
    on_open = (
        select(Application.candidate_id)
        .join(Opening, Opening.id == Application.opening_id)
        .where(Opening.status != "closed")
    )
    session.execute(
        update(Candidate)
        .where(Candidate.id.in_(live), Candidate.id.in_(on_open))
        .values(retain_until=None)
    )
    closed = session.scalars(select(Opening).where(Opening.status == "closed")).all()
    for opening in closed:
        if opening.closed_at is None:
            opening.closed_at = now  # closed before closing was dated: start the clock today
    # Latest closing last, so a candidate of several openings keeps the latest date.
    for opening in sorted(closed, key=lambda o: as_utc(o.closed_at or now)):
        until = add_months(as_utc(opening.closed_at or now), months)
        session.execute(
            update(Candidate)
            .where(
                Candidate.id.in_(live),
                Candidate.id.in_(
                    select(Application.candidate_id).where(Application.opening_id == opening.id)
                ),
                Candidate.id.not_in(on_open),
            )
            .values(retain_until=until)
            .execution_options(synchronize_session=False)
        )
    session.flush()


@dataclass(frozen=True)
class PurgeReport:
    candidates: int
    files: int


def purge_expired(
    session: Session, storage: LocalStorage, now: dt.datetime | None = None
) -> PurgeReport:
    """Erase every candidate whose retention date has passed; commits, then deletes files."""
    now = now or utcnow()
    refresh_retention(session, now)
    session.commit()
    due = session.scalars(
        select(Candidate).where(Candidate.erased_at.is_(None), Candidate.retain_until <= now)
    ).all()
    files = erased = 0
    for candidate in due:
        if candidate.erased_at is not None:
            continue  # erased already, with a record confirmed as the same person
        erased += len(duplicates.same_person_candidates(session, candidate))
        files += erase_candidate(session, storage, candidate, reason="retention", checkpoint=False)
    if due:
        db.checkpoint(session)  # once for the whole purge, not once per candidate
    return PurgeReport(erased, files)


def purge_task(sessions: sessionmaker[Session], storage: LocalStorage) -> PurgeReport:
    """Run the retention purge in a session of its own (for a daily scheduled task)."""
    with sessions() as session:
        return purge_expired(session, storage)


# -- export and erasure -------------------------------------------------------------------


def application_for_token(session: Session, token: str) -> Application | None:
    """Return the application a candidate's status token opens, unless erased."""
    if parse_token(token) is None:
        return None
    application = session.scalar(select(Application).where(Application.status_token == token))
    if application is None or application.candidate.erased_at is not None:
        return None
    return application


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return as_utc(value).isoformat()
    return value


def _columns(row: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        c.key: _plain(getattr(row, c.key)) for c in row.__mapper__.column_attrs if c.key not in skip
    }


def export_candidate(session: Session, candidate: Candidate) -> dict[str, Any]:
    """Return everything held about a candidate, as JSON-ready data (GDPR art. 15 and 20).

    A person who confirmed a second application as theirs gets both: the other candidate
    records are under "linked_candidates", their applications and e-mails with these.
    """
    people = duplicates.same_person_candidates(session, candidate)
    ids = [c.id for c in people]
    applications = duplicates.person_applications(session, candidate)
    out: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        **_person(session, candidate),
        "linked_candidates": [_person(session, c) for c in people[1:]],
        "applications": [],
        # What we wrote to them is theirs too.
        "emails": [
            _columns(m, skip=("lease_until", "eml_path"))
            for m in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.candidate_id.in_(ids))
                .order_by(OutboxMessage.id)
            )
        ],
    }
    for application in applications:
        documents = []
        for document in application.documents:
            scores = session.scalars(select(Score).where(Score.document_id == document.id))
            documents.append(
                {
                    **_columns(document, skip=("storage_key", "lease_until", "attempts")),
                    "scores": [_columns(s) for s in scores],
                }
            )
        out["applications"].append(
            {
                **_columns(application, skip=("status_token",)),
                "opening": {"id": application.opening.id, "title": application.opening.title},
                "documents": documents,
                # Staff notes about the candidate are their personal data too; authors stay out.
                "notes": [
                    {"created_at": _plain(n.created_at), "body": n.body} for n in application.notes
                ],
            }
        )
    return out


def _person(session: Session, candidate: Candidate) -> dict[str, Any]:
    notice = notice_version(session, candidate.consent_version)
    return {
        "candidate": _columns(candidate),
        "consent": {
            "given_at": _plain(candidate.consent_at),
            "version": candidate.consent_version,
            "text": notice.body_in(candidate.locale) if notice else None,
        },
    }


# Columns of an erased candidate's rows that stay: they identify no one.
_KEEP = {
    "candidates": {"consent_version"},
    "applications": {"status", "status_token"},
}


def _scrub(row: Any) -> None:
    """Blank every text and JSON column of `row` but the few in _KEEP."""
    keep = _KEEP.get(row.__tablename__, set())
    for column in row.__table__.columns:
        if column.key in keep or column.primary_key or column.foreign_keys:
            continue
        if isinstance(column.type, String | Text | JSON):
            if column.nullable:
                setattr(row, column.key, None)
            elif isinstance(column.type, JSON):
                setattr(row, column.key, {})
            else:
                setattr(row, column.key, "")


def erase_candidate(
    session: Session,
    storage: LocalStorage,
    candidate: Candidate,
    *,
    reason: str,
    actor: User | None = None,
    checkpoint: bool = True,
) -> int:
    """Erase a candidate's personal data, their documents and files; return files deleted.

    A candidate who confirmed another application as theirs (duplicates.same_person) is one
    person: every record of theirs goes, each audited with the others it went with.

    Rows are anonymised and committed first, and only then are the files deleted, each only
    when no remaining document shares its content-addressed key: a failed commit must leave
    every file in place, and the same bytes uploaded by someone else must stay. With
    `checkpoint`, SQLite's write-ahead log is emptied too (it still holds the old rows).
    """
    people = duplicates.same_person_candidates(session, candidate)
    keys: set[str] = set()
    for person in people:
        together = [c.id for c in people if c is not person]
        keys |= _erase_one(session, person, reason=reason, actor=actor, together=together)
    session.commit()
    if checkpoint:
        db.checkpoint(session)
    session.expire_all()
    deleted = 0
    for key in sorted(keys):
        still_used = session.scalar(select(Document.id).where(Document.storage_key == key).limit(1))
        if still_used is None and storage.exists(key):
            storage.delete(key)
            deleted += 1
    return deleted


def _erase_one(
    session: Session,
    candidate: Candidate,
    *,
    reason: str,
    actor: User | None,
    together: list[int],
) -> set[str]:
    """Anonymise one candidate record and delete its rows; return its files' storage keys."""
    applications = session.scalars(
        select(Application).where(Application.candidate_id == candidate.id)
    ).all()
    keys: set[str] = set()
    documents = 0
    for application in applications:
        doc_ids = [d.id for d in application.documents]
        keys.update(d.storage_key for d in application.documents)
        documents += len(doc_ids)
        if doc_ids:
            session.execute(delete(Score).where(Score.document_id.in_(doc_ids)))
            session.execute(delete(Document).where(Document.id.in_(doc_ids)))
        session.execute(delete(Note).where(Note.application_id == application.id))
        _scrub(application)
        park_erased(application)
        # The old status link must open nothing now.
        application.status_token = secrets.token_urlsafe(32)
        session.flush()  # without its e-mail key first: see duplicates.release
        duplicates.release(session, application)
    # E-mails sent to them hold their name, address and links: rows and .eml files go.
    erase_messages(session, candidate.id)
    _scrub(candidate)
    candidate.retain_until = None
    candidate.erased_at = utcnow()
    detail: dict[str, Any] = {
        "reason": reason,
        "applications": [a.id for a in applications],
        "documents": documents,
    }
    if together:
        # Confirmed as the same person: erased with these candidate records, as one.
        detail["same_person_as"] = together
    audit(
        session,
        "candidate.purged" if reason == "retention" else "candidate.erased",
        "candidate",
        candidate.id,
        actor=actor,
        **detail,
    )
    return keys


def audit_events_for(session: Session, subject_type: str, subject_id: Any) -> list[AuditEvent]:
    """Return the audit trail of one subject, oldest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.subject_type == subject_type, AuditEvent.subject_id == str(subject_id)
            )
            .order_by(AuditEvent.id)
        )
    )
