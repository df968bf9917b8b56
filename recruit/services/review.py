"""Recruiter use cases: the ranked shortlist, candidate details, statuses, notes and exports.

The shortlist reads columns of `applications` that mirror the latest scored document (score,
knockouts, key facts, search text, criterion values). Scoring writes them as a step of its
own: `documents.score_document` (the worker, a small re-score, the candidate page) calls
`mirror_score`, and the vectorised re-score of a large opening writes them in bulk.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import and_, event, func, inspect, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from recruit.core.printable import unprintable
from recruit.core.redaction import MASK, Redactor, Unredacted
from recruit.core.search import identity_text, phone_key, profile_text, query_terms
from recruit.db.models import (
    APPLICATION_STATUSES,
    Application,
    Candidate,
    Document,
    Note,
    Opening,
    RequirementProfile,
    Score,
    User,
    parse_id,
    parse_token,
)
from recruit.db.search import prefilter
from recruit.services.accounts import audit
from recruit.services.errors import ServiceError, _l

PAGE_SIZE = 50
VIEWS = ("ranked", "knocked_out", "unscored")
SORTS = ("score", "newest", "sales", "typos")
READING_STATES = ("queued", "reading", "ok", "needs_review", "error")


# --- the mirror: application columns from the latest scored document ----------------------


def profile_facts(profile: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """Return the key facts the shortlist shows, from a stored profile's JSON.

    `name` is the candidate's: its words stay out of the search text (core.search).
    """
    exp = profile.get("experience") or {}
    positions = exp.get("positions") or []
    headline = ""
    if positions:
        first = positions[0]
        title, employer = first.get("title") or "", first.get("employer") or ""
        headline = f"{title} · {employer}" if title and employer else title or employer
    english = [
        lang.get("level")
        for lang in profile.get("languages") or []
        if (lang.get("code") or "").lower() == "en"
    ]
    levels = [lvl for lvl in english if lvl]
    skills = profile.get("skills") or []
    return {
        "typo_count": len(profile.get("typos") or []),
        "language": profile.get("language"),
        "sales_months": exp.get("sales_months"),
        "education": (profile.get("education") or {}).get("highest"),
        "english_level": max(levels) if levels else ("?" if english else None),
        "licence": ",".join(profile.get("driving_licence") or [])[:40],
        "headline": headline[:300],
        "skills": " ".join(f"{s.get('id', '')} {s.get('label', '')}" for s in skills),
        "search_text": profile_text(profile, [name]),
    }


def mirror(
    application: Application,
    document: Document,
    total: float,
    knockouts: list[str],
    version: int,
    values: bytes | None = None,
) -> None:
    """Copy a scored document's total, knockouts, key facts and criterion values onto its
    application (`values`: core.scoring.pack_rows's row for that version, None if unknown)."""
    facts = profile_facts(document.profile or {}, application.candidate.name)
    application.score = total
    application.knocked_out = bool(knockouts)
    application.knockouts = ",".join(knockouts)[:500]
    application.typo_count = facts["typo_count"]
    application.language = facts["language"]
    application.sales_months = facts["sales_months"]
    application.education = facts["education"]
    application.english_level = facts["english_level"]
    application.licence = facts["licence"]
    application.headline = facts["headline"]
    # Names, e-mail and phone are in search_identity, so blind review can leave them out.
    application.search_text = facts["search_text"]
    application.scored_document_id = document.id
    application.scored_version = version
    application.criterion_values = values


def mirror_score(
    document: Document,
    total: float,
    knockouts: list[str],
    version: RequirementProfile,
    values: bytes | None = None,
) -> bool:
    """Mirror a document's new score onto its application when it is the one the shortlist
    shows: the current version, and no newer CV of the candidate scored already.

    The step after every score write (`documents._Scorer`); returns whether it did.
    """
    application = document.application
    if application is None:
        return False
    if version.version != application.opening.current_version:
        return False
    # An older CV scored again must not hide the newer one the candidate sent.
    if (application.scored_document_id or 0) > document.id:
        return False
    mirror(application, document, total, knockouts, version.version, values)
    return True


@event.listens_for(Session, "before_flush")
def _identity_hook(session: Session, _context: Any, _instances: Any) -> None:
    # Not a step of each writer, unlike scores: a candidate's name, e-mail or phone is written
    # by the form, the import, the reader, the recruiter and erasure; none may forget it.
    _mirror_identities(session)


def _mirror_identities(session: Session) -> None:
    """Keep each candidate's phone key and their applications' identity text in step."""
    changed: dict[int, Candidate] = {}
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, Candidate) and (obj in session.new or _contact_changed(session, obj)):
            obj.phone_key = None if obj.erased_at else phone_key(obj.phone)
            if obj.id is not None:
                changed[obj.id] = obj
        elif isinstance(obj, Application) and obj in session.new:
            candidate = obj.candidate or (
                session.get(Candidate, obj.candidate_id) if obj.candidate_id else None
            )
            if candidate is not None:
                obj.search_identity = _identity(candidate)
    if not changed:
        return
    with session.no_autoflush:
        rows = session.scalars(
            select(Application).where(Application.candidate_id.in_(list(changed)))
        ).all()
    for application in rows:
        application.search_identity = _identity(changed[application.candidate_id])


def _contact_changed(session: Session, candidate: Candidate) -> bool:
    state = inspect(candidate)
    return any(
        state.attrs[key].history.has_changes() for key in ("name", "email", "phone", "erased_at")
    )


def _identity(candidate: Candidate) -> str:
    if candidate.erased_at is not None:
        return ""
    return identity_text(candidate.name, candidate.email, candidate.phone)


# --- the shortlist ------------------------------------------------------------------------


@dataclass(frozen=True)
class ShortlistFilter:
    """What the recruiter asked to see; every field comes from the query string."""

    view: str = "ranked"
    status: str = ""
    min_score: float | None = None
    has_typos: bool = False
    language: str = ""
    q: str = ""
    sort: str = "score"
    after: str = ""
    # False under blind review: a search by name would tell who an anonymous row is.
    match_names: bool = True
    # Statuses whose names are shown (so searched) even when match_names is False.
    revealed: frozenset[str] = frozenset()

    def params(self, **change: Any) -> dict[str, Any]:
        """Return the query-string form, with some fields changed (for links)."""
        data = {
            "view": self.view,
            "status": self.status,
            "min_score": "" if self.min_score is None else f"{self.min_score:g}",
            "typos": "1" if self.has_typos else "",
            "lang": self.language,
            "q": self.q,
            "sort": self.sort,
            "after": self.after,
        }
        data.update(change)
        return {k: v for k, v in data.items() if v not in ("", None)}


@dataclass
class ShortlistPage:
    rows: list[Application]
    next_cursor: str | None
    counts: dict[str, int]
    ranks: dict[int, int] = field(default_factory=dict)


def _sort_key(sort: str, view: str) -> tuple[Any, bool]:
    """Return (column, descending) of the first sort key; ties go by id, newest first."""
    if view == "unscored" or sort == "newest":
        return None, True
    if sort == "sales":
        return func.coalesce(Application.sales_months, -1), True
    if sort == "typos":
        return Application.typo_count, False
    return Application.score, True


# An erased candidate's application rows stay (anonymised, for the audit trail) but leave
# every list, count and export. They are parked knocked out with no score, a pair no other
# row has (an unscored application is never knocked out), so each view stays one range of
# the shortlist index: a join to candidates made the shortlist 12x slower at 100k rows.
ERASED = and_(Application.knocked_out.is_(True), Application.score.is_(None))


def park_erased(application: Application) -> None:
    """Take an erased candidate's application out of every view (see ERASED)."""
    application.score = None
    application.knocked_out = True
    application.knockouts = ""
    application.sales_months = None
    application.typo_count = 0
    application.scored_document_id = None
    application.scored_version = None


def _where(opening: Opening, flt: ShortlistFilter) -> list[Any]:
    clauses: list[Any] = [Application.opening_id == opening.id]
    if flt.view == "unscored":
        clauses += [Application.knocked_out.is_(False), Application.score.is_(None)]
    else:
        clauses += [
            Application.knocked_out.is_(flt.view == "knocked_out"),
            Application.score.is_not(None),
        ]
    if flt.status:
        clauses.append(Application.status == flt.status)
    if flt.min_score is not None:
        clauses.append(Application.score >= flt.min_score)
    if flt.has_typos:
        clauses.append(Application.typo_count > 0)
    if flt.language:
        clauses.append(Application.language == flt.language)
    names: Any = flt.match_names or (
        Application.status.in_(flt.revealed) if flt.revealed else False
    )
    clauses += search_clauses(flt.q, names)
    return clauses


def search_clauses(query: str, names: Any) -> list[Any]:
    """Return one clause per word of `query`: found in the CV's search text or, where `names`
    (True, False or a clause on the row) allows, in who the candidate is.

    Both texts and the words are folded alike (core.search), so plain LIKE finds `Ștefănescu`
    from `stefanescu` on SQLite and PostgreSQL; a phone is one word however it is spaced.
    """
    clauses: list[Any] = []
    terms = query_terms(query[:200])
    narrowed = prefilter(terms)  # the index's candidates; the LIKEs below decide
    if narrowed is not None:
        clauses.append(narrowed)
    for term in terms:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        in_text = Application.search_text.like(pattern, escape="\\")
        if names is False:
            clauses.append(in_text)
            continue
        in_identity = Application.search_identity.like(pattern, escape="\\")
        clauses.append(or_(in_text, in_identity if names is True else and_(names, in_identity)))
    return clauses


def _cursor_clause(key: Any, descending: bool, cursor: str) -> Any:
    """Keyset pagination: rows strictly after (value, id) in the page order."""
    try:
        raw_value, raw_id = cursor.rsplit(":", 1) if key is not None else ("0", cursor)
        value, last_id = float(raw_value), parse_id(raw_id)
    except ValueError:
        raise ServiceError(_l("invalid page cursor")) from None
    if last_id is None or not math.isfinite(value):
        raise ServiceError(_l("invalid page cursor"))
    return _beyond(key, descending, value, last_id, forward=True)


def _beyond(key: Any, descending: bool, value: Any, last_id: int, *, forward: bool) -> Any:
    """Rows strictly after (forward) or before (value, id) in the page order."""
    if key is None:
        return Application.id < last_id if forward else Application.id > last_id
    down = descending if forward else not descending
    tie = Application.id < last_id if forward else Application.id > last_id
    return or_(key < value if down else key > value, and_(key == value, tie))


def _order(key: Any, descending: bool, *, forward: bool = True) -> list[Any]:
    """Return the ORDER BY of the page order (ties newest first), or its reverse."""
    down = descending if forward else not descending
    order = [Application.id.desc() if forward else Application.id.asc()]
    if key is not None:
        order.insert(0, key.desc() if down else key.asc())
    return order


def neighbours(
    session: Session, opening: Opening, flt: ShortlistFilter, application: Application
) -> tuple[int | None, int | None]:
    """Return the ids before and after an application in the order of the shortlist it is in."""
    key, descending = _sort_key(flt.sort, flt.view)
    clauses = _where(opening, replace(flt, after=""))
    value = None
    if key is not None:
        value = session.execute(select(key).where(Application.id == application.id)).scalar()
        if value is None:
            return None, None  # not scored: it is not in this list's order
    found = []
    for forward in (False, True):
        query = (
            select(Application.id)
            .where(*clauses, _beyond(key, descending, value, application.id, forward=forward))
            .order_by(*_order(key, descending, forward=forward))
            .limit(1)
        )
        found.append(session.scalar(query))
    return found[0], found[1]


def shortlist(
    session: Session, opening: Opening, flt: ShortlistFilter, page_size: int = PAGE_SIZE
) -> ShortlistPage:
    """Return one page of the opening's applications, best first, with the view counts."""
    if flt.view not in VIEWS or flt.sort not in SORTS:
        raise ServiceError(_l("unknown view or sort order"))
    if flt.status and flt.status not in APPLICATION_STATUSES:
        raise ServiceError(_l("unknown status"))
    key, descending = _sort_key(flt.sort, flt.view)
    clauses = _where(opening, flt)
    if flt.after:
        clauses.append(_cursor_clause(key, descending, flt.after))
    query = (
        select(Application)
        .options(joinedload(Application.candidate))
        .where(*clauses)
        .order_by(*_order(key, descending))
        .limit(page_size + 1)
    )
    rows = list(session.scalars(query))
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        if key is None:
            next_cursor = str(last.id)
        else:
            value = session.execute(select(key).where(Application.id == last.id)).scalar()
            next_cursor = f"{float(value)!r}:{last.id}"
    return ShortlistPage(rows, next_cursor, view_counts(session, opening))


def view_counts(session: Session, opening: Opening) -> dict[str, int]:
    """Count the opening's applications per shortlist view.

    Three range counts on the shortlist index: a GROUP BY over it would sort 100k entries.
    Unscored applications are never knocked out, so all three are index ranges; erased
    ones (knocked out, no score) fall in none of them.
    """
    base = select(func.count()).select_from(Application).where(Application.opening_id == opening.id)
    return {
        "ranked": session.scalar(
            base.where(Application.knocked_out.is_(False), Application.score.is_not(None))
        )
        or 0,
        "knocked_out": session.scalar(
            base.where(Application.knocked_out.is_(True), Application.score.is_not(None))
        )
        or 0,
        "unscored": session.scalar(
            base.where(Application.knocked_out.is_(False), Application.score.is_(None))
        )
        or 0,
    }


def export_rows(
    session: Session, opening: Opening, flt: ShortlistFilter
) -> Iterator[tuple[int, Application, int]]:
    """Yield (rank, application, notes count) for every application matching the filter."""
    notes = dict(
        session.execute(
            select(Note.application_id, func.count())
            .join(Application, Note.application_id == Application.id)
            .where(Application.opening_id == opening.id)
            .group_by(Note.application_id)
        ).all()
    )
    key, descending = _sort_key(flt.sort, flt.view)
    query = (
        select(Application)
        .options(joinedload(Application.candidate))
        .where(*_where(opening, replace(flt, after="")))
        .order_by(*_order(key, descending))
        .execution_options(yield_per=1000)
    )
    for n, app in enumerate(session.scalars(query), start=1):
        yield n, app, notes.get(app.id, 0)


# --- dashboard and needs-review -----------------------------------------------------------


@dataclass
class OpeningStats:
    opening: Opening
    applications: int = 0
    new: int = 0
    reading: dict[str, int] = field(default_factory=lambda: dict.fromkeys(READING_STATES, 0))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form the dashboard refreshes from."""
        return {
            "id": self.opening.id,
            "applications": self.applications,
            "new": self.new,
            "reading": self.reading,
        }


def dashboard(session: Session, openings: Iterable[Opening]) -> list[OpeningStats]:
    """Count applications, new ones, and documents per reading state, per opening."""
    stats = {o.id: OpeningStats(o) for o in openings}
    if not stats:
        return []
    ids = list(stats)
    for opening_id, status, n in session.execute(
        select(Application.opening_id, Application.status, func.count())
        .where(Application.opening_id.in_(ids))
        .group_by(Application.opening_id, Application.status)
    ):
        stats[opening_id].applications += n
        if status == "new":
            stats[opening_id].new += n
    # Counted once on the status index, then the erased taken off: a short index range.
    for opening_id, status, n in session.execute(
        select(Application.opening_id, Application.status, func.count())
        .where(Application.opening_id.in_(ids), ERASED)
        .group_by(Application.opening_id, Application.status)
    ):
        stats[opening_id].applications -= n
        if status == "new":
            stats[opening_id].new -= n
    for opening_id, status, n in session.execute(
        select(Application.opening_id, Document.status, func.count())
        .join(Document, Document.application_id == Application.id)
        .where(Application.opening_id.in_(ids))
        .group_by(Application.opening_id, Document.status)
    ):
        stats[opening_id].reading[status] = stats[opening_id].reading.get(status, 0) + n
    return list(stats.values())


def needs_review(session: Session, opening_ids: Iterable[int], limit: int = 200) -> list[Document]:
    """Return the documents that could not be read (scanned, corrupt...), newest first.

    A file the candidate has since replaced by a newer upload needs nobody: it is left out.
    """
    newer = aliased(Document)
    return list(
        session.scalars(
            select(Document)
            .join(Application, Document.application_id == Application.id)
            .options(joinedload(Document.application).joinedload(Application.candidate))
            .where(
                Application.opening_id.in_(list(opening_ids)),
                Document.status.in_(("needs_review", "error")),
                ~select(newer.id)
                .where(newer.application_id == Document.application_id, newer.id > Document.id)
                .exists(),
            )
            .order_by(Document.id.desc())
            .limit(limit)
        )
    )


# --- one candidate ------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of CV text with the highlight classes that cover it."""

    text: str
    classes: str = ""
    title: str = ""
    anchor: str = ""


@dataclass
class CandidateDetail:
    application: Application
    document: Document | None  # the scored document, else the latest one
    score: Score | None
    version: int
    segments: list[Segment]  # the document's text, as the viewer may see it
    profile: dict[str, Any]  # as the viewer may see it
    breakdown: list[dict[str, Any]]  # the score's criteria, as the viewer may see them


def latest_read_document(application: Application) -> Document | None:
    """Return the newest document of the application that has an extracted profile."""
    read = [d for d in application.documents if d.profile is not None]
    return read[-1] if read else None


def shown_document(application: Application) -> Document | None:
    """Return the document the candidate page shows: the latest read one, else the latest."""
    return latest_read_document(application) or (
        application.documents[-1] if application.documents else None
    )


def candidate_detail(
    session: Session,
    application: Application,
    redactor: Redactor | None = None,
    label: Callable[[str], str] = str,
) -> CandidateDetail:
    """Gather the candidate page: the score under the current version, highlighted text.

    `redactor` hides who the candidate is (blind review) in the text, the evidence and the
    profile; it keeps the text's length, so the evidence offsets still point at the same words.
    `label` names a criterion in the reader's language, for the highlights' titles.
    """
    from recruit.services.documents import score_document
    from recruit.services.openings import current_profile

    redactor = redactor or Unredacted()
    opening = application.opening
    document = latest_read_document(application)
    version = current_profile(session, opening)
    score_row = None
    if document is not None:
        score_row = session.scalar(
            select(Score).where(Score.document_id == document.id, Score.profile_id == version.id)
        )
        if score_row is None:
            # Large re-scores store totals only; the breakdown is computed on first view
            # (flushed here, committed by the caller).
            score_row = score_document(session, document, opening)
    shown = shown_document(application)
    breakdown = redactor.value(score_row.breakdown) if score_row else []
    if score_row:
        # Criteria's labels and the explanations' msgids and named terms are the opening's and
        # the program's words, never the candidate's: masked, they could not be translated.
        breakdown = _keep_own_words(breakdown, score_row.breakdown)
    profile = redactor.profile(shown.profile if shown else None) or {}
    segments: list[Segment] = []
    if shown is not None and shown.text:
        text = redactor.text(shown.text)
        if len(text) != len(shown.text):  # a redaction must keep every offset; else show none
            text = MASK * len(shown.text)
        segments = highlight(text, breakdown, profile.get("typos") or [], label)
    return CandidateDetail(
        application, shown, score_row, version.version, segments, profile, breakdown
    )


_OWN_WORDS = ("label", "msgid", "term", "id", "type")


def _keep_own_words(masked: Any, original: Any) -> Any:
    """Return `masked` with the keys of _OWN_WORDS put back from `original`, at every depth."""
    if isinstance(masked, list) and isinstance(original, list) and len(masked) == len(original):
        return [_keep_own_words(m, o) for m, o in zip(masked, original, strict=True)]
    if isinstance(masked, dict) and isinstance(original, dict):
        return {
            k: original[k]
            if k in _OWN_WORDS and k in original and isinstance(original[k], str)
            else _keep_own_words(v, original.get(k))
            for k, v in masked.items()
        }
    return masked


def highlight(
    text: str,
    breakdown: list[dict[str, Any]],
    typos: list[dict[str, Any]],
    label: Callable[[str], str] = str,
) -> list[Segment]:
    """Cut the CV text into runs covered by evidence spans (skills, typos, knockouts, other).

    Returns plain text runs: the template escapes them, so a CV can never inject markup.
    """
    spans: list[tuple[int, int, str, str, str]] = []
    for c in breakdown:
        kind = (
            "typo"
            if c.get("type") == "written_accuracy"
            else ("skill" if c.get("type") == "skill" else "fact")
        )
        if c.get("knocked_out"):
            kind += " ko"
        for n, s in enumerate(c.get("spans") or []):
            if _matches(text, s):
                spans.append(
                    (s["start"], s["end"], kind, label(c.get("label", "")), f"ev-{c['id']}-{n}")
                )
    for n, t in enumerate(typos):
        if not _matches(text, {**t, "text": t.get("found")}):
            continue
        title = f"{t.get('found')} → {t.get('suggestion') or t.get('term')}"
        spans.append((t["start"], t["end"], "typo", title, f"typo-{n}"))
    size = len(text)
    spans = [s for s in spans if 0 <= s[0] < s[1] <= size]
    if not spans:
        return [Segment(text)]
    cuts = sorted({0, size, *(s[0] for s in spans), *(s[1] for s in spans)})
    out: list[Segment] = []
    used: set[str] = set()
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in spans if s[0] <= start and end <= s[1]]
        if not covering:
            out.append(Segment(text[start:end]))
            continue
        classes = sorted({c for s in covering for c in s[2].split()})
        # A typo inside a skill phrase shows as a typo: that is what the recruiter must see.
        title = "; ".join(dict.fromkeys(s[3] for s in covering if s[3]))
        anchor = next((s[4] for s in covering if s[0] == start and s[4] not in used), "")
        used.add(anchor)
        out.append(Segment(text[start:end], " ".join(classes), title, anchor))
    return out


def _matches(text: str, span: dict[str, Any]) -> bool:
    """Tell whether a span's offsets still point at its words (a redacted span counts)."""
    start, end, expected = span.get("start", -1), span.get("end", -1), span.get("text")
    if not 0 <= start < end <= len(text):
        return False
    found = text[start:end]
    if expected is None or set(found) <= {MASK, " ", "\n"}:
        return True
    return " ".join(found.split()) == " ".join(str(expected).split())


def set_status(session: Session, application: Application, status: str, actor: User) -> None:
    """Change an application's status (a person's decision), with an audit record."""
    if status not in APPLICATION_STATUSES:
        raise ServiceError(_l("unknown status %(status)s"), status=status)
    if application.status == status:
        return
    previous, application.status = application.status, status
    audit(
        session,
        "application.status",
        "application",
        application.id,
        actor,
        previous=previous,
        status=status,
    )


def bulk_set_status(
    session: Session, opening: Opening, ids: Iterable[int], status: str, actor: User
) -> int:
    """Change the status of several applications of one opening; return how many changed."""
    return len(bulk_change_status(session, opening, ids, status, actor))


def bulk_change_status(
    session: Session, opening: Opening, ids: Iterable[int], status: str, actor: User
) -> list[Application]:
    """Change the status of several applications of one opening; return those it changed.

    Only these have news for their candidates: one already in `status` is left alone.
    """
    if status not in APPLICATION_STATUSES:
        raise ServiceError(_l("unknown status %(status)s"), status=status)
    wanted = {int(i) for i in ids}
    if not wanted:
        raise ServiceError(_l("choose at least one candidate"))
    rows = session.scalars(
        select(Application)
        .where(Application.opening_id == opening.id, Application.id.in_(wanted), ~ERASED)
        .order_by(Application.id)
    )
    changed = []
    for application in rows:
        if application.status != status:
            set_status(session, application, status, actor)
            changed.append(application)
    return changed


def add_note(session: Session, application: Application, body: str, author: User) -> Note:
    """Add a recruiter's note to an application."""
    body = body.strip()
    if not body:
        raise ServiceError(_l("a note cannot be empty"))
    if unprintable(body, multiline=True):
        raise ServiceError(_l("the note holds invisible control characters; type it again"))
    note = Note(application_id=application.id, author_id=author.id, body=body[:5000])
    session.add(note)
    session.flush()
    return note


def find_application(session: Session, token: str) -> Application | None:
    """Return the application with this private status token."""
    if parse_token(token) is None:
        return None
    return session.scalar(select(Application).where(Application.status_token == token))


def candidate_state(application: Application) -> tuple[str, Document | None]:
    """Return what the candidate sees: received, reading, attention or review."""
    if not application.documents:
        return "received", None
    latest = application.documents[-1]
    state = {
        "queued": "received",
        "reading": "reading",
        "needs_review": "attention",
        "error": "attention",
    }.get(latest.status, "review")
    return state, latest


def histogram(session: Session, opening: Opening, bins: int = 10) -> list[int]:
    """Count the scored applications per score band of width 100/bins (knocked-out included)."""
    counts = [0] * bins
    band = func.floor(Application.score * bins / 100)
    for value, n in session.execute(
        select(band, func.count())
        .where(Application.opening_id == opening.id, Application.score.is_not(None))
        .group_by(band)
    ):
        counts[min(int(value), bins - 1)] += n
    return counts


def update_contact(
    session: Session,
    application: Application,
    actor: User,
    *,
    name: str | None,
    email: str | None,
    phone: str | None,
) -> list[str]:
    """Correct a candidate's name, e-mail and phone (empty means unknown); audit what changed.

    A phone is kept in E.164 when it is a valid number (Romania by default), as read CVs are.
    """
    from recruit.core.contacts import PHONE, find_contacts, normalise_email, values
    from recruit.services.documents import key_by_email  # documents imports this module

    candidate = application.candidate
    if candidate.erased_at is not None:
        raise ServiceError(_l("this candidate was erased"))
    fields: dict[str, str | None] = {
        "name": " ".join((name or "").split())[:200] or None,
        "email": normalise_email(email or "")[:254] or None,
        "phone": None,
    }
    if phone and phone.strip():
        found = values(find_contacts(phone), PHONE)
        if not found:
            raise ServiceError(_l("phone: not a valid phone number"))
        fields["phone"] = found[0]
    changed = [key for key, value in fields.items() if getattr(candidate, key) != value]
    for key in changed:
        setattr(candidate, key, fields[key])
    if changed:
        # Which fields, never their values: the audit log must not become a copy of the data.
        audit(session, "candidate.contact_changed", "application", application.id, actor,
              fields=changed)  # fmt: skip
        key_by_email(session, application)  # an imported one's address, typed by the recruiter
    return changed
