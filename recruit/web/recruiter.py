"""Recruiters: openings dashboard, ranked shortlists, candidate pages, bulk actions, export."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from recruit.db.models import APPLICATION_STATUSES, Application, Opening, parse_id
from recruit.services import ServiceError, duplicates, outbox, review, talent
from recruit.services.documents import outdated, outdated_applications
from recruit.services.openings import accepts_applications, current_profile
from recruit.web import exports
from recruit.web.app import db_session, storage
from recruit.web.forms import BulkForm, ContactForm, NoteForm, StatusForm
from recruit.web.i18n import error_text, label_text
from recruit.web.permissions import (
    REVEALED_STATUSES,
    application_or_404,
    audit_view,
    candidate_view,
    document_or_404,
    download_stem,
    identity_hidden,
    may_see_original,
    opening_or_404,
    roles_required,
    talent_scope,
    visible_openings_query,
)
from recruit.web.security import safe_target, send_original

bp = Blueprint("recruiter", __name__, url_prefix="/recruiter")

STAFF = ("recruiter", "admin")
# Hiring managers read their openings' shortlists and candidates; they change nothing there,
# and do not export or download (copies of personal data leave the system that way).
READERS = (*STAFF, "hiring_manager")
STATUS_LABELS = {
    "new": _l("New"),
    "shortlisted": _l("Shortlisted"),
    "interview": _l("Interview"),
    "offer": _l("Offer"),
    "hired": _l("Hired"),
    "rejected": _l("Rejected"),
}
EDUCATION_LABELS = {
    "none": _l("none"),
    "secondary": _l("secondary"),
    "post_secondary": _l("post-secondary"),
    "bachelor": _l("bachelor"),
    "master": _l("master"),
    "doctorate": _l("doctorate"),
}


def may_act() -> bool:
    """Tell whether the current user may change statuses, add notes, export and download."""
    return current_user.role in STAFF


def _status_choices() -> list[SelectChoice]:
    return [SelectChoice(s, STATUS_LABELS[s]) for s in APPLICATION_STATUSES]


def filter_from_args(args: Any, opening: Opening) -> review.ShortlistFilter:
    """Read the shortlist filter from a query string, ignoring what does not parse."""
    try:
        min_score = float(args["min_score"]) if args.get("min_score") else None
    except ValueError:
        min_score = None
    if min_score is not None and not math.isfinite(min_score):
        min_score = None
    view = args.get("view", "ranked")
    sort = args.get("sort", "score")
    status = args.get("status", "")
    return review.ShortlistFilter(
        view=view if view in review.VIEWS else "ranked",
        status=status if status in APPLICATION_STATUSES else "",
        min_score=min_score,
        has_typos=args.get("typos") == "1",
        language=args.get("lang", "")[:8],
        q=args.get("q", "")[:100],
        sort=sort if sort in review.SORTS else "score",
        after=args.get("after", "")[:60],
        match_names=not opening.blind_review or current_user.role == "admin",
        revealed=REVEALED_STATUSES,
    )


@bp.get("/")
@roles_required(*READERS)
def dashboard() -> str:
    """List the openings the recruiter works on, with application and reading counts."""
    openings = list(db_session().scalars(visible_openings_query().order_by(Opening.title)))
    return render_template(
        "recruiter/dashboard.html",
        stats=review.dashboard(db_session(), openings),
        accepting={o.id for o in openings if accepts_applications(o)},
    )


@bp.get("/progress.json")
@roles_required(*READERS)
def progress() -> Response:
    """Return the dashboard counts, for the page to refresh itself."""
    openings = list(db_session().scalars(visible_openings_query()))
    return jsonify([s.to_dict() for s in review.dashboard(db_session(), openings)])


@bp.get("/openings/<int:opening_id>")
@roles_required(*READERS)
def shortlist(opening_id: int) -> str:
    """Show the opening's ranked shortlist, one page at a time."""
    opening = opening_or_404(opening_id)
    flt = filter_from_args(request.args, opening)
    try:
        page = review.shortlist(db_session(), opening, flt)
    except ServiceError as exc:
        flash(error_text(exc), "error")
        flt = review.ShortlistFilter(view=flt.view, match_names=flt.match_names)
        page = review.shortlist(db_session(), opening, flt)
    bulk = BulkForm()
    bulk.status.choices = _status_choices()
    return render_template(
        "recruiter/shortlist.html",
        opening=opening,
        flt=flt,
        list_args=flt.params(after=""),
        page=page,
        related=duplicates.related(db_session(), [a.id for a in page.rows]),
        outdated=outdated_applications(db_session(), [a.id for a in page.rows]),
        outdated_labels=_outdated_labels(),
        bulk=bulk,
        acts=may_act(),
        # Plain strings: lazy ones would be translated again on each of the 50 rows.
        statuses={k: str(v) for k, v in STATUS_LABELS.items()},
        education={k: str(v) for k, v in EDUCATION_LABELS.items()},
        candidate_view=candidate_view,
        first_rank=parse_id(request.args.get("rank")) or 1,
        criterion_labels=_criterion_labels(opening),
    )


def _criterion_labels(opening: Opening) -> dict[str, str]:
    """Return the current criteria's labels by id, in the reader's language (knock-outs)."""
    try:
        profile = current_profile(db_session(), opening)
    except ServiceError:
        return {}
    return {c["id"]: label_text(c.get("label")) for c in profile.criteria.get("criteria", [])}


@bp.get("/talent-pool")
@roles_required(*STAFF)
def talent_pool() -> str:
    """Search every opening the user works on; one row per person, applications linked."""
    q = request.args.get("q", "")[:100]
    result = talent.search(db_session(), q, talent_scope()) if q.strip() else None
    return render_template(
        "recruiter/talent_pool.html",
        q=q,
        result=result,
        candidate_view=candidate_view,
        statuses={k: str(v) for k, v in STATUS_LABELS.items()},
    )


@bp.post("/openings/<int:opening_id>/bulk")
@roles_required(*STAFF)
def bulk(opening_id: int) -> Response:
    """Change the status of the ticked candidates; a rejection needs an explicit confirmation."""
    opening = opening_or_404(opening_id)
    form = BulkForm()
    form.status.choices = _status_choices()
    ids = [i for i in map(parse_id, request.form.getlist("ids")) if i is not None]
    back = safe_target(
        request.form.get("back"), url_for("recruiter.shortlist", opening_id=opening.id)
    )
    if not form.validate_on_submit():
        flash(_("The action could not be applied; please try again."), "error")
    elif form.status.data == "rejected" and not form.confirm.data:
        flash(_("Tick the confirmation to reject: the tool only recommends."), "error")
    else:
        try:
            changed = review.bulk_change_status(
                db_session(), opening, ids, form.status.data or "", current_user.user
            )
        except ServiceError as exc:
            flash(error_text(exc), "error")
        else:
            told, untold = announce_all(opening, changed) if form.notify.data else ([], [])
            db_session().commit()
            flash(_("%(n)s candidates updated.", n=len(changed)), "success")
            if told:
                flash(_("%(n)s of them will get an e-mail about it.", n=len(told)), "success")
            if untold:
                flash(
                    _(
                        "%(n)s got no e-mail: no address, or blind review hides who they are.",
                        n=len(untold),
                    ),
                    "error",
                )
    return redirect(back)


def _export_rows(opening: Opening) -> tuple[Iterator[list[Any]], review.ShortlistFilter]:
    flt = filter_from_args(request.args, opening)
    statuses = {k: str(v) for k, v in STATUS_LABELS.items()}
    education = {k: str(v) for k, v in EDUCATION_LABELS.items()}
    criteria = _criterion_labels(opening)
    rows = (
        exports.row(rank, application, notes, statuses, education, criteria)
        for rank, application, notes in review.export_rows(db_session(), opening, flt)
    )
    return rows, flt


@bp.get("/openings/<int:opening_id>/export.csv")
@roles_required(*STAFF)
def export_csv(opening_id: int) -> Response:
    """Download the filtered shortlist as CSV in the user's locale (";" and "7,5" in Romanian)."""
    opening = opening_or_404(opening_id)
    rows, flt = _export_rows(opening)
    return Response(
        exports.csv_lines(list(rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="shortlist-{opening.id}-{flt.view}.csv"'
        },
    )


@bp.get("/openings/<int:opening_id>/export.xlsx")
@roles_required(*STAFF)
def export_xlsx(opening_id: int) -> Response:
    """Download the filtered shortlist as an Excel workbook with typed cells."""
    opening = opening_or_404(opening_id)
    rows, flt = _export_rows(opening)
    return Response(
        exports.xlsx_bytes(rows),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="shortlist-{opening.id}-{flt.view}.xlsx"'
        },
    )


@bp.get("/applications/<int:application_id>")
@roles_required(*READERS)
def candidate(application_id: int) -> str:
    """Show one candidate: score breakdown with evidence, highlighted CV, profile, notes."""
    application = application_or_404(application_id)
    page = _candidate_page(application, NoteForm())
    db_session().commit()  # a breakdown computed on first view is kept
    return page


def _list_args(opening: Opening) -> tuple[review.ShortlistFilter, dict[str, Any]]:
    """Return the shortlist a candidate page was opened from, and its query string."""
    flt = filter_from_args(request.args, opening)
    return flt, flt.params(after="")


def _candidate_page(application: Application, note_form: NoteForm) -> str:
    """Render the candidate page (shared by the page and a note form sent back with errors)."""
    shown = review.shown_document(application)
    view = candidate_view(application, shown)
    detail = review.candidate_detail(db_session(), application, view.redactor, label_text)
    status_form = StatusForm(status=application.status)
    status_form.status.choices = _status_choices()
    session = db_session()
    others = duplicates.related(session, [application.id]).get(application.id, [])
    flt, list_args = _list_args(application.opening)
    previous, following = review.neighbours(db_session(), application.opening, flt, application)
    return render_template(
        "recruiter/candidate.html",
        list_args=list_args,
        previous=previous,
        following=following,
        application=application,
        duplicate_of=application.duplicate_of if application.duplicate_of_id else None,
        later=[session.get(Application, i) for i in others if i != application.duplicate_of_id],
        name_of=lambda other: candidate_view(other).name,
        view=view,
        detail=detail,
        status_form=status_form,
        note_form=note_form,
        contact_form=ContactForm(
            data={
                "name": application.candidate.name,
                "email": application.candidate.email,
                "phone": application.candidate.phone,
            }
        ),
        acts=may_act(),
        statuses=STATUS_LABELS,
        education=EDUCATION_LABELS,
        reason=review_reason,
        document_states=DOCUMENT_STATES,
        outdated=outdated,
        reading=outdated(shown.extractor_version) if shown and shown.profile else None,
        outdated_labels=_outdated_labels(),
    )


def _outdated_labels() -> dict[str, str]:
    """What a reading by an earlier extractor version is called, by `outdated` state."""
    return {
        "waiting": _("read by an earlier version; being read again"),
        "failed": _("read by an earlier version; reading it again failed, that reading stays"),
    }


@bp.post("/applications/<int:application_id>/status")
@roles_required(*STAFF)
def change_status(application_id: int) -> Response:
    """Set the application's status; a rejection needs an explicit confirmation."""
    application = application_or_404(application_id)
    form = StatusForm()
    form.status.choices = _status_choices()
    if not form.validate_on_submit():
        flash(_("Choose a status."), "error")
    elif form.status.data == "rejected" and not form.confirm.data:
        flash(_("Tick the confirmation to reject: the tool only recommends."), "error")
    else:
        review.set_status(db_session(), application, form.status.data or "", current_user.user)
        told = form.notify.data and announce(application)
        db_session().commit()
        flash(_("Status changed to %(s)s.", s=STATUS_LABELS[application.status]), "success")
        if told:
            flash(_("The candidate will get an e-mail about it."), "success")
        elif form.notify.data:
            flash(_("No e-mail was sent: the candidate has no address, or it is hidden."), "error")
    list_args = _list_args(application.opening)[1]
    return redirect(url_for("recruiter.candidate", application_id=application.id, **list_args))


@bp.post("/applications/<int:application_id>/contact")
@roles_required(*STAFF)
def update_contact(application_id: int) -> Response:
    """Correct the candidate's name, e-mail or phone (audited)."""
    application = application_or_404(application_id)
    if identity_hidden(application):
        abort(403)  # blind review: the recruiter may not see, so may not edit, who this is
    form = ContactForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    else:
        try:
            changed = review.update_contact(
                db_session(),
                application,
                current_user.user,
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
            )
        except ServiceError:
            db_session().rollback()
            flash(_("The phone number is not valid."), "error")
        else:
            db_session().commit()
            if changed:
                flash(_("Contact details saved."), "success")
    return redirect(url_for("recruiter.candidate", application_id=application.id) + "#contact")


def announce(application: Application) -> bool:
    """Queue the e-mail telling the candidate their new status; tell whether one was queued.

    Not under blind review: the recruiter would be writing to someone they may not identify.
    """
    if identity_hidden(application):
        return False
    message = outbox.announce_status(
        db_session(),
        application,
        sender=current_app.config["RECRUIT_SETTINGS"].mail_from,
        status_link=_status_link(application),
        actor=current_user.user,
    )
    return message is not None


def announce_all(opening: Opening, applications: list[Application]) -> tuple[list[int], list[int]]:
    """Queue the new-status e-mail of each application a bulk change announces (audited).

    Return the ids e-mailed and those that could not be (no address, or blind review).
    """
    return outbox.announce_statuses(
        db_session(),
        opening,
        applications,
        sender=current_app.config["RECRUIT_SETTINGS"].mail_from,
        status_link=_status_link,
        actor=current_user.user,
        withheld=identity_hidden,
    )


def _status_link(application: Application) -> str:
    return url_for("candidates.status", token=application.status_token, _external=True)


@bp.post("/applications/<int:application_id>/notes")
@roles_required(*STAFF)
def add_note(application_id: int) -> str | Response:
    """Add a note to the application."""
    application = application_or_404(application_id)
    form = NoteForm()
    if form.validate_on_submit():
        review.add_note(db_session(), application, form.body.data or "", current_user.user)
        db_session().commit()
        flash(_("Note added."), "success")
        list_args = _list_args(application.opening)[1]
        back = url_for("recruiter.candidate", application_id=application.id, **list_args)
        return redirect(back + "#notes")
    return _candidate_page(application, form)


@bp.get("/documents/<int:document_id>/original")
@roles_required(*STAFF)
def download(document_id: int) -> Response:
    """Download the original CV file, always as an attachment (never rendered inline)."""
    document = document_or_404(document_id)
    if not may_see_original(document.application):
        abort(403)  # the file shows the name and photo that blind review hides
    audit_view("document.download", "document", document.id)
    return send_original(storage(), document, download_stem(document.application))


@bp.get("/needs-review")
@roles_required(*STAFF)
def review_list() -> str:
    """List the CVs that could not be read, with the reason, per opening of the user's."""
    openings = db_session().scalars(visible_openings_query().order_by(Opening.title))
    return _review_page(list(openings), None)


@bp.get("/openings/<int:opening_id>/needs-review")
@roles_required(*STAFF)
def opening_review(opening_id: int) -> str:
    """List the CVs of one opening that could not be read, with the reason."""
    opening = opening_or_404(opening_id)
    return _review_page([opening], opening)


def _review_page(openings: list[Opening], opening: Opening | None) -> str:
    documents = review.needs_review(db_session(), [o.id for o in openings])
    groups = [(o, [d for d in documents if d.application.opening_id == o.id]) for o in openings]
    return render_template(
        "recruiter/needs_review.html",
        groups=[(o, docs) for o, docs in groups if docs],
        opening=opening,
        candidate_view=candidate_view,
        reason=review_reason,
    )


# What a recruiter is told about a CV that could not be read, and what to do about it. The
# candidate sees the reader's own message, which is written for them ("please upload...").
REVIEW_REASONS = {
    "no_text_layer": _l(
        "Scanned picture with no text: open the original, or ask for the PDF exported from "
        "the editor."
    ),
    "ocr": _l("Scanned picture read by text recognition (OCR): check the text against the file."),
    "ocr_low_confidence": _l(
        "Read by text recognition (OCR), but unsure of many words (a blurred or dark photo): "
        "check the text against the original file."
    ),
    "no_text": _l(
        "A picture or scan where text recognition (OCR) found no text (blank, dark or "
        "blurred): open the original, or ask for the PDF exported from the editor."
    ),
    "encrypted": _l("Protected by a password: ask the candidate for a copy without one."),
    "not_a_pdf": _l(
        "Not a CV document, whatever its name says: ask for the CV as a PDF or Word file."
    ),
    "unsupported_type": _l(
        "A kind of file we cannot read (an old .doc, .odt or a picture): ask for a PDF or .docx."
    ),
    "corrupt": _l("Damaged or cut off during the upload: ask the candidate to send it again."),
    "too_large": _l("Too large, or unpacks to something huge: ask for a lighter PDF."),
    "too_many_pages": _l("Too many pages for a CV (a whole portfolio?): ask for the CV alone."),
    "timeout": _l("Took too long to read: open the original, or ask for a plain PDF export."),
}


DOCUMENT_STATES = {
    "queued": _l("waiting to be read"),
    "reading": _l("being read"),
    "ok": _l("read"),
}


def review_reason(document: Any) -> str:
    """Return, in recruiters' words, why a document needs a person."""
    code = document.error_code or ""
    if code == "no_text_layer" and document.text:
        code = "ocr"  # text recognition gave us something to score, to be checked
    return str(REVIEW_REASONS.get(code, _("Could not be read: open the original file.")))
