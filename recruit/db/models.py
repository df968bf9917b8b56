"""SQLAlchemy 2 typed models: users, openings, requirement versions, candidates, documents."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names keep migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

USER_ROLES = ("recruiter", "hiring_manager", "admin")
OPENING_STATUSES = ("draft", "open", "closed")
EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "internship", "temporary")
CURRENCIES = ("RON", "EUR", "USD")
APPLICATION_STATUSES = ("new", "shortlisted", "interview", "offer", "hired", "rejected")
DOCUMENT_STATUSES = ("queued", "reading", "ok", "needs_review", "error")
CLAIMABLE = "status IN ('queued', 'reading')"
FIRST_APPLICATION = "duplicate_of_id IS NULL"


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


# Ids are Integer columns, 32-bit on PostgreSQL: a larger number names nothing, anywhere.
MAX_ID = 2**31 - 1
_ID = re.compile(r"[0-9]{1,10}")


def parse_id(text: str | None) -> int | None:
    """Return the id `text` spells (ASCII digits, 1 to MAX_ID), or None for anything else."""
    if text is None or not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


# A private link's token as secrets.token_urlsafe writes it (the column holds up to 64).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def parse_token(text: str | None) -> str | None:
    """Return `text` if it can be a status token (URL-safe base64, at most 64), else None.

    Anything else names no row, and is never sent to the database: PostgreSQL refuses a
    NUL in a text comparison, which was a 500 for an anonymous visitor of /status/a%00.
    """
    return text if text is not None and _TOKEN.fullmatch(text) else None


def as_utc(when: dt.datetime) -> dt.datetime:
    """Return a stored time as timezone-aware UTC (SQLite hands back naive datetimes)."""
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Bumped on password, role and active changes: sessions begun under an older epoch end.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # sha256 of a one-time invitation token; the token itself is only ever shown once.
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    invite_expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class StaffSession(Base):
    """One signed-in browser of a staff user: its cookie holds the token, this row its life.

    Signing out deletes the row, so a copied cookie opens nothing afterwards; a password
    change, a role change or a deactivation deletes every row of the user (and bumps the
    epoch, which a row started concurrently with the change would still carry the old of).
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    epoch: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Opening(Base):
    __tablename__ = "openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    role_id: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="open")
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    # The opening's requirement profile is the RequirementProfile row with this version.
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    # Hide personal details from recruiters until a candidate is shortlisted.
    blind_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    employment_type: Mapped[str] = mapped_column(
        String(20), default="full_time", server_default="full_time"
    )
    # Monthly gross, optional; both ends in one currency (min <= max is checked by the service).
    salary_min: Mapped[int | None] = mapped_column(Integer, default=None)
    salary_max: Mapped[int | None] = mapped_column(Integer, default=None)
    salary_currency: Mapped[str | None] = mapped_column(String(3), default=None)
    # The last day applications are taken (inclusive, in the opening's local time).
    closes_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    profiles: Mapped[list[RequirementProfile]] = relationship(
        back_populates="opening", order_by="RequirementProfile.version"
    )
    members: Mapped[list[OpeningMember]] = relationship(back_populates="opening")


class OpeningMember(Base):
    """A recruiter or hiring manager assigned to an opening (admins see every opening)."""

    __tablename__ = "opening_members"
    __table_args__ = (UniqueConstraint("opening_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    opening: Mapped[Opening] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class RequirementProfile(Base):
    """One immutable version of an opening's criteria, weights and knockouts."""

    __tablename__ = "requirement_profiles"
    __table_args__ = (UniqueConstraint("opening_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    opening: Mapped[Opening] = relationship(back_populates="profiles")


# SQLite reuses the largest id once its row is deleted; erasure deletes rows, and an id in an
# old audit record or link must never name someone else. PostgreSQL never reuses them.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Candidate(Base):
    __tablename__ = "candidates"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    # None until known: a bulk-imported CV names its candidate once it is read (never the file).
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    # The phone in E.164 (core.search.phone_key), however it was typed: the talent pool links
    # a person's applications by it. Kept by services.review when the phone changes.
    phone_key: Mapped[str | None] = mapped_column(String(40), index=True, default=None)
    consent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    consent_version: Mapped[str] = mapped_column(String(40), default="")
    retain_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    erased_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The language the candidate used the site in ("ro", "en"): e-mails are written in it.
    locale: Mapped[str | None] = mapped_column(String(8), default=None)


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("candidate_id", "opening_id"),
        Index("ix_applications_opening_status", "opening_id", "status"),
        Index("ix_applications_shortlist", "opening_id", "knocked_out", "score", "id"),
        # Covers the preview's look at an opening's scored documents (count, newest, the list).
        Index("ix_applications_scored", "opening_id", "scored_document_id"),
        # One first application per e-mail and opening: concurrent applies with one address
        # cannot both become it, the database refuses the second (services.documents).
        Index(
            "uq_applications_first_per_email",
            "opening_id",
            "email_key",
            unique=True,
            postgresql_where=text(FIRST_APPLICATION),
            sqlite_where=text(FIRST_APPLICATION),
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="new")
    # The candidate's private status link: their only key, so long and random.
    status_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # What the shortlist shows and filters on, copied from the latest scored document so a
    # page of 100k applications is one indexed query, not JSON parsing (services.review).
    score: Mapped[float | None] = mapped_column(Float, default=None)
    knocked_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    knockouts: Mapped[str] = mapped_column(String(500), default="", server_default="")
    typo_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    sales_months: Mapped[int | None] = mapped_column(Integer, default=None)
    education: Mapped[str | None] = mapped_column(String(20), default=None)
    english_level: Mapped[str | None] = mapped_column(String(2), default=None)
    licence: Mapped[str] = mapped_column(String(40), default="", server_default="")
    headline: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # Folded search texts (core.search): what the CV says (skills, positions, employers), and
    # who the candidate is (name, e-mail, phone forms), searched only where the viewer may
    # see names (blind review). Kept in step by services.review.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    search_identity: Mapped[str] = mapped_column(Text, default="", server_default="")
    # No foreign key: documents already point here, and a cycle would complicate DROP order.
    scored_document_id: Mapped[int | None] = mapped_column(Integer, default=None)
    scored_version: Mapped[int | None] = mapped_column(Integer, default=None)
    # The scored document's criterion values under that version (core.scoring.pack_rows):
    # a restarted process rebuilds an opening's criterion matrix from them in one query.
    criterion_values: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # The e-mail it was sent with, as compared (core.contacts.normalise_email); None for files
    # imported before their e-mail is known.
    email_key: Mapped[str | None] = mapped_column(String(254), default=None)
    # Sent later to the same opening with the same e-mail: a possible duplicate of that first
    # application, kept apart with its own token (whoever knows an address must not reach
    # another person's application through it).
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id"), index=True, default=None
    )
    # The one-time link e-mailed to that address (sha256 of its token) and, once it was
    # opened, when the address's owner confirmed both applications are theirs.
    link_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    link_expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    linked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    candidate: Mapped[Candidate] = relationship()
    duplicate_of: Mapped[Application | None] = relationship(remote_side=[id])
    opening: Mapped[Opening] = relationship()
    documents: Mapped[list[Document]] = relationship(
        back_populates="application", order_by="Document.id"
    )
    notes: Mapped[list[Note]] = relationship(back_populates="application", order_by="Note.id")


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class Document(Base):
    """An uploaded CV file: the original is kept in storage whatever happens when reading it."""

    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_status_lease", "status", "lease_until"),
        # The claim and the sweep want the few queued or leased rows in id order: without this
        # PostgreSQL walked the primary key past 139k read rows, 61 ms per claim (0.05 with).
        Index(
            "ix_documents_claimable",
            "id",
            postgresql_where=text(CLAIMABLE),
            sqlite_where=text(CLAIMABLE),
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True, default=None
    )
    original_filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    error_code: Mapped[str | None] = mapped_column(String(40), default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    pages: Mapped[int | None] = mapped_column(Integer, default=None)
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)
    # Read by text recognition (a photo, a scan): its mean word confidence, 0-100; else None.
    ocr_confidence: Mapped[float | None] = mapped_column(Float, default=None)
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    extractor_version: Mapped[str | None] = mapped_column(String(40), default=None)
    # Task state lives here so a restart resumes queued and interrupted work.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Who holds the lease: a worker starting on that host reclaims it at once if that process
    # is gone, so a crash costs seconds, not the lease's five minutes.
    lease_host: Mapped[str | None] = mapped_column(String(255), default=None)
    lease_pid: Mapped[int | None] = mapped_column(Integer, default=None)
    # When that process started (clock ticks after boot): a pid reused by a new process after
    # the holder died is not mistaken for the holder.
    lease_started: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    application: Mapped[Application | None] = relationship(back_populates="documents")


class Score(Base):
    """A document's score under one requirement-profile version."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("document_id", "profile_id"),
        Index("ix_scores_profile_total", "profile_id", "total"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("requirement_profiles.id", ondelete="CASCADE")
    )
    total: Mapped[float] = mapped_column()
    breakdown: Mapped[list[Any]] = mapped_column(JSON)
    knockouts: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class ConsentText(Base):
    """One published version of the privacy notice a candidate consents to (never edited)."""

    __tablename__ = "consent_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SiteSetting(Base):
    """An admin-set value, such as the retention period, by key."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RateLimitHit(Base):
    """One counted request for a rate-limit key (used when no Redis is configured)."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (Index("ix_rate_limit_hits_key_created", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


OUTBOX_STATUSES = ("queued", "sending", "sent", "failed")
EMAIL_KINDS = ("received", "status", "invitation", "rejection", "link")


class OutboxMessage(Base):
    """An e-mail to a candidate: written when queued, sent in the background, kept as sent."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True, default=None
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True, default=None
    )
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Where the embedded sender wrote the .eml file (None when sent by SMTP).
    eml_path: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class EmailTemplate(Base):
    """A recruiter's wording of one kind of e-mail for one opening and language."""

    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("opening_id", "kind", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
