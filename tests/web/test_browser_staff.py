"""Staff pages in a real browser: keyboard shortcuts, previous/next, search, phone widths."""

from __future__ import annotations

from recruit.db.models import Application
from tests.browser import marks, shot
from tests.web import factories as f

pytestmark = marks

STRONG = {"negotiation": "negociere", "crm": "CRM", "contracts": "contracte"}


def sign_in(page, user) -> None:
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_keyboard_shortcuts_move_tick_and_change_status(page, server, session) -> None:
    recruiter = f.staff(session, "recruiter", email="rita@example.com", name="Rita Ionescu")
    o = f.opening(session, recruiter)
    best = f.read_application(
        session, o, "Ana Popescu", {**STRONG, "client_portfolio": "portofoliu de clienți"}
    )
    middle = f.read_application(session, o, "Bogdan Ionescu", STRONG)
    f.read_application(session, o, "Carmen Dinu", {"crm": "CRM"})
    session.commit()
    page.goto(f"{server}/recruiter/openings/{o.id}")
    sign_in(page, recruiter)
    rows = page.locator("#shortlist tbody tr")
    rows.first.wait_for()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("j")
    assert rows.nth(1).get_attribute("class") == "current"
    assert "Bogdan Ionescu" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    shot(page, "11-shortlist-shortcuts", full_page=False)
    page.keyboard.press("?")
    assert not page.locator("#shortcuts").is_visible()
    page.keyboard.press("s")  # only the row in hand is ticked, the status menu has the focus
    assert page.evaluate("document.activeElement.id") == "bulk-status"
    ticked = page.locator('input[name="ids"]:checked')
    assert ticked.count() == 1 and ticked.get_attribute("value") == str(middle.id)
    page.keyboard.press("Tab")  # out of the menu; choose with the mouse as a person would
    page.locator("#bulk-status").select_option("interview")
    page.get_by_role("button", name="Change status").click()
    page.get_by_text("1 candidates updated.").wait_for()
    session.expire_all()
    assert session.get(Application, middle.id).status == "interview"
    assert session.get(Application, best.id).status == "new"
    # On the candidate page, j and k open the next and previous candidate of the same list.
    page.get_by_role("link", name="Ana Popescu").click()
    page.wait_for_url(f"**/recruiter/applications/{best.id}?*")
    page.keyboard.press("j")
    page.wait_for_url(f"**/recruiter/applications/{middle.id}?*")
    page.keyboard.press("k")
    page.wait_for_url(f"**/recruiter/applications/{best.id}?*")


def test_a_bulk_change_tells_the_ticked_candidates_by_e_mail(page, server, session) -> None:
    """The recruiter ticks two candidates, an interview and "Tell them by e-mail"."""
    from sqlalchemy import select

    from recruit.db.models import OutboxMessage

    recruiter = f.staff(session, "recruiter", email="rita@example.com", name="Rita Ionescu")
    o = f.opening(session, recruiter)
    ana = f.read_application(session, o, "Ana Popescu", STRONG)
    bogdan = f.read_application(session, o, "Bogdan Ionescu", {"crm": "CRM"})
    carmen = f.read_application(session, o, "Carmen Dinu", {"crm": "CRM"})
    session.commit()
    page.goto(f"{server}/recruiter/openings/{o.id}")
    sign_in(page, recruiter)
    for application in (ana, carmen):
        page.locator(f'input[name="ids"][value="{application.id}"]').check()
    page.locator("#bulk-status").select_option("interview")
    page.get_by_label("Tell them by e-mail").check()
    page.get_by_role("button", name="Change status").click()
    page.get_by_text("2 of them will get an e-mail about it.").wait_for()
    session.expire_all()
    sent = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.application_id, m.kind) for m in sent] == [
        (ana.id, "invitation"),
        (carmen.id, "invitation"),
    ]
    assert session.get(Application, bogdan.id).status == "new"
