"""Hiring managers: requirement profiles with a live preview, versions and a score histogram."""

from __future__ import annotations

from flask import Blueprint, render_template

from recruit.db.models import Opening
from recruit.web.app import db_session
from recruit.web.permissions import roles_required, visible_openings_query

bp = Blueprint("manager", __name__, url_prefix="/manager")

MANAGERS = ("hiring_manager", "admin")


@bp.get("/")
@roles_required(*MANAGERS)
def openings() -> str:
    """List the openings whose requirements the manager tunes."""
    rows = list(db_session().scalars(visible_openings_query().order_by(Opening.title)))
    return render_template("manager/openings.html", openings=rows)
