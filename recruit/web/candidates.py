"""Candidates: apply to an opening, then follow the application on a private status page."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as browser_session
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData
from werkzeug.wrappers import Response

from recruit import services
from recruit.core.contacts import normalise_email
from recruit.db.models import Application, Opening
from recruit.services import duplicates, outbox, review
from recruit.services.openings import accepts_applications
from recruit.web.app import db_session, storage
from recruit.web.forms import ApplyForm, LinkForm, VersionForm
from recruit.web.i18n import error_text
from recruit.web.permissions import public_route
from recruit.web.security import error_page

bp = Blueprint("candidates", __name__)


def _acknowledge(application: Application) -> None:
    """Queue the "application received" e-mail, and for a possible duplicate the joining link.

    The link goes only to the address both applications were sent with: whoever clicks it
    reads that mailbox, which is what proves the two are one person's.
    """
    session = db_session()
    application.candidate.locale = str(get_locale() or "en")
    status_link = url_for("candidates.status", token=application.status_token, _external=True)
    sender = current_app.config["RECRUIT_SETTINGS"].mail_from
    outbox.queue_email(session, application, "received", sender=sender, status_link=status_link)
    if application.duplicate_of_id is not None:
        token = duplicates.issue_link_token(session, application)
        link = url_for("candidates.link", token=token, _external=True)
        outbox.queue_email(
            session, application, "link", sender=sender, status_link=status_link, link=link
        )


@bp.route("/link/<token>", methods=["GET", "POST"])
@public_route
def link(token: str) -> str | Response:
    """Join a second application to the first, from the link e-mailed to their address.

    GET only asks: mail scanners open links, and must not join anything by doing so.
    """
    form = LinkForm()
    if form.validate_on_submit():
        application = duplicates.confirm_link(db_session(), token)
        if application is None:
            db_session().rollback()
            body = render_template("candidates/link.html", state="invalid", form=form)
            return current_app.response_class(body, status=410, mimetype="text/html")
        db_session().commit()
        return render_template(
            "candidates/link.html", state="linked", form=form, application=application
        )
    return render_template("candidates/link.html", state="ask", form=form)


def _closed_page(opening: Opening) -> Response:
    """Tell the candidate the opening takes no more applications (410: it is gone for good)."""
    body = render_template("candidates/closed.html", opening=opening)
    return current_app.response_class(body, status=410, mimetype="text/html")


@bp.route("/openings/<int:opening_id>/apply", methods=["GET", "POST"])
@public_route
def apply(opening_id: int) -> str | Response:
    """Show the apply form; on valid input store the CV and send the candidate to their page.

    The file is read at once (within a couple of seconds): one that cannot be read comes back
    to the same form with the reason, what was typed kept, and is kept for the recruiter.
    """
    opening = db_session().get(Opening, opening_id)
    if opening is None or opening.status == "draft":
        abort(404)
    # Checked before the form: a form left open in a tab while the opening closed stores nothing.
    if not accepts_applications(opening):
        return _closed_page(opening)
    form = ApplyForm()
    if not form.validate_on_submit():
        return _apply_page(opening, form, 200)
    upload = form.cv.data
    data, filename = upload.read(), upload.filename or "cv"
    verdict = services.read_at_once(data, filename, max_bytes=_max_bytes())
    session = db_session()
    try:
        retry = _retry_of(opening, form.email.data or "")
        if retry is not None:  # the same person's next file after one we could not read
            application = retry
            services.add_version(session, storage(), retry, filename, data, verdict)
        else:
            application = services.submit_application(
                session,
                storage(),
                opening,
                name=form.name.data or "",
                email=form.email.data or "",
                phone=form.phone.data or "",
                filename=filename,
                data=data,
                consent_version=services.current_notice(session).version,
                verdict=verdict,
            ).application
    except services.ServiceError as exc:
        session.rollback()
        flash(error_text(exc), "error")
        return _apply_page(opening, form, 200)
    if services.unreadable(verdict) and verdict and verdict.error:
        session.commit()  # kept for the recruiter; no "received" e-mail for an incomplete one
        browser_session[RETRY_KEY] = {"opening": opening.id, "application": application.id}
        form.cv.errors = [verdict.error.message]
        return _apply_page(opening, form, 422, unread=True)
    _acknowledge(application)
    session.commit()
    browser_session.pop(RETRY_KEY, None)
    return redirect(url_for("candidates.status", token=application.status_token, new=1))


# The application whose file could not be read, for this browser: the next file sent from the
# same page joins it as a new version instead of making a second application.
RETRY_KEY = "apply_retry"


def _retry_of(opening: Opening, email: str) -> Application | None:
    """Return the application this browser's previous, unreadable file opened, if it fits."""
    remembered = browser_session.get(RETRY_KEY) or {}
    if remembered.get("opening") != opening.id:
        return None
    application = db_session().get(Application, remembered.get("application") or 0)
    if (
        application is None
        or application.opening_id != opening.id
        or application.candidate.erased_at is not None
        or application.candidate.email != normalise_email(email)
        or not application.documents
        or application.documents[-1].status not in ("error", "needs_review")
    ):
        return None
    return application


def _max_bytes() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"])


def _apply_page(opening: Opening, form: ApplyForm, status: int, **extra: Any) -> Response:
    body = render_template(
        "candidates/apply.html",
        opening=opening,
        form=form,
        max_bytes=_max_bytes(),
        retention_months=services.retention_months(db_session()),
        **extra,
    )
    return current_app.response_class(body, status=status, mimetype="text/html")


@bp.errorhandler(413)
@bp.errorhandler(429)
def _refused(error: HTTPException) -> Response:
    """Give the apply form back, with what was typed and the reason in the visitor's language.

    A 413 arrives before the body was parsed: the fields sent before the file are read from
    the start of the body; the file and what followed it are not kept.
    """
    if request.endpoint != "candidates.apply" or request.method != "POST":
        return error_page(error)
    opening = db_session().get(Opening, (request.view_args or {}).get("opening_id") or 0)
    if opening is None or opening.status == "draft" or not accepts_applications(opening):
        return error_page(error)
    try:
        fields = request.form
    except RequestEntityTooLarge:
        fields = leading_fields(request.environ)
    form = ApplyForm(formdata=fields)
    if error.code == 413:
        mb = _max_bytes() // (1024 * 1024)
        form.cv.errors = [
            _("This file is larger than %(mb)s MB. Please choose a smaller one.", mb=mb)
        ]
    response = _apply_page(opening, form, error.code or 400, refused=error.code)
    if error.code == 429:
        response.headers["Retry-After"] = str(getattr(error, "retry_after", 3600) or 3600)
    return response


def leading_fields(environ: dict[str, Any], limit: int = 64 * 1024) -> MultiDict[str, str]:
    """Return the text fields that come before the first file in a multipart body.

    Reads at most `limit` bytes of the body; for a form whose body was refused as too large.
    """
    _, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
    boundary = options.get("boundary", "")
    fields: MultiDict[str, str] = MultiDict()
    if not boundary:
        return fields
    stream = environ["wsgi.input"]
    left = min(limit, int(environ.get("CONTENT_LENGTH") or 0))
    decoder = MultipartDecoder(boundary.encode(), max_form_memory_size=limit)
    name, value = "", b""
    while left > 0:
        chunk = stream.read(min(left, 8192))
        if not chunk:
            break
        left -= len(chunk)
        decoder.receive_data(chunk)
        event = decoder.next_event()
        while not isinstance(event, NeedData):
            if isinstance(event, File | Epilogue):
                return fields
            if isinstance(event, Field):
                name, value = event.name, b""
            elif isinstance(event, Data):
                value += event.data
                if not event.more_data:
                    fields.add(name, value.decode("utf-8", "replace"))
            event = decoder.next_event()
    return fields


@bp.get("/status/<token>")
@public_route
def status(token: str) -> str:
    """Show a candidate where their application stands; the token is their only key."""
    application = review.find_application(db_session(), token)
    if application is None:
        abort(404)
    state, document = review.candidate_state(application)
    return render_template(
        "candidates/status.html",
        application=application,
        state=state,
        document=document,
        versions=len(application.documents),
        accepting=accepts_applications(application.opening),
    )


@bp.route("/status/<token>/cv", methods=["GET", "POST"])
@public_route
def new_version(token: str) -> str | Response:
    """Take another CV file for the application this status link opens (the link is the key)."""
    application = services.application_for_token(db_session(), token)
    if application is None:
        abort(404)
    if not accepts_applications(application.opening):
        return _closed_page(application.opening)
    form = VersionForm()
    if form.validate_on_submit():
        upload = form.cv.data
        data, filename = upload.read(), upload.filename or "cv"
        verdict = services.read_at_once(data, filename, max_bytes=_max_bytes())
        try:
            services.add_version(db_session(), storage(), application, filename, data, verdict)
        except services.ServiceError as exc:
            db_session().rollback()
            flash(error_text(exc), "error")
        else:
            db_session().commit()
            if not (services.unreadable(verdict) and verdict and verdict.error):
                return redirect(url_for("candidates.status", token=token))
            form.cv.errors = [verdict.error.message]
            body = render_template(
                "candidates/version.html", application=application, form=form, unread=True
            )
            return current_app.response_class(body, status=422, mimetype="text/html")
    return render_template("candidates/version.html", application=application, form=form)
