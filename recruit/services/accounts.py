"""Staff accounts, invitations, opening membership and the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from recruit.core.contacts import normalise_email
from recruit.core.passwords import MAX_LENGTH, MIN_LENGTH, password_weakness
from recruit.core.printable import unprintable
from recruit.db.models import (
    USER_ROLES,
    AuditEvent,
    Opening,
    OpeningMember,
    StaffSession,
    User,
    as_utc,
    utcnow,
)
from recruit.services.errors import ServiceError, _l

_hasher = PasswordHasher()
INVITE_VALID_FOR = dt.timedelta(days=7)


# What a refused password is told, by recruit.core.passwords' reason (the forms translate).
PASSWORD_PROBLEMS = {
    "short": _l("choose a password of at least %(n)s characters"),
    "long": _l("choose a password of at most %(n)s characters"),
    "common": _l(
        "this password is too easy to guess: avoid common words, names, dates, repeats "
        "and keyboard runs; a few unrelated words make a good one"
    ),
}


def _check_password(password: str, *hints: str) -> None:
    problem = password_weakness(password, hints)
    if problem is not None:
        limit = MIN_LENGTH if problem == "short" else MAX_LENGTH
        raise ServiceError(
            PASSWORD_PROBLEMS[problem], **({"n": limit} if problem != "common" else {})
        )


def _check_role(role: str) -> None:
    if role not in USER_ROLES:
        raise ServiceError(
            _l("unknown role %(role)s; choose one of %(roles)s"),
            role=role,
            roles=", ".join(USER_ROLES),
        )


def create_user(session: Session, email: str, password: str, role: str, name: str = "") -> User:
    """Create a staff account with an argon2-hashed password."""
    email = normalise_email(email)
    _check_role(role)
    _check_password(password, email, name)
    if session.scalar(select(User).where(User.email == email)):
        raise ServiceError(_l("a user with e-mail %(email)s exists already"), email=email)
    user = User(email=email, name=name, password_hash=_hasher.hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    email = normalise_email(email)
    # No address holds a control character (PostgreSQL compares no NUL): nobody's account.
    user = None if unprintable(email) else session.scalar(select(User).where(User.email == email))
    if user is None or not user.active or len(password) > MAX_LENGTH:
        _hasher.hash(password[:MAX_LENGTH])  # same work either way: timing reveals no account
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Replace a user's password after checking the current one; other sessions end."""
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise ServiceError(_l("the current password is wrong")) from None
    _check_password(new, user.email, user.name)
    user.password_hash = _hasher.hash(new)
    end_sessions(session, user)
    audit(session, "user.password_changed", "user", user.id, actor=user)


# -- signed-in sessions ---------------------------------------------------------------------


def start_session(session: Session, user: User, *, max_age: dt.timedelta | None = None) -> str:
    """Begin a signed-in session of `user`; return the token its cookie carries (once only).

    With `max_age`, the user's sessions older than that are deleted on the way.
    """
    now = utcnow()
    if max_age is not None:
        session.execute(
            delete(StaffSession).where(
                StaffSession.user_id == user.id, StaffSession.created_at < now - max_age
            )
        )
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=token_hash(token),
            user_id=user.id,
            epoch=user.session_epoch,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return token


def session_for(
    session: Session,
    token: str,
    *,
    idle: dt.timedelta,
    max_age: dt.timedelta,
    now: dt.datetime | None = None,
) -> StaffSession | None:
    """Return the live session a cookie's token opens: not ended, idle or too old."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(
        select(StaffSession)
        .options(joinedload(StaffSession.user))
        .where(StaffSession.token_hash == token_hash(token))
    )
    if row is None or not row.user.active or row.epoch != row.user.session_epoch:
        return None
    now = now or utcnow()
    if as_utc(row.created_at) + max_age <= now or as_utc(row.last_seen_at) + idle <= now:
        return None
    return row


def touch_session(session: Session, session_id: int, now: dt.datetime | None = None) -> None:
    """Record that a session was used now (what the idle timeout counts from)."""
    session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id)
        .values(last_seen_at=now or utcnow())
    )


def end_session(session: Session, token: str) -> None:
    """End the session this token opens (signing out): a copy of the cookie opens nothing."""
    session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))


def end_sessions(session: Session, user: User) -> None:
    """End every session of `user` (password, role or active state changed)."""
    user.session_epoch += 1
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))


def token_hash(token: str) -> str:
    """Return the sha256 under which a one-time token is stored (the token never is)."""
    return hashlib.sha256(token.encode()).hexdigest()


def invite_user(
    session: Session, email: str, role: str, name: str = "", *, actor: User | None = None
) -> tuple[User, str]:
    """Create an account that is activated through a one-time link; return it and the token."""
    email = normalise_email(email)
    _check_role(role)
    if session.scalar(select(User).where(User.email == email)):
        raise ServiceError(_l("a user with e-mail %(email)s exists already"), email=email)
    token = secrets.token_urlsafe(32)
    # Nobody knows this password: the account is usable only once the invitation is accepted.
    user = User(
        email=email,
        name=name.strip(),
        password_hash=_hasher.hash(secrets.token_urlsafe(32)),
        role=role,
        invite_token_hash=token_hash(token),
        invite_expires_at=utcnow() + INVITE_VALID_FOR,
    )
    session.add(user)
    session.flush()
    audit(session, "user.invited", "user", user.id, actor=actor, role=role)
    return user, token


def user_for_invite(session: Session, token: str) -> User | None:
    """Return the active user a valid, unexpired invitation token belongs to."""
    if not token or len(token) > 100:
        return None
    user = session.scalar(select(User).where(User.invite_token_hash == token_hash(token)))
    if user is None or not user.active or user.invite_expires_at is None:
        return None
    return user if as_utc(user.invite_expires_at) > utcnow() else None


def accept_invite(session: Session, token: str, password: str) -> User:
    """Set the password of an invited user and spend the token."""
    user = user_for_invite(session, token)
    if user is None:
        raise ServiceError(_l("this invitation link is invalid or has expired"))
    _check_password(password, user.email, user.name)
    user.password_hash = _hasher.hash(password)
    user.invite_token_hash = None
    user.invite_expires_at = None
    end_sessions(session, user)
    audit(session, "user.invite_accepted", "user", user.id, actor=user)
    return user


def _other_active_admins(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != user.id)
    )


def set_role(session: Session, user: User, role: str, *, actor: User | None = None) -> None:
    """Change a user's role; the last active admin keeps theirs."""
    _check_role(role)
    if user.role == role:
        return
    if user.role == "admin" and not _other_active_admins(session, user):
        raise ServiceError(_l("the last active admin cannot lose the admin role"))
    audit(session, "user.role_changed", "user", user.id, actor=actor, old=user.role, new=role)
    user.role = role
    end_sessions(session, user)


def set_active(session: Session, user: User, active: bool, *, actor: User | None = None) -> None:
    """Deactivate (ending their sessions) or reactivate a user; the last admin stays active."""
    if user.active == active:
        return
    if not active and user.role == "admin" and not _other_active_admins(session, user):
        raise ServiceError(_l("the last active admin cannot be deactivated"))
    user.active = active
    end_sessions(session, user)
    audit(session, "user.activated" if active else "user.deactivated", "user", user.id, actor=actor)


def add_member(
    session: Session, opening: Opening, user: User, *, actor: User | None = None
) -> None:
    """Assign a recruiter or hiring manager to an opening."""
    if user.role == "admin":
        raise ServiceError(_l("admins see every opening already"))
    exists = session.scalar(
        select(OpeningMember.id).where(
            OpeningMember.opening_id == opening.id, OpeningMember.user_id == user.id
        )
    )
    if exists is None:
        session.add(OpeningMember(opening_id=opening.id, user_id=user.id))
        session.flush()
        audit(session, "opening.member_added", "opening", opening.id, actor=actor, user=user.id)


def remove_member(
    session: Session, opening: Opening, user: User, *, actor: User | None = None
) -> None:
    """Take a user off an opening."""
    member = session.scalar(
        select(OpeningMember).where(
            OpeningMember.opening_id == opening.id, OpeningMember.user_id == user.id
        )
    )
    if member is not None:
        session.delete(member)
        session.flush()
        audit(session, "opening.member_removed", "opening", opening.id, actor=actor, user=user.id)


def audit(
    session: Session,
    action: str,
    subject_type: str,
    subject_id: Any,
    actor: User | None = None,
    **detail: Any,
) -> None:
    """Record who did what to which subject (never put personal data in `detail`)."""
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            detail=detail,
        )
    )
