"""Every documented operation of /api/v1, fuzzed by schemathesis against a live server.

Each operation of the OpenAPI document is called with generated input (schemathesis'
examples, coverage and fuzzing phases, valid and invalid input) through real HTTP, signed in
as each staff role (admin, recruiter, hiring manager) with a session cookie and the CSRF
header, on the suite's database (SQLite, or
PostgreSQL with RECRUIT_TEST_DATABASE_URL). Every answer must be no server error, a documented
status and content type, and match its documented schema. Path ids are half the time those of
real rows, so the operations reach their data, not only their 404.

The document is built at import (schemathesis makes one test per operation at collection) by
an app of its own, and checked to be the one the live server serves. Examples are bounded
(RECRUIT_API_EXAMPLES per operation), and derandomised under CI.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from recruit.services import requirements, review
from tests.browser import live_server
from tests.conftest import _truncate
from tests.web import factories as f


def _document() -> dict:
    """Return the OpenAPI document of an app on a throwaway instance folder."""
    from recruit import create_app

    with tempfile.TemporaryDirectory() as tmp:
        env = {"RECRUIT_DATABASE_URL": "sqlite://", "RECRUIT_UPLOAD_DIR": tmp}
        app = create_app({"INSTANCE_PATH": Path(tmp), "ENV": env | {"RECRUIT_SECRET_KEY": "x"}})
        app.extensions["recruit.engine"].dispose()
        return app.extensions["recruit.api"].spec.to_dict()


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    # Per operation: enough to reach each branch of its schema, few enough for CI on two
    # databases (the coverage phase adds its boundary cases to these).
    max_examples=int(os.environ.get("RECRUIT_API_EXAMPLES", "10")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Ids of real rows, per path parameter, filled by the `world` fixture.
KNOWN: dict[str, list[int]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the time a real row's id, else whatever was generated (mostly a 404)."""
    if not isinstance(path_parameters, dict):  # no path parameters, or invalid ones
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {
            name: st.one_of(st.just(value), st.sampled_from(KNOWN[name]))
            if KNOWN.get(name)
            else st.just(value)
            for name, value in path_parameters.items()
        }
    )


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    """One app on the test database, served live, with two openings and their candidates.

    Module-scoped: the operations share it (and change it, as a client's calls would).
    """
    from recruit import create_app

    _truncate(database_url)
    tmp = tmp_path_factory.mktemp("api")
    env = {
        "RECRUIT_DATABASE_URL": database_url,
        "RECRUIT_UPLOAD_DIR": str(tmp / "uploads"),
        "RECRUIT_SECRET_KEY": "test-secret-key",
    }
    app = create_app({"INSTANCE_PATH": tmp / "instance", "ENV": env, "TESTING": True})
    requirements.clear_cache()
    with app.extensions["recruit.sessions"]() as session:
        recruiter = f.staff(session, "recruiter")
        manager = f.staff(session, "hiring_manager")
        admin = f.staff(session, "admin")
        a = f.opening(session, recruiter, manager)
        b = f.opening(session, recruiter, manager, blind=True, title="Key Account Manager")
        apps = [
            f.read_application(session, a, "Ana Popescu", {"negotiation": "negociere"}),
            f.read_application(session, a, "Bogdan Ionescu", {"crm": "CRM"}, typo=True),
            f.read_application(session, b, "Ioana Ștefănescu", {"crm": "CRM"}),
        ]
        for application in apps:
            review.add_note(session, application, "Sună-l luni.", recruiter)
        session.commit()
        KNOWN.update(opening_id=[a.id, b.id], application_id=[x.id for x in apps])
        emails = {
            "admin": admin.email,
            "recruiter": recruiter.email,
            "hiring_manager": manager.email,
        }
    with live_server(app) as url:
        yield url, emails
    KNOWN.clear()
    app.extensions["recruit.engine"].dispose()


def _sign_in(base: str, email: str) -> tuple[requests.Session, str]:
    """Sign in through the real form, CSRF and all; return the session and an API token."""
    http = requests.Session()
    page = http.get(f"{base}/auth/sign-in", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "the sign-in form has no CSRF token"
    r = http.post(
        f"{base}/auth/sign-in",
        data={"email": email, "password": f.PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 302, r.text[:300]
    csrf = http.get(f"{base}/api/v1/csrf-token", timeout=10).json()["csrf_token"]
    return http, csrf


@pytest.fixture(scope="module")
def admin(world):
    """An admin: every operation is theirs."""
    return world[0], *_sign_in(world[0], world[1]["admin"])


@pytest.fixture(scope="module")
def recruiter(world):
    """A recruiter: blind review hides the second opening's candidates; managers' calls 403."""
    return world[0], *_sign_in(world[0], world[1]["recruiter"])


@pytest.fixture(scope="module")
def manager(world):
    """A hiring manager of both openings: requirements and previews are theirs, not statuses."""
    return world[0], *_sign_in(world[0], world[1]["hiring_manager"])


def _call(case, caller) -> None:
    base, http, csrf = caller
    case.call_and_validate(
        base_url=base, session=http, headers={"X-CSRFToken": csrf}, checks=CHECKS, timeout=30
    )


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
def test_every_operation_answers_an_admin_as_documented(case, admin):
    _call(case, admin)


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
def test_every_operation_answers_a_recruiter_as_documented(case, recruiter):
    _call(case, recruiter)


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
def test_every_operation_answers_a_hiring_manager_as_documented(case, manager):
    _call(case, manager)


def test_the_live_server_serves_the_document_tested(world):
    assert requests.get(f"{world[0]}/api/v1/openapi.json", timeout=10).json() == DOCUMENT


def test_the_document_covers_every_api_route(web, client):
    """No route of the blueprint is left out of the description, and each names its schemas."""
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (path, method.upper())
        for path, ops in spec["paths"].items()
        for method in ops
        if method != "parameters"
    }
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
        for rule in web.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == documented
    for path, ops in spec["paths"].items():
        if path.endswith("/openapi.json"):
            continue
        for method, op in ops.items():
            if method == "parameters":
                continue
            success = [c for c in op["responses"] if c.startswith("2")]
            assert success and all(
                "$ref" in op["responses"][c]["content"]["application/json"]["schema"]
                for c in success
            ), f"{method} {path} returns no described schema"
            assert op.get("security"), f"{method} {path} says nothing of sign-in"
            assert {"401", "403"} <= set(op["responses"]), f"{method} {path}: refusals?"
