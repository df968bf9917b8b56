"""Staff sign-in and sign-out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from recruit import services
from recruit.web.app import StaffUser, db_session
from recruit.web.forms import SignInForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response:
    """Sign a staff member in."""
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(db_session(), form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(StaffUser(user))
            target = request.args.get("next", "")
            # Only local paths: an open redirect would let a phishing link borrow our domain.
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("public.openings")
            return redirect(target)
        flash("Wrong e-mail or password.", "error")
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
@login_required
def sign_out() -> Response:
    """Sign the current user out."""
    logout_user()
    return redirect(url_for("auth.sign_in"))
