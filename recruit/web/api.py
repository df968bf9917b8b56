"""The JSON API under /api/v1: what the pages do, with the same sign-in and permissions.

Authentication is the staff session cookie (sign in at /auth/sign-in); write requests carry
the CSRF token from GET /api/v1/csrf-token in an X-CSRFToken header, as the pages' scripts do.

Each view declares what it takes and returns with the schemas of `recruit.web.schemas`
(flask-smorest parses the input and dumps the output with them) and who may call it with
`access`, which checks the role and documents it: GET /api/v1/openapi.json is generated from
those declarations and the URL map, never written by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from flask import Flask, current_app, jsonify, request, url_for
from flask_login import current_user
from flask_smorest import Api, Blueprint, abort
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Response

from recruit import services
from recruit.core.media import cv_media_type
from recruit.core.roles import criterion_schema
from recruit.db.models import APPLICATION_STATUSES, Application, Note, Opening, User
from recruit.services import (
    ServiceError,
    current_profile,
    duplicates,
    requirements,
    review,
    talent,
)
from recruit.services import openings as opening_service
from recruit.services.requirements import ProfileError
from recruit.web import schemas as s
from recruit.web.app import db_session, storage
from recruit.web.permissions import (
    CandidateView,
    application_or_404,
    candidate_view,
    opening_or_404,
    public_route,
    roles_required,
    talent_scope,
    visible_openings_query,
)
from recruit.web.security import error_page

F = TypeVar("F", bound=Callable[..., Any])

STAFF = ("recruiter", "admin")
MANAGERS = ("hiring_manager", "admin")
ANY_STAFF = ("recruiter", "hiring_manager", "admin")


class _Parser(FlaskParser):
    """webargs' parser: a 400 naming each field that is wrong; form and files as one body."""

    DEFAULT_VALIDATION_STATUS = 400
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req: Any, schema: Any) -> Any:
        """Return the form fields and the files of a multipart request together."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def handle_error(self, error: Any, req: Any, schema: Any, **_: Any) -> NoReturn:
        """Answer 400 with the problem of each field."""
        abort(400, message="invalid request", errors=_by_field(error.normalized_messages()))


def _by_field(messages: Mapping[str, Any]) -> dict[str, str]:
    """Flatten webargs' {location: {field: [messages]}} to {field: "message; message"}."""
    out: dict[str, str] = {}
    for location, problems in messages.items():
        if not isinstance(problems, Mapping):
            out[location] = _text(problems)
            continue
        for name, problem in problems.items():
            out["body" if name == "_schema" else name] = _text(problem)
    return out


def _text(problem: Any) -> str:
    if isinstance(problem, Mapping):
        return "; ".join(f"{k}: {_text(v)}" for k, v in problem.items())
    if isinstance(problem, list | tuple):
        return "; ".join(_text(p) for p in problem)
    return str(problem)


class _Blueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }


class _Api(Api):
    """flask-smorest's Api, documenting each error response itself."""

    ERROR_SCHEMA = s.ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        # Errors under /api/v1 are answered by the blueprint's handler; the pages keep
        # their own error pages (smorest would answer every error of the app in JSON).
        pass


bp = _Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Openings, applications, statuses, notes and requirements.",
)

SECURITY_SCHEMES = {
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "the staff session cookie, from signing in at /auth/sign-in",
    },
    "csrf": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRFToken",
        "description": "on writes: the token of GET /api/v1/csrf-token",
    },
}


def init_api(app: Flask) -> Api:
    """Register the API blueprint and build its OpenAPI document from the routes."""
    app.config.setdefault("API_TITLE", "recruit API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # served by `openapi` below
    api = _Api(app)
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    # The criterion schema is read from the registry of criterion types, not written here.
    api.spec.components.schema("Criterion", component=criterion_schema())
    api.spec.components.schema(
        "Requirements",
        component={
            "type": "object",
            "description": "a requirement profile: its criteria, and what its role file says",
            "properties": {"criteria": {"type": "array", "items": s.CRITERION_REF}},
            "required": ["criteria"],
        },
    )
    api.register_blueprint(bp)
    app.extensions["recruit.api"] = api
    # A path under /api/v1 that no route takes (or not with that method) is the blueprint's
    # too, though routing never reached it: answered in JSON like its other errors.
    for code in (404, 405):
        app.register_error_handler(code, _api_or_page)
    return api


def _api_or_page(exc: HTTPException) -> Any:
    exc = missing_or_not_allowed(exc)
    if request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/"):
        return _json_error(exc)
    return error_page(exc)


def missing_or_not_allowed(exc: HTTPException) -> HTTPException:
    """Return a 404 for a 405 whose "allowed" methods find nothing at that path either.

    Werkzeug answers 405 when an id converter refuses a path (`/openings/0`) that a rule of
    another method shares: no method reaches anything there, so it is not found.
    """
    if not isinstance(exc, MethodNotAllowed):
        return exc
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in exc.valid_methods or ():
        if method in ("HEAD", "OPTIONS"):
            continue
        try:
            adapter.match(method=method)
        except NotFound:
            continue
        except HTTPException:  # a redirect, or another method again: the path is there
            return exc
        return exc
    return NotFound()


def access(*roles: str, write: bool = False, ids: bool = True) -> Callable[[F], F]:
    """Let signed-in staff of `roles` through (401, 403 otherwise) and document it.

    `write`: a request that changes something, so it needs the CSRF header; `ids`: the path
    names an opening or application, answered 404 when the caller does not work on it.
    """

    def decorator(view: F) -> F:
        documented = getattr(view, "_apidoc", {})

        @wraps(view)
        def members_only(*args: Any, **kwargs: Any) -> Any:
            # Before the body is read: whoever does not work on the opening learns nothing,
            # not even that their request was malformed.
            if "opening_id" in kwargs:
                opening_or_404(kwargs["opening_id"])
            if "application_id" in kwargs:
                application_or_404(kwargs["application_id"])
            return view(*args, **kwargs)

        guarded: Any = roles_required(*roles)(members_only if ids else view)
        codes = {"BAD_REQUEST": 400, "UNAUTHORIZED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404}
        errors = ["UNAUTHORIZED", "FORBIDDEN"] + (["NOT_FOUND"] if ids else [])
        if write and "arguments" not in documented:
            errors.append("BAD_REQUEST")  # a missing or stale CSRF token
        for name in errors:
            guarded = bp.alt_response(codes[name], response=name)(guarded)
        scope = " Only openings the caller works on (admins: all)." if ids else ""
        return bp.doc(  # type: ignore[no-any-return]
            security=[{"session": [], "csrf": []} if write else {"session": []}],
            description=f"Roles: {', '.join(roles)}.{scope}",
        )(guarded)

    return decorator


@bp.errorhandler(HTTPException)
def _json_error(exc: HTTPException) -> tuple[Response, int]:
    data = getattr(exc, "data", None) or {}
    body: dict[str, Any] = {"error": exc.name, "message": data.get("message") or exc.description}
    if data.get("errors"):
        body["fields"] = data["errors"]
    return jsonify(body), exc.code or 500


def _bad(message: str, **fields: str) -> NoReturn:
    abort(400, message=message, errors=fields or None)


def _actor() -> User:
    return db_session().merge(current_user.user)


# --- the description and the token ------------------------------------------------------------


@bp.get("/openapi.json")
@public_route
@bp.response(200, {"type": "object"}, description="this document (OpenAPI 3.1)")
def openapi() -> Response:
    """Describe the API (OpenAPI 3.1)."""
    return jsonify(current_app.extensions["recruit.api"].spec.to_dict())


@bp.get("/csrf-token")
@access(*ANY_STAFF, ids=False)
@bp.response(200, s.CsrfTokenSchema)
def csrf_token() -> dict[str, str]:
    """Return a CSRF token for this session's write requests."""
    return {"csrf_token": generate_csrf()}


# --- openings ---------------------------------------------------------------------------------


def _opening(o: Opening) -> dict[str, Any]:
    return opening_service.describe(o) | {"url": url_for("api.opening", opening_id=o.id)}


def _users(ids: list[int] | None) -> list[User] | None:
    if ids is None:
        return None
    return list(db_session().scalars(select(User).where(User.id.in_(ids)))) if ids else []


@bp.get("/openings")
@access(*ANY_STAFF, ids=False)
@bp.response(200, s.OpeningListSchema)
def openings() -> dict[str, Any]:
    """List the openings the caller works on, with counts."""
    rows = list(db_session().scalars(visible_openings_query().order_by(Opening.id)))
    stats = {st.opening.id: st.to_dict() for st in review.dashboard(db_session(), rows)}
    return {"items": [_opening(o) | {"counts": stats.get(o.id)} for o in rows]}


@bp.post("/openings")
@access(*STAFF, write=True, ids=False)
@bp.arguments(s.OpeningCreateSchema)
@bp.response(201, s.OpeningSchema)
def create_opening(body: dict[str, Any]) -> dict[str, Any]:
    """Create an opening from a built-in role or a copy of another opening's requirements."""
    source = None
    if "copy_from" in body:
        try:
            source = opening_or_404(body.pop("copy_from"))
        except NotFound:
            _bad("invalid request", copy_from="no opening of yours has this id")
    members = _users(body.pop("members", None)) or []
    try:
        o = opening_service.create_opening(
            db_session(),
            role_id=str(body.pop("role", "")),
            author=_actor(),
            copy_from=source,
            members=members,
            **body,
        )
    except ServiceError as exc:
        db_session().rollback()
        _bad(str(exc))
    db_session().commit()
    return _opening(o)


@bp.get("/openings/<int:opening_id>")
@access(*ANY_STAFF)
@bp.response(200, s.OpeningDetailSchema)
def opening(opening_id: int) -> dict[str, Any]:
    """Return one opening with its current requirement profile."""
    o = opening_or_404(opening_id)
    return _opening(o) | {"requirements": current_profile(db_session(), o).criteria}


@bp.patch("/openings/<int:opening_id>")
@access(*STAFF, write=True)
@bp.arguments(s.OpeningFieldsSchema)
@bp.response(200, s.OpeningSchema)
def update_opening(body: dict[str, Any], opening_id: int) -> dict[str, Any]:
    """Change an opening's fields (only those sent) and, with "members", who works on it."""
    o = opening_or_404(opening_id, STAFF)
    members = _users(body.pop("members", None))
    try:
        opening_service.update_opening(db_session(), o, _actor(), **body)
        if members is not None:
            opening_service.set_members(db_session(), o, members, _actor())
    except ServiceError as exc:
        db_session().rollback()
        _bad(str(exc))
    db_session().commit()
    return _opening(o)


@bp.post("/openings/<int:opening_id>/close")
@access(*STAFF, write=True)
@bp.response(200, s.OpeningSchema)
def close_opening(opening_id: int) -> dict[str, Any]:
    """Stop taking applications."""
    o = opening_or_404(opening_id, STAFF)
    opening_service.close_opening(db_session(), o, _actor())
    db_session().commit()
    return _opening(o)


@bp.post("/openings/<int:opening_id>/reopen")
@access(*STAFF, write=True)
@bp.response(200, s.OpeningSchema)
def reopen_opening(opening_id: int) -> dict[str, Any]:
    """Take applications again (a closing day already past is cleared)."""
    o = opening_or_404(opening_id, STAFF)
    opening_service.reopen_opening(db_session(), o, _actor())
    db_session().commit()
    return _opening(o)


# --- applications -----------------------------------------------------------------------------


def _application(
    a: Application, related: dict[int, list[int]], view: CandidateView | None = None
) -> dict[str, Any]:
    view = view or candidate_view(a)
    return {
        "id": a.id,
        "opening_id": a.opening_id,
        "name": view.name,
        "email": view.email,
        # Sent to the opening with an e-mail used before: a possible duplicate of that one.
        "duplicate_of": a.duplicate_of_id,
        "duplicates": [] if a.duplicate_of_id else related.get(a.id, []),
        "same_person": a.linked_at is not None,
        "status": a.status,
        "score": a.score,
        "knocked_out": a.knocked_out,
        "knockouts": [k for k in a.knockouts.split(",") if k],
        "headline": view.headline,
        "facts": {
            "sales_months": a.sales_months,
            "education": a.education,
            "english": a.english_level,
            "licence": [c for c in a.licence.split(",") if c],
            "typos": a.typo_count,
            "language": a.language,
        },
        "applied_at": a.created_at,
        "url": url_for("api.application", application_id=a.id),
    }


@bp.get("/search")
@access(*STAFF, ids=False)
@bp.arguments(s.SearchQuerySchema, location="query")
@bp.response(200, s.SearchResultSchema)
def search(query: dict[str, Any]) -> dict[str, Any]:
    """Search the talent pool: every opening the caller works on, one item per person."""
    result = talent.search(db_session(), query["q"], talent_scope())
    people = []
    for person in result.people:
        view = candidate_view(person.latest)
        people.append(
            {
                "name": view.name,
                "email": view.email,
                "phone": view.phone,
                "headline": view.headline,
                "applications": [
                    {
                        "id": a.id,
                        "opening_id": a.opening_id,
                        "opening": a.opening.title,
                        "status": a.status,
                        "score": a.score,
                        "applied_at": a.created_at,
                        "url": url_for("api.application", application_id=a.id),
                    }
                    for a in person.applications
                ],
            }
        )
    return {"people": people, "more": result.more}


@bp.get("/openings/<int:opening_id>/applications")
@access(*STAFF)
@bp.arguments(s.ShortlistQuerySchema, location="query")
@bp.response(200, s.ShortlistSchema)
def applications(query: dict[str, Any], opening_id: int) -> dict[str, Any]:
    """Return one page of the ranked shortlist; filters as on the page, `after` to go on."""
    from recruit.web.recruiter import filter_from_args

    o = opening_or_404(opening_id)
    try:
        # The schema checked the query; the page's reader builds the same filter from it.
        page = review.shortlist(db_session(), o, filter_from_args(request.args, o), query["limit"])
    except (ValueError, ServiceError) as exc:
        _bad(str(exc), after="not a cursor this list gave")
    related = duplicates.related(db_session(), [a.id for a in page.rows])
    return {
        "items": [_application(a, related) for a in page.rows],
        "next": page.next_cursor,
        "counts": page.counts,
    }


@bp.get("/applications/<int:application_id>")
@access(*STAFF)
@bp.response(200, s.ApplicationDetailSchema)
def application(application_id: int) -> dict[str, Any]:
    """Return an application with its score breakdown (points, weight, evidence)."""
    a = application_or_404(application_id)
    view = candidate_view(a, review.shown_document(a))
    detail = review.candidate_detail(db_session(), a, view.redactor)
    db_session().commit()  # a breakdown computed on first view is kept
    score = detail.score
    return _application(a, duplicates.related(db_session(), [a.id]), view) | {
        "score_detail": None
        if score is None
        else {
            "version": detail.version,
            "total": score.total,
            "knockouts": score.knockouts,
            "criteria": detail.breakdown,
        },
        "documents": [
            {
                "id": d.id,
                "status": d.status,
                "error": {"code": d.error_code, "message": d.error_message}
                if d.error_code
                else None,
                "received_at": d.created_at,
            }
            for d in a.documents
        ],
    }


@bp.post("/openings/<int:opening_id>/documents")
@access(*STAFF, write=True)
@bp.arguments(s.UploadSchema, location="multipart")
@bp.response(201, s.UploadedSchema)
@bp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@bp.alt_response(507, response="INSUFFICIENT_STORAGE")
def upload(form: dict[str, Any], opening_id: int) -> dict[str, Any]:
    """Add a CV received outside the site (multipart: file, name, email, phone, consent)."""
    o = opening_or_404(opening_id)
    file = form["file"]
    data = file.read()
    if cv_media_type(data) is None:
        _bad("the file is not a PDF, DOCX, JPEG or PNG", file="not a PDF, DOCX, JPEG or PNG")
    try:
        submission = services.submit_application(
            db_session(),
            storage(),
            o,
            name=form["name"].strip(),
            email=form["email"].strip(),
            phone=form["phone"],
            filename=file.filename or "cv",
            data=data,
            consent_version="staff-upload",
        )
    except ServiceError as exc:
        db_session().rollback()
        _bad(str(exc))
    db_session().commit()
    return {
        "application_id": submission.application.id,
        "document_id": submission.document.id,
        "status": submission.document.status,
        "url": url_for("api.application", application_id=submission.application.id),
    }


# --- statuses ---------------------------------------------------------------------------------


@bp.get("/statuses")
@access(*ANY_STAFF, ids=False)
@bp.response(200, s.StatusListSchema)
def statuses() -> dict[str, Any]:
    """List the statuses an application can have, named in the caller's language."""
    from recruit.web.recruiter import STATUS_LABELS

    return {"items": [{"id": k, "label": str(STATUS_LABELS[k])} for k in APPLICATION_STATUSES]}


@bp.post("/applications/<int:application_id>/status")
@access(*STAFF, write=True)
@bp.arguments(s.StatusChangeSchema)
@bp.response(200, s.ChangedApplicationSchema)
def set_status(body: dict[str, Any], application_id: int) -> dict[str, Any]:
    """Change the status; a rejection needs "confirm": true; "notify": true e-mails it."""
    from recruit.web.recruiter import announce

    a = application_or_404(application_id)
    review.set_status(db_session(), a, body["status"], current_user.user)
    told = body["notify"] and announce(a)
    db_session().commit()
    return _application(a, duplicates.related(db_session(), [a.id])) | {"emailed": told}


@bp.post("/openings/<int:opening_id>/applications/status")
@access(*STAFF, write=True)
@bp.arguments(s.BulkStatusSchema)
@bp.response(200, s.BulkStatusResultSchema)
def bulk_status(body: dict[str, Any], opening_id: int) -> dict[str, Any]:
    """Change the status of several applications of one opening; say how many changed.

    With "notify": true each changed one's candidate is e-mailed the new status, where they
    have an address and blind review does not hide them from the caller.
    """
    from recruit.web.recruiter import announce_all

    o = opening_or_404(opening_id, STAFF)
    try:
        changed = review.bulk_change_status(
            db_session(), o, body["application_ids"], body["status"], current_user.user
        )
    except ServiceError as exc:
        db_session().rollback()
        _bad(str(exc))
    told, untold = announce_all(o, changed) if body["notify"] else ([], [])
    db_session().commit()
    return {"changed": len(changed), "emailed": told, "not_emailed": untold}


# --- notes ------------------------------------------------------------------------------------


def _note(note: Note, body: str) -> dict[str, Any]:
    author = note.author
    return {
        "id": note.id,
        "author_id": note.author_id,
        "author": (author.name or author.email) if author else None,
        "body": body,
        "created_at": note.created_at,
    }


@bp.get("/applications/<int:application_id>/notes")
@access(*STAFF)
@bp.response(200, s.NoteListSchema)
def notes(application_id: int) -> dict[str, Any]:
    """List the recruiters' notes on an application, oldest first."""
    view = candidate_view(application_or_404(application_id))
    return {"items": [_note(note, body) for note, body in view.notes]}


@bp.post("/applications/<int:application_id>/notes")
@access(*STAFF, write=True)
@bp.arguments(s.NoteInSchema)
@bp.response(201, s.NoteSchema)
def add_note(body: dict[str, Any], application_id: int) -> dict[str, Any]:
    """Add a note to an application."""
    a = application_or_404(application_id)
    try:
        note = review.add_note(db_session(), a, body["body"], current_user.user)
    except ServiceError as exc:
        db_session().rollback()
        _bad(str(exc), body=str(exc))
    db_session().commit()
    return _note(note, candidate_view(a).text(note.body))


# --- requirements -----------------------------------------------------------------------------


@bp.get("/openings/<int:opening_id>/profiles")
@access(*ANY_STAFF)
@bp.response(200, s.ProfileListSchema)
def profiles(opening_id: int) -> dict[str, Any]:
    """List the requirement-profile versions, newest first."""
    o = opening_or_404(opening_id)
    return {
        "current_version": o.current_version,
        "items": [
            {
                "version": r.version,
                "author_id": r.author_id,
                "note": r.note,
                "created_at": r.created_at,
                "criteria": r.criteria,
            }
            for r in requirements.versions(db_session(), o)
        ],
    }


def _requirements(o: Opening, criteria: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the opening's current profile with these criteria, checked (a 400 if not)."""
    base = current_profile(db_session(), o).criteria
    data = {k: v for k, v in base.items() if k != "criteria"} | {"criteria": criteria}
    try:
        requirements.validate(data)
    except ProfileError as exc:
        _bad(str(exc), criteria=str(exc))
    return data


@bp.post("/openings/<int:opening_id>/profiles")
@access(*MANAGERS, write=True)
@bp.arguments(s.CriteriaSchema)
@bp.response(201, s.SavedProfileSchema)
def new_profile(body: dict[str, Any], opening_id: int) -> dict[str, Any]:
    """Save a new requirement version (then the opening is re-scored)."""
    o = opening_or_404(opening_id, MANAGERS)
    row = requirements.save_version(
        db_session(),
        o,
        _requirements(o, body["criteria"]),
        current_user.user,
        body["note"],
        Path(current_app.instance_path) / "cache",
    )
    db_session().commit()
    return {"version": row.version, "criteria": row.criteria}


@bp.post("/openings/<int:opening_id>/preview")
@access(*MANAGERS, write=True)
@bp.arguments(s.CriteriaSchema)
@bp.response(200, s.PreviewSchema)
def preview(body: dict[str, Any], opening_id: int) -> dict[str, Any]:
    """Re-rank under unsaved criteria; return the top 20 and who moved."""
    o = opening_or_404(opening_id, MANAGERS)
    data = _requirements(o, body["criteria"])
    result = requirements.preview(
        db_session(), o, requirements.validate(data), Path(current_app.instance_path) / "cache"
    )
    return {
        "top": [
            {
                "application_id": r.application_id,
                "score": r.score,
                "rank": r.rank,
                "previous_rank": r.previous_rank,
            }
            for r in result.top
        ],
        "ranked": result.ranked,
        "knocked_out": result.knocked_out,
        "histogram": result.histogram,
    }
