"""Hostile input in URLs and forms (issue 12, rows 4, 7 and 8): no open redirect, no 500.

Every check runs as every kind of visitor: anonymous, a recruiter of the opening and an admin.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select

from recruit.core.printable import unprintable
from recruit.db.models import Application, Candidate
from tests.security.conftest import PASSWORD, PDF, sign_in_as

HUGE = "9" * 23
# What a phishing link puts in `next`: each would leave the site once a browser reads it.
EVIL_TARGETS = [
    "/\t/evil.test",
    "//evil.test",
    "\\\\evil.test",
    "/\\evil.test",
    "/\\/evil.test",
    "/\x01/evil.test",
    "/\n/evil.test",
    "/\r\nSet-Cookie: x=1",
    "https://evil.test/",
    "/ /evil.test",
    "\x00/evil.test",
]


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_sign_in_never_redirects_off_the_site(web, world, target) -> None:
    response = web.test_client().post(
        "/auth/sign-in",
        query_string={"next": target},
        data={"email": "admin@example.com", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/admin/"  # the admin's home, not the hostile target


def test_sign_in_keeps_a_local_target(web, world) -> None:
    response = web.test_client().post(
        "/auth/sign-in?next=/recruiter/%3Fview%3Dall",
        data={"email": "admin@example.com", "password": PASSWORD},
    )
    assert response.location == "/recruiter/?view=all"


@pytest.mark.parametrize("target", [*EVIL_TARGETS, "/%09/evil.test"])
def test_the_language_switch_never_redirects_off_the_site(web, world, target) -> None:
    response = web.test_client().post("/language", data={"lang": "ro", "next": target})
    assert response.status_code == 302
    # "/%09/evil.test" stays a path of ours: the browser does not decode it into a host.
    assert response.location in ("/", "/%09/evil.test")


def test_the_bulk_form_goes_back_only_to_a_page_of_ours(web, world) -> None:
    client = web.test_client()
    sign_in_as(client, world.users["recruiter"])
    response = client.post(
        f"/recruiter/openings/{world.opening_a}/bulk",
        data={"status": "interview", "ids": str(world.application_a.id), "back": "/\t/evil.test"},
    )
    assert response.location == f"/recruiter/openings/{world.opening_a}"


def _urls(world) -> list[str]:
    o, a, d = world.opening_a, world.application_a.id, world.document_a.id
    return [
        f"/openings/{HUGE}",
        f"/openings/{HUGE}/apply",
        f"/recruiter/openings/{HUGE}",
        f"/recruiter/openings/{o}?after=1:{HUGE}",
        f"/recruiter/openings/{o}?after=1e999:{a}",
        f"/recruiter/openings/{o}?view=unscored&after={HUGE}",
        f"/recruiter/openings/{o}?rank={HUGE}",
        f"/recruiter/openings/{o}?rank=%C2%B2",
        f"/recruiter/openings/{o}?min_score=nan",
        f"/recruiter/applications/{HUGE}",
        f"/recruiter/documents/{HUGE}/original",
        f"/manager/openings/{HUGE}/requirements",
        f"/manager/openings/{o}/versions",
        f"/admin/audit?before={HUGE}",
        f"/admin/audit?before={'9' * 5000}",
        f"/privacy/data/{world.application_a.status_token}/documents/{HUGE}",
        f"/api/v1/openings/{HUGE}",
        f"/api/v1/openings/{HUGE}/applications",
        f"/api/v1/openings/{o}/applications?after=1:{HUGE}",
        f"/api/v1/openings/{o}/applications?limit={'9' * 5000}",
        f"/api/v1/applications/{HUGE}",
        f"/api/v1/openings/{HUGE}/profiles",
        f"/recruiter/documents/{d}0000000000000/original",
    ]


@pytest.mark.parametrize("who", ["anonymous", "recruiter", "admin"])
def test_huge_ids_and_cursors_are_refused_not_crashes(web, world, who) -> None:
    client = web.test_client()
    sign_in_as(client, world.users.get(who))
    problems = []
    for url in _urls(world):
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {url}: {response.status_code}")
    for url, data in (
        (f"/openings/{HUGE}/apply", {}),
        (f"/api/v1/applications/{HUGE}/status", {"status": "new"}),
        (f"/recruiter/openings/{world.opening_a}/bulk", {"status": "new", "ids": HUGE}),
        (f"/recruiter/openings/{world.opening_a}/bulk", {"status": "new", "ids": "²"}),
        (f"/admin/openings/{world.opening_a}/members", {"user_id": HUGE}),
        (f"/admin/users/{HUGE}/role", {"role": "admin"}),
    ):
        response = client.post(url, data=data)
        if response.status_code >= 500:
            problems.append(f"POST {url}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_a_huge_id_is_not_found_for_everyone(web, world) -> None:
    client = web.test_client()
    assert client.get(f"/openings/{HUGE}").status_code == 404
    assert client.get(f"/openings/{HUGE}/apply").status_code == 404
    sign_in_as(client, world.users["admin"])
    assert client.get(f"/api/v1/applications/{HUGE}").status_code == 404
    assert (
        client.get(f"/api/v1/openings/{world.opening_a}/applications?after=1:{HUGE}").status_code
        == 400
    )
    assert client.get(f"/admin/audit?before={HUGE}").status_code == 200


NUL = "a\x00b"


def test_a_nul_in_a_token_a_sign_in_or_a_filter_is_no_server_error(web, world) -> None:
    """PostgreSQL compares no NUL: these were 500s there, the private links' to anyone."""
    client = web.test_client()
    for url in (
        "/status/a%00b",
        "/status/a%00b/cv",
        "/privacy/data/a%00b",
        "/privacy/data/a%00b/export.json",
        "/privacy/data/a%00b/erase",
        "/link/a%00b",
        "/auth/invitation/a%00b",
    ):
        assert client.get(url).status_code in (200, 404, 410), url
    refused = client.post("/auth/sign-in", data={"email": NUL, "password": PASSWORD})
    assert refused.status_code == 200 and "_user_id" not in _session_keys(client)
    sign_in_as(client, world.users["admin"])
    audit = client.get("/admin/audit", query_string={"action": NUL, "subject_id": NUL})
    assert audit.status_code == 200


def _session_keys(client) -> set[str]:
    with client.session_transaction() as s:
        return set(s)


CONTROL_NAMES = ["Form\x01Ctrl", "Ana\x00Pop", "Ana\u202eucsepoP", "Ana\x7f", "Ana\nPopescu"]


@pytest.mark.parametrize("name", CONTROL_NAMES)
def test_a_name_with_control_characters_is_refused_at_input(web, world, session, name) -> None:
    before = session.scalar(select(func.count()).select_from(Candidate))
    response = web.test_client().post(
        f"/openings/{world.opening_a}/apply",
        data={
            "name": name,
            "email": "new@example.com",
            "consent": "y",
            "cv": (io.BytesIO(PDF), "cv.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "invisible control characters" in response.text
    romanian = web.test_client().post(
        f"/openings/{world.opening_a}/apply",
        data={"name": name, "email": "new@example.com", "consent": "y"},
        headers={"Accept-Language": "ro"},
    )
    assert "caractere de control invizibile" in romanian.text
    staff = web.test_client()
    sign_in_as(staff, world.users["recruiter"])
    api = staff.post(
        f"/api/v1/openings/{world.opening_a}/documents",
        data={
            "file": (io.BytesIO(PDF + b"%x"), "cv.pdf"),
            "name": name,
            "email": "new@example.com",
            "consent": "true",
        },
        content_type="multipart/form-data",
    )
    assert api.status_code == 400
    assert session.scalar(select(func.count()).select_from(Candidate)) == before


def test_staff_forms_refuse_control_characters_and_keep_line_breaks(web, world) -> None:
    client = web.test_client()
    sign_in_as(client, world.users["admin"])
    invite = client.post(
        "/admin/users/invite", data={"email": "n@example.com", "name": "N\x1bN", "role": "admin"}
    )
    assert "invisible control characters" in invite.text
    note = f"/recruiter/applications/{world.application_a.id}/notes"
    assert "invisible control characters" in client.post(note, data={"body": "a\x07b"}).text
    assert client.post(note, data={"body": "line one\nline two"}).status_code == 302


def _hostile_rows(session, world) -> None:
    """Store what no form lets in now: names and a CV headline holding control characters."""
    application = session.get(Application, world.application_a.id)
    application.candidate.name = "Form\x01Ctrl\x0b\ufffe"
    application.headline = '=HYPERLINK("http://evil.test","x")\x02'
    application.score, application.knocked_out = 70.0, False
    other = session.get(Application, world.application_b.id)
    other.opening_id = world.opening_a
    other.candidate.name = "\t=1+2"
    other.score, other.knocked_out = 60.0, False
    session.commit()


def test_the_xlsx_export_stays_valid_xml(web, world, session) -> None:
    _hostile_rows(session, world)
    client = web.test_client()
    sign_in_as(client, world.users["recruiter"])
    response = client.get(f"/recruiter/openings/{world.opening_a}/export.xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as z:
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    texts = [t.text or "" for t in sheet.iter() if t.tag.endswith("}t")]
    assert "FormCtrl" in texts
    assert not any(unprintable(t, multiline=True) for t in texts)


def test_the_csv_export_holds_no_formula_and_no_control_character(web, world, session) -> None:
    _hostile_rows(session, world)
    client = web.test_client()
    sign_in_as(client, world.users["recruiter"])
    response = client.get(f"/recruiter/openings/{world.opening_a}/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [c for row in rows[1:] for c in row]
    # A phone number keeps its "+": digits compute nothing.
    phone = re.compile(r"\+[0-9 ]+")
    formulas = [c for c in cells if c[:1] and c[0] in "=+-@\t\r" and not phone.fullmatch(c)]
    assert formulas == []
    assert '\'=HYPERLINK("http://evil.test","x")' in cells
    assert "'\t=1+2" in cells
    assert not [c for c in cells if unprintable(c.lstrip("'"), multiline=True)]
