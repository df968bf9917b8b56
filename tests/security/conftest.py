"""Security fixtures: cheap password hashing, a small world of users and openings, sign-in."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher

from recruit import services
from recruit.db.models import Application, Document, Note, User
from tests.cvgen import small_pdf

PASSWORD = "correct horse battery"
# A real one-page CV: the apply form reads what it is sent at once. Bytes appended after its
# end (a PDF comment) make another file that reads the same.
PDF = small_pdf()


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """Argon2 at its cheapest: these tests build many accounts, and strength is not tested."""
    import recruit.services.accounts as accounts

    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def web(app):
    """The app with CSRF checks off, so tests post forms directly (one test turns them on)."""
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@dataclass
class World:
    users: dict[str, User]
    opening_a: int
    opening_b: int
    application_a: Application  # on opening A: members of A may see it
    application_b: Application  # on opening B
    document_a: Document
    document_b: Document
    target: User  # a recruiter on opening A whom admin pages act upon
    invite_token: str  # the one-time link of an invited, not yet active, account
    message_id: int  # an e-mail in the outbox, to Ana on opening A


def build_world(session, storage) -> World:
    """Two openings, each with one applicant, and staff assigned to one or the other."""
    users = {}
    for key, role in (
        ("recruiter", "recruiter"),
        ("recruiter_other", "recruiter"),
        ("manager", "hiring_manager"),
        ("manager_other", "hiring_manager"),
        ("admin", "admin"),
    ):
        users[key] = services.create_user(session, f"{key}@example.com", PASSWORD, role, key)
    target = services.create_user(session, "target@example.com", PASSWORD, "recruiter", "T")
    opening_a = services.create_opening(session, "Account Manager", "account-manager")
    opening_b = services.create_opening(session, "Manager cont bancar", "bank-account-manager")
    for key, opening in (
        ("recruiter", opening_a),
        ("manager", opening_a),
        ("recruiter_other", opening_b),
        ("manager_other", opening_b),
    ):
        services.add_member(session, opening, users[key])
    services.add_member(session, opening_a, target)
    _, invite_token = services.invite_user(session, "invited@example.com", "recruiter")
    subs = []
    for opening, name, email, phone in (
        (opening_a, "Ana Popescu", "ana.popescu@example.com", "+40722123456"),
        (opening_b, "Bogdan Ionescu", "bogdan.ionescu@example.com", "+40744987654"),
    ):
        subs.append(
            services.submit_application(
                session,
                storage,
                opening,
                name=name,
                email=email,
                phone=phone,
                filename="cv.pdf",
                data=PDF + email.encode(),
                consent_version=services.current_notice(session).version,
            )
        )
    session.add(Note(application_id=subs[0].application.id, body="Strong negotiator, call back"))
    message = services.outbox.queue_email(
        session,
        subs[0].application,
        "received",
        sender="recruit <recruit@example.com>",
        status_link=f"http://localhost/status/{subs[0].application.status_token}",
    )
    session.commit()
    return World(
        users,
        opening_a.id,
        opening_b.id,
        subs[0].application,
        subs[1].application,
        subs[0].document,
        subs[1].document,
        target,
        invite_token,
        message.id,
    )


@pytest.fixture
def world(app, session, storage) -> World:
    return build_world(session, storage)


def sign_in_as(client, user: User | None) -> None:
    """Put `user` in the client's session as Flask-Login would (None signs out)."""
    token = None
    if user is not None:
        with client.application.extensions["recruit.sessions"]() as db:
            token = services.start_session(db, db.get(User, user.id))
            db.commit()
    with client.session_transaction() as s:
        s.clear()
        if token is not None:
            s["_user_id"] = token
            s["_fresh"] = True
