"""Use cases: each takes a SQLAlchemy session (and storage), never opens one itself."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from recruit.db.models import (
    USER_ROLES,
    Application,
    AuditEvent,
    Candidate,
    Document,
    Opening,
    RequirementProfile,
    Score,
    User,
    utcnow,
)
from recruit.storage import LocalStorage

_hasher = PasswordHasher()

# Long enough that a crashed worker's document is picked up again, short enough not to wait long.
LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 3


class ServiceError(ValueError):
    """A request that cannot be carried out, with a message for the person who made it."""


# --- users -------------------------------------------------------------------------------


def create_user(session: Session, email: str, password: str, role: str, name: str = "") -> User:
    """Create a staff account with an argon2-hashed password."""
    email = email.strip().lower()
    if role not in USER_ROLES:
        raise ServiceError(f"unknown role {role!r}; choose one of {', '.join(USER_ROLES)}")
    if len(password) < 10:
        raise ServiceError("the password must have at least 10 characters")
    if session.scalar(select(User).where(User.email == email)):
        raise ServiceError(f"a user with e-mail {email} exists already")
    user = User(email=email, name=name, password_hash=_hasher.hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        _hasher.hash(password)  # same work either way, so timing does not reveal accounts
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


# --- openings and requirement profiles --------------------------------------------------


def create_opening(
    session: Session,
    title: str,
    role_id: str,
    *,
    description: str = "",
    location: str = "",
    status: str = "open",
    author: User | None = None,
) -> Opening:
    """Create an opening whose first requirement version is the role's built-in profile."""
    from recruit.core.scoring import load_role

    requirements = load_role(role_id)
    opening = Opening(
        title=title, role_id=role_id, description=description, location=location, status=status
    )
    session.add(opening)
    session.flush()
    session.add(
        RequirementProfile(
            opening_id=opening.id,
            version=1,
            criteria=requirements.to_dict(),
            author_id=author.id if author else None,
            note=f"built-in profile {role_id}",
        )
    )
    opening.current_version = 1
    session.flush()
    return opening


def current_profile(session: Session, opening: Opening) -> RequirementProfile:
    """Return the opening's current requirement-profile version."""
    profile = session.scalar(
        select(RequirementProfile).where(
            RequirementProfile.opening_id == opening.id,
            RequirementProfile.version == opening.current_version,
        )
    )
    if profile is None:
        raise ServiceError(f"opening {opening.id} has no requirement profile")
    return profile


# --- documents ---------------------------------------------------------------------------


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
) -> Submission:
    """Store the CV, then record the candidate, the application and a queued document.

    The same e-mail applying again to the same opening adds a new document version to its
    application; nothing is replaced.
    """
    if opening.status != "open":
        raise ServiceError("this opening no longer accepts applications")
    email = email.strip().lower()
    stored = storage.put(data)  # first: a failed write leaves no row behind
    now = utcnow()
    application = session.scalar(
        select(Application)
        .join(Candidate)
        .where(Application.opening_id == opening.id, Candidate.email == email)
    )
    if application is None:
        candidate = Candidate(name=name.strip(), email=email, phone=phone.strip())
        session.add(candidate)
        session.flush()
        application = Application(
            candidate_id=candidate.id,
            opening_id=opening.id,
            status_token=secrets.token_urlsafe(32),
        )
        session.add(application)
    else:
        candidate = application.candidate
    candidate.name, candidate.phone = name.strip(), phone.strip()
    candidate.consent_at, candidate.consent_version = now, consent_version
    candidate.retain_until = now + retain_for
    session.flush()
    document = add_document(session, stored.key, stored.sha256, stored.size, filename, application)
    return Submission(application, document)


def add_document(
    session: Session,
    key: str,
    sha256: str,
    size: int,
    filename: str,
    application: Application | None = None,
) -> Document:
    """Record a stored file as a queued document (the original is already on disk)."""
    document = Document(
        application_id=application.id if application else None,
        original_filename=_safe_filename(filename),
        size=size,
        sha256=sha256,
        storage_key=key,
        status="queued",
    )
    session.add(document)
    session.flush()
    return document


def _safe_filename(filename: str) -> str:
    """Keep only the last path component of an uploaded name, for display only."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:255] or "cv"


def claim_next_document(session: Session, *, now: dt.datetime | None = None) -> int | None:
    """Claim one queued (or abandoned) document for reading; return its id or None.

    A compare-and-set UPDATE makes the claim safe with several workers on one database.
    """
    now = now or utcnow()
    claimable = or_(
        Document.status == "queued",
        (Document.status == "reading") & (Document.lease_until < now),
    )
    for doc_id in session.scalars(
        select(Document.id).where(claimable).order_by(Document.id).limit(5)
    ):
        result = session.execute(
            update(Document)
            .where(Document.id == doc_id, claimable)
            .values(
                status="reading",
                lease_until=now + LEASE,
                attempts=Document.attempts + 1,
                started_at=now,
            )
        )
        session.commit()
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return doc_id
    return None


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
        score_document(session, document, document.application.opening)
    session.commit()
    return document


def _finish(document: Document, status: str, code: str | None, message: str | None) -> None:
    document.status = status
    document.error_code, document.error_message = code, message
    document.lease_until = None
    document.finished_at = utcnow()


def score_document(session: Session, document: Document, opening: Opening) -> Score:
    """Score a read document against the opening's current requirement version."""
    from recruit.core.profile import Profile
    from recruit.core.scoring import parse_requirements, score

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
    session.flush()
    return row


def audit(
    session: Session,
    action: str,
    subject_type: str,
    subject_id: Any,
    actor: User | None = None,
    **detail: Any,
) -> None:
    """Record who did what to which subject."""
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            detail=detail,
        )
    )


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


DEMO_OPENINGS = (
    (
        "Account Manager",
        "account-manager",
        "București",
        "Gestionezi un portofoliu de clienți B2B, pregătești oferte comerciale, negociezi și "
        "urmărești contractele. Cerem experiență în vânzări, studii superioare, engleză și "
        "permis categoria B.",
    ),
    (
        "Manager cont bancar",
        "bank-account-manager",
        "Cluj-Napoca",
        "Îndeplinești planul de vânzări al agenției, consiliezi clienții despre credite, carduri "
        "și depozite, întocmești documentele și rapoartele și urmărești contractele.",
    ),
    (
        "Manager magazin telefonie mobilă",
        "telecom-retail-manager",
        "Iași",
        "Consiliezi clienții despre abonamente, telefoane și accesorii, faci portări, încasezi "
        "la casa de marcat, ții evidența stocului și ordinea în magazin.",
    ),
    (
        "Key Account Manager - clienți corporativi",
        "corporate-account-manager",
        "Timișoara",
        "Prospectezi companii, organizezi întâlniri și prezentări, participi la expoziții, "
        "negociezi contracte pe termen lung și raportezi lunar.",
    ),
    (
        "Manager relații clienți",
        "customer-service-manager",
        "Brașov",
        "Cauți clienți noi, preiei apelurile și e-mailurile, ții evidența clienților și "
        "pregătești contractele. Scris corect, engleză, mașină proprie.",
    ),
)


def load_demo_openings(session: Session) -> list[Opening]:
    """Create one open demo opening per built-in role."""
    return [
        create_opening(session, title, role_id, description=text, location=city)
        for title, role_id, city, text in DEMO_OPENINGS
    ]
