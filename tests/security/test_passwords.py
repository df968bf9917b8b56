"""Staff passwords (issue 12, row 12): 12 characters or more and not easy to guess, everywhere.

The same rule holds in the invitation form, the password change form and `recruit
create-user`, with its reason in Romanian and English.
"""

from __future__ import annotations

import pytest

from recruit import services
from recruit.core.passwords import password_weakness
from tests.security.conftest import PASSWORD

WEAK = ["aaaaaaaaaaaa", "1234567890ab", "password1234", "qwertyuiop12", "Parola123456"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "short"),
        ("1234567890", "short"),
        ("an 11 chars", "short"),
        *[(p, "common") for p in WEAK],
        ("x" * 201, "long"),
        (PASSWORD, None),
        ("Trandafir-galben-1987", None),
    ],
)
def test_the_rule(password, reason) -> None:
    assert password_weakness(password) == reason


def test_the_accounts_own_words_make_a_weak_password() -> None:
    hints = ("ana.popescu@example.com", "Ana Popescu")
    assert password_weakness("anapopescu2024", hints) == "common"
    assert password_weakness("popescu2024!", hints) == "common"


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "1234567890ab", "short"])
def test_create_user_refuses_a_weak_password(app, weak) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "x@example.com", "--role", "admin", "--password", weak]
    )
    assert result.exit_code != 0
    assert "12 characters" in result.output or "too easy to guess" in result.output


def test_create_user_takes_a_strong_password(app) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "x@example.com", "--role", "admin", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output


def test_the_service_refuses_weak_passwords(session) -> None:
    with pytest.raises(services.ServiceError, match="too easy to guess"):
        services.create_user(session, "a@example.com", "1234567890ab", "recruiter")
    with pytest.raises(services.ServiceError, match="at least 12"):
        services.create_user(session, "a@example.com", "aaaaaaaaaa", "recruiter")


def _change(client, new: str, **kw):
    return client.post(
        "/auth/password",
        data={"current": PASSWORD, "new": new, "confirm": new},
        **kw,
    )


def test_the_change_form_says_why_in_both_languages(web, world) -> None:
    client = web.test_client()
    client.post("/auth/sign-in", data={"email": "recruiter@example.com", "password": PASSWORD})
    english = _change(client, "1234567890ab")
    assert english.status_code == 200 and "too easy to guess" in english.text
    short = _change(client, "aaaaaaaaaa")
    assert "at least 12 characters" in short.text
    romanian = _change(client, "aaaaaaaaaaaa", headers={"Accept-Language": "ro"})
    assert "prea ușor de ghicit" in romanian.text
    own_words = _change(client, "recruiter2024")
    assert "too easy to guess" in own_words.text
    assert _change(client, "Trandafir-galben-1987").status_code == 302


def test_the_invitation_form_refuses_weak_passwords(web, world) -> None:
    path = f"/auth/invitation/{world.invite_token}"
    client = web.test_client()
    for weak in ("1234567890", "1234567890ab"):
        response = client.post(path, data={"new": weak, "confirm": weak})
        assert response.status_code == 200
        assert "12 characters" in response.text or "too easy to guess" in response.text
    done = client.post(
        path, data={"new": "Trandafir-galben-1987", "confirm": "Trandafir-galben-1987"}
    )
    assert done.status_code == 302
