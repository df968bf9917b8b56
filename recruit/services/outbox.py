"""E-mail to candidates: per-opening wording, the outbox, and delivery with retries.

A request only writes a message into the outbox (rendered, addressed, with its Message-ID);
a background sender claims due messages by a lease on their row, hands them to the mailer,
and on a failure tries again later (BACKOFF), so a slow or absent mail server never slows a
page and a message is never sent twice at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from recruit.core import emails
from recruit.db.models import (
    Application,
    Candidate,
    EmailTemplate,
    Opening,
    OutboxMessage,
    User,
    as_utc,
    utcnow,
)
from recruit.mailer import Mailer, PermanentFailure
from recruit.services.accounts import audit
from recruit.services.errors import ServiceError, _l

# Seconds to wait after the 1st, 2nd, ... failure; after the last one the message has failed.
BACKOFF = (60, 300, 1800, 7200, 21600)
LEASE = dt.timedelta(minutes=2)
BATCH = 20


# --- wording ------------------------------------------------------------------------------


def _override(session: Session, opening: Opening, kind: str, language: str) -> EmailTemplate | None:
    return session.scalar(
        select(EmailTemplate).where(
            EmailTemplate.opening_id == opening.id,
            EmailTemplate.kind == kind,
            EmailTemplate.language == language,
        )
    )


def template_for(
    session: Session, opening: Opening, kind: str, language: str
) -> tuple[emails.Template, bool]:
    """Return the wording for this opening, kind and language, and whether it is customised."""
    row = _override(session, opening, kind, language)
    if row is not None:
        return emails.Template(row.subject, row.body), True
    return emails.default_template(kind, language), False


def save_template(
    session: Session,
    opening: Opening,
    kind: str,
    language: str,
    subject: str,
    body: str,
    actor: User | None,
) -> bool:
    """Store a recruiter's wording (the default's own text removes the override); tell if changed.

    Raises TemplateError (a ValueError) for an unknown placeholder or an empty part.
    """
    if kind not in emails.EDITABLE_KINDS or language not in emails.LANGUAGES:
        raise ServiceError(
            _l("only %(kinds)s e-mails are edited"), kinds=", ".join(emails.EDITABLE_KINDS)
        )
    subject, body = subject.strip(), body.strip().replace("\r\n", "\n")
    emails.check_template(kind, subject, body)
    current, customised = template_for(session, opening, kind, language)
    if (current.subject, current.body) == (subject, body):
        return False
    default = emails.default_template(kind, language)
    row = _override(session, opening, kind, language)
    if (default.subject, default.body) == (subject, body):
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(
            EmailTemplate(
                opening_id=opening.id,
                kind=kind,
                language=language,
                subject=subject,
                body=body,
                author_id=actor.id if actor else None,
            )
        )
    else:
        row.subject, row.body, row.author_id = subject, body, actor.id if actor else None
    audit(
        session, "email_template.saved", "opening", opening.id, actor, kind=kind, language=language
    )
    session.flush()
    return True


def language_of(candidate: Candidate) -> str:
    """Return the language to write to a candidate in: theirs on the site, else Romanian."""
    return candidate.locale if candidate.locale in emails.LANGUAGES else "ro"


# --- queueing -----------------------------------------------------------------------------


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def queue_email(
    session: Session,
    application: Application,
    kind: str,
    *,
    sender: str,
    status_link: str,
    link: str = "",
    actor: User | None = None,
) -> OutboxMessage | None:
    """Write one e-mail to the application's candidate into the outbox; None if no address.

    Rendered now, in the candidate's language, so what was sent is what the outbox shows.
    """
    if kind not in emails.KINDS:
        raise ServiceError(_l("unknown e-mail kind %(kind)s"), kind=kind)
    candidate = application.candidate
    if candidate.erased_at is not None or not candidate.email or "@" not in candidate.email:
        return None
    language = language_of(candidate)
    opening = application.opening
    template, _ = template_for(session, opening, kind, language)
    values = {
        "candidate_name": candidate.name or "",
        "opening_title": opening.title,
        "opening_city": opening.location,
        "status_link": status_link,
        "status": emails.status_label(application.status, language),
        "link": link,
    }
    text = emails.render(template, values)
    message = OutboxMessage(
        candidate_id=candidate.id,
        application_id=application.id,
        kind=kind,
        language=language,
        to_address=candidate.email,
        subject=text.subject,
        body=text.body,
        message_id=emails.new_message_id(_domain(sender)),
        next_attempt_at=utcnow(),
    )
    session.add(message)
    session.flush()
    audit(
        session, "email.queued", "email", message.id, actor, kind=kind, application=application.id
    )
    return message


# A status the candidate is told about gets the recruiter's wording where there is one.
STATUS_KINDS = {"interview": "invitation", "rejected": "rejection"}


def announce_status(
    session: Session,
    application: Application,
    *,
    sender: str,
    status_link: str,
    actor: User | None,
) -> OutboxMessage | None:
    """Queue the e-mail that tells a candidate their application's new status."""
    kind = STATUS_KINDS.get(application.status, "status")
    return queue_email(
        session, application, kind, sender=sender, status_link=status_link, actor=actor
    )


def announce_statuses(
    session: Session,
    opening: Opening,
    applications: Iterable[Application],
    *,
    sender: str,
    status_link: Callable[[Application], str],
    actor: User | None,
    withheld: Callable[[Application], bool] = lambda application: False,
) -> tuple[list[int], list[int]]:
    """Queue the new-status e-mail of each application a bulk change chose to announce.

    `withheld` names the applications the actor may not write to (blind review). Returns the
    ids of the applications e-mailed and of those that could not be (no address, withheld,
    erased); one audit record of the bulk announcement names both, beside each e-mail's own.
    """
    told: list[int] = []
    untold: list[int] = []
    status = ""
    for application in applications:
        status = application.status
        message = None
        if not withheld(application):
            message = announce_status(
                session,
                application,
                sender=sender,
                status_link=status_link(application),
                actor=actor,
            )
        (told if message is not None else untold).append(application.id)
    if told or untold:
        audit(
            session,
            "status.announced",
            "opening",
            opening.id,
            actor,
            status=status,
            emailed=told,
            not_emailed=untold,
        )
    return told, untold


# --- delivery -----------------------------------------------------------------------------


def _due(now: dt.datetime):  # type: ignore[no-untyped-def]
    return or_(
        (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now),
    )


def claim_due(session: Session, now: dt.datetime | None = None, limit: int = BATCH) -> list[int]:
    """Claim up to `limit` due messages for this sender (a lease on each row); commit."""
    now = now or utcnow()
    ids = list(
        session.scalars(
            select(OutboxMessage.id)
            .where(_due(now))
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    claimed = []
    for message_id in ids:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now))
            .values(status="sending", lease_until=now + LEASE)
            # SQLite hands back naive datetimes: compare in SQL only, never in Python.
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(message_id)
    session.commit()
    session.expire_all()  # the rows just leased changed behind the session's back
    return claimed


def deliver(
    session: Session,
    mailer: Mailer,
    message_id: int,
    sender: str,
    now: dt.datetime | None = None,
) -> str:
    """Send one claimed message; record sent, a retry with backoff, or failed; commit."""
    now = now or utcnow()
    row = session.get(OutboxMessage, message_id)
    if row is None or row.status != "sending":
        return "skipped"  # erased meanwhile, or another sender finished it
    message = emails.build_message(
        sender=sender,
        to=row.to_address,
        subject=row.subject,
        body=row.body,
        message_id=row.message_id,
        language=row.language,
        date=as_utc(row.created_at),
    )
    row.attempts += 1
    try:
        written = mailer.send(message, f"{row.id:08d}")
    except Exception as exc:  # the server's refusal or its absence: both are the outbox's news
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        row.lease_until = None
        if isinstance(exc, PermanentFailure) or row.attempts > len(BACKOFF):
            row.status = "failed"
            audit(session, "email.failed", "email", row.id, attempts=row.attempts)
        else:
            row.status = "queued"
            row.next_attempt_at = now + dt.timedelta(seconds=BACKOFF[row.attempts - 1])
            audit(session, "email.retry", "email", row.id, attempts=row.attempts)
        session.commit()
        return row.status
    row.status, row.sent_at, row.lease_until, row.last_error = "sent", now, None, None
    row.eml_path = written
    audit(session, "email.sent", "email", row.id, kind=row.kind, attempts=row.attempts)
    session.commit()
    return "sent"


def deliver_due(sessions: sessionmaker[Session], mailer: Mailer, sender: str) -> int:
    """Send every due message now (one batch after another); return how many were sent."""
    sent = 0
    while True:
        with sessions() as session:
            ids = claim_due(session)
            for message_id in ids:
                sent += deliver(session, mailer, message_id, sender) == "sent"
        if len(ids) < BATCH:
            return sent


def retry_now(session: Session, message: OutboxMessage, actor: User | None) -> None:
    """Put a failed message back in the queue, due at once (an admin fixed the server)."""
    if message.status != "failed":
        raise ServiceError(_l("only a failed message is retried"))
    message.status, message.next_attempt_at, message.attempts = "queued", utcnow(), 0
    audit(session, "email.retry_requested", "email", message.id, actor)


def erase_messages(session: Session, candidate_id: int) -> int:
    """Delete a candidate's messages and their .eml files (erasure); return how many."""
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.candidate_id == candidate_id)
    ).all()
    for row in rows:
        if row.eml_path:
            Path(row.eml_path).unlink(missing_ok=True)
        session.delete(row)
    session.flush()
    return len(rows)
