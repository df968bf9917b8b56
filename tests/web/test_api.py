"""The JSON API: same sign-in and permissions as the pages, an OpenAPI description."""

from __future__ import annotations

import io

from tests.web import factories as f
from tests.web.test_candidates import PDF


def setup(session):
    recruiter = f.staff(session, "recruiter")
    manager = f.staff(session, "hiring_manager")
    o = f.opening(session, recruiter, manager)
    a = f.read_application(session, o, "Ana Popescu", {"negotiation": "negociere", "crm": "CRM"})
    b = f.read_application(session, o, "Bogdan Ionescu", {"negotiation": "negociere"})
    session.commit()
    return recruiter, manager, o, a, b


def test_openapi_lists_the_paths(wclient):
    spec = wclient.get("/api/v1/openapi.json").get_json()
    assert (
        spec["openapi"].startswith("3.")
        and "/api/v1/openings/{opening_id}/applications" in spec["paths"]
    )


def test_openapi_describes_every_criterion_type_from_the_registry(wclient):
    from recruit.core.criteria import CRITERION_TYPES

    spec = wclient.get("/api/v1/openapi.json").get_json()
    branches = spec["components"]["schemas"]["Criterion"]["oneOf"]
    assert [b["properties"]["type"]["const"] for b in branches] == list(CRITERION_TYPES)
    body = spec["paths"]["/api/v1/openings/{opening_id}/preview"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Criteria"
    }


def test_anonymous_and_outsiders_are_refused_in_json(wclient, session):
    recruiter, manager, o, a, b = setup(session)
    r = wclient.get("/api/v1/openings")
    assert r.status_code == 401 and r.is_json
    outsider = f.staff(session, "recruiter")
    session.commit()
    f.sign_in(wclient, outsider)
    assert wclient.get("/api/v1/openings").get_json()["items"] == []
    assert wclient.get(f"/api/v1/openings/{o.id}/applications").status_code == 404
    assert wclient.get(f"/api/v1/applications/{a.id}").status_code == 404


def test_recruiter_reads_the_shortlist_and_scores(wclient, session):
    recruiter, manager, o, a, b = setup(session)
    f.sign_in(wclient, recruiter)
    items = wclient.get("/api/v1/openings").get_json()["items"]
    assert items[0]["id"] == o.id and items[0]["counts"]["applications"] == 2
    page = wclient.get(f"/api/v1/openings/{o.id}/applications?limit=1").get_json()
    assert page["items"][0]["name"] == "Ana Popescu" and page["next"]
    rest = wclient.get(
        f"/api/v1/openings/{o.id}/applications", query_string={"limit": 1, "after": page["next"]}
    ).get_json()
    assert rest["items"][0]["name"] == "Bogdan Ionescu" and rest["next"] is None
    detail = wclient.get(f"/api/v1/applications/{a.id}").get_json()
    crm = next(c for c in detail["score_detail"]["criteria"] if c["id"] == "crm")
    assert crm["points"] == 10 and crm["weight"] == 4 and crm["evidence"]
    # The page ignores a filter it cannot read; the API says which one.
    bad = wclient.get(f"/api/v1/openings/{o.id}/applications?min_score=x")
    assert bad.status_code == 400 and "min_score" in bad.get_json()["fields"]


def test_status_upload_and_validation(wclient, session):
    recruiter, manager, o, a, b = setup(session)
    f.sign_in(wclient, recruiter)
    url = f"/api/v1/applications/{a.id}/status"
    assert wclient.post(url, json={"status": "rejected"}).status_code == 400
    assert wclient.post(url, json={"status": "interview"}).get_json()["status"] == "interview"
    up = f"/api/v1/openings/{o.id}/documents"
    bad = wclient.post(
        up,
        data={
            "name": "X",
            "email": "x@example.com",
            "consent": "true",
            "file": (io.BytesIO(b"hello"), "cv.pdf"),
        },
    )
    assert bad.status_code == 400 and "file" in bad.get_json()["fields"]
    text = wclient.post(
        up, data={"name": "X", "email": "x@example.com", "consent": "true", "file": "cv.pdf"}
    )
    assert text.status_code == 400 and "file" in text.get_json()["fields"]
    ok = wclient.post(
        up,
        data={
            "name": "Dan Pop",
            "email": "dan@example.com",
            "consent": "true",
            "file": (io.BytesIO(PDF), "cv.pdf"),
        },
    )
    assert ok.status_code == 201 and ok.get_json()["status"] == "queued"
    assert (
        wclient.post(f"/api/v1/openings/{o.id}/profiles", json={"criteria": []}).status_code == 403
    )


def test_manager_previews_and_saves_versions(wclient, session):
    recruiter, manager, o, a, b = setup(session)
    f.sign_in(wclient, manager)
    versions = wclient.get(f"/api/v1/openings/{o.id}/profiles").get_json()
    criteria = versions["items"][0]["criteria"]["criteria"]
    changed = [{**c, "weight": 0} if c["id"] == "crm" else c for c in criteria]
    preview = wclient.post(f"/api/v1/openings/{o.id}/preview", json={"criteria": changed})
    assert preview.status_code == 200 and len(preview.get_json()["top"]) == 2
    bad = wclient.post(
        f"/api/v1/openings/{o.id}/profiles", json={"criteria": [{**criteria[0], "weight": 99}]}
    )
    assert bad.status_code == 400 and "out of range" in bad.get_json()["message"]
    saved = wclient.post(
        f"/api/v1/openings/{o.id}/profiles", json={"criteria": changed, "note": "no CRM"}
    )
    assert saved.status_code == 201 and saved.get_json()["version"] == 2
    assert wclient.get(f"/api/v1/applications/{a.id}").status_code == 403


def test_writes_need_the_csrf_token(client, session):
    recruiter, manager, o, a, b = setup(session)
    client.application.config["WTF_CSRF_ENABLED"] = False
    f.sign_in(client, recruiter)
    client.application.config["WTF_CSRF_ENABLED"] = True
    url = f"/api/v1/applications/{a.id}/status"
    assert client.post(url, json={"status": "interview"}).status_code == 400
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    r = client.post(url, json={"status": "interview"}, headers={"X-CSRFToken": token})
    assert r.status_code == 200


def test_notes_statuses_and_bulk_changes(wclient, session):
    recruiter, manager, o, a, b = setup(session)
    f.sign_in(wclient, recruiter)
    url = f"/api/v1/applications/{a.id}/notes"
    added = wclient.post(url, json={"body": "  Sună-l luni.  "})
    assert added.status_code == 201 and added.get_json()["body"] == "Sună-l luni."
    assert added.get_json()["author"] == recruiter.name
    assert [n["body"] for n in wclient.get(url).get_json()["items"]] == ["Sună-l luni."]
    empty = wclient.post(url, json={"body": ""})
    assert empty.status_code == 400 and "body" in empty.get_json()["fields"]
    labels = wclient.get("/api/v1/statuses", headers={"Accept-Language": "ro"}).get_json()
    assert {"id": "interview", "label": "Interviu"} in labels["items"]
    bulk = f"/api/v1/openings/{o.id}/applications/status"
    refused = wclient.post(bulk, json={"application_ids": [a.id, b.id], "status": "rejected"})
    assert refused.status_code == 400 and "confirm" in refused.get_json()["fields"]
    done = wclient.post(bulk, json={"application_ids": [a.id, b.id], "status": "interview"})
    assert done.get_json() == {"changed": 2, "emailed": [], "not_emailed": []}
    session.expire_all()
    assert {x.status for x in (session.get(type(a), a.id), session.get(type(b), b.id))} == {
        "interview"
    }


def test_notes_are_masked_under_blind_review(wclient, session):
    recruiter = f.staff(session, "recruiter")
    o = f.opening(session, recruiter, blind=True)
    a = f.read_application(session, o, "Ana Popescu", {"crm": "CRM"})
    session.commit()
    f.sign_in(wclient, recruiter)
    wclient.post(f"/api/v1/applications/{a.id}/notes", json={"body": "Ana Popescu a sunat."})
    body = wclient.get(f"/api/v1/applications/{a.id}/notes").get_json()["items"][0]["body"]
    assert "Ana" not in body and "Popescu" not in body and body.endswith("a sunat.")


def test_every_error_of_the_api_is_json_with_what_is_wrong(wclient, session):
    recruiter, manager, o, a, b = setup(session)
    f.sign_in(wclient, recruiter)
    for response, code in (
        (wclient.get("/api/v1/no-such-thing"), 404),
        (wclient.delete(f"/api/v1/openings/{o.id}"), 405),
        # No id 0: not found, whatever the method (werkzeug alone would say 405 to a PATCH).
        (wclient.patch("/api/v1/openings/0", json={"title": "X"}), 404),
        (wclient.post("/api/v1/openings", data="{", content_type="application/json"), 400),
    ):
        assert response.status_code == code and response.is_json, response.get_data()
        assert set(response.get_json()) >= {"error", "message"}
    typo = wclient.post(
        "/api/v1/openings", json={"title": "X", "role": "account-manager", "tite": 1}
    )
    assert typo.status_code == 400 and typo.get_json()["fields"] == {"tite": "Unknown field."}
    both = wclient.post(
        "/api/v1/openings", json={"title": "X", "role": "account-manager", "copy_from": o.id}
    )
    assert both.status_code == 400 and "role" in both.get_json()["fields"]
    # The same field checks the description states (the document and the parser share them).
    spec = wclient.get("/api/v1/openapi.json").get_json()
    salary = spec["components"]["schemas"]["OpeningCreate"]["properties"]["salary_min"]
    too_much = wclient.post(
        "/api/v1/openings",
        json={"title": "X", "role": "account-manager", "salary_min": salary["maximum"] + 1},
    )
    assert too_much.status_code == 400 and "salary_min" in too_much.get_json()["fields"]


def test_control_characters_are_refused_on_every_typed_field(wclient, session):
    """Found by the schemathesis run on PostgreSQL: a note of "\\x00\\x8a" was a 500 there
    (PostgreSQL stores no NUL) and stored as it came on SQLite. Typed text is refused, as the
    forms refuse it, and a multi-line text keeps its line breaks."""
    from sqlalchemy import func, select

    from recruit.db.models import Note, Opening

    recruiter, manager, o, a, b = setup(session)
    admin = f.staff(session, "admin")
    session.commit()
    f.sign_in(wclient, admin)
    notes = session.scalar(select(func.count()).select_from(Note))
    for body in ("\x00\x8a", "Sună-l\x00 luni", "a\u202eb"):
        r = wclient.post(f"/api/v1/applications/{a.id}/notes", json={"body": body})
        assert r.status_code == 400 and "body" in r.get_json()["fields"], body
    kept = wclient.post(f"/api/v1/applications/{a.id}/notes", json={"body": "Luni:\n\tsună-l"})
    assert kept.status_code == 201
    assert session.scalar(select(func.count()).select_from(Note)) == notes + 1
    openings = session.scalar(select(func.count()).select_from(Opening))
    for field, value in (
        ("title", "Manager\x00"),
        ("location", "Cluj\x07"),
        ("description", "\x00"),
    ):
        r = wclient.post(
            "/api/v1/openings", json={"title": "Manager", "role": "account-manager", field: value}
        )
        assert r.status_code == 400 and field in r.get_json()["fields"], field
    r = wclient.patch(f"/api/v1/openings/{o.id}", json={"title": "Manager\x00"})
    assert r.status_code == 400 and "title" in r.get_json()["fields"]
    assert session.scalar(select(func.count()).select_from(Opening)) == openings
    r = wclient.get(f"/api/v1/openings/{o.id}/applications", query_string={"q": "Ana\x00"})
    assert r.status_code == 400 and "q" in r.get_json()["fields"]
    r = wclient.post(
        f"/api/v1/openings/{o.id}/documents",
        data={
            "file": (io.BytesIO(PDF), "cv.pdf"),
            "name": "Ana\x00 Pop",
            "email": "ana@example.ro",
            "consent": "true",
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "name" in r.get_json()["fields"]


def test_a_control_character_in_a_search_is_no_server_error(wclient, session):
    """On PostgreSQL a NUL in a search was a 500 (no NUL in its text): the API refuses it on
    the field, the pages search for the other words."""
    recruiter, manager, o, a, b = setup(session)
    f.sign_in(wclient, recruiter)
    for url in ("/api/v1/search", f"/api/v1/openings/{o.id}/applications"):
        r = wclient.get(url, query_string={"q": "ana\x00"})
        assert r.status_code == 400 and "q" in r.get_json()["fields"], url
    for url, found in (
        (f"/recruiter/openings/{o.id}", f"/recruiter/applications/{a.id}"),
        ("/recruiter/talent-pool", f"/recruiter/applications/{a.id}"),
        (f"/recruiter/openings/{o.id}/export.csv", "Ana Popescu"),
    ):
        r = wclient.get(url, query_string={"q": "ana\x00"})
        assert r.status_code == 200 and found in r.get_data(as_text=True), url
