"""Staff accounts and the audit log."""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from recruit.db.models import USER_ROLES, AuditEvent, User
from recruit.services.errors import ServiceError

_hasher = PasswordHasher()


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
