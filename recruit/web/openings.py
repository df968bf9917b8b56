"""Recruiters' own openings: create, edit, close and reopen (admins may act on every one)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from recruit.core import emails
from recruit.db.models import Opening, User, parse_id
from recruit.services import ServiceError, openings, outbox
from recruit.web.app import db_session
from recruit.web.forms import (
    ROLE_LABELS,
    ROLE_TEMPLATE_LABELS,
    EmailTemplatesForm,
    OpeningForm,
)
from recruit.web.i18n import error_text
from recruit.web.permissions import opening_or_404, roles_required, visible_openings_query

bp = Blueprint("openings", __name__, url_prefix="/recruiter/openings")

# Hiring managers tune an opening's requirements; recruiters and admins run the opening itself.
EDITORS = ("recruiter", "admin")


def _actor() -> User:
    return db_session().merge(current_user.user)


def _staff_choices() -> list[SelectChoice]:
    users = db_session().scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_(("recruiter", "hiring_manager")))
        .order_by(User.name, User.email)
    )
    return [
        SelectChoice(u.id, f"{u.name or u.email} ({ROLE_LABELS.get(u.role, u.role)})")
        for u in users
    ]


def _template_choices() -> list[SelectChoice]:
    choices = [SelectChoice(k, v) for k, v in ROLE_TEMPLATE_LABELS.items()]
    for o in db_session().scalars(visible_openings_query().order_by(Opening.title)):
        label = _("Copy the requirements of %(title)s (%(city)s)", title=o.title, city=o.location)
        choices.append(SelectChoice(f"copy:{o.id}", label))
    return choices


def _fields(form: OpeningForm) -> dict[str, Any]:
    return {
        "title": form.title.data or "",
        "location": form.location.data or "",
        "description": form.description.data or "",
        "employment_type": form.employment_type.data,
        "salary_min": form.salary_min.data,
        "salary_max": form.salary_max.data,
        "salary_currency": form.salary_currency.data or None,
        "closes_on": form.closes_on.data,
    }


def _members(form: OpeningForm) -> list[User]:
    ids = [int(i) for i in form.members.data or []]
    if not ids:
        return []
    return list(db_session().scalars(select(User).where(User.id.in_(ids))))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def create() -> str | Response:
    """Create an opening from a built-in role or a copy of another opening's requirements."""
    form = OpeningForm()
    form.template.choices = _template_choices()
    form.members.choices = _staff_choices()
    if form.validate_on_submit():
        if form.closes_on.data is not None and form.closes_on.data < openings.local_today():
            form.closes_on.errors = [_("The last day to apply has passed; choose a later day.")]
        else:
            template = form.template.data or ""
            source = None
            if template.startswith("copy:"):
                source_id = parse_id(template.removeprefix("copy:"))
                source = opening_or_404(source_id) if source_id else abort(400)
            session = db_session()
            try:
                opening = openings.create_opening(
                    session,
                    role_id=template,
                    author=_actor(),
                    copy_from=source,
                    members=_members(form),
                    **_fields(form),
                )
            except ServiceError as exc:
                session.rollback()
                flash(error_text(exc), "error")
            else:
                session.commit()
                flash(_("Opening %(title)s created and open.", title=opening.title), "success")
                return redirect(url_for("recruiter.shortlist", opening_id=opening.id))
    elif form.is_submitted():
        flash(_("Please check the fields marked below."), "error")
    return render_template("openings/edit.html", form=form, opening=None)


@bp.route("/<int:opening_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(opening_id: int) -> str | Response:
    """Edit an opening's title, place, description, terms, closing day and members."""
    opening = opening_or_404(opening_id, EDITORS)
    session = db_session()
    data = {key: getattr(opening, key) for key in openings.EDITABLE}
    data["salary_currency"] = opening.salary_currency or ""  # None in the row, "" in the form
    form = OpeningForm(data=data)
    del form.template  # the requirements are the hiring manager's, versioned on their page
    form.members.choices = _staff_choices()
    if not form.is_submitted():
        form.members.data = openings.member_ids(session, opening)
    if form.validate_on_submit():
        try:
            changed = openings.update_opening(session, opening, _actor(), **_fields(form))
            openings.set_members(session, opening, _members(form), _actor())
        except ServiceError as exc:
            session.rollback()
            flash(error_text(exc), "error")
        else:
            session.commit()
            if changed:
                flash(_("Opening saved."), "success")
            return redirect(url_for("recruiter.dashboard"))
    elif form.is_submitted():
        flash(_("Please check the fields marked below."), "error")
    return render_template(
        "openings/edit.html",
        form=form,
        opening=opening,
        accepting=openings.accepts_applications(opening),
    )


@bp.post("/<int:opening_id>/close")
@roles_required(*EDITORS)
def close(opening_id: int) -> Response:
    """Stop taking applications; the apply page says so from now on."""
    opening = opening_or_404(opening_id, EDITORS)
    if openings.close_opening(db_session(), opening, _actor()):
        db_session().commit()
        flash(_("%(title)s is closed: it takes no more applications.", title=opening.title), "ok")
    return redirect(url_for("openings.edit", opening_id=opening.id))


@bp.post("/<int:opening_id>/reopen")
@roles_required(*EDITORS)
def reopen(opening_id: int) -> Response:
    """Take applications again (a closing day already past is cleared)."""
    opening = opening_or_404(opening_id, EDITORS)
    if openings.reopen_opening(db_session(), opening, _actor()):
        db_session().commit()
        flash(_("%(title)s is open again.", title=opening.title), "ok")
    return redirect(url_for("openings.edit", opening_id=opening.id))


EMAIL_KIND_LABELS = {"invitation": _l("Invitation to an interview"), "rejection": _l("Rejection")}
LANGUAGE_LABELS = {"ro": _l("Romanian"), "en": _l("English")}


@bp.route("/<int:opening_id>/emails", methods=["GET", "POST"])
@roles_required(*EDITORS)
def emails_page(opening_id: int) -> str | Response:
    """Edit the invitation and rejection e-mails of an opening, in Romanian and English."""
    opening = opening_or_404(opening_id, EDITORS)
    session = db_session()
    pairs = [(k, lang) for k in emails.EDITABLE_KINDS for lang in emails.LANGUAGES]
    current = {pair: outbox.template_for(session, opening, *pair) for pair in pairs}
    name = EmailTemplatesForm.field_name
    form = EmailTemplatesForm(
        data={
            name(k, lang, part): getattr(template, part)
            for (k, lang), (template, _) in current.items()
            for part in ("subject", "body")
        }
    )
    if form.validate_on_submit():
        changed, failed = 0, False
        for kind, language in pairs:
            subject = form[name(kind, language, "subject")]
            body = form[name(kind, language, "body")]
            try:
                changed += outbox.save_template(
                    session, opening, kind, language, subject.data or "", body.data or "", _actor()
                )
            except emails.TemplateError as exc:
                body.errors = [*body.errors, error_text(exc)]
                failed = True
        if not failed:
            session.commit()
            if changed:
                flash(_("E-mails saved."), "success")
            return redirect(url_for("openings.emails_page", opening_id=opening.id))
        session.rollback()
    if form.is_submitted():
        flash(_("Please check the fields marked below."), "error")
    return render_template(
        "openings/emails.html",
        opening=opening,
        form=form,
        pairs=pairs,
        customised={pair: custom for pair, (_, custom) in current.items()},
        kinds=EMAIL_KIND_LABELS,
        languages=LANGUAGE_LABELS,
        placeholders={k: emails.placeholders(k) for k in emails.EDITABLE_KINDS},
        name=name,
    )
