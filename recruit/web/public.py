"""Public pages for candidates: open openings."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from recruit.db.models import Opening
from recruit.web.app import db_session

bp = Blueprint("public", __name__)


@bp.get("/")
def openings() -> str:
    """List the open openings."""
    rows = db_session().scalars(
        select(Opening).where(Opening.status == "open").order_by(Opening.created_at.desc())
    )
    return render_template("public/openings.html", openings=list(rows))


@bp.get("/openings/<int:opening_id>")
def opening(opening_id: int) -> str:
    """Show one open opening."""
    row = db_session().get(Opening, opening_id)
    if row is None or row.status != "open":
        abort(404)
    return render_template("public/opening.html", opening=row)
