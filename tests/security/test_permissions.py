"""Every route, as every kind of visitor: who gets through is declared once, in RULES.

A route added without an entry here fails `test_every_route_is_in_the_table`; a route whose
view forgets its check fails the matrix. Denied means: anonymous visitors are sent to the
sign-in page (or get 401), signed-in staff get 403 or 404 (404 where an id must not reveal
that the thing exists).
"""

from __future__ import annotations

from recruit.services.gdpr import BUILTIN_CONSENT_VERSION
from tests.conftest import _truncate
from tests.security.conftest import build_world, sign_in_as

PRINCIPALS = ("anonymous", "recruiter", "recruiter_other", "manager", "manager_other", "admin")
EVERYONE = frozenset(PRINCIPALS)
STAFF = EVERYONE - {"anonymous"}
ADMIN = frozenset({"admin"})
RECRUITERS = frozenset({"recruiter", "recruiter_other", "admin"})
MANAGERS = frozenset({"manager", "manager_other", "admin"})
# The URL's ids are those of opening A, where "recruiter" and "manager" are members and the
# "_other" ones are not (they work on opening B).
RECRUITER_OF_A = frozenset({"recruiter", "admin"})
MEMBER_OF_A = frozenset({"recruiter", "manager", "admin"})
MANAGER_OF_A = frozenset({"manager", "admin"})

RULES: dict[tuple[str, str], frozenset[str]] = {
    # public pages; a candidate's token is their key, whoever holds it
    ("static", "GET"): EVERYONE,
    ("public.openings", "GET"): EVERYONE,
    ("public.opening", "GET"): EVERYONE,
    ("candidates.apply", "GET"): EVERYONE,
    ("candidates.apply", "POST"): EVERYONE,
    ("candidates.status", "GET"): EVERYONE,
    ("candidates.link", "GET"): EVERYONE,
    ("candidates.link", "POST"): EVERYONE,
    ("candidates.new_version", "GET"): EVERYONE,
    ("candidates.new_version", "POST"): EVERYONE,
    ("i18n.switch", "POST"): EVERYONE,
    ("privacy.notice", "GET"): EVERYONE,
    ("privacy.notice_version", "GET"): EVERYONE,
    ("privacy.data", "GET"): EVERYONE,
    ("privacy.export", "GET"): EVERYONE,
    ("privacy.original", "GET"): EVERYONE,
    ("privacy.erase", "GET"): EVERYONE,
    ("privacy.erase", "POST"): EVERYONE,
    # accounts
    ("auth.sign_in", "GET"): EVERYONE,
    ("auth.sign_in", "POST"): EVERYONE,
    ("auth.accept_invitation", "GET"): EVERYONE,
    ("auth.accept_invitation", "POST"): EVERYONE,
    ("auth.sign_out", "POST"): STAFF,
    ("auth.password", "GET"): STAFF,
    ("auth.password", "POST"): STAFF,
    # recruiters: their openings' shortlists, candidates, statuses, notes, export;
    # hiring managers read the shortlists and candidates of their openings, and change nothing
    ("recruiter.dashboard", "GET"): STAFF,
    ("recruiter.progress", "GET"): STAFF,
    ("recruiter.review_list", "GET"): RECRUITERS,
    ("recruiter.talent_pool", "GET"): RECRUITERS,  # each sees only their openings' people
    ("recruiter.opening_review", "GET"): RECRUITER_OF_A,
    ("recruiter.shortlist", "GET"): MEMBER_OF_A,
    ("recruiter.bulk", "POST"): RECRUITER_OF_A,
    ("recruiter.export_csv", "GET"): RECRUITER_OF_A,
    ("recruiter.export_xlsx", "GET"): RECRUITER_OF_A,
    ("recruiter.candidate", "GET"): MEMBER_OF_A,
    ("recruiter.change_status", "POST"): RECRUITER_OF_A,
    ("recruiter.add_note", "POST"): RECRUITER_OF_A,
    ("recruiter.update_contact", "POST"): RECRUITER_OF_A,
    ("recruiter.download", "GET"): RECRUITER_OF_A,
    # openings: recruiters create them and run those they work on; hiring managers tune
    # requirements only
    ("openings.create", "GET"): RECRUITERS,
    ("openings.create", "POST"): RECRUITERS,
    ("openings.edit", "GET"): RECRUITER_OF_A,
    ("openings.edit", "POST"): RECRUITER_OF_A,
    ("openings.close", "POST"): RECRUITER_OF_A,
    ("openings.reopen", "POST"): RECRUITER_OF_A,
    ("openings.emails_page", "GET"): RECRUITER_OF_A,
    ("openings.emails_page", "POST"): RECRUITER_OF_A,
    # hiring managers: their openings' requirements and versions
    ("manager.openings", "GET"): MANAGERS,
    ("manager.requirements_page", "GET"): MANAGER_OF_A,
    ("manager.requirements_page", "POST"): MANAGER_OF_A,
    ("manager.preview", "POST"): MANAGER_OF_A,
    ("manager.versions", "GET"): MANAGER_OF_A,
    ("manager.revert", "POST"): MANAGER_OF_A,
    # the JSON API: the same rules as the pages
    ("api.openapi", "GET"): EVERYONE,
    ("api.csrf_token", "GET"): STAFF,
    ("api.openings", "GET"): STAFF,
    ("api.search", "GET"): RECRUITERS,
    ("api.create_opening", "POST"): RECRUITERS,
    ("api.update_opening", "PATCH"): RECRUITER_OF_A,
    ("api.close_opening", "POST"): RECRUITER_OF_A,
    ("api.reopen_opening", "POST"): RECRUITER_OF_A,
    ("api.opening", "GET"): MEMBER_OF_A,
    ("api.profiles", "GET"): MEMBER_OF_A,
    ("api.applications", "GET"): RECRUITER_OF_A,
    ("api.application", "GET"): RECRUITER_OF_A,
    ("api.set_status", "POST"): RECRUITER_OF_A,
    ("api.bulk_status", "POST"): RECRUITER_OF_A,
    ("api.statuses", "GET"): STAFF,
    ("api.notes", "GET"): RECRUITER_OF_A,
    ("api.add_note", "POST"): RECRUITER_OF_A,
    ("api.upload", "POST"): RECRUITER_OF_A,
    ("api.new_profile", "POST"): MANAGER_OF_A,
    ("api.preview", "POST"): MANAGER_OF_A,
    # admin
    ("admin.users", "GET"): ADMIN,
    ("admin.invite", "POST"): ADMIN,
    ("admin.change_role", "POST"): ADMIN,
    ("admin.set_active", "POST"): ADMIN,
    ("admin.openings", "GET"): ADMIN,
    ("admin.add_member", "POST"): ADMIN,
    ("admin.remove_member", "POST"): ADMIN,
    ("admin.blind_review", "POST"): ADMIN,
    ("admin.privacy", "GET"): ADMIN,
    ("admin.retention", "POST"): ADMIN,
    ("admin.publish_notice", "POST"): ADMIN,
    ("admin.purge", "POST"): ADMIN,
    ("admin.audit_log", "GET"): ADMIN,
    ("admin.outbox_page", "GET"): ADMIN,
    ("admin.retry_email", "POST"): ADMIN,
}

# Plausible form data, so a view that validates before it checks would still be caught.
POST_DATA: dict[str, dict[str, str]] = {
    "recruiter.change_status": {"status": "shortlisted"},
    "recruiter.add_note": {"body": "a note"},
    "recruiter.update_contact": {"name": "Ana Popescu", "phone": "0722 123 456"},
    "openings.create": {
        "title": "Sales",
        "template": "account-manager",
        "employment_type": "full_time",
    },
    "openings.edit": {"title": "Account Manager", "employment_type": "part_time"},
    "recruiter.bulk": {"status": "interview", "ids": "{application_id}"},
    "admin.invite": {"email": "new@example.com", "role": "recruiter"},
    "admin.change_role": {"role": "hiring_manager"},
    "admin.set_active": {"active": "0"},
    "admin.add_member": {"user_id": "{user_id}"},
    "admin.blind_review": {"blind_review": "y"},
    "admin.retention": {"months": "12"},
    "admin.publish_notice": {"version": "2027-01", "body": "New text."},
    "auth.password": {"current": "x", "new": "0123456789ab", "confirm": "0123456789ab"},
    "privacy.erase": {"confirm": "y"},
    "i18n.switch": {"lang": "ro", "next": "/"},
}


# The API's writes take JSON: a body it accepts, so "allowed" means the request went through.
API_JSON: dict[str, dict[str, object]] = {
    "api.create_opening": {"title": "Sales", "role": "account-manager"},
    "api.update_opening": {"title": "Account Manager"},
    "api.set_status": {"status": "interview"},
    "api.bulk_status": {"application_ids": ["{application_id}"], "status": "interview"},
    "api.add_note": {"body": "a note"},
}


def _routes(app) -> list[tuple[str, str, object]]:
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, rule))
    return out


def _url(app, rule, world) -> str:
    values = {
        "opening_id": world.opening_a,
        "application_id": world.application_a.id,
        "document_id": world.document_a.id,
        "token": world.application_a.status_token,
        "user_id": world.target.id,
        "version": 1,  # a requirement-profile version
        "filename": "app.css",
        "message_id": world.message_id,
    }
    if rule.endpoint == "auth.accept_invitation":
        values["token"] = world.invite_token
    if rule.endpoint == "privacy.notice_version":
        values["version"] = BUILTIN_CONSENT_VERSION
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.endpoint}: teach _url the argument(s) {missing}"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})


def _data(endpoint: str, world) -> dict[str, str]:
    fill = {"application_id": world.application_a.id, "user_id": world.target.id}
    return {k: v.format(**fill) for k, v in POST_DATA.get(endpoint, {}).items()}


def _json(endpoint: str, world) -> dict[str, object] | None:
    body = API_JSON.get(endpoint)
    if body is None:
        return None
    ids = [world.application_a.id]
    return {k: ids if v == ["{application_id}"] else v for k, v in body.items()}


def _outcome(response) -> str:
    assert response.status_code < 500, response.status_code
    if response.status_code == 401:
        return "sign-in"
    if response.status_code in (301, 302, 303) and "/auth/sign-in?next=" in response.location:
        return "sign-in"
    if response.status_code in (403, 404):
        return "denied"
    return "allowed"


def _check(principal: str, endpoint: str, method: str, response) -> str | None:
    allowed = principal in RULES[(endpoint, method)]
    got = _outcome(response)
    if allowed and got != "allowed":
        return f"{method} {endpoint} as {principal}: expected through, got {response.status_code}"
    if not allowed:
        want = "sign-in" if principal == "anonymous" else "denied"
        if got != want:
            return (
                f"{method} {endpoint} as {principal}: expected {want}, got {response.status_code}"
            )
    return None


def _request(client, verb, url, data, principal, endpoint, method, json=None) -> str | None:
    # One broken view should not hide what the others do: report it and go on.
    try:
        if json is not None:
            response = getattr(client, verb)(url, json=json)
        else:
            response = getattr(client, verb)(url, data=data)
    except Exception as exc:
        return f"{method} {endpoint} as {principal}: raised {exc!r}"
    response.close()
    return _check(principal, endpoint, method, response)


def test_every_route_is_in_the_table(app) -> None:
    routes = {(endpoint, method) for endpoint, method, _ in _routes(app)}
    missing = sorted(routes - set(RULES))
    stale = sorted(set(RULES) - routes)
    assert not missing, f"routes with no entry in RULES (declare who may use them): {missing}"
    assert not stale, f"entries in RULES for routes that no longer exist: {stale}"


def test_get_routes_as_every_principal(app, session, storage) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    world = build_world(session, storage)
    users = {k: session.merge(u) for k, u in world.users.items()}
    problems = []
    for endpoint, method, rule in _routes(app):
        if method != "GET" or (endpoint, method) not in RULES:
            continue
        url = _url(app, rule, world)
        for principal in PRINCIPALS:
            client = app.test_client()
            sign_in_as(client, users.get(principal))
            problem = _request(client, "get", url, {}, principal, endpoint, method)
            if problem:
                problems.append(problem)
    assert not problems, "\n".join(problems)


def test_post_routes_as_every_principal(app, database_url) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    # Every request gets a fresh world: a POST that succeeds changes what the next one sees.
    problems = []
    for endpoint, method, rule in _routes(app):
        if method == "GET" or (endpoint, method) not in RULES:
            continue
        for principal in PRINCIPALS:
            _truncate(database_url)
            with app.extensions["recruit.sessions"]() as session:
                world = build_world(session, app.extensions["recruit.storage"])
                user = world.users.get(principal)
                client = app.test_client()
                sign_in_as(client, user)
                url = _url(app, rule, world)
                data = _data(endpoint, world)
                body = _json(endpoint, world)
            problem = _request(
                client, method.lower(), url, data, principal, endpoint, method, json=body
            )
            if problem:
                problems.append(problem)
    assert not problems, "\n".join(problems)


def test_every_write_needs_a_csrf_token(app, world) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    admin = world.users["admin"]
    problems = []
    for endpoint, method, rule in _routes(app):
        if method == "GET":
            continue
        client = app.test_client()
        sign_in_as(client, admin)
        send = getattr(client, method.lower())
        response = send(_url(app, rule, world), data=_data(endpoint, world))
        response.close()
        # 400 alone could be a bad body: the refusal must be the CSRF check's.
        if response.status_code != 400 or "CSRF" not in response.get_data(as_text=True):
            problems.append(f"{method} {endpoint} without a CSRF token gave {response.status_code}")
    assert not problems, "\n".join(problems)


def test_a_hiring_manager_reads_the_shortlist_without_its_actions(app, world) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    manager, recruiter = app.test_client(), app.test_client()
    sign_in_as(manager, world.users["manager"])
    sign_in_as(recruiter, world.users["recruiter"])
    candidate_url = f"/recruiter/applications/{world.application_a.id}"
    actions = (
        "/bulk",
        "/export.csv",
        "/export.xlsx",
        "/status",
        "/notes",
        f"/recruiter/documents/{world.document_a.id}/original",
        'href="/recruiter/needs-review"',
    )
    for url in (
        "/recruiter/",
        f"/recruiter/openings/{world.opening_a}?view=unscored",
        candidate_url,
    ):
        page = manager.get(url)
        assert page.status_code == 200, url
        assert [a for a in actions if a in page.text] == [], url
        # The same page shows a recruiter the forms the manager does not get.
        assert recruiter.get(url).status_code == 200
    assert "/status" in recruiter.get(candidate_url).text
    assert candidate_url in manager.get(f"/recruiter/openings/{world.opening_a}?view=unscored").text
    assert "Ana Popescu" in manager.get(candidate_url).text
    assert f'href="/recruiter/openings/{world.opening_a}"' in manager.get("/manager/").text
    refused = manager.post(f"{candidate_url}/status", data={"status": "shortlisted"})
    assert refused.status_code == 403
