"""Openings of one's own: create, edit, close and reopen them in the pages, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from recruit import services
from recruit.db.models import AuditEvent, Candidate, Document, Opening, OpeningMember
from recruit.services import openings, requirements
from tests.web import factories as f

HOSTILE = """# Ce oferim

**Salariu** motivant <script>alert('x')</script>

<img src=x onerror="alert(1)">
[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)
<a href="https://evil.test" onclick="steal()">link</a>
<iframe src="https://evil.test"></iframe>

- negociere
- [site](https://example.ro)
"""


def _elements(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Return every element of an HTML page with its attributes, as a browser would parse it."""
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str | None]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(page)
    return found


def _actions(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _pdf() -> bytes:
    from recruit.tasks import tiny_pdf

    return tiny_pdf(["Ana Popescu", "Manager de cont", "negociere, vanzari"])


# --- the service --------------------------------------------------------------------------


def test_create_from_a_role_or_a_copy_of_another_openings_current_profile(session):
    recruiter = f.staff(session, "recruiter")
    first = openings.create_opening(
        session,
        "Account Manager",
        "account-manager",
        location="Cluj-Napoca",
        employment_type="part_time",
        salary_min=5000,
        salary_max=7000,
        salary_currency="ron",
        closes_on=dt.date(2030, 1, 31),
        author=recruiter,
    )
    assert first.salary_currency == "RON" and first.employment_type == "part_time"
    assert openings.member_ids(session, first) == [recruiter.id]  # the creator is a member
    criteria = services.current_profile(session, first).criteria
    criteria["criteria"][0]["weight"] = 9.5
    requirements.save_version(session, first, criteria, recruiter, "heavier first criterion")
    copy = openings.create_opening(
        session, "Account Manager Iași", "", copy_from=first, author=recruiter
    )
    profile = services.current_profile(session, copy)
    assert profile.version == 1 and copy.role_id == "account-manager"
    assert profile.criteria["criteria"][0]["weight"] == 9.5  # version 2 of the first, not v1
    assert "copy of opening" in profile.note
    created = _actions(session, "opening.created")
    assert [e.detail["copied_from"] for e in created] == [None, first.id]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"salary_min": 9000, "salary_max": 5000, "salary_currency": "RON"}, "above the maximum"),
        ({"salary_min": 3000}, "currency"),
        ({"salary_currency": "XYZ"}, "salary_currency"),
        ({"employment_type": "forever"}, "employment_type"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_fields_are_refused_with_the_field_named(session, fields, message):
    o = f.opening(session)
    with pytest.raises(services.ServiceError, match=message):
        openings.update_opening(session, o, None, **fields)
    with pytest.raises(services.ServiceError, match=message):
        openings.create_opening(session, fields.pop("title", "T"), "account-manager", **fields)


def test_an_opening_past_its_closing_day_takes_no_applications(session):
    o = f.opening(session)
    today = openings.local_today()
    o.closes_on = today
    assert openings.accepts_applications(o, today)  # the closing day itself still counts
    assert not openings.accepts_applications(o, today + dt.timedelta(days=1))
    o.closes_on = today - dt.timedelta(days=1)
    assert not openings.accepts_applications(o)
    # Reopening clears the past day, or the opening would stay shut.
    assert openings.reopen_opening(session, o, None)
    assert o.closes_on is None and openings.accepts_applications(o)


# --- the pages ----------------------------------------------------------------------------


def test_recruiter_creates_an_opening_in_the_page(wclient, session):
    recruiter = f.staff(session, "recruiter")
    manager = f.staff(session, "hiring_manager", name="Mara Manager")
    session.commit()
    f.sign_in(wclient, recruiter)
    form = wclient.get("/recruiter/openings/new").text
    assert "Copy the requirements" not in form  # no opening of theirs yet
    assert "Mara Manager" in form
    response = wclient.post(
        "/recruiter/openings/new",
        data={
            "title": "Manager relații clienți",
            "location": "Brașov",
            "description": HOSTILE,
            "employment_type": "full_time",
            "salary_min": "4500",
            "salary_max": "6000",
            "salary_currency": "RON",
            "closes_on": "2031-03-31",
            "template": "customer-service-manager",
            "members": [str(manager.id)],
        },
    )
    assert response.status_code == 302, response.text
    o = session.scalar(select(Opening).where(Opening.title == "Manager relații clienți"))
    assert o.role_id == "customer-service-manager" and o.closes_on == dt.date(2031, 3, 31)
    assert sorted(openings.member_ids(session, o)) == sorted([recruiter.id, manager.id])
    assert response.location.endswith(f"/recruiter/openings/{o.id}")
    # The manager can tune it now; the public sees it with its terms.
    page = wclient.get(f"/openings/{o.id}").text
    assert "4,500–6,000 RON gross a month" in page and "March 31, 2031" in page
    assert "<h2>Ce oferim</h2>" in page and "<strong>Salariu</strong>" in page


def test_a_hostile_description_renders_as_text(wclient, session):
    o = f.opening(session)
    o.description = HOSTILE
    session.commit()
    for url in (f"/openings/{o.id}", "/"):
        elements = _elements(wclient.get(url).text)
        assert not [tag for tag, _ in elements if tag in ("script", "img", "iframe")]
        assert not [(t, a) for t, attrs in elements for a in attrs if a.startswith("on")]
        hrefs = [v or "" for _, attrs in elements for a, v in attrs.items() if a == "href"]
        assert not [h for h in hrefs if not h.startswith(("/", "https://", "#"))], hrefs
    page = wclient.get(f"/openings/{o.id}").text
    # What is allowed stays: a list, an https link that leaks no referrer.
    assert (
        '<li><a href="https://example.ro" rel="noopener noreferrer nofollow">site</a></li>' in page
    )
    assert "&lt;script&gt;" in page  # shown as the text it is


def test_edit_close_and_reopen_are_audited_and_the_apply_page_follows(wclient, session, storage):
    recruiter = f.staff(session, "recruiter")
    o = f.opening(session, recruiter)
    session.commit()
    f.sign_in(wclient, recruiter)
    response = wclient.post(
        f"/recruiter/openings/{o.id}/edit",
        data={"title": "Account Manager B2B", "employment_type": "contract", "location": "Iași"},
    )
    assert response.status_code == 302, response.text
    session.expire_all()
    assert (o.title, o.location, o.employment_type) == ("Account Manager B2B", "Iași", "contract")
    assert _actions(session, "opening.updated")[-1].detail["fields"] == [
        "title",
        "location",
        "employment_type",
    ]
    assert openings.member_ids(session, o) == [recruiter.id]  # an editor stays a member

    # A candidate opens the form in a tab; meanwhile the recruiter closes the opening.
    assert wclient.get(f"/openings/{o.id}/apply").status_code == 200
    assert wclient.post(f"/recruiter/openings/{o.id}/close").status_code == 302
    import io

    late = wclient.post(
        f"/openings/{o.id}/apply",
        data={
            "name": "Ana Popescu",
            "email": "ana@example.ro",
            "consent": "y",
            "cv": (io.BytesIO(_pdf()), "cv.pdf"),
        },
        headers={"Accept-Language": "ro"},
    )
    assert late.status_code == 410
    assert "Acest post s-a închis" in late.text  # in the candidate's language
    assert session.scalar(select(func.count()).select_from(Candidate)) == 0
    assert session.scalar(select(func.count()).select_from(Document)) == 0
    assert "no longer takes applications" in wclient.get(f"/openings/{o.id}").text
    assert f"/openings/{o.id}/apply" not in wclient.get("/").text
    assert wclient.post(f"/recruiter/openings/{o.id}/reopen").status_code == 302
    assert wclient.get(f"/openings/{o.id}/apply").status_code == 200
    assert [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))][-2:] == [
        "opening.closed",
        "opening.reopened",
    ]


def test_an_opening_past_its_day_says_so_on_the_apply_page(wclient, session):
    o = f.opening(session)
    o.closes_on = openings.local_today() - dt.timedelta(days=1)
    session.commit()
    response = wclient.get(f"/openings/{o.id}/apply")
    assert response.status_code == 410 and "This opening is closed" in response.text
    assert o.title not in wclient.get("/").text


def test_public_list_filters_by_city_and_role(wclient, session):
    f.opening(session, title="AM Cluj", role_id="account-manager").location = "Cluj-Napoca"
    f.opening(session, title="Bancă Cluj", role_id="bank-account-manager").location = "Cluj-Napoca"
    f.opening(session, title="AM Iași", role_id="account-manager").location = "Iași"
    session.commit()
    every = wclient.get("/").text
    assert all(t in every for t in ("AM Cluj", "Bancă Cluj", "AM Iași"))
    assert '<option value="Cluj-Napoca"' in every and '<option value="Iași"' in every
    cluj = wclient.get("/?city=cluj-napoca").text
    assert "AM Cluj" in cluj and "Bancă Cluj" in cluj and "AM Iași" not in cluj
    both = wclient.get("/?city=Cluj-Napoca&role=account-manager").text
    assert "AM Cluj" in both and "Bancă Cluj" not in both and "AM Iași" not in both
    none = wclient.get("/?city=Arad").text
    assert "No open position matches" in none


def test_only_recruiters_and_admins_run_openings(wclient, session):
    recruiter = f.staff(session, "recruiter")
    outsider = f.staff(session, "recruiter")
    manager = f.staff(session, "hiring_manager")
    o = f.opening(session, recruiter, manager)
    session.commit()
    f.sign_in(wclient, manager)
    assert wclient.get("/recruiter/openings/new").status_code == 403
    assert wclient.post(f"/recruiter/openings/{o.id}/close").status_code == 403
    assert "New opening" not in wclient.get("/recruiter/").text
    wclient.post("/auth/sign-out")
    f.sign_in(wclient, outsider)
    assert wclient.get(f"/recruiter/openings/{o.id}/edit").status_code == 404
    # Copying needs sight of the source: another opening's id reveals nothing.
    response = wclient.post(
        "/recruiter/openings/new",
        data={"title": "X", "template": f"copy:{o.id}", "employment_type": "full_time"},
    )
    assert response.status_code == 200 and "Not a valid choice" in response.text
    assert session.scalar(select(func.count()).select_from(Opening)) == 1


# --- the API ------------------------------------------------------------------------------


def test_api_creates_edits_closes_and_reopens(wclient, session):
    recruiter = f.staff(session, "recruiter")
    manager = f.staff(session, "hiring_manager")
    session.commit()
    f.sign_in(wclient, recruiter)
    created = wclient.post(
        "/api/v1/openings",
        json={
            "title": "Key Account Manager",
            "role": "corporate-account-manager",
            "location": "Timișoara",
            "salary_min": 8000,
            "salary_max": 12000,
            "salary_currency": "RON",
            "closes_on": "2031-01-15",
            "members": [manager.id],
        },
    )
    assert created.status_code == 201, created.json
    body = created.json
    assert body["accepting_applications"] and body["closes_on"] == "2031-01-15"
    oid = body["id"]
    patched = wclient.patch(f"/api/v1/openings/{oid}", json={"salary_max": 13000})
    assert patched.status_code == 200 and patched.json["salary_max"] == 13000
    bad = wclient.patch(f"/api/v1/openings/{oid}", json={"salary_max": 100})
    assert bad.status_code == 400 and "above the maximum" in bad.json["message"]
    assert wclient.patch(f"/api/v1/openings/{oid}", json={"status": "open"}).json["fields"] == {
        "status": "Unknown field."
    }
    both = wclient.post("/api/v1/openings", json={"title": "x", "role": "a", "copy_from": oid})
    assert both.status_code == 400
    closed = wclient.post(f"/api/v1/openings/{oid}/close")
    assert closed.json["status"] == "closed" and not closed.json["accepting_applications"]
    assert wclient.post(f"/api/v1/openings/{oid}/reopen").json["accepting_applications"]
    copy = wclient.post("/api/v1/openings", json={"title": "Copy", "copy_from": oid})
    assert copy.status_code == 201 and copy.json["role"] == "corporate-account-manager"
    assert (
        session.scalar(
            select(func.count()).select_from(OpeningMember).where(OpeningMember.opening_id == oid)
        )
        == 2
    )
    wclient.post("/auth/sign-out")
    f.sign_in(wclient, manager)
    assert wclient.post("/api/v1/openings", json={"title": "x", "role": "a"}).status_code == 403


# --- the command line ---------------------------------------------------------------------


def test_cli_creates_edits_lists_and_closes(app, session):
    f.staff(session, "recruiter", email="rita@example.com")
    session.commit()
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "opening", "create", "--title", "Account Manager", "--role", "account-manager",
            "--city", "București", "--salary-min", "5000", "--salary-max", "7000",
            "--currency", "EUR", "--closes-on", "2031-05-01", "--by", "rita@example.com",
        ]
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    record = json.loads(made.stdout)
    assert record["location"] == "București" and record["salary_currency"] == "EUR"
    oid = record["id"]
    edited = runner.invoke(args=["opening", "edit", str(oid), "--employment-type", "contract"])
    assert json.loads(edited.stdout)["employment_type"] == "contract"
    assert runner.invoke(args=["opening", "close", str(oid)]).exit_code == 0
    listed = [
        json.loads(line) for line in runner.invoke(args=["opening", "list"]).stdout.splitlines()
    ]
    assert [(r["id"], r["status"]) for r in listed] == [(oid, "closed")]
    assert runner.invoke(args=["opening", "list", "--status", "accepting"]).stdout == ""
    bad = runner.invoke(args=["opening", "create", "--title", "X", "--role", "nope"])
    assert bad.exit_code == 2 and "role" in bad.output
    both = runner.invoke(args=["opening", "create", "--title", "X"])
    assert both.exit_code == 2
    session.expire_all()
    assert [e.actor_id is not None for e in _actions(session, "opening.created")] == [True]
