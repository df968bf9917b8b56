"""Who may see what: every staff view checks on the server, through these helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from recruit.db.models import Application, Opening, OpeningMember
from recruit.web.app import db_session

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: str) -> Callable[[F], F]:
    """Let through signed-in staff whose role is one of `roles` (401 anonymous, 403 others)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def opening_or_404(opening_id: int) -> Opening:
    """Return an opening the current user may work on; 404 otherwise, so ids reveal nothing."""
    opening = db_session().get(Opening, opening_id)
    if opening is None:
        abort(404)
    if current_user.role != "admin":
        member = db_session().scalar(
            select(OpeningMember.id).where(
                OpeningMember.opening_id == opening_id, OpeningMember.user_id == current_user.id
            )
        )
        if member is None:
            abort(404)
    return opening


def visible_openings_query() -> Any:
    """Return a SELECT of the openings the current user may see."""
    query = select(Opening)
    if current_user.role != "admin":
        query = query.join(OpeningMember).where(OpeningMember.user_id == current_user.id)
    return query


# Statuses from which the recruiter sees who the candidate is, under blind review.
REVEALED_STATUSES = frozenset({"shortlisted", "interview", "offer", "hired"})


def identity_hidden(application: Application) -> bool:
    """Tell whether blind review hides this applicant's identity from the current viewer."""
    if current_user.is_authenticated and current_user.role == "admin":
        return False
    return application.opening.blind_review and application.status not in REVEALED_STATUSES


def display_name(application: Application) -> str:
    """Return the name to show for an applicant: a neutral label under blind review."""
    if identity_hidden(application):
        return f"Candidate #{application.id}"
    return application.candidate.name
