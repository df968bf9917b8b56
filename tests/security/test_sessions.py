"""Staff sessions end on the server (issue 12, row 5): sign-out, password, deactivation, timeouts.

A cookie copied before any of these must open nothing afterwards, on the pages (sent to the
sign-in page) and in the API (401).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from recruit.db.models import StaffSession, utcnow
from recruit.settings import Settings
from tests.security.conftest import PASSWORD, sign_in_as


def _sign_in(client, email: str, password: str = PASSWORD):
    response = client.post("/auth/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, response.text[:300]
    return response


def _copy(app, client):
    """Return a second browser holding a copy of `client`'s session cookie (an attacker's)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _refused(client) -> bool:
    api = client.get("/api/v1/openings")
    page = client.get("/recruiter/")
    return api.status_code == 401 and "/auth/sign-in?next=" in (page.location or "")


def test_a_copied_cookie_opens_nothing_after_sign_out(web, world, session) -> None:
    client = web.test_client()
    _sign_in(client, "recruiter@example.com")
    thief = _copy(web, client)
    assert thief.get("/api/v1/openings").status_code == 200
    assert client.post("/auth/sign-out").status_code == 302
    assert _refused(thief)
    assert _refused(client)
    user_id = world.users["recruiter"].id
    rows = session.scalars(select(StaffSession).where(StaffSession.user_id == user_id)).all()
    assert rows == []


def test_signing_out_one_browser_keeps_the_others(web, world) -> None:
    laptop, phone = web.test_client(), web.test_client()
    _sign_in(laptop, "recruiter@example.com")
    _sign_in(phone, "recruiter@example.com")
    laptop.post("/auth/sign-out")
    assert phone.get("/api/v1/openings").status_code == 200


def test_a_password_change_ends_every_other_copy(web, world) -> None:
    client = web.test_client()
    _sign_in(client, "recruiter@example.com")
    thief = _copy(web, client)
    changed = client.post(
        "/auth/password",
        data={"current": PASSWORD, "new": "another long secret", "confirm": "another long secret"},
    )
    assert changed.status_code == 302
    assert _refused(thief)
    assert client.get("/api/v1/openings").status_code == 200


def test_deactivation_ends_the_sessions_at_once(web, world) -> None:
    target = web.test_client()
    _sign_in(target, "target@example.com")
    admin = web.test_client()
    sign_in_as(admin, world.users["admin"])
    response = admin.post(f"/admin/users/{world.target.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert _refused(target)


def _age(session, user_id: int, **columns: dt.timedelta) -> None:
    now = utcnow()
    session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id)
        .values({k: now - v for k, v in columns.items()})
    )
    session.commit()


def test_an_idle_session_ends(web, world, session) -> None:
    client = web.test_client()
    _sign_in(client, "recruiter@example.com")
    user_id = world.users["recruiter"].id
    _age(session, user_id, last_seen_at=dt.timedelta(minutes=59))
    assert client.get("/api/v1/openings").status_code == 200
    # The request counted as activity: the idle clock starts again.
    last = session.scalar(select(StaffSession.last_seen_at).where(StaffSession.user_id == user_id))
    assert utcnow() - last.replace(tzinfo=dt.UTC) < dt.timedelta(minutes=1)
    _age(session, user_id, last_seen_at=dt.timedelta(minutes=61))
    assert _refused(client)


def test_a_session_ends_after_its_absolute_lifetime_however_busy(web, world, session) -> None:
    client = web.test_client()
    _sign_in(client, "recruiter@example.com")
    _age(session, world.users["recruiter"].id, created_at=dt.timedelta(hours=12, minutes=1))
    assert _refused(client)


def test_the_timeouts_are_configurable(web, world, session, tmp_path) -> None:
    settings = Settings.from_env(
        tmp_path, {"RECRUIT_SESSION_IDLE_MINUTES": "5", "RECRUIT_SESSION_MAX_HOURS": "2"}
    )
    assert (settings.session_idle_minutes, settings.session_max_hours) == (5, 2)
    defaults = Settings.from_env(tmp_path, {})
    assert (defaults.session_idle_minutes, defaults.session_max_hours) == (60, 12)
    web.config["RECRUIT_SETTINGS"] = settings
    client = web.test_client()
    _sign_in(client, "recruiter@example.com")
    _age(session, world.users["recruiter"].id, last_seen_at=dt.timedelta(minutes=6))
    assert _refused(client)
    _sign_in(client, "recruiter@example.com")
    _age(session, world.users["recruiter"].id, created_at=dt.timedelta(hours=2, seconds=1))
    assert _refused(client)
