"""A candidate's export and erasure in a real browser (Debian's Chromium through Playwright).

The journey: apply with a CV through the public form, open the data page from the status
link, download the JSON and the original, erase with the confirmation step; then nothing of
the candidate remains on disk or in any table, the audit log says so, and no page of the way
broke the Content Security Policy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from recruit import services
from recruit.db.models import AuditEvent
from tests.browser import browser_page, live_server, marks
from tests.security.conftest import PDF
from tests.security.test_gdpr import _database_text, _files

pytestmark = marks


@pytest.fixture
def server(app) -> Iterator[str]:
    with live_server(app) as url:
        yield url


@pytest.fixture
def page(server):
    with browser_page() as (pg, problems):
        yield pg
    assert not problems, f"script errors or CSP violations: {problems}"


def test_candidate_exports_then_erases_their_data(app, session, storage, server, page, tmp_path):
    opening = services.create_opening(session, "Account Manager", "account-manager")
    session.commit()
    cv = tmp_path / "Ana-Popescu-CV.pdf"
    cv.write_bytes(PDF + b"% Ana Popescu, unique bytes\n")

    page.goto(f"{server}/openings/{opening.id}/apply")
    page.get_by_label("Full name").fill("Ana Popescu")
    page.get_by_label("E-mail").fill("ana.popescu@example.com")
    page.get_by_label("Phone").fill("+40 722 123 456")
    page.set_input_files("input[type=file]", str(cv))
    page.check("input[name=consent]")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/status/**")
    token = page.url.split("/status/", 1)[1].split("?", 1)[0]

    page.goto(f"{server}/privacy/data/{token}")
    with page.expect_download() as exported:
        page.get_by_text("Everything we hold, as JSON").click()
    data = json.loads(Path(exported.value.path()).read_text(encoding="utf-8"))
    assert data["candidate"]["email"] == "ana.popescu@example.com"
    assert data["consent"]["version"] == services.current_notice(session).version
    with page.expect_download() as original:
        page.get_by_text("Ana-Popescu-CV.pdf").click()
    assert Path(original.value.path()).read_bytes() == cv.read_bytes()

    page.get_by_text("Erase my application and my data").click()
    page.get_by_role("button", name="Erase everything").click()
    assert "Tick the box" in page.content()  # nothing happens without the confirmation
    # The original is still there (and maybe the upload's reading, kept for the worker).
    assert len([f for f in _files(storage.root) if f.parent.name != "readings"]) == 1
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Erase everything").click()
    page.get_by_text("Your data is erased").wait_for()

    assert _files(storage.root) == []
    text = _database_text(app.extensions["recruit.engine"])
    for personal in ("Ana Popescu", "ana.popescu@example.com", "722 123 456", "Popescu-CV"):
        assert personal not in text, personal
    session.expire_all()
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "candidate.erased"))
    gone = page.goto(f"{server}/status/{token}")
    assert gone is not None and gone.status == 404
