"""A recruiter's own opening in a real browser: create it, a candidate applies and is e-mailed,
the recruiter closes it and the apply page says so (Debian's Chromium through Playwright)."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from recruit.db.models import Opening, OutboxMessage
from tests.browser import browser_page, live_server, marks
from tests.web import factories as f
from tests.web.test_browser import cv_pdf, shot

pytestmark = marks


@pytest.fixture
def server(web) -> Iterator[str]:
    """Serve the app with the embedded worker (it reads CVs and sends the outbox)."""
    from recruit.web.app import start_worker

    start_worker(web)
    runner = web.extensions["recruit.runner"]
    runner.idle_sleep = 0.2
    with live_server(web) as url:
        yield url
    runner.stop()


def _wait_for_sent(session, timeout: float = 60) -> OutboxMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session.expire_all()
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.status == "sent"))
        if row is not None:
            return row
        time.sleep(0.3)
    raise AssertionError("no e-mail was sent")


def test_recruiter_opens_a_position_a_candidate_applies_then_it_closes(
    server, web, session, tmp_path
):
    f.staff(session, "recruiter", email="rita@example.com", name="Rita Ionescu")
    f.staff(session, "admin", email="admin@example.com", name="Admin")
    session.commit()
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(cv_pdf("Ana-Maria Popescu", "ana@example.ro"))
    with browser_page(viewport={"width": 1280, "height": 900}) as (page, problems):
        page.goto(server + "/recruiter/")
        page.get_by_label("E-mail").fill("rita@example.com")
        page.get_by_label("Password").fill(f.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="New opening").click()
        page.get_by_label("Title").fill("Key Account Manager")
        page.get_by_label("City").fill("Cluj-Napoca")
        page.get_by_label("Requirements start from").select_option("corporate-account-manager")
        page.get_by_label("Description").fill(
            "## Ce oferim\n\n- salariu fix și bonus\n- **mașină** de serviciu\n\n"
            "<script>alert('x')</script>"
        )
        page.get_by_label("Employment type").select_option("full_time")
        page.get_by_label("Monthly salary from").fill("8000")
        page.get_by_label("Monthly salary up to").fill("11000")
        page.get_by_label("Currency").select_option("RON")
        shot(page, "10-new-opening")
        page.get_by_role("button", name="Create opening").click()
        page.get_by_text("Opening Key Account Manager created and open.").wait_for()
        page.get_by_role("button", name="Sign out").click()

        # A candidate finds it by city, reads it, applies.
        page.goto(server + "/")
        page.get_by_label("City").select_option("Cluj-Napoca")
        page.get_by_role("button", name="Show").click()
        page.get_by_role("link", name="Key Account Manager", exact=True).click()
        assert page.locator(".description strong", has_text="mașină").is_visible()
        assert "<script>" in page.locator(".description").inner_text()  # shown, not run
        assert page.get_by_text("8,000–11,000 RON gross a month").is_visible()
        page.get_by_role("link", name="Apply now").click()
        page.get_by_label("Full name").fill("Ana-Maria Popescu")
        page.get_by_label("E-mail").fill("ana@example.ro")
        page.get_by_label("Your CV").set_input_files(str(pdf))
        page.get_by_label("I agree").check()
        page.get_by_role("button", name="Send my application").click()
        page.get_by_text("Thank you, we have your application").wait_for()
        status_url = page.locator("#status-link").inner_text()

        # The e-mail arrives (an .eml file: no SMTP server is configured) with that link.
        sent = _wait_for_sent(session)
        message = email.message_from_bytes(
            Path(sent.eml_path).read_bytes(), policy=email.policy.default
        )
        assert message["To"] == "ana@example.ro"
        assert message["Subject"] == "We received your application: Key Account Manager"
        assert status_url in message.get_content()
        link = re.search(r"https?://\S+/status/\S+", message.get_content()).group(0)
        page.goto(link)
        page.get_by_role("heading", name="Your application").wait_for()

        # The admin sees it in the outbox.
        page.goto(server + "/auth/sign-in")
        page.get_by_label("E-mail").fill("admin@example.com")
        page.get_by_label("Password").fill(f.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(server + "/admin/outbox")
        assert page.locator('#outbox tr[data-status="sent"]').count() == 1
        shot(page, "11-outbox")
        page.get_by_role("button", name="Sign out").click()

        # The recruiter closes it; the apply page says so from then on.
        page.goto(server + "/auth/sign-in")
        page.get_by_label("E-mail").fill("rita@example.com")
        page.get_by_label("Password").fill(f.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Edit Key Account Manager").click()
        page.get_by_role("button", name="Close the opening").click()
        page.get_by_text("Closed: takes no applications.").wait_for()
        page.get_by_role("button", name="Sign out").click()
        opening_id = session.scalar(
            select(Opening.id).where(Opening.title == "Key Account Manager")
        )
        response = page.goto(server + f"/openings/{opening_id}/apply")
        assert response.status == 410
        assert page.get_by_role("heading", name="This opening is closed").is_visible()
        shot(page, "12-opening-closed")
    assert not problems, f"script errors or CSP violations: {problems}"
