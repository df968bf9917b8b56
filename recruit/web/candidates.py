"""Candidates: apply to an opening, then follow the application on a private status page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from recruit import services
from recruit.db.models import Application, Opening
from recruit.services import duplicates, outbox, review
from recruit.services.openings import accepts_applications
from recruit.web.app import db_session, storage
from recruit.web.forms import ApplyForm, LinkForm, VersionForm
from recruit.web.permissions import public_route

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
    """Show the apply form; on valid input store the CV and send the candidate to their page."""
    opening = db_session().get(Opening, opening_id)
    if opening is None or opening.status == "draft":
        abort(404)
    # Checked before the form: a form left open in a tab while the opening closed stores nothing.
    if not accepts_applications(opening):
        return _closed_page(opening)
    form = ApplyForm()
    if form.validate_on_submit():
        upload = form.cv.data
        try:
            submission = services.submit_application(
                db_session(),
                storage(),
                opening,
                name=form.name.data or "",
                email=form.email.data or "",
                phone=form.phone.data or "",
                filename=upload.filename or "cv",
                data=upload.read(),
                consent_version=services.current_notice(db_session()).version,
            )
        except services.ServiceError as exc:
            db_session().rollback()
            flash(str(exc), "error")
        else:
            _acknowledge(submission.application)
            db_session().commit()
            return redirect(
                url_for("candidates.status", token=submission.application.status_token, new=1)
            )
    return render_template(
        "candidates/apply.html",
        opening=opening,
        form=form,
        retention_months=services.retention_months(db_session()),
    )


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
        try:
            services.add_version(
                db_session(), storage(), application, upload.filename or "cv", upload.read()
            )
        except services.ServiceError as exc:
            db_session().rollback()
            flash(str(exc), "error")
        else:
            db_session().commit()
            return redirect(url_for("candidates.status", token=token))
    return render_template("candidates/version.html", application=application, form=form)
