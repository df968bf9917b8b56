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
