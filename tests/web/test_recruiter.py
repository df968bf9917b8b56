"""The recruiter's pages: dashboard, ranked shortlist, candidate page, statuses, notes, export."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from recruit import services
from recruit.db.models import Application, AuditEvent, Note
from recruit.services import review
from tests.web import factories as f

STRONG = {
    "negotiation": "negociere",
    "client_portfolio": "portofoliu de clienți",
    "contracts": "contracte",
    "crm": "CRM",
}
WEAK = {"negotiation": "negociere"}


def setup(session, **kw):
    recruiter = f.staff(session, "recruiter", name="Rita Recruiter")
    o = f.opening(session, recruiter, **kw)
    strong = f.read_application(session, o, "Ana Popescu", STRONG, typo=True)
    weak = f.read_application(session, o, "Bogdan Ionescu", WEAK, sales_months=6)
    knocked = f.read_application(
        session, o, "Carmen Dumitru", {"negotiation": "negociere", "crm": "CRM"}, english=None
    )
    session.commit()
    return recruiter, o, strong, weak, knocked


def test_staff_pages_need_sign_in_and_membership(wclient, session):
    recruiter, o, strong, *_ = setup(session)
    outsider = f.staff(session, "recruiter")
    manager = f.staff(session, "hiring_manager")
    session.commit()
    assert wclient.get(f"/recruiter/openings/{o.id}").status_code == 302  # to sign-in
    f.sign_in(wclient, outsider)
    assert wclient.get(f"/recruiter/openings/{o.id}").status_code == 404
    assert wclient.get(f"/recruiter/applications/{strong.id}").status_code == 404
    wclient.post("/auth/sign-out")
    f.sign_in(wclient, manager)
    # Hiring managers read the shortlists of their own openings only, and act on none.
    assert wclient.get(f"/recruiter/openings/{o.id}").status_code == 404
    assert wclient.post(f"/recruiter/openings/{o.id}/bulk").status_code == 403


def test_shortlist_ranks_best_first_with_key_facts(wclient, session):
    recruiter, o, strong, weak, _ = setup(session)
    f.sign_in(wclient, recruiter)
    body = wclient.get(f"/recruiter/openings/{o.id}").get_data(as_text=True)
    assert body.index("Ana Popescu") < body.index("Bogdan Ionescu")
    assert "3.0 y sales" in body and "EN C1" in body and "Licence B" in body
    assert 'class="pill pill-typo">1<' in body


def test_filters_search_and_pagination(wclient, session, web):
    recruiter, o, strong, weak, knocked = setup(session)
    f.sign_in(wclient, recruiter)

    def page(**q):
        return wclient.get(f"/recruiter/openings/{o.id}", query_string=q).get_data(as_text=True)

    assert "Bogdan" not in page(q="crm") and "Ana Popescu" in page(q="crm")
    assert "Ana Popescu" in page(q="popescu") and "Bogdan" not in page(q="popescu")
    assert "Ana Popescu" in page(typos="1") and "Carmen" not in page(typos="1")
    assert "Bogdan" not in page(min_score=f"{strong.score - 1:g}")
    from recruit.services import review

    first = review.shortlist(session, o, review.ShortlistFilter(), page_size=1)
    assert first.next_cursor and len(first.rows) == 1
    second = review.shortlist(session, o, review.ShortlistFilter(after=first.next_cursor), 1)
    assert second.rows[0].id != first.rows[0].id
    assert second.rows[0].score <= first.rows[0].score
    assert "invalid page cursor" in page(after="garbage")


def test_knocked_out_candidates_are_listed_apart(wclient, session):
    recruiter, o, strong, weak, _ = setup(session)
    from recruit.services import requirements

    criteria = dict(requirements.versions(session, o)[0].criteria)
    criteria["criteria"] = [
        {**c, "must_have": True} if c["id"] == "crm" else c for c in criteria["criteria"]
    ]
    requirements.save_version(session, o, criteria, recruiter, "CRM is a must")
    session.commit()
    f.sign_in(wclient, recruiter)
    ranked = wclient.get(f"/recruiter/openings/{o.id}").get_data(as_text=True)
    out = wclient.get(f"/recruiter/openings/{o.id}?view=knocked_out").get_data(as_text=True)
    assert "Bogdan" not in ranked and "Bogdan" in out
    assert re.search(r'ko-text">[^<]*CRM', out)  # the criterion's label, not its id
    assert "only recommends" in out


def test_candidate_page_explains_and_highlights_escaped(wclient, session):
    recruiter, o, strong, *_ = setup(session)
    doc = strong.documents[-1]
    # Markup in a CV must come out as text, never as HTML.
    doc.text = doc.text.replace("Experiență", "<i>Exp</i>")  # same length: offsets hold
    session.commit()
    f.sign_in(wclient, recruiter)
    body = wclient.get(f"/recruiter/applications/{strong.id}").get_data(as_text=True)
    assert "<i>Exp</i>" not in body and "&lt;i&gt;Exp&lt;/i&gt;" in body
    assert '<mark class="skill"' in body and 'id="ev-negotiation-0">negociere</mark>' in body
    assert '<mark class="typo"' in body and ">negocire</mark>" in body
    assert "Why this score" in body and "Negotiation" in body


def test_status_change_needs_confirmation_to_reject(wclient, session):
    recruiter, o, strong, *_ = setup(session)
    f.sign_in(wclient, recruiter)
    url = f"/recruiter/applications/{strong.id}/status"
    wclient.post(url, data={"status": "rejected"})
    session.expire_all()
    assert session.get(Application, strong.id).status == "new"
    wclient.post(url, data={"status": "shortlisted"})
    session.expire_all()
    assert session.get(Application, strong.id).status == "shortlisted"
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "application.status"))
    wclient.post(url, data={"status": "rejected", "confirm": "y"})
    session.expire_all()
    assert session.get(Application, strong.id).status == "rejected"
    assert wclient.post(url, data={"status": "bogus"}).status_code == 302
    session.expire_all()
    assert session.get(Application, strong.id).status == "rejected"


def test_notes_keep_author_and_reject_empty(wclient, session):
    recruiter, o, strong, *_ = setup(session)
    f.sign_in(wclient, recruiter)
    url = f"/recruiter/applications/{strong.id}/notes"
    bad = wclient.post(url, data={"body": ""})
    assert bad.status_code == 200 and "Write the note first." in bad.get_data(as_text=True)
    wclient.post(url, data={"body": "Call on Monday <b>please</b>"})
    note = session.scalar(select(Note))
    assert note.author_id == recruiter.id
    body = wclient.get(f"/recruiter/applications/{strong.id}").get_data(as_text=True)
    assert "Call on Monday &lt;b&gt;please&lt;/b&gt;" in body and "Rita Recruiter" in body


def test_bulk_status_and_csv_export(wclient, session):
    recruiter, o, strong, weak, knocked = setup(session)
    f.sign_in(wclient, recruiter)
    wclient.post(
        f"/recruiter/openings/{o.id}/bulk",
        data={"status": "interview", "ids": [str(strong.id), str(weak.id)]},
    )
    session.expire_all()
    assert session.get(Application, weak.id).status == "interview"
    wclient.post(
        f"/recruiter/openings/{o.id}/bulk", data={"status": "rejected", "ids": [str(weak.id)]}
    )
    session.expire_all()
    assert session.get(Application, weak.id).status == "interview"  # not confirmed
    r = wclient.get(f"/recruiter/openings/{o.id}/export.csv")
    assert r.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Rank", "Name", "E-mail"]
    assert rows[1][1] == "Ana Popescu" and len(rows) == 4


def test_dashboard_and_progress_json(wclient, session):
    recruiter, o, *_ = setup(session)
    f.sign_in(wclient, recruiter)
    body = wclient.get("/recruiter/").get_data(as_text=True)
    assert "Account Manager" in body and f'data-opening="{o.id}"' in body
    data = wclient.get("/recruiter/progress.json").get_json()
    assert data == [
        {
            "id": o.id,
            "applications": 3,
            "new": 3,
            "reading": {"queued": 0, "reading": 0, "ok": 3, "needs_review": 0, "error": 0},
        }
    ]


def test_needs_review_list_shows_the_reason(wclient, session):
    recruiter, o, strong, *_ = setup(session)
    doc = strong.documents[-1]
    doc.status, doc.error_code, doc.error_message = "needs_review", "no_text_layer", "Scanned PDF."
    doc.text = None  # no OCR here
    session.commit()
    f.sign_in(wclient, recruiter)
    body = wclient.get("/recruiter/needs-review").get_data(as_text=True)
    assert "Scanned picture with no text" in body and "Ana Popescu" in body
    # Recruiters' words: neither the raw code nor the message written for the candidate.
    assert "no_text_layer" not in body and "Scanned PDF." not in body


def test_a_cv_read_by_ocr_says_so_with_its_confidence(wclient, session):
    recruiter, o, strong, *_ = setup(session)
    doc = strong.documents[-1]
    doc.ocr_confidence = 91.6
    session.commit()
    f.sign_in(wclient, recruiter)
    body = wclient.get(f"/recruiter/applications/{strong.id}").get_data(as_text=True)
    assert "read by text recognition (OCR), 92% confidence" in body
    doc.status, doc.error_code = "needs_review", "ocr_low_confidence"
    doc.ocr_confidence = 48.0
    session.commit()
    body = wclient.get(f"/recruiter/applications/{strong.id}").get_data(as_text=True)
    assert "unsure of many words" in body and "48% confidence" in body


def test_blind_review_hides_names_text_and_file(wclient, session):
    recruiter, o, strong, *_ = setup(session, blind=True)
    f.sign_in(wclient, recruiter)
    listing = wclient.get(f"/recruiter/openings/{o.id}").get_data(as_text=True)
    assert "Ana Popescu" not in listing and f"Candidate #{strong.id}" in listing
    # A search by name would tell who an anonymous row is: under blind review it finds no one.
    by_name = wclient.get(f"/recruiter/openings/{o.id}?q=popescu").get_data(as_text=True)
    assert "No candidates match" in by_name
    by_skill = wclient.get(f"/recruiter/openings/{o.id}?q=crm").get_data(as_text=True)
    assert f"Candidate #{strong.id}" in by_skill
    page = wclient.get(f"/recruiter/applications/{strong.id}").get_data(as_text=True)
    assert "Ana Popescu" not in page
    doc = strong.documents[-1]
    assert wclient.get(f"/recruiter/documents/{doc.id}/original").status_code == 403


def test_xlsx_export_opens_as_a_workbook(wclient, session):
    import zipfile

    recruiter, o, strong, *_ = setup(session)
    f.sign_in(wclient, recruiter)
    r = wclient.get(f"/recruiter/openings/{o.id}/export.xlsx")
    assert r.headers["Content-Disposition"].endswith('.xlsx"')
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "Ana Popescu" in sheet and f"<v>{round(strong.score, 1)}</v>" in sheet


def test_erased_candidates_leave_every_list_count_and_export(wclient, session, storage):
    recruiter, o, strong, weak, knocked = setup(session)
    session.commit()
    flt = review.ShortlistFilter()
    before = review.view_counts(session, o)
    services.erase_candidate(session, storage, strong.candidate, reason="request")
    left = {weak.id, knocked.id}
    views = [review.ShortlistFilter(view=v) for v in review.VIEWS]
    listed = {a.id for v in views for a in review.shortlist(session, o, v).rows}
    assert listed == left
    assert review.view_counts(session, o) == {**before, "ranked": before["ranked"] - 1}
    (stats,) = review.dashboard(session, [o])
    assert (stats.applications, stats.new, stats.reading["ok"]) == (2, 2, 2)
    assert sum(review.histogram(session, o)) == 2
    exported = list(review.export_rows(session, o, flt))
    assert strong.id not in [a.id for _, a, _ in exported] and exported
    assert review.bulk_set_status(session, o, [strong.id], "interview", recruiter) == 0

    f.sign_in(wclient, recruiter)
    api = wclient.get(f"/api/v1/openings/{o.id}/applications").get_json()
    assert strong.id not in [a["id"] for a in api["items"]] and api["items"]
    (item,) = wclient.get("/api/v1/openings").get_json()["items"]
    assert item["counts"]["applications"] == 2
    page = wclient.get(f"/recruiter/openings/{o.id}").get_data(as_text=True)
    assert f"Erased candidate #{strong.id}" not in page
    assert f'data-application="{strong.id}"' not in page


def test_the_migration_parks_applications_erased_before_it(tmp_path, storage):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from recruit.db import MIGRATIONS, upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url)
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        _, o, strong, weak, _ = setup(session)
        session.commit()
        services.erase_candidate(session, storage, strong.candidate, reason="request")
        # As an erasure before the migration left it: the score and knockouts stayed.
        session.get(Application, strong.id).score = 90.0
        session.get(Application, strong.id).knocked_out = False
        session.commit()
        assert strong.id in [
            a.id for a in review.shortlist(session, o, review.ShortlistFilter()).rows
        ]
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["url"] = url
        command.downgrade(cfg, "0005")
        upgrade(url)
        session.expire_all()
        rows = review.shortlist(session, o, review.ShortlistFilter()).rows
        assert strong.id not in [a.id for a in rows] and weak.id in [a.id for a in rows]
        assert session.get(Application, weak.id).score is not None
    engine.dispose()
