"""Applying again with a known e-mail (issue 12, rows 1 and 9): never another person's link.

Whoever knows a candidate's e-mail could apply with it; that must not hand them the first
application's status token, nor change what it stored. The later application is kept apart
with its own token, shown to staff as a possible duplicate, and races give one first.
"""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from recruit import services
from recruit.db.models import Application, Candidate, Document, Opening
from recruit.services import duplicates
from tests.security.conftest import PDF, sign_in_as


def _apply(client, opening_id: int, email: str, name: str, phone: str = "", data: bytes = PDF):
    return client.post(
        f"/openings/{opening_id}/apply",
        data={
            "name": name,
            "email": email,
            "phone": phone,
            "consent": "y",
            "cv": (io.BytesIO(data), "cv.pdf"),
        },
        content_type="multipart/form-data",
    )


def _submit(session, storage, opening, name: str, email: str = "ana.popescu@example.com", data=PDF):
    """Apply as the service does for the form and the API; return the application."""
    if isinstance(opening, int):
        opening = session.get(Opening, opening)
    return services.submit_application(
        session,
        storage,
        opening,
        name=name,
        email=email,
        phone="",
        filename="cv.pdf",
        data=data,
        consent_version="x",
    ).application


def _token(response) -> str:
    assert response.status_code == 302, response.text[:300]
    return response.location.split("/status/")[1].split("?")[0]


@pytest.mark.parametrize(
    "again", ["VICTIM@example.com", " victim@Example.COM ", "victim@example.com"]
)
def test_applying_again_with_a_known_email_reveals_and_changes_nothing(web, session, again) -> None:
    opening = services.create_opening(session, "Account Manager", "account-manager")
    session.commit()
    client = web.test_client()
    phone = "+40 722 123 456"
    victim = _token(_apply(client, opening.id, "victim@example.com", "Ana Victim", phone))
    first = session.scalar(select(Application).where(Application.status_token == victim))
    first_document = first.documents[0].id
    first.scored_document_id = first_document
    session.commit()

    attacker = web.test_client()  # a fresh session: no cookie, no link, only the address
    response = _apply(attacker, opening.id, again, "Mallory", "0744 987 654", PDF + b"% other")
    token = _token(response)
    assert token != victim
    page = attacker.get(response.location).text
    assert victim not in page and "Ana Victim" not in page
    assert attacker.get(f"/privacy/data/{token}").status_code == 200
    assert "Ana Victim" not in attacker.get(f"/privacy/data/{token}").text
    assert "Ana Victim" not in attacker.get(f"/privacy/data/{token}/export.json").text

    session.expire_all()
    first = session.get(Application, first.id)
    assert (first.candidate.name, first.candidate.phone) == ("Ana Victim", phone)
    assert first.candidate.consent_at is not None
    assert [d.id for d in first.documents] == [first_document]
    assert first.scored_document_id == first_document
    assert first.duplicate_of_id is None
    second = session.scalar(select(Application).where(Application.status_token == token))
    assert second.id != first.id and second.candidate_id != first.candidate_id
    assert second.duplicate_of_id == first.id
    assert second.candidate.name == "Mallory"


def test_the_api_upload_of_a_known_email_is_a_duplicate_too(web, world, session) -> None:
    client = web.test_client()
    sign_in_as(client, world.users["recruiter"])
    response = client.post(
        f"/api/v1/openings/{world.opening_a}/documents",
        data={
            "file": (io.BytesIO(PDF + b"% api"), "cv.pdf"),
            "name": "Someone Else",
            "email": "ANA.POPESCU@example.com",
            "consent": "true",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    created = response.get_json()["application_id"]
    assert created != world.application_a.id
    assert session.get(Application, created).duplicate_of_id == world.application_a.id
    assert session.get(Candidate, world.application_a.candidate_id).name == "Ana Popescu"


def test_staff_see_the_possible_duplicate_on_pages_and_in_the_api(web, world, session) -> None:
    for application, text in ((world.application_a, "Ana Popescu\nnegociere"),):
        document = application.documents[0]
        session.get(Document, document.id).text = text
    session.commit()
    anon = web.test_client()
    second = _token(_apply(anon, world.opening_a, "Ana.Popescu@example.com", "Ana P."))
    dup = session.scalar(select(Application).where(Application.status_token == second))
    # Scored like any other, so it shows on the ranked shortlist next to the first.
    for a in (session.get(Application, world.application_a.id), dup):
        a.score, a.knocked_out = 50.0, False
    session.commit()
    client = web.test_client()
    sign_in_as(client, world.users["recruiter"])
    first_page = client.get(f"/recruiter/applications/{world.application_a.id}").text
    assert f"/recruiter/applications/{dup.id}" in first_page and "Possible duplicate" in first_page
    dup_page = client.get(f"/recruiter/applications/{dup.id}").text
    assert f"/recruiter/applications/{world.application_a.id}" in dup_page
    assert "Possible duplicate of" in dup_page
    shortlist = client.get(f"/recruiter/openings/{world.opening_a}").text
    assert f'href="/recruiter/applications/{world.application_a.id}"' in shortlist
    assert "possible duplicate" in shortlist.lower()
    one = client.get(f"/api/v1/applications/{dup.id}").get_json()
    assert one["duplicate_of"] == world.application_a.id and one["same_person"] is False
    first = client.get(f"/api/v1/applications/{world.application_a.id}").get_json()
    assert first["duplicates"] == [dup.id] and first["duplicate_of"] is None
    items = client.get(f"/api/v1/openings/{world.opening_a}/applications").get_json()["items"]
    assert {i["id"]: i["duplicate_of"] for i in items} == {
        world.application_a.id: None,
        dup.id: world.application_a.id,
    }


def test_a_confirmed_link_joins_the_two_as_one_person(web, world, session, storage) -> None:
    second = _submit(session, storage, world.opening_a, "Ana Popescu", data=PDF + b"% v2")
    with pytest.raises(services.ServiceError):
        duplicates.issue_link_token(session, session.get(Application, world.application_a.id))
    token = duplicates.issue_link_token(session, second)
    session.commit()
    assert second.link_token_hash and token not in second.link_token_hash
    assert duplicates.confirm_link(session, "not-the-token") is None
    linked = duplicates.confirm_link(session, token)
    session.commit()
    assert linked is not None and linked.id == second.id and linked.linked_at is not None
    assert duplicates.confirm_link(session, token) is None  # once only
    client = web.test_client()
    sign_in_as(client, world.users["recruiter"])
    assert client.get(f"/api/v1/applications/{second.id}").get_json()["same_person"] is True
    assert "Same person" in client.get(f"/recruiter/applications/{second.id}").text


def test_an_expired_link_confirms_nothing(world, session, storage) -> None:
    import datetime as dt

    from recruit.db.models import utcnow

    second = _submit(session, storage, world.opening_a, "A")
    token = duplicates.issue_link_token(session, second)
    second.link_expires_at = utcnow() - dt.timedelta(seconds=1)
    session.commit()
    assert duplicates.confirm_link(session, token) is None
    assert session.get(Application, second.id).linked_at is None


def test_erasing_the_first_makes_the_oldest_duplicate_first(world, session, storage) -> None:
    opening = session.get(Opening, world.opening_a)
    later = [
        _submit(session, storage, opening, f"Copy {n}", data=PDF + bytes([n])).id for n in range(2)
    ]
    session.commit()
    first = session.get(Application, world.application_a.id)
    services.erase_candidate(session, storage, first.candidate, reason="request")
    rows = {a.id: a.duplicate_of_id for a in session.scalars(select(Application))}
    assert rows[later[0]] is None and rows[later[1]] == later[0]
    again = _submit(session, storage, opening, "Copy 3")
    assert again.duplicate_of_id == later[0]


def test_the_status_link_takes_another_file_for_its_own_application(web, world, session) -> None:
    client = web.test_client()
    token = world.application_a.status_token
    assert client.get(f"/status/{token}/cv").status_code == 200
    response = client.post(
        f"/status/{token}/cv",
        data={"cv": (io.BytesIO(PDF + b"% new version"), "cv2.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.location.startswith(f"/status/{token}")
    documents = session.scalars(
        select(Document).where(Document.application_id == world.application_a.id)
    ).all()
    assert len(documents) == 2
    refused = client.post(
        f"/status/{token}/cv",
        data={"cv": (io.BytesIO(b"plain text"), "cv.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 200 and "not a PDF, a Word" in refused.text
    assert client.get("/status/not-a-token/cv").status_code == 404
    assert session.scalar(select(func.count()).select_from(Application)) == 2


def test_concurrent_applies_with_one_email_make_exactly_one_first(app, session, storage) -> None:
    opening = services.create_opening(session, "Account Manager", "account-manager")
    session.commit()
    sessions = app.extensions["recruit.sessions"]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def apply(n: int) -> None:
        try:
            with sessions() as own:
                own_opening = own.get(Opening, opening.id)
                barrier.wait(timeout=30)
                email = "RACE@example.com" if n % 2 else "race@example.com "
                _submit(own, storage, own_opening, f"Racer {n}", email, PDF + bytes([n]))
                own.commit()
        except BaseException as exc:  # reported below, with the thread's own traceback
            errors.append(exc)

    threads = [threading.Thread(target=apply, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    rows = session.scalars(select(Application).where(Application.opening_id == opening.id)).all()
    assert len(rows) == 8 and len({a.status_token for a in rows}) == 8
    firsts = [a for a in rows if a.duplicate_of_id is None]
    assert len(firsts) == 1
    assert {a.duplicate_of_id for a in rows if a is not firsts[0]} == {firsts[0].id}
    assert {a.email_key for a in rows} == {"race@example.com"}


def test_the_migration_keeps_the_oldest_of_earlier_duplicates_first(tmp_path, storage) -> None:
    from alembic import command
    from alembic.config import Config

    from recruit.db import MIGRATIONS, upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = url
    command.upgrade(cfg, "0006")
    engine = create_engine(url)
    # As the race of row 9 left it: two candidates, two applications, one address.
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO openings (id, title, role_id, status, description, location, "
            "current_version, blind_review, created_at) VALUES "
            "(1, 'AM', 'account-manager', 'open', '', '', 1, 0, '2026-01-01')"
        )
        for n, email in ((1, "a@example.com"), (2, "A@example.com "), (3, ""), (4, "b@x.ro")):
            conn.exec_driver_sql(
                "INSERT INTO candidates (id, name, email, phone, consent_version, created_at) "
                f"VALUES ({n}, 'N', '{email}', '', '', '2026-01-01')"
            )
            conn.exec_driver_sql(
                "INSERT INTO applications (id, candidate_id, opening_id, status, status_token, "
                "created_at, updated_at) VALUES "
                f"({n}, {n}, 1, 'new', 't{n}', '2026-01-01', '2026-01-01')"
            )
    upgrade(url)
    with Session(engine) as session:
        found = session.scalars(select(Application))
        rows = {a.id: (a.email_key, a.duplicate_of_id) for a in found}
    engine.dispose()
    assert rows == {
        1: ("a@example.com", None),
        2: ("a@example.com", 1),
        3: (None, None),
        4: ("b@x.ro", None),
    }


def test_the_shortlist_service_lists_duplicates_both_ways(world, session, storage) -> None:
    second = _submit(session, storage, world.opening_a, "B")
    session.commit()
    related = duplicates.related(session, [world.application_a.id, second.id])
    assert related == {world.application_a.id: [second.id], second.id: [world.application_a.id]}


def _apply_as(client, opening_id: int, name: str, filename: str, data: bytes) -> str:
    """Apply with Ana's address from a browser of its own; return the new status token."""
    response = client.post(
        f"/openings/{opening_id}/apply",
        data={
            "name": name,
            "email": "Ana.Popescu@example.com",
            "phone": "",
            "consent": "y",
            "cv": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )
    return _token(response)


def test_a_confirmed_person_sees_exports_and_erases_both_applications(
    web, world, session, storage, app
) -> None:
    import json

    from recruit.db.models import AuditEvent, Note, OutboxMessage
    from tests.security.test_gdpr import _database_text

    first = session.get(Application, world.application_a.id)
    first.documents[0].text = "Ana Popescu, account manager at Orange România"
    session.commit()
    client = web.test_client()
    token_1 = first.status_token
    token_2 = _apply_as(client, world.opening_a, "Ana Popescu", "second.pdf", PDF + b"% 2")
    # Someone else who knows her address: a possible duplicate nobody confirmed.
    token_3 = _apply_as(web.test_client(), world.opening_a, "Mallory", "third.pdf", PDF + b"% 3")
    second = session.scalar(select(Application).where(Application.status_token == token_2))
    third = session.scalar(select(Application).where(Application.status_token == token_3))
    session.add(Note(application_id=second.id, body="Second file is newer"))
    session.commit()
    doc = {a: session.get(Application, a.id).documents[0].id for a in (first, second, third)}

    def listed(token: str) -> set[int]:
        page = client.get(f"/privacy/data/{token}").text
        return {d for d in doc.values() if f"/privacy/data/{token}/documents/{d}" in page}

    # Before confirming, every link opens its own application only.
    assert listed(token_1) == {doc[first]} and listed(token_2) == {doc[second]}
    export_2 = client.get(f"/privacy/data/{token_2}/export.json").text
    assert "Strong negotiator" not in export_2 and "Orange" not in export_2
    assert client.get(f"/privacy/data/{token_2}/documents/{doc[first]}").status_code == 404

    link = duplicates.issue_link_token(session, second)
    session.commit()
    assert client.post(f"/link/{link}").status_code == 200
    session.expire_all()
    assert session.get(Application, second.id).linked_at is not None

    # Confirmed: either link covers both, never the unconfirmed third.
    for token in (token_1, token_2):
        assert listed(token) == {doc[first], doc[second]}
        page = client.get(f"/privacy/data/{token}").text
        assert "This covers the 2 applications" in page and "third.pdf" not in page
        for mine in (doc[first], doc[second]):
            assert client.get(f"/privacy/data/{token}/documents/{mine}").status_code == 200
        assert client.get(f"/privacy/data/{token}/documents/{doc[third]}").status_code == 404
        data = json.loads(client.get(f"/privacy/data/{token}/export.json").data)
        assert [a["id"] for a in data["applications"]] == [first.id, second.id]
        notes = [n["body"] for a in data["applications"] for n in a["notes"]]
        assert notes == ["Strong negotiator, call back", "Second file is newer"]
        assert "Orange România" in json.dumps(data, ensure_ascii=False)
        ids = {data["candidate"]["id"]} | {c["candidate"]["id"] for c in data["linked_candidates"]}
        assert ids == {first.candidate_id, second.candidate_id}
        assert {m["candidate_id"] for m in data["emails"]} == ids
        assert "Mallory" not in json.dumps(data) and "third.pdf" not in json.dumps(data)
    assert "2 applications you joined" in client.get(f"/privacy/data/{token_2}/erase").text
    # The third link still sees only itself, on every page.
    assert listed(token_3) == {doc[third]}
    assert client.get(f"/privacy/data/{token_3}/documents/{doc[first]}").status_code == 404
    for url in (f"/status/{token_3}", f"/privacy/data/{token_3}/export.json"):
        body = client.get(url).text
        assert "Ana Popescu" not in body and "Strong negotiator" not in body, url
        assert "second.pdf" not in body and "Orange" not in body, url

    keys = {a: session.get(Application, a.id).documents[0].storage_key for a in (first, second)}
    done = client.post(f"/privacy/data/{token_2}/erase", data={"confirm": "y"})
    assert done.status_code == 200 and "Your data is erased" in done.text
    session.expire_all()
    for token in (token_1, token_2):
        assert client.get(f"/privacy/data/{token}").status_code == 404
        assert client.get(f"/status/{token}").status_code == 404
    assert not any(storage.exists(k) for k in keys.values())
    for a in (first, second):
        assert session.get(Application, a.id).candidate.erased_at is not None
    assert (
        session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.candidate_id.in_([first.candidate_id, second.candidate_id])
            )
        ).all()
        == []
    )
    text = _database_text(app.extensions["recruit.engine"])
    for gone in ("Strong negotiator", "Second file is newer", "Orange România", "Ana Popescu"):
        assert gone not in text, gone
    # The audit names the records erased together, each under its own candidate.
    events = {
        int(e.subject_id): e.detail
        for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "candidate.erased"))
    }
    assert events[first.candidate_id]["same_person_as"] == [second.candidate_id]
    assert events[second.candidate_id]["same_person_as"] == [first.candidate_id]
    assert set(events) == {first.candidate_id, second.candidate_id}
    # The third stays, now the first of its address on the opening.
    remaining = session.get(Application, third.id)
    assert remaining.candidate.erased_at is None and remaining.candidate.name == "Mallory"
    assert remaining.duplicate_of_id is None
    assert client.get(f"/privacy/data/{token_3}").status_code == 200


def test_the_retention_purge_erases_a_confirmed_person_once(world, session, storage) -> None:
    import datetime as dt

    from recruit.db.models import AuditEvent

    second = _submit(session, storage, world.opening_a, "Ana Popescu", data=PDF + b"% 2")
    duplicates.confirm_link(session, duplicates.issue_link_token(session, second))
    unconfirmed = _submit(session, storage, world.opening_b, "Bogdan", data=PDF + b"% b")
    opening = session.get(Opening, world.opening_a)
    opening.status = "closed"
    opening.closed_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
    session.commit()
    report = services.purge_expired(session, storage)
    assert report.candidates == 2
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "candidate.purged"))
    assert sorted(len(e.detail["same_person_as"]) for e in events) == [1, 1]
    assert session.get(Application, unconfirmed.id).candidate.erased_at is None
