"""The privacy notice, and a candidate's own data from their status link: export and erase."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, render_template
from werkzeug.wrappers import Response

from recruit import services
from recruit.db.models import Application, Document
from recruit.services import duplicates
from recruit.web.app import db_session, storage
from recruit.web.forms import EraseForm
from recruit.web.permissions import public_route
from recruit.web.security import send_original

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


def _application_or_404(token: str) -> Application:
    application = services.application_for_token(db_session(), token)
    if application is None:
        abort(404)
    return application


@bp.get("/")
@public_route
def notice() -> str:
    """Show the privacy notice candidates consent to now, with its earlier versions."""
    session = db_session()
    return render_template(
        "privacy/notice.html",
        notice=services.current_notice(session),
        versions=services.notice_versions(session),
    )


@bp.get("/versions/<version>")
@public_route
def notice_version(version: str) -> str:
    """Show one version of the privacy notice, as a candidate saw it when consenting."""
    found = services.notice_version(db_session(), version)
    if found is None:
        abort(404)
    return render_template("privacy/notice.html", notice=found, versions=None)


@bp.get("/data/<token>")
@public_route
def data(token: str) -> str:
    """Show a candidate what we hold about them, with export and erase.

    Applications they confirmed as theirs are theirs here too; any other is not.
    """
    application = _application_or_404(token)
    applications = duplicates.person_applications(db_session(), application.candidate)
    return render_template(
        "privacy/data.html",
        token=token,
        application=application,
        candidate=application.candidate,
        applications=applications,
        documents=[d for a in applications for d in a.documents],
        has_notes=any(a.notes for a in applications),
    )


@bp.get("/data/<token>/export.json")
@public_route
def export(token: str) -> Response:
    """Download everything held about the candidate as JSON (GDPR art. 15 and 20)."""
    application = _application_or_404(token)
    session = db_session()
    payload = services.export_candidate(session, application.candidate)
    others = [c["candidate"]["id"] for c in payload["linked_candidates"]]
    detail = {"same_person_as": others} if others else {}
    services.audit(session, "candidate.exported", "candidate", application.candidate_id, **detail)
    session.commit()
    response = current_app.response_class(
        json.dumps(payload, ensure_ascii=False, indent=2),
        mimetype="application/json",
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="recruit-data-{application.candidate_id}.json"'
    )
    return response


@bp.get("/data/<token>/documents/<int:document_id>")
@public_route
def original(token: str, document_id: int) -> Response:
    """Download one of the candidate's original files."""
    application = _application_or_404(token)
    document = db_session().get(Document, document_id)
    # Any application confirmed as this person's, never anyone else's file.
    mine = {a.id for a in duplicates.person_applications(db_session(), application.candidate)}
    if document is None or document.application_id not in mine or document.application is None:
        abort(404)
    services.audit(db_session(), "document.downloaded", "document", document.id, by="candidate")
    db_session().commit()
    return send_original(storage(), document, document.application.candidate.name)


@bp.route("/data/<token>/erase", methods=["GET", "POST"])
@public_route
def erase(token: str) -> str:
    """Erase everything held about the candidate, after they confirm (GDPR art. 17)."""
    application = _application_or_404(token)
    form = EraseForm()
    if form.validate_on_submit():
        services.erase_candidate(
            db_session(), storage(), application.candidate, reason="candidate request"
        )
        return render_template("privacy/erased.html")
    joined = len(duplicates.person_applications(db_session(), application.candidate))
    return render_template(
        "privacy/erase.html", form=form, token=token, application=application, joined=joined
    )
