"""The three journeys in a real browser: Debian's Chromium driven by Playwright.

A live server runs the app in a thread with the embedded worker, so CVs are really read.
Screenshots of each main page go to $RECRUIT_SCREENSHOTS (docs/screenshots when set so).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from recruit import services
from recruit.db.models import Application
from tests.browser import marks, shot
from tests.web import factories as f

pytestmark = marks


def cv_pdf(name: str = "", email: str = "", weak: bool = False) -> bytes:
    from tests.cvgen import render_pdf, sample_cvs

    doc = sample_cvs()["ro"]
    if name:
        doc = dataclasses.replace(doc, header=[name, doc.header[1], f"E-mail: {email}"])
    if weak:
        doc = dataclasses.replace(doc, main=doc.main[:1], side=[])
    return render_pdf(doc, "single")


def test_candidate_applies_and_sees_under_review(page, server, session, tmp_path):
    o = f.opening(session)
    session.commit()
    pdf = tmp_path / "Ana-Maria Popescu CV.pdf"
    pdf.write_bytes(cv_pdf())
    page.goto(server + "/")
    shot(page, "01-openings")
    page.get_by_role("link", name=f"Apply for {o.title}").click()
    page.get_by_role("button", name="Send my application").click()
    assert page.get_by_text("Please enter your name.").is_visible()  # server-side message
    page.get_by_label("Full name").fill("Ana-Maria Popescu")
    page.get_by_label("E-mail").fill("ana.popescu@example.ro")
    page.get_by_label("Phone").fill("0722 123 456")
    page.get_by_label("Your CV").set_input_files(str(pdf))
    page.get_by_label("I agree").check()
    shot(page, "02-apply-form")
    page.get_by_role("button", name="Send my application").click()
    page.get_by_text("Thank you, we have your application").wait_for()
    assert "/status/" in page.locator("#status-link").inner_text()
    shot(page, "03-application-received")
    page.locator('#state[data-state="review"]').wait_for(timeout=90_000)  # the page refreshes
    assert page.get_by_role("heading", name="Under review").is_visible()
    shot(page, "04-status-under-review")


def test_recruiter_reviews_shortlist_changes_status_and_exports(page, server, web, session):
    recruiter = f.staff(session, "recruiter", email="rita@example.com", name="Rita Ionescu")
    o = f.opening(session, recruiter)
    storage = web.extensions["recruit.storage"]
    for name, email, weak in (
        ("Ana-Maria Popescu", "ana@example.ro", False),
        ("Ion Vasilescu", "ion@example.ro", True),
    ):
        services.submit_application(
            session,
            storage,
            o,
            name=name,
            email=email,
            phone="",
            filename="cv.pdf",
            data=cv_pdf(name, email, weak),
            consent_version="test",
        )
    session.commit()
    page.goto(server + "/recruiter/")
    page.get_by_label("E-mail").fill("rita@example.com")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator('[data-k="ok"]', has_text="2").wait_for(timeout=90_000)  # refreshes itself
    shot(page, "05-recruiter-dashboard")
    page.get_by_role("link", name="Shortlist", exact=True).first.click()
    rows = page.locator("#shortlist tbody tr")
    rows.first.wait_for()
    assert rows.count() == 2
    assert "Ana-Maria Popescu" in rows.nth(0).inner_text()  # the stronger CV ranks first
    shot(page, "06-shortlist")
    page.get_by_role("link", name="Ana-Maria Popescu").click()
    assert page.locator("#cv-text mark.skill").count() > 0  # evidence highlighted
    shot(page, "07-candidate")
    page.get_by_label("Status").select_option("shortlisted")
    page.get_by_role("button", name="Save status").click()
    page.get_by_text("Status changed to Shortlisted.").wait_for()
    page.go_back()
    page.go_back()
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[1][1] == "Ana-Maria Popescu" and table[1][4] == "Shortlisted"


def test_manager_moves_a_slider_sees_new_order_and_saves(page, server, session):
    manager = f.staff(session, "hiring_manager", email="mara@example.com", name="Mara Pop")
    o = f.opening(session, manager)
    f.read_application(session, o, "Ana Popescu", {"negotiation": "negociere"}, sales_months=48)
    f.read_application(
        session,
        o,
        "Bogdan Ionescu",
        {"crm": "CRM", "contracts": "contracte", "client_portfolio": "portofoliu de clienți"},
        sales_months=0,
        english=None,
    )
    session.commit()
    page.goto(server + f"/manager/openings/{o.id}/requirements")
    page.get_by_label("E-mail").fill("mara@example.com")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    first = page.locator("#preview-list .prow").first
    first.wait_for()
    assert "Ana Popescu" in first.inner_text()
    # Everything Ana leads on weighs nothing now: her negotiation, sales work and English.
    for criterion in (
        "relevant_experience",
        "current_role",
        "negotiation",
        "sales_experience",
        "english",
    ):
        hidden = page.locator(f"input[type=hidden][value='{criterion}']")
        weight_id = hidden.get_attribute("id").removesuffix("-id") + "-weight"
        page.locator(f"#{weight_id}").fill("0")
    page.locator("#preview-list .prow").first.filter(has_text="Bogdan Ionescu").wait_for()
    assert page.locator(".move-up").count() >= 1
    session.expire_all()
    assert session.get(Application, 1) is not None
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(600)  # let the histogram bars finish their transition
    shot(page, "08-manager-live-preview", full_page=False)
    page.get_by_label("What changed and why").fill("Portfolio and CRM first")
    page.get_by_role("button", name="Save as new version").click()
    page.get_by_role("heading", name="Version 2 current").wait_for()
    assert page.get_by_text("Portfolio and CRM first").is_visible()
    shot(page, "09-manager-versions")
