"""Admin pages: users, opening membership, blind review, retention, privacy notice, audit log."""

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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from recruit import services
from recruit.core.printable import unprintable
from recruit.db.models import (
    OUTBOX_STATUSES,
    USER_ROLES,
    AuditEvent,
    Candidate,
    Opening,
    OpeningMember,
    OutboxMessage,
    User,
    parse_id,
    utcnow,
)
from recruit.services import outbox
from recruit.web.app import db_session, storage
from recruit.web.forms import (
    ROLE_LABELS,
    ActiveForm,
    BlindReviewForm,
    ConsentTextForm,
    InviteForm,
    MemberForm,
    RetentionForm,
    RoleForm,
)
from recruit.web.i18n import error_text
from recruit.web.permissions import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_PAGE = 100


# The outbox's states and the kinds of e-mail, as the admin's page names them.
OUTBOX_STATUS_LABELS = {
    "queued": _l("queued"),
    "sending": _l("sending"),
    "sent": _l("sent"),
    "failed": _l("failed"),
}
EMAIL_KIND_LABELS = {
    "received": _l("application received"),
    "status": _l("status change"),
    "invitation": _l("invitation to an interview"),
    "rejection": _l("rejection"),
    "link": _l("confirmation link"),
}


@bp.before_request
@roles_required("admin")
def _admins_only() -> None:
    """Every page here is for admins; the check runs before any view of this blueprint."""


def _actor() -> User:
    return db_session().merge(current_user.user)


def _user_or_404(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _opening_or_404(opening_id: int) -> Opening:
    opening = db_session().get(Opening, opening_id)
    if opening is None:
        abort(404)
    return opening


def _done(message: str, endpoint: str, **values: Any) -> Response:
    db_session().commit()
    flash(message, "ok")
    return redirect(url_for(endpoint, **values))


def _failed(exc: services.ServiceError, endpoint: str) -> Response:
    db_session().rollback()
    flash(error_text(exc), "error")
    return redirect(url_for(endpoint))


@bp.get("/")
@roles_required("admin")
def users() -> str:
    """List the staff accounts, with the invitation form."""
    return _users_page()


def _users_page(invite_form: InviteForm | None = None, link: str | None = None) -> str:
    rows = db_session().scalars(select(User).order_by(User.active.desc(), User.email)).all()
    return render_template(
        "admin/users.html",
        users=rows,
        invite_form=invite_form or InviteForm(),
        roles=USER_ROLES,
        active_form=ActiveForm(),
        link=link,
    )


@bp.post("/users/invite")
@roles_required("admin")
def invite() -> str | Response:
    """Create an account and show its one-time invitation link, once."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _users_page(invite_form=form)
    session = db_session()
    try:
        user, token = services.invite_user(
            session, form.email.data or "", form.role.data, form.name.data or "", actor=_actor()
        )
    except services.ServiceError as exc:
        form.email.errors = [error_text(exc)]
        return _users_page(invite_form=form)
    session.commit()
    link = url_for("auth.accept_invitation", token=token, _external=True)
    flash(
        _("Invited %(email)s. Send them the link below; it is shown only now.", email=user.email),
        "ok",
    )
    return _users_page(link=link)


@bp.post("/users/<int:user_id>/role")
@roles_required("admin")
def change_role(user_id: int) -> Response:
    """Change a user's role."""
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_role(db_session(), user, form.role.data, actor=_actor())
    except services.ServiceError as exc:
        return _failed(exc, "admin.users")
    role = ROLE_LABELS.get(form.role.data, form.role.data)
    return _done(_("%(email)s is now %(role)s.", email=user.email, role=role), "admin.users")


@bp.post("/users/<int:user_id>/active")
@roles_required("admin")
def set_active(user_id: int) -> Response:
    """Deactivate or reactivate a user; deactivation ends their sessions at once."""
    user = _user_or_404(user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "1"
    try:
        services.set_active(db_session(), user, active, actor=_actor())
    except services.ServiceError as exc:
        return _failed(exc, "admin.users")
    if active:
        return _done(_("%(email)s reactivated.", email=user.email), "admin.users")
    return _done(_("%(email)s deactivated.", email=user.email), "admin.users")


@bp.get("/openings")
@roles_required("admin")
def openings() -> str:
    """List every opening with its members and blind-review switch."""
    session = db_session()
    rows = session.scalars(select(Opening).order_by(Opening.created_at.desc())).all()
    staff = session.scalars(
        select(User).where(User.active.is_(True), User.role != "admin").order_by(User.email)
    ).all()
    members: dict[int, list[User]] = {o.id: [] for o in rows}
    for member in session.scalars(select(OpeningMember)):
        members.setdefault(member.opening_id, []).append(member.user)
    return render_template(
        "admin/openings.html",
        openings=rows,
        members=members,
        staff=staff,
        member_form=MemberForm,
        blind_form=BlindReviewForm,
    )


@bp.post("/openings/<int:opening_id>/members")
@roles_required("admin")
def add_member(opening_id: int) -> Response:
    """Assign a recruiter or hiring manager to an opening."""
    opening = _opening_or_404(opening_id)
    form = MemberForm()
    if not form.validate_on_submit():
        abort(400)
    user = _user_or_404(form.user_id.data)
    try:
        services.add_member(db_session(), opening, user, actor=_actor())
    except services.ServiceError as exc:
        return _failed(exc, "admin.openings")
    message = _("%(email)s works on %(opening)s now.", email=user.email, opening=opening.title)
    return _done(message, "admin.openings")


@bp.post("/openings/<int:opening_id>/members/<int:user_id>/remove")
@roles_required("admin")
def remove_member(opening_id: int, user_id: int) -> Response:
    """Take a user off an opening."""
    opening = _opening_or_404(opening_id)
    user = _user_or_404(user_id)
    services.remove_member(db_session(), opening, user, actor=_actor())
    message = _(
        "%(email)s no longer works on %(opening)s.", email=user.email, opening=opening.title
    )
    return _done(message, "admin.openings")


@bp.post("/openings/<int:opening_id>/blind")
@roles_required("admin")
def blind_review(opening_id: int) -> Response:
    """Switch blind review on or off for an opening."""
    opening = _opening_or_404(opening_id)
    form = BlindReviewForm()
    if not form.validate_on_submit():
        abort(400)
    opening.blind_review = bool(form.blind_review.data)
    services.audit(
        db_session(),
        "opening.blind_review",
        "opening",
        opening.id,
        actor=_actor(),
        on=opening.blind_review,
    )
    if opening.blind_review:
        message = _("Blind review is on for %(opening)s.", opening=opening.title)
    else:
        message = _("Blind review is off for %(opening)s.", opening=opening.title)
    return _done(message, "admin.openings")


@bp.get("/privacy")
@roles_required("admin")
def privacy() -> str:
    """Show the retention period, what is due for purging, and the privacy notice versions."""
    return _privacy_page()


def _privacy_page(
    retention_form: RetentionForm | None = None, notice_form: ConsentTextForm | None = None
) -> str:
    session = db_session()
    services.refresh_retention(session)
    session.commit()
    due = session.scalar(
        select(func.count())
        .select_from(Candidate)
        .where(Candidate.erased_at.is_(None), Candidate.retain_until <= utcnow())
    )
    months = services.retention_months(session)
    return render_template(
        "admin/privacy.html",
        months=months,
        due=due,
        notices=services.notice_versions(session),
        retention_form=retention_form or RetentionForm(months=months),
        notice_form=notice_form or ConsentTextForm(),
    )


@bp.post("/privacy/retention")
@roles_required("admin")
def retention() -> str | Response:
    """Set how many months candidates' data is kept after their opening closes."""
    form = RetentionForm()
    if not form.validate_on_submit():
        return _privacy_page(retention_form=form)
    services.set_retention_months(db_session(), int(form.months.data or 0), actor=_actor())
    message = _("Data is now kept %(months)s months after closing.", months=form.months.data)
    return _done(message, "admin.privacy")


@bp.post("/privacy/notice")
@roles_required("admin")
def publish_notice() -> str | Response:
    """Publish a new version of the privacy notice candidates consent to."""
    form = ConsentTextForm()
    if not form.validate_on_submit():
        return _privacy_page(notice_form=form)
    try:
        services.publish_notice(
            db_session(), form.version.data or "", form.body.data or "", actor=_actor()
        )
    except services.ServiceError as exc:
        form.version.errors = [error_text(exc)]
        return _privacy_page(notice_form=form)
    message = _("Privacy notice %(version)s published.", version=form.version.data)
    return _done(message, "admin.privacy")


@bp.post("/privacy/purge")
@roles_required("admin")
def purge() -> Response:
    """Run the retention purge now (it also runs daily and as `recruit purge`)."""
    session = db_session()
    services.audit(session, "retention.purge_requested", "setting", "retention", actor=_actor())
    session.commit()
    report = services.purge_expired(session, storage())
    flash(
        _(
            "Purged %(candidates)s candidates and %(files)s files.",
            candidates=report.candidates,
            files=report.files,
        ),
        "ok",
    )
    return redirect(url_for("admin.privacy"))


@bp.get("/audit")
@roles_required("admin")
def audit_log() -> str:
    """Read the audit log, newest first, filtered by action or subject."""
    session = db_session()
    # A filter with control characters is ignored: no event holds one (PostgreSQL compares no NUL).
    action, subject_type, subject_id = (
        "" if unprintable(value) else value
        for value in (
            request.args.get("action", "")[:60],
            request.args.get("subject_type", "")[:40],
            request.args.get("subject_id", "")[:64],
        )
    )
    before = parse_id(request.args.get("before"))
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(AUDIT_PAGE)
    if action:
        query = query.where(AuditEvent.action == action)
    if subject_type:
        query = query.where(AuditEvent.subject_type == subject_type)
    if subject_id:
        query = query.where(AuditEvent.subject_id == subject_id)
    if before:
        query = query.where(AuditEvent.id < before)
    events = session.scalars(query).all()
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    actors = (
        {u.id: u for u in session.scalars(select(User).where(User.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    actions = session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template(
        "admin/audit.html",
        events=events,
        actors=actors,
        actions=list(actions),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        next_before=events[-1].id if len(events) == AUDIT_PAGE else None,
    )


OUTBOX_PAGE = 200


@bp.get("/outbox")
@roles_required("admin")
def outbox_page() -> str:
    """List the e-mails to candidates, newest first: status, attempts, last error."""
    status = request.args.get("status", "")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(OUTBOX_PAGE)
    if status in OUTBOX_STATUSES:
        query = query.where(OutboxMessage.status == status)
    session = db_session()
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "admin/outbox.html",
        messages=session.scalars(query).all(),
        status=status,
        counts=counts,
        statuses=OUTBOX_STATUSES,
        status_labels={k: str(v) for k, v in OUTBOX_STATUS_LABELS.items()},
        kind_labels={k: str(v) for k, v in EMAIL_KIND_LABELS.items()},
        smtp=bool(current_app.config["RECRUIT_SETTINGS"].smtp_url),
        folder=current_app.config["RECRUIT_SETTINGS"].outbox_folder,
    )


@bp.post("/outbox/<int:message_id>/retry")
@roles_required("admin")
def retry_email(message_id: int) -> Response:
    """Send a failed e-mail again (after the mail server was fixed)."""
    message = db_session().get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    try:
        outbox.retry_now(db_session(), message, _actor())
    except services.ServiceError as exc:
        return _failed(exc, "admin.outbox_page")
    return _done(_("E-mail %(id)s will be sent again.", id=message.id), "admin.outbox_page")
