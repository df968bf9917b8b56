"""Openings, their requirement-profile versions, and the demo data."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from recruit.core.printable import unprintable
from recruit.db.models import (
    CURRENCIES,
    EMPLOYMENT_TYPES,
    Opening,
    OpeningMember,
    RequirementProfile,
    User,
    utcnow,
)
from recruit.services.accounts import add_member, audit, remove_member
from recruit.services.errors import ServiceError, _l

# Closing dates are days as a Romanian recruiter writes them: the last day, in local time.
LOCAL_ZONE = ZoneInfo("Europe/Bucharest")
# The fields a recruiter edits, in the order the audit log lists them.
EDITABLE = (
    "title",
    "location",
    "description",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "closes_on",
)
MAX_SALARY = 10_000_000


def local_today() -> dt.date:
    """Return today's date where the openings are (closing dates are inclusive local days)."""
    return dt.datetime.now(LOCAL_ZONE).date()


def accepts_applications(opening: Opening, today: dt.date | None = None) -> bool:
    """Tell whether the opening takes applications: open, and its closing day not past."""
    if opening.status != "open":
        return False
    return opening.closes_on is None or opening.closes_on >= (today or local_today())


def describe(opening: Opening) -> dict[str, Any]:
    """Return an opening as JSON-ready data (the API and `recruit opening` print this)."""
    return {
        "id": opening.id,
        "title": opening.title,
        "role": opening.role_id,
        "status": opening.status,
        "accepting_applications": accepts_applications(opening),
        "location": opening.location,
        "description": opening.description,
        "employment_type": opening.employment_type,
        "salary_min": opening.salary_min,
        "salary_max": opening.salary_max,
        "salary_currency": opening.salary_currency,
        "closes_on": opening.closes_on.isoformat() if opening.closes_on else None,
        "current_version": opening.current_version,
        "blind_review": opening.blind_review,
    }


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise an opening's editable fields; raise ServiceError naming the field."""
    out = dict(fields)
    for key in ("title", "location", "description"):
        if key in out:
            out[key] = (out[key] or "").strip()
    for key in ("title", "location", "description"):
        if unprintable(out.get(key, ""), multiline=key == "description"):
            raise ServiceError(
                _l("%(key)s: holds invisible control characters; type it again"), key=key
            )
    if "title" in out and not out["title"]:
        raise ServiceError(_l("title: give the opening a title"))
    if len(out.get("title", "")) > 200 or len(out.get("location", "")) > 200:
        raise ServiceError(_l("title and location: at most 200 characters"))
    if len(out.get("description", "")) > 20_000:
        raise ServiceError(_l("description: at most 20,000 characters"))
    if "employment_type" in out and out["employment_type"] not in EMPLOYMENT_TYPES:
        raise ServiceError(
            _l("employment_type: one of %(types)s"), types=", ".join(EMPLOYMENT_TYPES)
        )
    for key in ("salary_min", "salary_max"):
        value = out.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SALARY
        ):
            raise ServiceError(
                _l("%(key)s: a whole number from 0 to %(max)s"), key=key, max=f"{MAX_SALARY:,}"
            )
    if out.get("salary_currency") is not None:
        out["salary_currency"] = str(out["salary_currency"]).upper() or None
        if out["salary_currency"] not in (None, *CURRENCIES):
            raise ServiceError(
                _l("salary_currency: one of %(currencies)s"), currencies=", ".join(CURRENCIES)
            )
    closes_on = out.get("closes_on")
    if closes_on is not None and not isinstance(closes_on, dt.date):
        raise ServiceError(_l("closes_on: a date (YYYY-MM-DD)"))
    return out


def _check_salary(opening: Opening) -> None:
    low, high = opening.salary_min, opening.salary_max
    if low is not None and high is not None and low > high:
        raise ServiceError(_l("salary_min: the minimum salary is above the maximum"))
    if (low is not None or high is not None) and not opening.salary_currency:
        raise ServiceError(_l("salary_currency: say which currency the salary is in"))


def create_opening(
    session: Session,
    title: str,
    role_id: str,
    *,
    description: str = "",
    location: str = "",
    status: str = "open",
    author: User | None = None,
    copy_from: Opening | None = None,
    members: list[User] | tuple[User, ...] = (),
    **fields: Any,
) -> Opening:
    """Create an opening; its first requirement version is the role's built-in profile.

    With `copy_from`, the first version is a copy of that opening's current profile instead
    (and the role is that opening's). The author becomes a member (admins see every opening).
    """
    from recruit.core.scoring import load_role, role_ids

    if copy_from is not None:
        role_id = copy_from.role_id
        source = current_profile(session, copy_from)
        criteria, note = (
            source.criteria,
            f"copy of opening {copy_from.id} version {source.version}",
        )
    else:
        if role_id not in role_ids():
            raise ServiceError(_l("role: one of %(roles)s"), roles=", ".join(role_ids()))
        criteria, note = load_role(role_id).to_dict(), f"built-in profile {role_id}"
    if status not in ("draft", "open", "closed"):
        raise ServiceError(_l("status: draft, open or closed"))
    values = _clean({"title": title, "description": description, "location": location, **fields})
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ServiceError(_l("unknown field(s): %(fields)s"), fields=", ".join(sorted(unknown)))
    opening = Opening(role_id=role_id, status=status, created_by_id=author.id if author else None)
    for key, value in values.items():
        setattr(opening, key, value)
    _check_salary(opening)
    if status == "closed":
        opening.closed_at = utcnow()
    session.add(opening)
    session.flush()
    session.add(
        RequirementProfile(
            opening_id=opening.id,
            version=1,
            criteria=criteria,
            author_id=author.id if author else None,
            note=note,
        )
    )
    opening.current_version = 1
    session.flush()
    audit(
        session,
        "opening.created",
        "opening",
        opening.id,
        author,
        role=role_id,
        copied_from=copy_from.id if copy_from else None,
    )
    for user in {u.id: u for u in (*members, *([author] if author else []))}.values():
        if user.role != "admin":
            add_member(session, opening, user, actor=author)
    return opening


def update_opening(
    session: Session, opening: Opening, actor: User | None, **changes: Any
) -> list[str]:
    """Change an opening's editable fields; return the names of those that changed (audited)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ServiceError(_l("unknown field(s): %(fields)s"), fields=", ".join(sorted(unknown)))
    values = _clean(changes)
    before = {key: getattr(opening, key) for key in values}
    for key, value in values.items():
        setattr(opening, key, value)
    _check_salary(opening)
    changed = [key for key in EDITABLE if key in values and before[key] != values[key]]
    if changed:
        audit(session, "opening.updated", "opening", opening.id, actor, fields=changed)
        session.flush()
    return changed


def close_opening(session: Session, opening: Opening, actor: User | None) -> bool:
    """Stop taking applications (the retention clock starts); tell whether it changed."""
    if opening.status == "closed":
        return False
    opening.status = "closed"
    opening.closed_at = utcnow()
    audit(session, "opening.closed", "opening", opening.id, actor)
    session.flush()
    return True


def reopen_opening(session: Session, opening: Opening, actor: User | None) -> bool:
    """Take applications again; a closing day already past is cleared. Tell whether it changed."""
    if accepts_applications(opening):
        return False
    cleared = opening.closes_on is not None and opening.closes_on < local_today()
    opening.status = "open"
    opening.closed_at = None
    if cleared:
        opening.closes_on = None
    audit(session, "opening.reopened", "opening", opening.id, actor, closing_date_cleared=cleared)
    session.flush()
    return True


def set_members(
    session: Session, opening: Opening, users: list[User], actor: User | None
) -> tuple[int, int]:
    """Make exactly `users` (recruiters and hiring managers) the opening's members.

    The acting recruiter stays a member, so nobody edits themselves out of their opening.
    Return how many were added and removed (each audited).
    """
    wanted = {u.id: u for u in users if u.role != "admin" and u.active}
    if actor is not None and actor.role != "admin":
        wanted[actor.id] = actor
    current = {
        m.user_id: m.user
        for m in session.scalars(
            select(OpeningMember).where(OpeningMember.opening_id == opening.id)
        )
    }
    added = removed = 0
    for user_id, user in wanted.items():
        if user_id not in current:
            add_member(session, opening, user, actor=actor)
            added += 1
    for user_id, user in current.items():
        if user_id not in wanted:
            remove_member(session, opening, user, actor=actor)
            removed += 1
    return added, removed


def member_ids(session: Session, opening: Opening) -> list[int]:
    """Return the ids of the opening's members."""
    return list(
        session.scalars(
            select(OpeningMember.user_id)
            .where(OpeningMember.opening_id == opening.id)
            .order_by(OpeningMember.user_id)
        )
    )


def current_profile(session: Session, opening: Opening) -> RequirementProfile:
    """Return the opening's current requirement-profile version."""
    profile = session.scalar(
        select(RequirementProfile).where(
            RequirementProfile.opening_id == opening.id,
            RequirementProfile.version == opening.current_version,
        )
    )
    if profile is None:
        raise ServiceError(_l("opening %(id)s has no requirement profile"), id=opening.id)
    return profile


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
