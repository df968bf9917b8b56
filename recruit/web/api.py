"""The JSON API under /api/v1: what the pages do, with the same sign-in and permissions.

Authentication is the staff session cookie (sign in at /auth/sign-in); write requests carry
the CSRF token from GET /api/v1/csrf-token in an X-CSRFToken header, as the pages' scripts do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from recruit import services
from recruit.core.media import cv_media_type
from recruit.core.roles import MAX_CRITERIA, criterion_schema
from recruit.db.models import APPLICATION_STATUSES, Application, Opening, User
from recruit.services import ServiceError, current_profile, duplicates, requirements, review
from recruit.services import openings as opening_service
from recruit.services.requirements import ProfileError
from recruit.web.app import db_session, storage
from recruit.web.permissions import (
    CandidateView,
    application_or_404,
    candidate_view,
    opening_or_404,
    public_route,
    roles_required,
    visible_openings_query,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

STAFF = ("recruiter", "admin")
MANAGERS = ("hiring_manager", "admin")
ANY_STAFF = ("recruiter", "hiring_manager", "admin")


@bp.errorhandler(HTTPException)
def _json_error(exc: HTTPException) -> tuple[Response, int]:
    return jsonify({"error": exc.name, "message": exc.description}), exc.code or 500


def _bad(message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": "Bad Request", "message": message, **extra}), 400


def _opening(o: Opening) -> dict[str, Any]:
    return opening_service.describe(o) | {"url": url_for("api.opening", opening_id=o.id)}


# What POST and PATCH /openings take besides "role", "copy_from" and "members".
_OPENING_FIELDS = {
    "title": str,
    "location": str,
    "description": str,
    "employment_type": str,
    "salary_min": (int, type(None)),
    "salary_max": (int, type(None)),
    "salary_currency": (str, type(None)),
    "closes_on": (str, type(None)),
}


def _opening_body(*, creating: bool) -> tuple[dict[str, Any], dict[str, Any]] | tuple[None, Any]:
    """Read an opening's fields from a JSON body; return (fields, body) or (None, a 400)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, _bad("send a JSON object")
    allowed = set(_OPENING_FIELDS) | {"members"} | ({"role", "copy_from"} if creating else set())
    errors = {k: "unknown field" for k in body if k not in allowed}
    fields: dict[str, Any] = {}
    for key, kind in _OPENING_FIELDS.items():
        if key not in body:
            continue
        value = body[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            errors[key] = "wrong type"
        elif key == "closes_on" and value is not None:
            try:
                fields[key] = dt.date.fromisoformat(value)
            except ValueError:
                errors[key] = "a date as YYYY-MM-DD"
        else:
            fields[key] = value
    members = body.get("members")
    if members is not None and (
        not isinstance(members, list)
        or not all(isinstance(m, int) and not isinstance(m, bool) for m in members)
    ):
        errors["members"] = "a list of user ids"
    if creating and not isinstance(body.get("title"), str):
        errors["title"] = "required"
    if creating and ("role" in body) == ("copy_from" in body):
        errors["role"] = 'give either "role" (a built-in role id) or "copy_from" (an opening id)'
    if errors:
        return None, _bad("invalid opening", fields=errors)
    return fields, body


def _users(ids: list[int] | None) -> list[User] | None:
    if ids is None:
        return None
    return list(db_session().scalars(select(User).where(User.id.in_(ids)))) if ids else []


def _actor() -> User:
    return db_session().merge(current_user.user)


@bp.post("/openings")
@roles_required(*STAFF)
def create_opening() -> tuple[Response, int]:
    """Create an opening from a built-in role or a copy of another opening's requirements."""
    fields, body = _opening_body(creating=True)
    if fields is None:
        return body
    source = None
    if "copy_from" in body:
        if not isinstance(body["copy_from"], int) or isinstance(body["copy_from"], bool):
            return _bad("invalid opening", fields={"copy_from": "an opening id"})
        source = opening_or_404(body["copy_from"])
    try:
        o = opening_service.create_opening(
            db_session(),
            role_id=str(body.get("role", "")),
            author=_actor(),
            copy_from=source,
            members=_users(body.get("members")) or [],
            **fields,
        )
    except ServiceError as exc:
        db_session().rollback()
        return _bad(str(exc))
    db_session().commit()
    return jsonify(_opening(o)), 201


@bp.patch("/openings/<int:opening_id>")
@roles_required(*STAFF)
def update_opening(opening_id: int) -> Response | tuple[Response, int]:
    """Change an opening's fields (only those sent) and, with "members", who works on it."""
    o = opening_or_404(opening_id, STAFF)
    fields, body = _opening_body(creating=False)
    if fields is None:
        return body
    try:
        opening_service.update_opening(db_session(), o, _actor(), **fields)
        members = _users(body.get("members"))
        if members is not None:
            opening_service.set_members(db_session(), o, members, _actor())
    except ServiceError as exc:
        db_session().rollback()
        return _bad(str(exc))
    db_session().commit()
    return jsonify(_opening(o))


@bp.post("/openings/<int:opening_id>/close")
@roles_required(*STAFF)
def close_opening(opening_id: int) -> Response:
    """Stop taking applications."""
    o = opening_or_404(opening_id, STAFF)
    opening_service.close_opening(db_session(), o, _actor())
    db_session().commit()
    return jsonify(_opening(o))


@bp.post("/openings/<int:opening_id>/reopen")
@roles_required(*STAFF)
def reopen_opening(opening_id: int) -> Response:
    """Take applications again (a closing day already past is cleared)."""
    o = opening_or_404(opening_id, STAFF)
    opening_service.reopen_opening(db_session(), o, _actor())
    db_session().commit()
    return jsonify(_opening(o))


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
        "applied_at": a.created_at.isoformat(),
        "url": url_for("api.application", application_id=a.id),
    }


@bp.get("/openapi.json")
@public_route
def openapi() -> Response:
    """Describe the API (OpenAPI 3.1)."""
    spec = dict(OPENAPI)
    # The criterion schema is read from the registry of criterion types, not written here.
    spec["components"] = OPENAPI["components"] | {
        "schemas": {
            "Criterion": criterion_schema(),
            "Criteria": {
                "type": "object",
                "properties": {
                    "criteria": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Criterion"},
                        "minItems": 1,
                        "maxItems": MAX_CRITERIA,
                    },
                    "note": {"type": "string", "maxLength": 500},
                },
                "required": ["criteria"],
            },
        }
    }
    return jsonify(spec)


@bp.get("/csrf-token")
@roles_required(*ANY_STAFF)
def csrf_token() -> Response:
    """Return a CSRF token for this session's write requests."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/openings")
@roles_required(*ANY_STAFF)
def openings() -> Response:
    """List the openings the caller works on, with counts."""
    rows = list(db_session().scalars(visible_openings_query().order_by(Opening.id)))
    stats = {s.opening.id: s.to_dict() for s in review.dashboard(db_session(), rows)}
    return jsonify({"items": [_opening(o) | {"counts": stats.get(o.id)} for o in rows]})


@bp.get("/openings/<int:opening_id>")
@roles_required(*ANY_STAFF)
def opening(opening_id: int) -> Response:
    """Return one opening with its current requirement profile."""
    o = opening_or_404(opening_id)
    return jsonify(_opening(o) | {"requirements": current_profile(db_session(), o).criteria})


@bp.get("/openings/<int:opening_id>/applications")
@roles_required(*STAFF)
def applications(opening_id: int) -> Response | tuple[Response, int]:
    """Return one page of the ranked shortlist; filters as on the page, `after` to go on."""
    from recruit.web.recruiter import filter_from_args

    o = opening_or_404(opening_id)
    try:
        limit = max(1, min(200, int(request.args.get("limit", review.PAGE_SIZE))))
        page = review.shortlist(db_session(), o, filter_from_args(request.args, o), limit)
    except (ValueError, ServiceError) as exc:
        return _bad(str(exc))
    related = duplicates.related(db_session(), [a.id for a in page.rows])
    return jsonify(
        {
            "items": [_application(a, related) for a in page.rows],
            "next": page.next_cursor,
            "counts": page.counts,
        }
    )


@bp.get("/applications/<int:application_id>")
@roles_required(*STAFF)
def application(application_id: int) -> Response:
    """Return an application with its score breakdown (points, weight, evidence)."""
    a = application_or_404(application_id)
    view = candidate_view(a, review.shown_document(a))
    detail = review.candidate_detail(db_session(), a, view.redactor)
    db_session().commit()  # a breakdown computed on first view is kept
    score = detail.score
    return jsonify(
        _application(a, duplicates.related(db_session(), [a.id]), view)
        | {
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
                    "received_at": d.created_at.isoformat(),
                }
                for d in a.documents
            ],
        }
    )


@bp.post("/applications/<int:application_id>/status")
@roles_required(*STAFF)
def set_status(application_id: int) -> Response | tuple[Response, int]:
    """Change the status; a rejection needs "confirm": true; "notify": true e-mails it."""
    a = application_or_404(application_id)
    body = request.get_json(silent=True) or {}
    status = body.get("status")
    if status not in APPLICATION_STATUSES:
        return _bad(f"status must be one of {', '.join(APPLICATION_STATUSES)}")
    if status == "rejected" and body.get("confirm") is not True:
        return _bad('a rejection needs "confirm": true')
    from recruit.web.recruiter import announce

    review.set_status(db_session(), a, status, current_user.user)
    told = body.get("notify") is True and announce(a)
    db_session().commit()
    return jsonify(_application(a, duplicates.related(db_session(), [a.id])) | {"emailed": told})


@bp.post("/openings/<int:opening_id>/documents")
@roles_required(*STAFF)
def upload(opening_id: int) -> tuple[Response, int]:
    """Add a CV received outside the site (multipart: file, name, email, phone, consent)."""
    o = opening_or_404(opening_id)
    file = request.files.get("file")
    name, email = request.form.get("name", "").strip(), request.form.get("email", "").strip()
    errors = {}
    if file is None or not file.filename:
        errors["file"] = "attach the CV as 'file'"
    if not name or len(name) > 200:
        errors["name"] = "give the candidate's name"
    if "@" not in email or len(email) > 254:
        errors["email"] = "give the candidate's e-mail"
    if request.form.get("consent") not in ("true", "1", "yes"):
        errors["consent"] = "confirm the candidate consented ('consent=true')"
    if errors:
        return _bad("invalid upload", fields=errors)
    data = file.read()  # type: ignore[union-attr]
    if cv_media_type(data) is None:
        return _bad("the file is not a PDF or DOCX", fields={"file": "not a PDF or DOCX"})
    try:
        submission = services.submit_application(
            db_session(),
            storage(),
            o,
            name=name,
            email=email,
            phone=request.form.get("phone", "")[:40],
            filename=file.filename or "cv",  # type: ignore[union-attr]
            data=data,
            consent_version="staff-upload",
        )
    except ServiceError as exc:
        db_session().rollback()
        return _bad(str(exc))
    db_session().commit()
    return jsonify(
        {
            "application_id": submission.application.id,
            "document_id": submission.document.id,
            "status": submission.document.status,
            "url": url_for("api.application", application_id=submission.application.id),
        }
    ), 201


@bp.get("/openings/<int:opening_id>/profiles")
@roles_required(*ANY_STAFF)
def profiles(opening_id: int) -> Response:
    """List the requirement-profile versions, newest first."""
    o = opening_or_404(opening_id)
    rows = requirements.versions(db_session(), o)
    return jsonify(
        {
            "current_version": o.current_version,
            "items": [
                {
                    "version": r.version,
                    "author_id": r.author_id,
                    "note": r.note,
                    "created_at": r.created_at.isoformat(),
                    "criteria": r.criteria,
                }
                for r in rows
            ],
        }
    )


def _requirements_from_body(o: Opening) -> tuple[dict[str, Any] | None, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("criteria"), list):
        return None, _bad('send JSON with a "criteria" list, as in GET .../profiles')
    base = current_profile(db_session(), o).criteria
    data = {k: v for k, v in base.items() if k != "criteria"} | {"criteria": body["criteria"]}
    try:
        requirements.validate(data)
    except ProfileError as exc:
        return None, _bad(str(exc))
    return data, body


@bp.post("/openings/<int:opening_id>/profiles")
@roles_required(*MANAGERS)
def new_profile(opening_id: int) -> Response | tuple[Response, int]:
    """Save a new requirement version (then the opening is re-scored)."""
    o = opening_or_404(opening_id, MANAGERS)
    data, body = _requirements_from_body(o)
    if data is None:
        return body
    row = requirements.save_version(
        db_session(),
        o,
        data,
        current_user.user,
        str(body.get("note", ""))[:500],
        Path(current_app.instance_path) / "cache",
    )
    db_session().commit()
    return jsonify({"version": row.version, "criteria": row.criteria}), 201


@bp.post("/openings/<int:opening_id>/preview")
@roles_required(*MANAGERS)
def preview(opening_id: int) -> Response | tuple[Response, int]:
    """Re-rank under unsaved criteria; return the top 20 and who moved."""
    o = opening_or_404(opening_id, MANAGERS)
    data, _ = _requirements_from_body(o)
    if data is None:
        return _
    result = requirements.preview(
        db_session(), o, requirements.validate(data), Path(current_app.instance_path) / "cache"
    )
    return jsonify(
        {
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
    )


def _op(summary: str, roles: tuple[str, ...] | None, **extra: Any) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {"200": {"description": "OK"}}}
    if roles:
        op["description"] = f"Roles: {', '.join(roles)}. Only openings the caller is a member of."
        op["security"] = [{"session": []}]
        op["responses"] |= {
            "401": {"description": "not signed in"},
            "403": {"description": "role not allowed"},
            "404": {"description": "unknown, or not the caller's opening"},
        }
    op.update(extra)
    return op


_ID = {"in": "path", "required": True, "schema": {"type": "integer"}}
_JSON = {"content": {"application/json": {"schema": {"type": "object"}}}}
_CRITERIA = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Criteria"}}}}
OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "recruit API", "version": "1"},
    "components": {
        "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        }
    },
    "paths": {
        "/api/v1/csrf-token": {"get": _op("A CSRF token for write requests", ANY_STAFF)},
        "/api/v1/openings": {
            "get": _op("Openings with counts", ANY_STAFF),
            "post": _op(
                "Create an opening ({title, role | copy_from, location, description, "
                "employment_type, salary_min, salary_max, salary_currency, closes_on, members})",
                STAFF,
                requestBody=_JSON,
            ),
        },
        "/api/v1/openings/{opening_id}": {
            "get": _op(
                "One opening and its current requirements",
                ANY_STAFF,
                parameters=[_ID | {"name": "opening_id"}],
            ),
            "patch": _op(
                "Change an opening's fields (those sent) and members",
                STAFF,
                parameters=[_ID | {"name": "opening_id"}],
                requestBody=_JSON,
            ),
        },
        "/api/v1/openings/{opening_id}/close": {
            "post": _op(
                "Stop taking applications", STAFF, parameters=[_ID | {"name": "opening_id"}]
            )
        },
        "/api/v1/openings/{opening_id}/reopen": {
            "post": _op("Take applications again", STAFF, parameters=[_ID | {"name": "opening_id"}])
        },
        "/api/v1/openings/{opening_id}/applications": {
            "get": _op(
                "Ranked shortlist page",
                STAFF,
                parameters=[_ID | {"name": "opening_id"}]
                + [
                    {"in": "query", "name": n, "schema": {"type": "string"}}
                    for n in (
                        "view",
                        "status",
                        "min_score",
                        "typos",
                        "lang",
                        "q",
                        "sort",
                        "after",
                        "limit",
                    )
                ],
            )
        },
        "/api/v1/openings/{opening_id}/documents": {
            "post": _op(
                "Upload a CV (multipart: file, name, email, phone, consent=true)",
                STAFF,
                parameters=[_ID | {"name": "opening_id"}],
                requestBody={"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
            )
        },
        "/api/v1/applications/{application_id}": {
            "get": _op(
                "An application with its score breakdown",
                STAFF,
                parameters=[_ID | {"name": "application_id"}],
            )
        },
        "/api/v1/applications/{application_id}/status": {
            "post": _op(
                'Set the status ({"status", "confirm"})',
                STAFF,
                parameters=[_ID | {"name": "application_id"}],
                requestBody=_JSON,
            )
        },
        "/api/v1/openings/{opening_id}/profiles": {
            "get": _op(
                "Requirement versions", ANY_STAFF, parameters=[_ID | {"name": "opening_id"}]
            ),
            "post": _op(
                'Save a new version ({"criteria": [...], "note"})',
                MANAGERS,
                parameters=[_ID | {"name": "opening_id"}],
                requestBody=_CRITERIA,
            ),
        },
        "/api/v1/openings/{opening_id}/preview": {
            "post": _op(
                'Re-rank under unsaved criteria ({"criteria": [...]})',
                MANAGERS,
                parameters=[_ID | {"name": "opening_id"}],
                requestBody=_CRITERIA,
            )
        },
        "/api/v1/openapi.json": {"get": _op("This description", None)},
    },
}
