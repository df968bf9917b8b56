"""Sign-in hardening: rate limits, cookies, password change, invitations, deactivation."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from recruit import services
from recruit.db.models import AuditEvent, User
from tests.security.conftest import PASSWORD, sign_in_as


def _sign_in(client, email: str, password: str = PASSWORD, **kw):
    return client.post("/auth/sign-in", data={"email": email, "password": password}, **kw)


def test_sign_in_failures_lock_the_account_not_the_others(web, world) -> None:
    client = web.test_client()
    for _ in range(5):
        assert "Wrong e-mail or password" in _sign_in(client, "recruiter@example.com", "nope").text
    # Locked now, even with the right password: guessing on gets nowhere.
    locked = _sign_in(client, "recruiter@example.com")
    assert locked.status_code == 429 and "Retry-After" in locked.headers
    # Someone else, from the same address, still signs in.
    assert _sign_in(client, "admin@example.com").status_code == 302


def test_unknown_accounts_are_limited_like_real_ones(web, world) -> None:
    client = web.test_client()
    codes = [_sign_in(client, "nobody@example.com", "nope").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_sign_in_attempts_are_limited_per_address(web, world) -> None:
    web.config["RECRUIT_RATE_LIMITS"]["sign_in_address"] = (3, 900)
    client = web.test_client()
    codes = [_sign_in(client, f"x{i}@example.com", "nope").status_code for i in range(3)]
    assert codes == [200, 200, 200]
    assert _sign_in(client, "admin@example.com").status_code == 429
    other = web.test_client()
    ok = _sign_in(other, "admin@example.com", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert ok.status_code == 302


def test_sign_in_is_audited_and_redirects_only_locally(web, world, session) -> None:
    client = web.test_client()
    evil = client.post(
        "/auth/sign-in?next=//evil.example/x",
        data={"email": "admin@example.com", "password": PASSWORD},
    )
    assert evil.status_code == 302 and evil.location == "/admin/"  # the role's own page
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.signed_in"))
    assert [e.subject_id for e in events] == [str(world.users["admin"].id)]


def test_session_cookie_is_httponly_lax_and_secure_over_https(web, world) -> None:
    plain = _sign_in(web.test_client(), "admin@example.com")
    cookie = plain.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = _sign_in(web.test_client(), "recruiter@example.com", base_url="https://localhost")
    assert "Secure" in https.headers["Set-Cookie"]
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")


def test_behind_a_proxy_forwarded_https_and_address_count(world, database_url, tmp_path) -> None:
    from recruit import create_app

    env = {
        "RECRUIT_DATABASE_URL": database_url,
        "RECRUIT_SECRET_KEY": "k",
        "RECRUIT_UPLOAD_DIR": str(tmp_path / "u"),
        "RECRUIT_PROXY_HOPS": "1",
    }
    app = create_app({"INSTANCE_PATH": tmp_path / "i", "ENV": env, "TESTING": True})
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["RECRUIT_RATE_LIMITS"]["sign_in_address"] = (1, 900)
    try:

        def attempt(address: str):
            headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": address}
            return _sign_in(app.test_client(), "admin@example.com", headers=headers)

        first = attempt("203.0.113.7")
        assert first.status_code == 302 and "Secure" in first.headers["Set-Cookie"]
        # The limit follows the client's address as the proxy reports it, not the proxy's.
        assert attempt("203.0.113.8").status_code == 302
        assert attempt("203.0.113.7").status_code == 429
    finally:
        app.extensions["recruit.engine"].dispose()


def test_secure_cookies_can_be_forced(world, database_url, tmp_path) -> None:
    from recruit import create_app

    env = {
        "RECRUIT_DATABASE_URL": database_url,
        "RECRUIT_SECRET_KEY": "k",
        "RECRUIT_UPLOAD_DIR": str(tmp_path / "u"),
        "RECRUIT_SECURE_COOKIES": "1",
    }
    app = create_app({"INSTANCE_PATH": tmp_path / "i", "ENV": env, "TESTING": True})
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        response = _sign_in(app.test_client(), "admin@example.com")
        assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]
    finally:
        app.extensions["recruit.engine"].dispose()


def test_sign_out_ends_the_session(web, world) -> None:
    client = web.test_client()
    _sign_in(client, "admin@example.com")
    assert client.get("/admin/").status_code == 200
    assert client.post("/auth/sign-out").status_code == 302
    assert "/auth/sign-in?next=" in client.get("/admin/").location


def test_password_change_ends_other_sessions(web, world, session) -> None:
    laptop, phone = web.test_client(), web.test_client()
    _sign_in(laptop, "recruiter@example.com")
    _sign_in(phone, "recruiter@example.com")
    wrong = laptop.post(
        "/auth/password",
        data={"current": "not it", "new": "a new secret 1", "confirm": "a new secret 1"},
    )
    assert "current password is wrong" in wrong.text
    changed = laptop.post(
        "/auth/password",
        data={"current": PASSWORD, "new": "a new secret 1", "confirm": "a new secret 1"},
    )
    assert changed.status_code == 302
    assert laptop.get("/recruiter/").status_code == 200  # this session goes on
    assert "/auth/sign-in" in phone.get("/recruiter/").location  # the other one ended
    assert _sign_in(web.test_client(), "recruiter@example.com").status_code == 200
    assert _sign_in(web.test_client(), "recruiter@example.com", "a new secret 1").status_code == 302


def test_invitation_link_works_once(web, world, session) -> None:
    admin = web.test_client()
    sign_in_as(admin, world.users["admin"])
    page = admin.post(
        "/admin/users/invite",
        data={"email": "Nou@Example.com", "name": "Nou", "role": "hiring_manager"},
    )
    link = re.search(r"https?://[^\s<]+/auth/invitation/[\w-]+", page.text).group(0)
    path = link.split("localhost", 1)[1]
    newcomer = web.test_client()
    assert "nou@example.com" in newcomer.get(path).text
    short = newcomer.post(path, data={"new": "short", "confirm": "short"})
    assert short.status_code == 200
    done = newcomer.post(path, data={"new": "my own secret", "confirm": "my own secret"})
    assert done.status_code == 302
    assert newcomer.get("/manager/").status_code == 200
    assert web.test_client().get(path).status_code == 404
    assert _sign_in(web.test_client(), "nou@example.com", "my own secret").status_code == 302
    user = session.scalar(select(User).where(User.email == "nou@example.com"))
    assert user.role == "hiring_manager" and user.invite_token_hash is None


def test_expired_invitation_opens_nothing(web, world, session) -> None:
    user = session.scalar(select(User).where(User.email == "invited@example.com"))
    user.invite_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    session.commit()
    assert web.test_client().get(f"/auth/invitation/{world.invite_token}").status_code == 404
    # And before accepting, the invited account cannot sign in with any password.
    assert services.authenticate(session, "invited@example.com", "") is None


def test_deactivation_and_role_change_end_sessions(web, world, session) -> None:
    admin, recruiter, manager = web.test_client(), web.test_client(), web.test_client()
    sign_in_as(admin, world.users["admin"])
    sign_in_as(recruiter, world.users["recruiter"])
    sign_in_as(manager, world.users["manager"])
    assert recruiter.get("/recruiter/").status_code == 200
    admin.post(f"/admin/users/{world.users['recruiter'].id}/active", data={"active": "0"})
    assert "/auth/sign-in" in recruiter.get("/recruiter/").location
    assert _sign_in(web.test_client(), "recruiter@example.com").status_code == 200
    admin.post(f"/admin/users/{world.users['manager'].id}/role", data={"role": "recruiter"})
    assert "/auth/sign-in" in manager.get("/manager/").location
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "user.deactivated" in actions and "user.role_changed" in actions


def test_the_last_admin_stays(web, world, session) -> None:
    admin = web.test_client()
    sign_in_as(admin, world.users["admin"])
    admin_id = world.users["admin"].id
    admin.post(f"/admin/users/{admin_id}/active", data={"active": "0"})
    admin.post(f"/admin/users/{admin_id}/role", data={"role": "recruiter"})
    session.expire_all()
    user = session.get(User, admin_id)
    assert user.active and user.role == "admin"


def test_membership_decides_what_a_recruiter_sees(web, world, session) -> None:
    admin, other = web.test_client(), web.test_client()
    sign_in_as(admin, world.users["admin"])
    sign_in_as(other, world.users["recruiter_other"])
    url = f"/recruiter/applications/{world.application_a.id}"
    assert other.get(url).status_code == 404
    admin.post(
        f"/admin/openings/{world.opening_a}/members",
        data={"user_id": world.users["recruiter_other"].id},
    )
    assert other.get(url).status_code == 200
    admin.post(
        f"/admin/openings/{world.opening_a}/members/{world.users['recruiter_other'].id}/remove"
    )
    assert other.get(url).status_code == 404


def test_recruiters_cannot_guess_their_way_into_other_openings(web, world) -> None:
    client = web.test_client()
    sign_in_as(client, world.users["recruiter_other"])
    for url in (
        f"/recruiter/openings/{world.opening_a}",
        f"/recruiter/openings/{world.opening_a}/export.csv",
        f"/recruiter/applications/{world.application_a.id}",
        f"/recruiter/documents/{world.document_a.id}/original",
        f"/manager/openings/{world.opening_a}/requirements",
        "/recruiter/openings/999999",
        "/recruiter/applications/999999",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
    # Bulk actions with someone else's application ids change nothing.
    client.post(
        f"/recruiter/openings/{world.opening_b}/bulk",
        data={"status": "interview", "ids": str(world.application_a.id)},
    )
    with web.extensions["recruit.sessions"]() as s:
        from recruit.db.models import Application

        assert s.get(Application, world.application_a.id).status == "new"


def test_sign_in_and_password_pages_speak_romanian(web, world) -> None:
    client = web.test_client()
    ro = {"Accept-Language": "ro"}
    page = client.get("/auth/sign-in", headers=ro).text
    assert "<h1>Autentificare personal</h1>" in page and ">Parolă</label>" in page
    wrong = _sign_in(client, "recruiter@example.com", "nope", headers=ro).text
    assert "E-mail sau parolă greșită." in wrong
    assert _sign_in(client, "recruiter@example.com", headers=ro).status_code == 302
    password = client.get("/auth/password", headers=ro).text
    assert "Schimbați-vă parola" in password and "Parola actuală" in password
    assert "Change" not in password.replace('href="/auth/password"', "")


def test_admin_pages_speak_romanian(web, world) -> None:
    client = web.test_client()
    sign_in_as(client, world.users["admin"])
    ro = {"Accept-Language": "ro"}
    users = client.get("/admin/", headers=ro).text
    assert "<h1>Utilizatori</h1>" in users and ">manager de angajare</option>" in users
    changed = client.post(
        f"/admin/users/{world.target.id}/role",
        data={"role": "hiring_manager"},
        headers=ro,
        follow_redirects=True,
    ).text
    assert "target@example.com are acum rolul manager de angajare." in changed
    openings = client.get("/admin/openings", headers=ro).text
    assert "Posturi: cine lucrează la ele" in openings and "Evaluarea anonimă este" in openings
    privacy = client.get("/admin/privacy", headers=ro).text
    assert "0 candidați de șters acum." in privacy  # Romanian's second plural form
    assert "<h1>Jurnal de audit</h1>" in client.get("/admin/audit", headers=ro).text
