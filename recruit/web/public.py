"""Public pages for candidates: open openings, filtered by city and role."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from recruit.db.models import Opening
from recruit.services.openings import accepts_applications
from recruit.web.app import db_session
from recruit.web.forms import EMPLOYMENT_LABELS, ROLE_TEMPLATE_LABELS

bp = Blueprint("public", __name__)


@bp.get("/")
def openings() -> str:
    """List the openings taking applications, by city and role when asked."""
    rows = db_session().scalars(
        select(Opening).where(Opening.status == "open").order_by(Opening.created_at.desc())
    )
    accepting = [o for o in rows if accepts_applications(o)]
    cities = sorted({o.location for o in accepting if o.location}, key=str.casefold)
    roles = {k: str(v) for k, v in ROLE_TEMPLATE_LABELS.items()}
    city = request.args.get("city", "")[:200]
    role = request.args.get("role", "")[:60]
    shown = [
        o
        for o in accepting
        if (not city or o.location.casefold() == city.casefold())
        and (not role or o.role_id == role)
    ]
    return render_template(
        "public/openings.html",
        openings=shown,
        cities=cities,
        roles=roles,
        city=city,
        role=role,
        filtered=bool(city or role),
    )


@bp.get("/openings/<int:opening_id>")
def opening(opening_id: int) -> str:
    """Show one opening; a closed one says it takes no more applications."""
    row = db_session().get(Opening, opening_id)
    if row is None or row.status == "draft":
        abort(404)
    return render_template(
        "public/opening.html",
        opening=row,
        accepting=accepts_applications(row),
        employment=EMPLOYMENT_LABELS,
    )
