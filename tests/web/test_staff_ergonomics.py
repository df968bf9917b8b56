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
