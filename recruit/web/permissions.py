"""Who may see what: every staff view checks on the server, through these helpers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from recruit import services
from recruit.db.models import Application, Document, Opening, OpeningMember
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
    if identity_hidden(application) or application.candidate.erased_at is not None:
        return f"candidate-{application.id}"
    return application.candidate.name


def may_see_original(application: Application) -> bool:
    """Tell whether the current viewer may open the original file (it shows photo and all)."""
    return not identity_hidden(application)


MASK = "\u2588"  # a full block: visibly hidden, one character per character hidden

# Labels after which a Europass or free-form CV gives a personal detail, up to the line's end.
# Not "e-mail" or "phone": "Email marketing" is a skill line; the patterns below find those.
# Romanian with and without diacritics (old cedilla forms included), and English.
_LABELS = (
    r"data\s+na[sșş]terii|data\s+de\s+na[sșş]tere|n[aă]scut[aă]?(?:\s+la|\s+[iî]n)?"
    r"|date\s+of\s+birth|birth\s*date|born(?:\s+on|\s+in)?|d\.?o\.?b\.?"
    r"|v[aâ]rst[aă]|age"
    r"|sex(?:ul)?|gen(?:ul)?|gender"
    r"|na[tțţ]ionalitate(?:a)?|nationality|cet[aă][tțţ]enie(?:a)?|citizenship"
    r"|stare\s+civil[aă]|marital\s+status"
    r"|adres[aă]|address|domiciliu(?:l)?|re[sșş]edin[tțţ][aă]|cnp"
)
_LABELLED = re.compile(rf"(?im)^[ \t•*-]*(?:{_LABELS})\b\s*[:|-]?[ \t]*(?P<value>[^\n|;•]*)")
# Europass puts several on one line: "Sex Feminin | Data nașterii 12/03/1990 | ...".
_INLINE = re.compile(rf"(?i)(?:^|[|;•])\s*(?:{_LABELS})\b\s*[:-]?\s*(?P<value>[^|;•\n]*)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\blinkedin\.com/\S*")
# Digits with the usual separators, starting as Romanian and international numbers do
# ("+40 722 123 456", "0722.123.456", "(021) 312 45 67"); see _is_phone for dates.
_PHONE = re.compile(r"(?<![\w/])(?:\+|\(0|0)[\d \t().-]{7,}\d(?![\w/])")
_DATE_LIKE = re.compile(r"\b\d{1,2}[./]\d{4}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")
# The 13-digit Romanian personal code (CNP) encodes sex and date of birth.
_CNP = re.compile(r"(?<!\d)[1-9]\d{12}(?!\d)")
_TITLES = re.compile(r"(?i)\b(?:mr|mrs|ms|miss|dl|dna|d-na|d-l|domnul|doamna|domni[sș]oara)\b\.?")


def _fold(text: str) -> str:
    """Strip accents one character for one, so offsets into the folded text stay valid."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch.lower())
            continue
        base = unicodedata.normalize("NFKD", ch)[:1]
        base = base if base and base.isalpha() == ch.isalpha() else ch
        low = base.lower()  # "İ".lower() is two characters: keep such letters as they are
        out.append(low if len(low) == 1 else base)
    return "".join(out)


def _mask(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if not chars[i].isspace():
            chars[i] = MASK


def redact_text(application: Application, text: str) -> str:
    """Hide personal details in CV text while blind review applies; the length is kept.

    One character of output per character of input, so evidence offsets still point at
    the same words. Hides the candidate's names, e-mails, phones, links and the values of
    labelled fields (birth date, age, sex, nationality, marital status, address).
    """
    if not text or not identity_hidden(application):
        return text
    return redact_personal(text, [application.candidate.name or ""])


def redact_personal(text: str, names: Iterable[str] = ()) -> str:
    """Mask personal details in `text` (see `redact_text`), keeping its length."""
    chars = list(text)
    folded = _fold(text)
    for pattern in (_EMAIL, _URL, _CNP, _TITLES):
        for m in pattern.finditer(text):
            _mask(chars, m.start(), m.end())
    for m in _PHONE.finditer(text):
        # "01.2019 - 12.2023" starts like a phone number; a CV is full of such ranges.
        if sum(c.isdigit() for c in m.group()) >= 9 and not _DATE_LIKE.search(m.group()):
            _mask(chars, m.start(), m.end())
    for pattern in (_LABELLED, _INLINE):
        for m in pattern.finditer(folded):
            _mask(chars, m.start("value"), m.end("value"))
    words = {w for name in names for w in re.split(r"[\s,.-]+", _fold(name)) if len(w) >= 2}
    for word in words:
        for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", folded):
            _mask(chars, m.start(), m.end())
    return "".join(chars)


# Profile fields that identify a person; blind review blanks them.
_PERSONAL_FIELDS = ("name", "emails", "phones", "links", "birth_date", "photo", "address")


def redact_profile(application: Application, profile: dict[str, Any] | None) -> Any:
    """Return a copy of a stored profile without identifying fields while blind review applies."""
    if profile is None or not identity_hidden(application):
        return profile
    out = dict(profile)
    for key in _PERSONAL_FIELDS:
        if key in out:
            out[key] = [] if isinstance(out[key], list) else None
    return out
