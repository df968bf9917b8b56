"""Possible duplicates: applications sent later to one opening with an e-mail used before.

Knowing an e-mail address proves nothing, so a later application never reaches the first
one: it is kept apart with its own status token (services.documents.open_application) and
points at the first through `Application.duplicate_of_id`. Staff see the pair; the address's
owner can join them through a one-time link sent to that address (`issue_link_token`, then
`confirm_link` when it is opened), after which staff see them as one person and either
status link shows, exports and erases both (`same_person`, used by services.gdpr).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from recruit.db.models import Application, Candidate, as_utc, utcnow
from recruit.services.accounts import audit, token_hash
from recruit.services.errors import ServiceError, _l
from recruit.services.review import ERASED

LINK_VALID_FOR = dt.timedelta(days=14)


def related(session: Session, application_ids: Iterable[int]) -> dict[int, list[int]]:
    """Map each of these applications to its live duplicates, or a duplicate to its first."""
    ids = list(set(application_ids))
    out: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return {}
    rows = session.execute(
        select(Application.id, Application.duplicate_of_id)
        .where(
            or_(Application.id.in_(ids), Application.duplicate_of_id.in_(ids)),
            Application.duplicate_of_id.is_not(None),
            ~ERASED,
        )
        .order_by(Application.id)
    )
    wanted = set(ids)
    for duplicate, first in rows:
        if duplicate in wanted:
            out[duplicate].append(first)
        if first in wanted:
            out[first].append(duplicate)
    return dict(out)


def same_person(session: Session, application: Application) -> list[Application]:
    """Return this application and every one its owner confirmed as theirs, oldest first.

    Confirmed means joined through the link e-mailed to the address both were sent with
    (`linked_at`): for GDPR they are then one person's, whichever status link is used. A
    possible duplicate nobody confirmed may be someone else's, so it is never included.
    """
    if application.duplicate_of_id is None:
        first = application.id
    elif application.linked_at is not None:
        first = application.duplicate_of_id
    else:
        return [application]
    return list(
        session.scalars(
            select(Application)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .where(
                or_(
                    Application.id == first,
                    (Application.duplicate_of_id == first) & Application.linked_at.is_not(None),
                ),
                Candidate.erased_at.is_(None),
            )
            .order_by(Application.id)
        )
    )


def same_person_candidates(session: Session, candidate: Candidate) -> list[Candidate]:
    """Return this candidate and every candidate confirmed as the same person, this one first."""
    found: dict[int, Candidate] = {candidate.id: candidate}
    for application in session.scalars(
        select(Application).where(Application.candidate_id == candidate.id)
    ).all():
        for other in same_person(session, application):
            found.setdefault(other.candidate_id, other.candidate)
    return list(found.values())


def person_applications(session: Session, candidate: Candidate) -> list[Application]:
    """Return the applications of this candidate and of those confirmed as them, oldest first."""
    ids = [c.id for c in same_person_candidates(session, candidate)]
    return list(
        session.scalars(
            select(Application).where(Application.candidate_id.in_(ids)).order_by(Application.id)
        )
    )


def issue_link_token(
    session: Session, application: Application, valid_for: dt.timedelta = LINK_VALID_FOR
) -> str:
    """Return a one-time token for the link that joins a possible duplicate to its first.

    Send it only to the e-mail address both were sent with: opening it proves that address's
    owner sent both. A new token replaces the previous one.
    """
    if application.duplicate_of_id is None:
        raise ServiceError(_l("this application is not a possible duplicate"))
    token = secrets.token_urlsafe(32)
    application.link_token_hash = token_hash(token)
    application.link_expires_at = utcnow() + valid_for
    return token


def confirm_link(session: Session, token: str) -> Application | None:
    """Join the possible duplicate this token was issued for to its first; None if invalid."""
    if not token or len(token) > 100:
        return None
    application = session.scalar(
        select(Application).where(Application.link_token_hash == token_hash(token))
    )
    if application is None or application.duplicate_of_id is None:
        return None
    expires = application.link_expires_at
    if expires is None or as_utc(expires) <= utcnow():
        return None
    if application.candidate.erased_at is not None:
        return None
    application.link_token_hash = None
    application.link_expires_at = None
    application.linked_at = utcnow()
    audit(
        session,
        "application.linked",
        "application",
        application.id,
        first=application.duplicate_of_id,
    )
    return application


def release(session: Session, application: Application) -> None:
    """Let an erased application's duplicates go on without it: the oldest becomes first.

    The erased row must already be flushed without its e-mail key, or the unique index on
    first applications would see two firsts for a moment.
    """
    later = session.scalars(
        select(Application)
        .where(Application.duplicate_of_id == application.id, ~ERASED)
        .order_by(Application.id)
    ).all()
    if not later:
        return
    first, rest = later[0], later[1:]
    first.duplicate_of_id = None
    first.linked_at = None
    session.flush()
    for other in rest:
        other.duplicate_of_id = first.id
    session.flush()
