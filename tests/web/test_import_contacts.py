"""Bulk import names candidates from their CVs (never the file name), and recruiters correct it."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from recruit import services
from recruit.db.models import Application, AuditEvent, Candidate
from recruit.runner import LocalRunner
from recruit.services import ingest
from recruit.tasks import TaskContext
from tests.web import factories as f


def _cv(name: str, contact_line: str) -> bytes:
    from tests.cvgen import render_pdf, sample_cvs

    doc = sample_cvs()["ro"]
    return render_pdf(
        dataclasses.replace(doc, header=[name, doc.header[1], contact_line]), "single"
    )


def _import(app, session, o, folder, files: dict[str, bytes]) -> ingest.ImportReport:
    """Import these files (name -> bytes) from `folder` into the opening, unread."""
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    sources, _ = ingest.list_sources(folder, max_bytes=10 * 1024 * 1024)
    return ingest.import_files(session, app.extensions["recruit.storage"], o, sources)


def _import_and_read(app, session, tmp_path):
    o = f.opening(session)
    session.commit()
    contacts = "E-mail: ioana.stefanescu@example.ro · Telefon: 0722 123 456"
    files = {
        "CV_Ioana_Stefanescu.pdf": _cv("Ioana Ștefănescu", contacts),
        "scan_final_2024.pdf": _cv("Mihai Dobre", "Cluj-Napoca"),
    }
    _import(app, session, o, tmp_path / "cvs", files)
    unread = session.scalars(select(Candidate).order_by(Candidate.id)).all()
    assert [(c.name, c.email, c.phone) for c in unread] == [(None, None, None)] * 2
    LocalRunner(
        TaskContext(app.extensions["recruit.sessions"], app.extensions["recruit.storage"])
    ).run_until_idle()
    session.expire_all()
    return o, session.scalars(select(Candidate).order_by(Candidate.id)).all()


def test_import_takes_name_email_and_phone_from_the_read_cv(app, session, tmp_path):
    _, (ioana, mihai) = _import_and_read(app, session, tmp_path)
    assert (ioana.name, ioana.email, ioana.phone) == (
        "Ioana Ștefănescu",
        "ioana.stefanescu@example.ro",
        "+40722123456",
    )
    assert mihai.name == "Mihai Dobre"
    assert mihai.email is None  # not in the CV: unknown, not invented
    assert ioana.locale == "ro"  # e-mails to her will be in Romanian
    # Found by what the CV told (the shortlist's search), scored, and keyed by her address,
    # all in the batch's one commit.
    application = session.scalars(
        select(Application).where(Application.candidate_id == ioana.id)
    ).one()
    assert "ioana.stefanescu@example.ro" in application.search_identity
    assert "stefanescu" in application.search_identity
    assert application.score is not None
    assert application.email_key == "ioana.stefanescu@example.ro"


def test_recruiter_corrects_contacts_on_the_candidate_page(web, wclient, session, tmp_path):
    recruiter = f.staff(session, "recruiter")
    o, (ioana, mihai) = _import_and_read(web, session, tmp_path)
    services.add_member(session, o, recruiter)
    session.commit()
    application = session.scalar(select(Application).where(Application.candidate_id == mihai.id))
    f.sign_in(wclient, recruiter)
    page = wclient.get(f"/recruiter/applications/{application.id}").text
    assert "no e-mail known" in page and "Correct name, e-mail or phone" in page
    url = f"/recruiter/applications/{application.id}/contact"
    bad = wclient.post(url, data={"name": "Mihai Dobre", "phone": "12"}, follow_redirects=True)
    assert "Use digits" in bad.text or "not valid" in bad.text
    saved = wclient.post(
        url,
        data={"name": "Mihai  Dobre", "email": "Mihai.Dobre@Example.ro", "phone": "0744 987 654"},
        follow_redirects=True,
    )
    assert "Contact details saved." in saved.text
    session.expire_all()
    mihai = session.get(Candidate, mihai.id)
    assert (mihai.name, mihai.email, mihai.phone) == (
        "Mihai Dobre",
        "mihai.dobre@example.ro",
        "+40744987654",
    )
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "candidate.contact_changed")
    )
    assert event.detail == {"fields": ["email", "phone"]} and event.actor_id == recruiter.id
    assert "dobre" not in str(event.detail).lower()  # which fields, never the values


def test_blind_review_hides_the_contact_form(web, wclient, session):
    recruiter = f.staff(session, "recruiter")
    o = f.opening(session, recruiter, blind=True)
    a = f.read_application(session, o, "Ana Popescu", {"negotiation": "negociere"})
    session.commit()
    f.sign_in(wclient, recruiter)
    assert "Correct name" not in wclient.get(f"/recruiter/applications/{a.id}").text
    refused = wclient.post(f"/recruiter/applications/{a.id}/contact", data={"name": "X"})
    assert refused.status_code == 403


def test_an_imported_candidate_with_an_address_is_keyed_and_e_mailed_as_an_applicant(
    web, wclient, session, tmp_path
):
    """What the apply form gives: an e-mail key once the address is read, a working status link."""
    import io

    from recruit.db.models import OutboxMessage
    from recruit.tasks import tiny_pdf

    recruiter = f.staff(session, "recruiter")
    o, (ioana, mihai) = _import_and_read(web, session, tmp_path)
    services.add_member(session, o, recruiter)
    session.commit()
    imported = session.scalar(select(Application).where(Application.candidate_id == ioana.id))
    unknown = session.scalar(select(Application).where(Application.candidate_id == mihai.id))
    assert (imported.email_key, imported.duplicate_of_id) == ("ioana.stefanescu@example.ro", None)
    assert unknown.email_key is None  # no address in the CV: nothing to key by yet
    # Her status link works as an applicant's does.
    assert wclient.get(f"/status/{imported.status_token}").status_code == 200
    # The same person applying through the form is a possible duplicate of the imported one.
    applied = web.test_client().post(
        f"/openings/{o.id}/apply",
        data={
            "name": "Ioana Stefanescu",
            "email": "Ioana.Stefanescu@Example.ro",
            "phone": "0722 123 456",
            "consent": "y",
            "cv": (io.BytesIO(tiny_pdf(["Ioana Stefanescu", "Vanzari B2B"])), "cv.pdf"),
        },
    )
    assert applied.status_code == 302
    session.expire_all()
    second = session.scalars(select(Application).order_by(Application.id.desc())).first()
    assert second.id != imported.id and second.duplicate_of_id == imported.id
    # The recruiter types the address the CV lacked: from then on it keys the application too.
    f.sign_in(wclient, recruiter)
    wclient.post(
        f"/recruiter/applications/{unknown.id}/contact",
        data={"name": "Mihai Dobre", "email": "mihai.dobre@example.ro"},
    )
    # Both imported candidates can now be told of a status change.
    done = wclient.post(
        f"/api/v1/openings/{o.id}/applications/status",
        json={"application_ids": [imported.id, unknown.id], "status": "interview", "notify": True},
    )
    assert done.get_json()["emailed"] == [imported.id, unknown.id]
    session.expire_all()
    assert session.get(Application, unknown.id).email_key == "mihai.dobre@example.ro"
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "invitation").order_by(OutboxMessage.id)
    ).all()
    assert [m.to_address for m in messages] == [
        "ioana.stefanescu@example.ro",
        "mihai.dobre@example.ro",
    ]
    assert imported.status_token in messages[0].body


def test_an_address_keyed_meanwhile_makes_the_read_cv_a_possible_duplicate(
    app, session, tmp_path, monkeypatch
):
    """Another reader keys the address between the batch's look and its write: the unique
    index refuses the batch's one write, and the batch is written again, keyed one by one."""
    from recruit.services import documents

    storage = app.extensions["recruit.storage"]
    address = "ioana.stefanescu@example.ro"
    cv = _cv("Ioana Ștefănescu", f"E-mail: {address} · Telefon: 0722 123 456")
    o = f.opening(session)
    first = services.submit_application(
        session,
        storage,
        o,
        name="Ioana Ștefănescu",
        email=address,
        phone="",
        filename="cv.pdf",
        data=cv,
        consent_version="v1",
    ).application
    session.commit()
    runner = LocalRunner(TaskContext(app.extensions["recruit.sessions"], storage))
    runner.run_until_idle()
    again = {"cv-again.pdf": cv + b"\n% another copy of the file"}
    report = _import(app, session, o, tmp_path / "cvs", again)
    looks = []
    real_look = documents._first_applications

    def look(session, wanted):  # the batch's first look misses the other reader's key
        looks.append(wanted)
        return {} if len(looks) == 1 else real_look(session, wanted)

    monkeypatch.setattr(documents, "_first_applications", look)
    services.process_documents(session, storage, list(report.document_ids))
    session.expire_all()
    imported = session.scalars(
        select(Application).where(Application.id != first.id, Application.opening_id == o.id)
    ).one()
    assert len(looks) >= 2  # the batch was written again
    assert imported.email_key == address and imported.duplicate_of_id == first.id
    assert imported.score is not None and imported.documents[0].status == "ok"
    assert session.get(Application, first.id).duplicate_of_id is None
