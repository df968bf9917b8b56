"""Staff ergonomics: where sign-in lands, needs-review per opening, previous/next, the demo."""

from __future__ import annotations

import pytest

from tests.web import factories as f


@pytest.mark.parametrize(
    ("role", "home"),
    [("recruiter", "/recruiter/"), ("hiring_manager", "/manager/"), ("admin", "/admin/")],
)
def test_sign_in_lands_on_the_roles_page(wclient, session, role, home) -> None:
    user = f.staff(session, role)
    session.commit()
    landed = wclient.post("/auth/sign-in", data={"email": user.email, "password": f.PASSWORD})
    assert landed.status_code == 302 and landed.location == home
    # Signed in already: the sign-in page sends them home too.
    assert wclient.get("/auth/sign-in").location == home


def test_sign_in_follows_a_safe_next_and_ignores_an_unsafe_one(wclient, session) -> None:
    user = f.staff(session, "recruiter")
    o = f.opening(session, user)
    session.commit()
    data = {"email": user.email, "password": f.PASSWORD}
    target = f"/recruiter/openings/{o.id}?view=ranked"
    assert wclient.post(f"/auth/sign-in?next={target}", data=data).location == target
    wclient.post("/auth/sign-out")
    evil = wclient.post("/auth/sign-in?next=//evil.example/x", data=data)
    assert evil.location == "/recruiter/"


def _unreadable(session, o, name: str, code: str, message: str):
    application = f.read_application(session, o, name, {"crm": "CRM"})
    document = application.documents[-1]
    document.status, document.error_code, document.error_message = "error", code, message
    document.text = document.profile = None
    return application


def test_needs_review_per_opening_in_recruiters_words(wclient, session) -> None:
    recruiter = f.staff(session, "recruiter")
    a = f.opening(session, recruiter, title="Account Manager")
    b = f.opening(session, recruiter, title="Manager cont bancar", role_id="bank-account-manager")
    candidate_words = "This PDF is protected by a password, so we cannot read it."
    _unreadable(session, a, "Ana Popescu", "encrypted", candidate_words)
    _unreadable(session, b, "Bogdan Ionescu", "not_a_pdf", "This file is not a PDF or DOCX.")
    replaced = _unreadable(session, a, "Carmen Dinu", "corrupt", "This file is damaged.")
    f.add_read_document(session, replaced)  # the candidate sent a good file since
    session.commit()
    f.sign_in(wclient, recruiter)
    page = wclient.get(f"/recruiter/openings/{a.id}/needs-review").get_data(as_text=True)
    assert "Ana Popescu" in page and "Protected by a password" in page
    assert "Bogdan Ionescu" not in page  # another opening's
    assert "Carmen Dinu" not in page  # resolved by a newer upload
    for raw in ("encrypted", "not_a_pdf", candidate_words):
        assert raw not in page
    every = wclient.get("/recruiter/needs-review").get_data(as_text=True)
    assert every.index("Account Manager") < every.index("Ana Popescu")
    assert every.index("Manager cont bancar") < every.index("Bogdan Ionescu")
    assert "Not a CV document" in every
    dashboard = wclient.get("/recruiter/").get_data(as_text=True)
    assert f'href="/recruiter/openings/{a.id}/needs-review"' in dashboard


def _links(html: str) -> dict[str, str]:
    """Return the previous/next/back links of a candidate page by their id."""
    import re

    found = re.findall(
        r'href="([^"]+)"[^>]*id="(previous-candidate|next-candidate|back-to-list)"', html
    )
    return {key: url.replace("&amp;", "&") for url, key in found}


def test_previous_and_next_follow_the_shortlist_the_page_came_from(wclient, session) -> None:
    recruiter = f.staff(session, "recruiter")
    o = f.opening(session, recruiter)
    strong = {"negotiation": "negociere", "crm": "CRM", "contracts": "contracte"}
    best = f.read_application(
        session, o, "Ana Popescu", {**strong, "client_portfolio": "portofoliu de clienți"}
    )
    middle = f.read_application(session, o, "Bogdan Ionescu", strong, sales_months=24)
    last = f.read_application(session, o, "Carmen Dinu", {"crm": "CRM"}, sales_months=6)
    session.commit()
    assert best.score > middle.score > last.score
    f.sign_in(wclient, recruiter)
    shortlist = wclient.get(f"/recruiter/openings/{o.id}").get_data(as_text=True)
    first_link = shortlist.split('class="cand-name" href="')[1].split('"')[0].replace("&amp;", "&")
    assert first_link.startswith(f"/recruiter/applications/{best.id}?")
    page = _links(wclient.get(first_link).get_data(as_text=True))
    assert "previous-candidate" not in page
    assert page["next-candidate"].startswith(f"/recruiter/applications/{middle.id}?")
    page = _links(wclient.get(page["next-candidate"]).get_data(as_text=True))
    assert page["previous-candidate"].startswith(f"/recruiter/applications/{best.id}?")
    assert page["next-candidate"].startswith(f"/recruiter/applications/{last.id}?")
    # Another order, another neighbour: newest first, the last one added comes first.
    newest = _links(wclient.get(f"/recruiter/applications/{middle.id}?sort=newest").text)
    assert newest["previous-candidate"].startswith(f"/recruiter/applications/{last.id}?")
    assert newest["next-candidate"].startswith(f"/recruiter/applications/{best.id}?")
    assert "sort=newest" in newest["back-to-list"]
    # A search narrows the list the neighbours come from.
    searched = _links(wclient.get(f"/recruiter/applications/{best.id}?q=contracte").text)
    assert searched["next-candidate"].startswith(f"/recruiter/applications/{middle.id}?")
    # Changing the status keeps the list the recruiter works through.
    changed = wclient.post(
        f"/recruiter/applications/{middle.id}/status?sort=newest", data={"status": "interview"}
    )
    assert changed.location.startswith(f"/recruiter/applications/{middle.id}?")
    assert "sort=newest" in changed.location
