"""The talent pool in a real browser (issue 15.3): a recruiter types a name without its
diacritics, finds the person with their applications to two openings, opens the candidate."""

from __future__ import annotations

from recruit.db.models import Application
from tests.browser import marks, shot
from tests.web import factories as f

pytestmark = marks


def applicant(session, o, name: str, email: str, phone: str | None) -> Application:
    skills = {"negotiation": "negociere", "crm": "CRM"}
    return f.read_application(session, o, name, skills, email=email, phone=phone)


def test_find_a_diacritic_name_in_the_talent_pool_and_open_the_candidate(
    page, server, session
) -> None:
    recruiter = f.staff(session, "recruiter", email="rita@example.com", name="Rita Ionescu")
    first = f.opening(session, recruiter, title="Account Manager")
    second = f.opening(session, recruiter, title="Agent vânzări")
    older = applicant(session, first, "Mădălina Ștefănescu", "madalina.s@example.ro", None)
    newer = applicant(session, second, "Mădălina Ștefănescu", "m.stef@example.com", "0722 123 456")
    # The same phone links the two applications, though the e-mails differ.
    newer.candidate.phone, older.candidate.phone = "0722 123 456", "+40 722 123 456"
    applicant(session, first, "Bogdan Ionescu", "bogdan@example.com", "0733 000 111")
    session.commit()

    page.goto(f"{server}/auth/sign-in")
    page.get_by_label("E-mail").fill(recruiter.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Talent pool").click()
    page.wait_for_url("**/recruiter/talent-pool")
    page.get_by_label("Name, e-mail, phone, skill or employer").fill("madalina stefanescu")
    page.get_by_role("button", name="Search", exact=True).click()
    people = page.locator("#pool > li")
    people.first.wait_for()
    assert people.count() == 1
    card = people.first
    assert "Mădălina Ștefănescu" in card.inner_text()
    assert "2 applications" in card.inner_text() and "Agent vânzări" in card.inner_text()
    shot(page, "15-talent-pool", full_page=False)
    card.get_by_role("link", name="Account Manager").click()
    page.wait_for_url(f"**/recruiter/applications/{older.id}")
    assert "Mădălina Ștefănescu" in page.locator("main").inner_text()
    # A phone written another way finds the same person.
    page.goto(f"{server}/recruiter/talent-pool?q=%2B40722123456")
    assert page.locator("#pool > li").count() == 1
    assert "Bogdan" not in page.locator("#pool").inner_text()
