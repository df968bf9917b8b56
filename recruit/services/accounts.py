"""Staff accounts, invitations, opening membership and the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recruit.core.contacts import normalise_email
from recruit.db.models import USER_ROLES, AuditEvent, Opening, OpeningMember, User, as_utc, utcnow
from recruit.services.errors import ServiceError

_hasher = PasswordHasher()
MIN_PASSWORD = 10
MAX_PASSWORD = 200
INVITE_VALID_FOR = dt.timedelta(days=7)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ServiceError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise ServiceError(f"the password must have at most {MAX_PASSWORD} characters")


def _check_role(role: str) -> None:
    if role not in USER_ROLES:
        raise ServiceError(f"unknown role {role!r}; choose one of {', '.join(USER_ROLES)}")


def create_user(session: Session, email: str, password: str, role: str, name: str = "") -> User:
    """Create a staff account with an argon2-hashed password."""
    email = normalise_email(email)
    _check_role(role)
    _check_password(password)
    if session.scalar(select(User).where(User.email == email)):
        raise ServiceError(f"a user with e-mail {email} exists already")
    user = User(email=email, name=name, password_hash=_hasher.hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active or len(password) > MAX_PASSWORD:
        _hasher.hash(password[:MAX_PASSWORD])  # same work either way: timing reveals no account
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
        raise ServiceError("the current password is wrong") from None
    _check_password(new)
    user.password_hash = _hasher.hash(new)
    user.session_epoch += 1
    audit(session, "user.password_changed", "user", user.id, actor=user)


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
        raise ServiceError(f"a user with e-mail {email} exists already")
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
        raise ServiceError("this invitation link is invalid or has expired")
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    user.invite_token_hash = None
    user.invite_expires_at = None
    user.session_epoch += 1
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
        raise ServiceError("the last active admin cannot lose the admin role")
    audit(session, "user.role_changed", "user", user.id, actor=actor, old=user.role, new=role)
    user.role = role
    user.session_epoch += 1


def set_active(session: Session, user: User, active: bool, *, actor: User | None = None) -> None:
    """Deactivate (ending their sessions) or reactivate a user; the last admin stays active."""
    if user.active == active:
        return
    if not active and user.role == "admin" and not _other_active_admins(session, user):
        raise ServiceError("the last active admin cannot be deactivated")
    user.active = active
    user.session_epoch += 1
    audit(session, "user.activated" if active else "user.deactivated", "user", user.id, actor=actor)


def add_member(
    session: Session, opening: Opening, user: User, *, actor: User | None = None
) -> None:
    """Assign a recruiter or hiring manager to an opening."""
    if user.role == "admin":
        raise ServiceError("admins see every opening already")
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
