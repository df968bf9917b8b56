"""Who may see what: every staff view checks on the server, through these helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from recruit import services
from recruit.core.redaction import Redactor, Unredacted
from recruit.db.models import Application, Document, Note, Opening, OpeningMember
from recruit.services.talent import Scope
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


def public_route(view: F) -> F:
    """Mark a view as open to everyone (candidates have no account); the matrix test reads it."""
    view.public = True  # type: ignore[attr-defined]
    return view


def is_member(opening_id: int) -> bool:
    """Tell whether the current user is assigned to the opening (admins always are)."""
    if not current_user.is_authenticated:
        return False
    if current_user.role == "admin":
        return True
    member = db_session().scalar(
        select(OpeningMember.id).where(
            OpeningMember.opening_id == opening_id, OpeningMember.user_id == current_user.id
        )
    )
    return member is not None


def opening_or_404(opening_id: int, roles: Iterable[str] | None = None) -> Opening:
    """Return an opening the current user may work on; 404 otherwise, so ids reveal nothing.

    With `roles`, a member whose role is not among them (admins always are) gets 403.
    """
    if not current_user.is_authenticated:
        abort(401)
    opening = db_session().get(Opening, opening_id)
    if opening is None or not is_member(opening_id):
        abort(404)
    if roles is not None and current_user.role != "admin" and current_user.role not in roles:
        abort(403)
    return opening


def application_or_404(application_id: int, roles: Iterable[str] | None = None) -> Application:
    """Return an application on an opening the current user works on; 404 otherwise."""
    if not current_user.is_authenticated:
        abort(401)
    application = db_session().get(Application, application_id)
    if application is None or application.candidate.erased_at is not None:
        abort(404)
    opening_or_404(application.opening_id, roles)
    return application


def document_or_404(document_id: int, roles: Iterable[str] | None = None) -> Document:
    """Return a document of an application the current user may see; 404 otherwise."""
    if not current_user.is_authenticated:
        abort(401)
    document = db_session().get(Document, document_id)
    if document is None or document.application_id is None:
        abort(404)
    application_or_404(document.application_id, roles)
    return document


def visible_openings_query() -> Any:
    """Return a SELECT of the openings the current user may see."""
    query = select(Opening)
    if current_user.role != "admin":
        query = query.join(OpeningMember).where(OpeningMember.user_id == current_user.id)
    return query


def talent_scope() -> Scope:
    """Return what the current user may search in the talent pool: the openings they work on
    (admins: all), and those of them where blind review hides names from them."""
    if current_user.role == "admin":
        return Scope(None)
    rows = (
        db_session()
        .execute(
            select(Opening.id, Opening.blind_review)
            .join(OpeningMember)
            .where(OpeningMember.user_id == current_user.id)
        )
        .all()
    )
    return Scope([o for o, _ in rows], [o for o, blind in rows if blind], tuple(REVEALED_STATUSES))


def audit_view(action: str, subject_type: str, subject_id: Any, **detail: Any) -> None:
    """Record in the audit log, and commit, that the current user saw or exported something."""
    session = db_session()
    actor = getattr(current_user, "user", None)
    services.audit(session, action, subject_type, subject_id, actor=actor, **detail)
    session.commit()


# Statuses from which the recruiter sees who the candidate is, under blind review.
REVEALED_STATUSES = frozenset({"shortlisted", "interview", "offer", "hired"})


def identity_hidden(application: Application) -> bool:
    """Tell whether blind review hides this applicant's identity from the current viewer.

    Recruiters and hiring managers review blind until the shortlist; admins run the system
    and answer candidates' requests, so they see who is who.
    """
    if current_user.is_authenticated and current_user.role == "admin":
        return False
    return application.opening.blind_review and application.status not in REVEALED_STATUSES


def display_name(application: Application) -> str:
    """Return the name to show for an applicant: a neutral label under blind review."""
    if application.candidate.erased_at is not None:
        return f"Erased candidate #{application.id}"
    if identity_hidden(application) or not application.candidate.name:
        return f"Candidate #{application.id}"
    return application.candidate.name


def download_stem(application: Application) -> str:
    """Return the name an original is downloaded under: the candidate's, or a neutral one."""
    candidate = application.candidate
    if identity_hidden(application) or candidate.erased_at is not None or not candidate.name:
        return f"candidate-{application.id}"
    return candidate.name


def may_see_original(application: Application) -> bool:
    """Tell whether the current viewer may open the original file (it shows photo and all)."""
    return not identity_hidden(application)


@dataclass(frozen=True)
class CandidateView:
    """What the current viewer may see of one application: the one entry point of blind review.

    Every surface that shows a candidate (candidate page, shortlist, exports, the live
    preview, `/api/v1`) takes names, contacts and any text that can carry CV text (the CV,
    evidence, explanations, the profile, the headline, notes) from here, never from the rows.
    """

    application: Application
    hidden: bool
    redactor: Redactor

    @property
    def name(self) -> str:
        """The candidate's name, or a neutral label."""
        return display_name(self.application)

    @property
    def email(self) -> str | None:
        """The candidate's e-mail address, or None when hidden."""
        return None if self.hidden else self.application.candidate.email

    @property
    def phone(self) -> str | None:
        """The candidate's phone number, or None when hidden."""
        return None if self.hidden else self.application.candidate.phone

    @property
    def headline(self) -> str:
        """The latest position's title and employer, as far as the viewer may see them."""
        return self.redactor.text(self.application.headline or "")

    @property
    def notes(self) -> list[tuple[Note, str]]:
        """The application's notes with the text the viewer may see."""
        return [(note, self.redactor.text(note.body)) for note in self.application.notes]

    def text(self, text: str) -> str:
        """Return free text about the candidate as the viewer may see it (same length)."""
        return self.redactor.text(text)


def candidate_view(application: Application, document: Document | None = None) -> CandidateView:
    """Return what the current viewer may see of `application` (with `document`'s text, if any).

    Under blind review the candidate's names (as they applied, and as the CV gives them),
    contacts and labelled personal details are masked wherever they appear; with `document`,
    also every quote of its personal details.
    """
    if not identity_hidden(application):
        return CandidateView(application, False, Unredacted())
    profile = (document.profile if document is not None else None) or {}
    names = [
        application.candidate.name or "",
        profile.get("name") or "",
        *(e.get("text") or "" for e in profile.get("name_evidence") or ()),
    ]
    text = (document.text if document is not None else None) or ""
    return CandidateView(application, True, Redactor(names, text))
