"""Hiring managers: requirement profiles with a live preview, versions and a score histogram."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from recruit.db.models import Application, Opening, User
from recruit.services import ServiceError, current_profile, requirements, review
from recruit.services.requirements import CRITERION_TYPES, ProfileError
from recruit.web.app import db_session
from recruit.web.forms import RequirementsForm
from recruit.web.i18n import error_text, say_text
from recruit.web.permissions import (
    candidate_view,
    opening_or_404,
    roles_required,
    visible_openings_query,
)

bp = Blueprint("manager", __name__, url_prefix="/manager")

MANAGERS = ("hiring_manager", "admin")
# Everything per criterion type comes from its class in the core: labels, parameters, choices.
TYPE_LABELS = {ctype: _l(kind.title) for ctype, kind in CRITERION_TYPES.items()}


def _form_for(criteria: dict[str, Any]) -> RequirementsForm:
    data = [_form_values(c) for c in criteria["criteria"]]
    form = RequirementsForm(data={"criteria": data}, formdata=None)
    _choices(form)
    return form


def _form_values(criterion: dict[str, Any]) -> dict[str, Any]:
    """Return a criterion's JSON as form data (lists of codes as comma-separated text)."""
    kind = CRITERION_TYPES.get(criterion.get("type", ""))
    out = dict(criterion)
    for p in kind.PARAMS if kind else ():
        if p.kind == "codes" and isinstance(out.get(p.name), list):
            out[p.name] = ", ".join(out[p.name])
    return out


def _choices(form: RequirementsForm) -> None:
    lang = str(get_locale() or "en")
    form.add_type.choices = [SelectChoice(k, v) for k, v in TYPE_LABELS.items()]
    for entry in form.criteria:
        ctype = entry.form.type.data or ""
        kind = CRITERION_TYPES.get(ctype)
        for p in kind.PARAMS if kind else ():
            if p.kind in ("choice", "multi"):
                entry.form[p.name].choices = list(_options(ctype, p.name, lang))


# A parameter's choices (skills, title families...) come from models/ and the catalogue, both
# fixed for the life of the process: translated once per language, not on every preview
# (the sliders send one a keystroke; translating ~500 labels took a third of its time).
_OPTIONS: dict[tuple[str, str, str], tuple[SelectChoice, ...]] = {}


def _options(ctype: str, name: str, lang: str) -> tuple[SelectChoice, ...]:
    key = (ctype, name, lang)
    cached = _OPTIONS.get(key)
    if cached is None:
        param = next(p for p in CRITERION_TYPES[ctype].PARAMS if p.name == name)
        cached = tuple(SelectChoice(value, _(label)) for value, label in param.options(lang))
        _OPTIONS[key] = cached
    return cached


def criteria_from_form(
    form: RequirementsForm, base: dict[str, Any]
) -> tuple[dict[str, Any], list[int]]:
    """Return the requirement JSON the form describes, and which entries it kept (by index)."""
    items, kept = [], []
    for index, entry in enumerate(form.criteria):
        f = entry.form
        if f.remove.data or f.type.data not in CRITERION_TYPES:
            continue
        item: dict[str, Any] = {
            "id": (f.id.data or "").strip(),
            "type": f.type.data,
            "label": (f.label.data or "").strip(),
            "weight": float(f.weight.data if f.weight.data is not None else 0),
            "must_have": bool(f.must_have.data),
        }
        before = {c["id"]: c for c in base.get("criteria", [])}.get(item["id"], {})
        for p in CRITERION_TYPES[f.type.data].PARAMS:
            value = f[p.name].data
            if value is None or value == "":
                continue
            if p.kind == "codes" and isinstance(value, str):
                value = [code for code in re.split(r"[,;\s]+", value) if code]
            if p.kind == "multi" and isinstance(value, list):
                # The list box returns values in label order; keep the saved order, new last.
                known = [s for s in before.get(p.name, []) if s in value]
                value = known + [s for s in value if s not in known]
            item[p.name] = value
        items.append(item)
        kept.append(index)
    data = {k: v for k, v in base.items() if k != "criteria"}
    data["criteria"] = items
    return data, kept


def _profile_errors(exc: ProfileError, kept: list[int]) -> tuple[dict[int, str], str]:
    """Map a validation error to the form entry it is about (or to the whole form)."""
    message = str(exc).split(": ", 1)[-1]
    match = re.match(r"#(\d+)", exc.criterion or "")
    if match and 0 < int(match.group(1)) <= len(kept):
        why = error_text(exc.reason) if exc.reason else message.split(": ", 1)[-1]
        return {kept[int(match.group(1)) - 1]: why}, ""
    return {}, message


def _cache_dir() -> Path:
    """Return where evaluated criterion columns are kept between restarts."""
    return Path(current_app.instance_path) / "cache"


@bp.get("/")
@roles_required(*MANAGERS)
def openings() -> str:
    """List the openings whose requirements the manager tunes."""
    rows = list(db_session().scalars(visible_openings_query().order_by(Opening.title)))
    return render_template("manager/openings.html", openings=rows)


@bp.route("/openings/<int:opening_id>/requirements", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def requirements_page(opening_id: int) -> str | Response:
    """Edit the requirement profile: weights, must-haves, parameters; save a new version."""
    opening = opening_or_404(opening_id, MANAGERS)
    session = db_session()
    current = current_profile(session, opening)
    entry_errors: dict[int, str] = {}
    if request.method == "GET":
        form = _form_for(current.criteria)
    else:
        form = RequirementsForm()
        _choices(form)
        action = request.form.get("action", "save")
        if action == "add":
            _add_criterion(form, request.form.get("add_type", ""))
            _choices(form)
        elif form.validate_on_submit():
            data, kept = criteria_from_form(form, current.criteria)
            try:
                row = requirements.save_version(
                    session, opening, data, current_user.user, form.note.data or "", _cache_dir()
                )
            except ProfileError as exc:
                session.rollback()
                entry_errors, general = _profile_errors(exc, kept)
                if general:
                    flash(general, "error")
            else:
                session.commit()
                flash(
                    _("Saved as version %(v)s; the shortlist is re-scored.", v=row.version),
                    "success",
                )
                return redirect(url_for("manager.versions", opening_id=opening.id))
        else:
            flash(_("Please check the fields marked below."), "error")
    return render_template(
        "manager/requirements.html",
        opening=opening,
        form=form,
        entry_errors=entry_errors,
        type_labels=TYPE_LABELS,
        type_params={ctype: kind.PARAMS for ctype, kind in CRITERION_TYPES.items()},
        histogram=review.histogram(session, opening),
        version=current,
    )


def _add_criterion(form: RequirementsForm, ctype: str) -> None:
    if ctype not in CRITERION_TYPES:
        flash(_("Choose what kind of criterion to add."), "error")
        return
    taken = {e.form.id.data for e in form.criteria}
    n = 1
    while f"{ctype}_{n}" in taken:
        n += 1
    form.criteria.append_entry(
        {
            "id": f"{ctype}_{n}",
            "type": ctype,
            "weight": 5.0,
            "must_have": False,
            **_form_values({"type": ctype, **_new_criterion(ctype)}),
        }
    )


def _new_criterion(ctype: str) -> dict[str, Any]:
    """Return what a newly added criterion starts with; the manager edits it before saving."""
    kind = CRITERION_TYPES[ctype]
    values = kind.new_values()
    parsed = kind.check({p.name: p.parse(values) for p in kind.PARAMS})
    return {"label": say_text(kind.default_label(parsed)), **values}


@bp.post("/openings/<int:opening_id>/preview")
@roles_required(*MANAGERS)
def preview(opening_id: int) -> tuple[Response, int] | Response:
    """Re-rank under the unsaved form and return the new top 20 with who moved (JSON)."""
    opening = opening_or_404(opening_id, MANAGERS)
    session = db_session()
    form = RequirementsForm()
    _choices(form)
    if not form.validate():
        return jsonify({"error": _("Some fields are not valid yet."), "fields": form.errors}), 400
    data, kept = criteria_from_form(form, current_profile(session, opening).criteria)
    try:
        wanted = requirements.validate(data)
    except ProfileError as exc:
        entry_errors, general = _profile_errors(exc, kept)
        return jsonify(
            {
                "error": general or next(iter(entry_errors.values()), str(exc)),
                "entries": entry_errors,
            }
        ), 400
    result = requirements.preview(session, opening, wanted, _cache_dir())
    ids = [row.application_id for row in result.top]
    apps = {
        a.id: a
        for a in session.scalars(
            select(Application)
            .options(joinedload(Application.candidate))
            # A candidate erased in the last seconds may still be in the cached columns.
            .where(Application.id.in_(ids), ~review.ERASED)
        )
    }
    return jsonify(
        {
            "top": [
                {
                    "id": row.application_id,
                    "name": candidate_view(apps[row.application_id]).name,
                    "headline": candidate_view(apps[row.application_id]).headline,
                    "score": round(row.score, 1),
                    "rank": row.rank,
                    "previous_rank": row.previous_rank,
                    "moved": row.moved,
                    # Every member of the opening may read its candidates' pages.
                    "url": url_for("recruiter.candidate", application_id=row.application_id),
                }
                for row in result.top
                if row.application_id in apps
            ],
            "ranked": result.ranked,
            "knocked_out": result.knocked_out,
            "newly_knocked_out": result.newly_knocked_out,
            "histogram": result.histogram,
            # The line above the list, in the reader's language.
            "summary": _(
                "%(ranked)s ranked · %(out)s knocked out (%(new)s newly)",
                ranked=result.ranked,
                out=result.knocked_out,
                new=result.newly_knocked_out,
            )
            if result.newly_knocked_out
            else _(
                "%(ranked)s ranked · %(out)s knocked out",
                ranked=result.ranked,
                out=result.knocked_out,
            ),
        }
    )


@bp.get("/openings/<int:opening_id>/versions")
@roles_required(*MANAGERS)
def versions(opening_id: int) -> str:
    """List the requirement versions, newest first, each with what changed."""
    opening = opening_or_404(opening_id, MANAGERS)
    session = db_session()
    rows = requirements.versions(session, opening)
    authors = {
        u.id: u
        for u in session.scalars(
            select(User).where(User.id.in_({r.author_id for r in rows if r.author_id}))
        )
    }
    history = [
        (row, requirements.diff(rows[i + 1].criteria if i + 1 < len(rows) else None, row.criteria))
        for i, row in enumerate(rows)
    ]
    types = {c["id"]: c.get("type", "") for row in rows for c in row.criteria["criteria"]}
    return render_template(
        "manager/versions.html",
        opening=opening,
        history=history,
        authors=authors,
        field_label=lambda change: _field_label(types.get(change.criterion, ""), change.field),
        field_value=lambda change, value: _field_value(
            types.get(change.criterion, ""), change.field, value
        ),
    )


def _field_value(ctype: str, name: str, value: Any) -> Any:
    """Return a changed value as the form shows it: a choice (a skill, a family) by its label."""
    kind = CRITERION_TYPES.get(ctype)
    param = next((p for p in kind.PARAMS if p.name == name), None) if kind else None
    if param is None or param.kind not in ("choice", "multi"):
        return value
    named = {c.value: str(c.label) for c in _options(ctype, name, str(get_locale() or "en"))}
    if isinstance(value, list):
        return [named.get(v, v) for v in value]
    return named.get(value, value) if isinstance(value, str) else value


# What a version's diff calls the fields every criterion has.
COMMON_FIELDS = {
    "label": _l("Label"),
    "weight": _l("Weight"),
    "must_have": _l("Must-have"),
    "type": _l("Type"),
}


def _field_label(ctype: str, name: str) -> str:
    """Return what the requirements form calls a criterion's field, in the reader's language."""
    if name in COMMON_FIELDS:
        return str(COMMON_FIELDS[name])
    kind = CRITERION_TYPES.get(ctype)
    for param in kind.PARAMS if kind else ():
        if param.name == name:
            return _(param.label)
    return name.replace("_", " ")


@bp.post("/openings/<int:opening_id>/versions/<int:version>/revert")
@roles_required(*MANAGERS)
def revert(opening_id: int, version: int) -> Response:
    """Make an earlier version current again, as a new version."""
    opening = opening_or_404(opening_id, MANAGERS)
    try:
        row = requirements.revert(db_session(), opening, version, current_user.user, _cache_dir())
    except ServiceError as exc:
        flash(error_text(exc), "error")
    else:
        db_session().commit()
        flash(
            _(
                "Version %(old)s is current again, as version %(new)s.",
                old=version,
                new=row.version,
            ),
            "success",
        )
    return redirect(url_for("manager.versions", opening_id=opening.id))
