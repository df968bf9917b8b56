"""Staff sign-in, sign-out, password change and accepting an invitation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from recruit import services
from recruit.core.contacts import normalise_email
from recruit.web.app import db_session, sign_in_user
from recruit.web.forms import ChangePasswordForm, SetPasswordForm, SignInForm
from recruit.web.i18n import error_text
from recruit.web.permissions import public_route
from recruit.web.security import (
    client_address,
    rate_limit_hit,
    rate_limit_reset,
    rate_limited,
    safe_target,
    too_many,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


# Where each role starts its day: the page it opens most.
ROLE_HOMES = {
    "recruiter": "recruiter.dashboard",
    "hiring_manager": "manager.openings",
    "admin": "admin.users",
}


def home_for(role: str) -> str:
    """Return the URL of the page a staff role lands on after signing in."""
    return url_for(ROLE_HOMES.get(role, "public.openings"))


@bp.route("/sign-in", methods=["GET", "POST"])
@public_route
def sign_in() -> str | Response:
    """Sign a staff member in; failures are limited per account and attempts per address."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home_for(current_user.role))
    form = SignInForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data or "")
        if not rate_limit_hit("sign_in_address", client_address()):
            raise too_many("sign_in_address")
        # Counted whether or not the account exists, so the limit reveals no accounts.
        if rate_limited("sign_in_account", email):
            raise too_many("sign_in_account")
        session = db_session()
        user = services.authenticate(session, email, form.password.data or "")
        if user is not None:
            rate_limit_reset("sign_in_account", email)
            services.audit(session, "user.signed_in", "user", user.id, actor=user)
            sign_in_user(session, user)
            return redirect(safe_target(request.args.get("next"), home_for(user.role)))
        rate_limit_hit("sign_in_account", email)
        flash(_("Wrong e-mail or password."), "error")
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
@login_required
def sign_out() -> Response:
    """Sign the current user out: the session ends on the server, not only in this browser."""
    session = db_session()
    services.end_session(session, current_user.get_id())
    session.commit()
    logout_user()
    return redirect(url_for("auth.sign_in"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    """Change one's own password; every other session of this account ends."""
    form = ChangePasswordForm()
    form.hints = (current_user.email, current_user.name)
    if form.validate_on_submit():
        session = db_session()
        user = session.merge(current_user.user)
        try:
            services.change_password(session, user, form.current.data or "", form.new.data or "")
        except services.ServiceError as exc:
            form.current.errors = [error_text(exc)]
        else:
            sign_in_user(session, user)  # every session ended: this one starts anew
            flash(_("Your password was changed."), "ok")
            return redirect(home_for(user.role))
    return render_template("auth/password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public_route
def accept_invitation(token: str) -> str | Response:
    """Let an invited person choose a password through their one-time link."""
    session = db_session()
    user = services.user_for_invite(session, token)
    if user is None:
        abort(404)
    form = SetPasswordForm()
    form.hints = (user.email, user.name)
    if form.validate_on_submit():
        try:
            services.accept_invite(session, token, form.new.data or "")
        except services.ServiceError as exc:
            form.new.errors = [error_text(exc)]
        else:
            logout_user()
            sign_in_user(session, user)
            flash(_("Welcome. Your password is set."), "ok")
            return redirect(home_for(user.role))
    return render_template("auth/invitation.html", form=form, user=user)
