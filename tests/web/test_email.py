"""E-mail to candidates through a real SMTP server (aiosmtpd on 127.0.0.1) and .eml files."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import re
import socket
import time
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import func, select

from recruit import services
from recruit.core import emails
from recruit.db.models import Application, AuditEvent, OutboxMessage, as_utc
from recruit.mailer import FileMailer, SmtpMailer, make_mailer
from recruit.services import outbox
from tests.web import factories as f

SENDER = "Recrutare <recrutare@agentie.example>"


class Inbox:
    """An aiosmtpd handler keeping what arrived; `refuse` makes it answer 550 to everything."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Logins:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.seen.append((user, password))
        return AuthResult(success=(user, password) == ("robot@agentie.example", "p@ss:w/rd"))


@pytest.fixture(autouse=True)
def sender(web):
    """Send as an agency would (the From of the app's e-mails, and their Message-ID domain)."""
    import dataclasses

    web.config["RECRUIT_SETTINGS"] = dataclasses.replace(
        web.config["RECRUIT_SETTINGS"], mail_from=SENDER
    )


@pytest.fixture
def smtp():
    """A real SMTP server on this machine; yields (inbox, port, logins)."""
    inbox, logins = Inbox(), Logins()
    port = _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=logins,
        auth_require_tls=False,  # a test server on loopback; real servers get smtps:// or STARTTLS
    )
    controller.start()
    try:
        yield inbox, port, logins
    finally:
        controller.stop()


def _mailer(port: int) -> SmtpMailer:
    return make_mailer(f"smtp://robot%40agentie.example:p%40ss%3Aw%2Frd@127.0.0.1:{port}", None)  # type: ignore[return-value]


def _send_all(app, mailer) -> int:
    return outbox.deliver_due(app.extensions["recruit.sessions"], mailer, SENDER)


def _pdf() -> bytes:
    from recruit.tasks import tiny_pdf

    return tiny_pdf(["Ana Popescu", "Manager de cont", "negociere, vanzari"])


def _apply(client, opening, email_address: str, language: str, name: str = "Ana Popescu"):
    return client.post(
        f"/openings/{opening.id}/apply",
        data={
            "name": name,
            "email": email_address,
            "phone": "0722 123 456",
            "consent": "y",
            "cv": (io.BytesIO(_pdf() + email_address.encode()), "cv.pdf"),
        },
        headers={"Accept-Language": language},
    )


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_make_mailer_reads_the_url():
    assert isinstance(make_mailer(None, None), FileMailer)  # type: ignore[arg-type]
    plain = make_mailer("smtp://u%40x.ro:a%3Ab@mail.example?starttls=1", None)  # type: ignore[arg-type]
    assert (plain.host, plain.port, plain.user, plain.password) == (
        "mail.example",
        25,
        "u@x.ro",
        "a:b",
    )
    assert plain.starttls and not plain.implicit_tls
    tls = make_mailer("smtps://mail.example", None)  # type: ignore[arg-type]
    assert (tls.port, tls.implicit_tls, tls.user) == (465, True, None)
    with pytest.raises(ValueError, match="RECRUIT_SMTP_URL"):
        make_mailer("http://mail.example", None)  # type: ignore[arg-type]


def test_application_received_arrives_in_the_candidates_language(wclient, web, session, smtp):
    inbox, port, logins = smtp
    o = f.opening(session, title="Manager de cont")
    session.commit()
    assert _apply(wclient, o, "ana@example.ro", "ro").status_code == 302
    assert _apply(wclient, o, "john@example.com", "en", name="John Smith").status_code == 302
    assert inbox.messages == []  # the request only queued them
    assert _send_all(web, _mailer(port)) == 2
    assert logins.seen == [("robot@agentie.example", "p@ss:w/rd")] * 2
    ro, en = inbox.messages
    assert inbox.envelopes[0][1] == ["ana@example.ro"]
    assert ro["To"] == "ana@example.ro" and ro["From"] == SENDER
    assert ro["Subject"] == "Am primit aplicarea dumneavoastră: Manager de cont"
    assert ro["Content-Language"] == "ro" and ro["Message-ID"].endswith("@agentie.example>")
    body = ro.get_content()
    assert "Bună ziua, Ana Popescu" in body and "Vă mulțumim" in body
    assert en["Subject"] == "We received your application: Manager de cont"
    assert "Hello John Smith" in en.get_content()
    # The link in the e-mail opens the candidate's own status page.
    link = re.search(r"https?://\S+/status/\S+", body).group(0)
    page = wclient.get(_path(link))
    assert page.status_code == 200 and "Manager de cont" in page.text
    session.expire_all()
    ana = session.scalars(select(Application).order_by(Application.id)).first()
    assert ana.status_token in link
    sent = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.status, m.attempts) for m in sent] == [("sent", 1), ("sent", 1)]
    audited = session.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "email"))
    assert sorted(audited) == ["email.queued"] * 2 + ["email.sent"] * 2


def test_a_duplicate_gets_a_link_only_its_address_can_use(wclient, web, session, smtp):
    inbox, port, _ = smtp
    o = f.opening(session)
    session.commit()
    _apply(wclient, o, "ana@example.ro", "ro")
    # Someone else applies with Ana's address: they learn nothing, Ana gets the link.
    other = web.test_client()
    _apply(other, o, "ANA@example.ro", "en", name="Mallory")
    _send_all(web, _mailer(port))
    link_mail = [m for m in inbox.messages if "link" in m["Subject"] or "twice" in m["Subject"]]
    assert len(link_mail) == 1 and link_mail[0]["To"] == "ANA@example.ro".lower()
    link = _path(re.search(r"https?://\S+/link/\S+", link_mail[0].get_content()).group(0))
    asked = other.get(link)
    assert asked.status_code == 200 and "Join your applications" in asked.text
    session.expire_all()
    second = session.scalars(select(Application).order_by(Application.id)).all()[1]
    assert second.linked_at is None  # opening the link (a mail scanner does) joins nothing
    joined = wclient.post(link)
    assert joined.status_code == 200 and "Your applications are joined" in joined.text
    session.expire_all()
    assert session.get(Application, second.id).linked_at is not None
    again = wclient.post(link)
    assert again.status_code == 410 and "This link does not work" in again.text
    assert wclient.post("/link/not-a-token").status_code == 410


def test_recruiter_announces_a_status_in_the_openings_own_wording(wclient, web, session, smtp):
    inbox, port, _ = smtp
    recruiter = f.staff(session, "recruiter")
    o = f.opening(session, recruiter, title="Account Manager")
    session.commit()
    _apply(wclient, o, "ana@example.ro", "ro")
    _send_all(web, _mailer(port))
    f.sign_in(wclient, recruiter)
    page = wclient.get(f"/recruiter/openings/{o.id}/emails")
    assert page.status_code == 200 and "Invitație la interviu" in page.text
    form = {
        "rejection_ro_subject": "Răspuns: {opening_title}",
        "rejection_ro_body": (
            "Dragă {candidate_name}, mulțumim. {{ config }} {opening_title.__class__}"
        ),
        "rejection_en_subject": emails.default_template("rejection", "en").subject,
        "rejection_en_body": emails.default_template("rejection", "en").body,
        "invitation_ro_subject": emails.default_template("invitation", "ro").subject,
        "invitation_ro_body": "Salut {candidate_name}, {salary}",
        "invitation_en_subject": emails.default_template("invitation", "en").subject,
        "invitation_en_body": emails.default_template("invitation", "en").body,
    }
    refused = wclient.post(f"/recruiter/openings/{o.id}/emails", data=form)
    assert refused.status_code == 200 and "unknown placeholder(s) {salary}" in refused.text
    form["invitation_ro_body"] = emails.default_template("invitation", "ro").body
    assert wclient.post(f"/recruiter/openings/{o.id}/emails", data=form).status_code == 302
    application = session.scalar(select(Application))
    wclient.post(
        f"/recruiter/applications/{application.id}/status",
        data={"status": "rejected", "confirm": "y", "notify": "y"},
    )
    wclient.post(
        f"/recruiter/applications/{application.id}/status", data={"status": "interview"}
    )  # not announced: no e-mail
    assert _send_all(web, _mailer(port)) == 1
    told = inbox.messages[-1]
    assert told["Subject"] == "Răspuns: Account Manager"
    # Placeholders are filled; anything else, Jinja included, is plain text.
    assert told.get_content().strip() == (
        "Dragă Ana Popescu, mulțumim. {{ config }} {opening_title.__class__}"
    )
    via_api = wclient.post(
        f"/api/v1/applications/{application.id}/status",
        json={"status": "interview", "notify": True},
    )
    assert via_api.json["emailed"] is True
    _send_all(web, _mailer(port))
    assert inbox.messages[-1]["Subject"] == "Invitație la interviu: Account Manager"
    saved = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "email_template.saved")
    ).all()
    assert saved == [{"kind": "rejection", "language": "ro"}]


def test_an_absent_server_is_retried_with_backoff_then_given_up(app, session):
    o = f.opening(session)
    application = f.read_application(session, o, "Ana Popescu", {"negotiation": "negociere"})
    message = outbox.queue_email(
        session, application, "received", sender=SENDER, status_link="http://x/status/t"
    )
    session.commit()
    closed_port = SmtpMailer("127.0.0.1", _free_port(), timeout=2)  # nobody listens there
    now = dt.datetime.now(dt.UTC)
    waits = []
    for n in range(1, len(outbox.BACKOFF) + 1):
        assert outbox.claim_due(session, now - dt.timedelta(seconds=1)) == []  # not due yet
        assert outbox.claim_due(session, now) == [message.id]
        assert outbox.deliver(session, closed_port, message.id, SENDER, now) == "queued"
        session.refresh(message)
        assert message.attempts == n and "ConnectionRefusedError" in message.last_error
        waits.append(round((as_utc(message.next_attempt_at) - now).total_seconds()))
        now = as_utc(message.next_attempt_at)
    assert waits == list(outbox.BACKOFF)
    assert outbox.claim_due(session, now) == [message.id]
    assert outbox.deliver(session, closed_port, message.id, SENDER, now) == "failed"
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_type == "email").order_by(AuditEvent.id)
    ).all()
    assert actions == ["email.queued"] + ["email.retry"] * len(outbox.BACKOFF) + ["email.failed"]


def test_a_refused_address_fails_at_once_and_the_admin_sees_it(web, wclient, session, smtp):
    inbox, port, _ = smtp
    inbox.refuse = True
    admin = f.staff(session, "admin")
    o = f.opening(session)
    application = f.read_application(session, o, "Ana Popescu", {"negotiation": "negociere"})
    outbox.queue_email(session, application, "received", sender=SENDER, status_link="http://x/s")
    session.commit()
    assert _send_all(web, _mailer(port)) == 0
    row = session.scalar(select(OutboxMessage))
    session.refresh(row)
    assert (row.status, row.attempts) == ("failed", 1) and "550" in row.last_error
    f.sign_in(wclient, admin)
    page = wclient.get("/admin/outbox?status=failed").text
    assert 'data-status="failed"' in page and "550" in page and application.candidate.email in page
    inbox.refuse = False
    assert wclient.post(f"/admin/outbox/{row.id}/retry").status_code == 302
    assert _send_all(web, _mailer(port)) == 1 and len(inbox.messages) == 1


def test_the_embedded_worker_writes_eml_files_and_erasure_removes_them(web, wclient, session):
    from recruit.web.app import start_worker

    o = f.opening(session, title="Manager de cont")
    session.commit()
    assert _apply(wclient, o, "ana@example.ro", "ro").status_code == 302
    start_worker(web)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            session.expire_all()
            row = session.scalar(select(OutboxMessage))
            if row.status == "sent":
                break
            time.sleep(0.2)
    finally:
        web.extensions["recruit.runner"].stop()
    assert row.status == "sent" and row.eml_path
    folder = web.config["RECRUIT_SETTINGS"].outbox_folder
    files = list(folder.glob("*.eml"))
    assert [str(p) for p in files] == [row.eml_path]
    saved = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert saved["Subject"] == "Am primit aplicarea dumneavoastră: Manager de cont"
    application = session.scalar(select(Application))
    exported = services.export_candidate(session, application.candidate)["emails"]
    assert [m["subject"] for m in exported] == [saved["Subject"]]  # what we wrote is theirs
    services.erase_candidate(
        session, web.extensions["recruit.storage"], application.candidate, reason="request"
    )
    assert list(folder.glob("*.eml")) == []
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_bulk_change_announces_the_new_status_to_the_chosen_candidates(
    wclient, web, session, smtp
):
    """The recruiter ticks candidates and "Tell them by e-mail": each changed one is written to."""
    inbox, port, _ = smtp
    recruiter = f.staff(session, "recruiter")
    o = f.opening(session, recruiter, title="Account Manager")
    ana = f.read_application(session, o, "Ana Popescu", {"crm": "CRM"})
    bogdan = f.read_application(session, o, "Bogdan Ionescu", {"crm": "CRM"})
    bogdan.candidate.locale = "en"
    no_address = f.read_application(session, o, "Carmen Dumitru", {"crm": "CRM"})
    no_address.candidate.email = None
    already = f.read_application(session, o, "Dan Radu", {"crm": "CRM"})
    already.status = "interview"  # nothing new to tell
    not_ticked = f.read_application(session, o, "Elena Stan", {"crm": "CRM"})
    session.commit()
    f.sign_in(wclient, recruiter)
    ids = [str(a.id) for a in (ana, bogdan, no_address, already)]
    page = wclient.get(f"/recruiter/openings/{o.id}", headers={"Accept-Language": "ro"}).text
    assert 'id="bulk-notify"' in page and "Anunță-i prin e-mail" in page
    done = wclient.post(
        f"/recruiter/openings/{o.id}/bulk",
        data={"status": "interview", "notify": "y", "ids": ids},
        follow_redirects=True,
    )
    assert "3 candidates updated." in done.text
    assert "2 of them will get an e-mail about it." in done.text
    assert "1 got no e-mail: no address" in done.text
    assert _send_all(web, _mailer(port)) == 2
    to = {m["To"]: m for m in inbox.messages}
    assert set(to) == {ana.candidate.email, bogdan.candidate.email}
    assert to[ana.candidate.email]["Subject"] == "Invitație la interviu: Account Manager"
    assert to[bogdan.candidate.email]["Subject"] == "Invitation to an interview: Account Manager"
    # Each e-mail carries its candidate's own status link.
    link = re.search(r"https?://\S+/status/\S+", to[bogdan.candidate.email].get_content())
    assert bogdan.status_token in link.group(0)
    announced = session.scalar(select(AuditEvent).where(AuditEvent.action == "status.announced"))
    assert (announced.actor_id, announced.subject_id) == (recruiter.id, str(o.id))
    assert announced.detail == {
        "status": "interview",
        "emailed": [ana.id, bogdan.id],
        "not_emailed": [no_address.id],
    }
    queued = session.scalars(
        select(AuditEvent.actor_id).where(AuditEvent.action == "email.queued")
    ).all()
    assert queued == [recruiter.id, recruiter.id]
    # Unticked, the box sends nothing; nor is anyone written to who was not chosen.
    wclient.post(
        f"/recruiter/openings/{o.id}/bulk",
        data={"status": "shortlisted", "ids": [str(ana.id), str(not_ticked.id)]},
    )
    assert _send_all(web, _mailer(port)) == 0 and len(inbox.messages) == 2
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_the_api_bulk_change_announces_but_not_under_blind_review(wclient, web, session, smtp):
    inbox, port, _ = smtp
    recruiter = f.staff(session, "recruiter")
    o = f.opening(session, recruiter)
    blind = f.opening(session, recruiter, blind=True, title="Key Account Manager")
    ana = f.read_application(session, o, "Ana Popescu", {"crm": "CRM"})
    hidden = f.read_application(session, blind, "Ioana Stan", {"crm": "CRM"})
    session.commit()
    f.sign_in(wclient, recruiter)
    r = wclient.post(
        f"/api/v1/openings/{o.id}/applications/status",
        json={"application_ids": [ana.id], "status": "offer", "notify": True},
    )
    assert r.get_json() == {"changed": 1, "emailed": [ana.id], "not_emailed": []}
    # Blind review: the recruiter may not know who they would be writing to.
    r = wclient.post(
        f"/api/v1/openings/{blind.id}/applications/status",
        json={
            "application_ids": [hidden.id],
            "status": "rejected",
            "confirm": True,
            "notify": True,
        },
    )
    assert r.get_json() == {"changed": 1, "emailed": [], "not_emailed": [hidden.id]}
    assert _send_all(web, _mailer(port)) == 1
    assert [m["To"] for m in inbox.messages] == [ana.candidate.email]
