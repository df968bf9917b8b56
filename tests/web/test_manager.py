"""The hiring manager's pages: requirement form, live preview, versions with diffs, revert."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from recruit.core.criteria import CRITERION_TYPES
from recruit.core.roles import load_role, parse_requirements
from recruit.db.models import Application, Opening, RequirementProfile
from recruit.services import requirements
from tests.web import factories as f

SALES_HEAVY = {"negotiation": "negociere"}
CRM_HEAVY = {"crm": "CRM", "contracts": "contracte", "client_portfolio": "portofoliu de clienți"}


def setup(session):
    manager = f.staff(session, "hiring_manager", name="Mara Manager")
    o = f.opening(session, manager)
    a = f.read_application(session, o, "Ana Popescu", SALES_HEAVY, sales_months=48)
    b = f.read_application(session, o, "Bogdan Ionescu", CRM_HEAVY, sales_months=0, english=None)
    session.commit()
    return manager, o, a, b


def form_data(session, o, **weights):
    """The form as the browser posts it, from the opening's current version."""
    version = requirements.versions(session, o)[0]
    data = {}
    for i, c in enumerate(version.criteria["criteria"]):
        p = f"criteria-{i}-"
        data.update(
            {
                p + "id": c["id"],
                p + "type": c["type"],
                p + "label": c["label"],
                p + "weight": str(weights.get(c["id"], c["weight"])),
            }
        )
        if c.get("must_have"):
            data[p + "must_have"] = "y"
        for param in CRITERION_TYPES[c["type"]].PARAMS:
            if param.name not in c:
                continue
            value = c[param.name]
            if param.kind == "multi":
                data[p + param.name] = value
            elif param.kind == "codes":
                data[p + param.name] = ", ".join(value)
            else:
                data[p + param.name] = str(value)
    return data


def test_form_shows_sliders_and_histogram(wclient, session):
    manager, o, a, b = setup(session)
    f.sign_in(wclient, manager)
    body = wclient.get(f"/manager/openings/{o.id}/requirements").get_data(as_text=True)
    assert 'type="range"' in body and "Negotiation" in body and "histogram" in body
    assert body.count('class="criterion') == len(load_role("account-manager").criteria)


def test_preview_reorders_without_saving(wclient, session):
    manager, o, a, b = setup(session)
    f.sign_in(wclient, manager)
    url = f"/manager/openings/{o.id}/preview"
    before = wclient.post(url, data=form_data(session, o)).get_json()
    assert [r["name"] for r in before["top"]] == ["Ana Popescu", "Bogdan Ionescu"]
    zero = {c: 0 for c in ("negotiation", "sales_experience", "english")}
    after = wclient.post(url, data=form_data(session, o, **zero)).get_json()
    assert [r["name"] for r in after["top"]] == ["Bogdan Ionescu", "Ana Popescu"]
    assert after["top"][0]["moved"] == 1 and after["top"][1]["moved"] == -1
    assert sum(after["histogram"]) == 2
    session.expire_all()
    assert session.get(Opening, o.id).current_version == 1  # nothing saved


def test_preview_rejects_bad_weights(wclient, session):
    manager, o, *_ = setup(session)
    f.sign_in(wclient, manager)
    r = wclient.post(
        f"/manager/openings/{o.id}/preview", data=form_data(session, o, negotiation="eleven")
    )
    assert r.status_code == 400 and "error" in r.get_json()


def test_save_creates_a_version_rescores_and_reverts(wclient, session):
    manager, o, a, b = setup(session)
    f.sign_in(wclient, manager)
    zero = {c: 0 for c in ("negotiation", "sales_experience", "english")}
    data = form_data(session, o, **zero) | {"note": "CRM first", "action": "save"}
    r = wclient.post(f"/manager/openings/{o.id}/requirements", data=data)
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/manager/openings/{o.id}/versions"
    )
    session.expire_all()
    assert session.get(Opening, o.id).current_version == 2
    assert session.get(Application, b.id).score > session.get(Application, a.id).score
    history = wclient.get(r.headers["Location"]).get_data(as_text=True)
    assert "Version 2" in history and "CRM first" in history and "Mara Manager" in history
    assert "<del>9</del> → <ins>0</ins>" in history
    wclient.post(f"/manager/openings/{o.id}/versions/1/revert")
    session.expire_all()
    assert session.get(Opening, o.id).current_version == 3
    assert session.get(Application, a.id).score > session.get(Application, b.id).score
    rows = session.scalars(select(RequirementProfile).order_by(RequirementProfile.version)).all()
    assert rows[2].criteria == rows[0].criteria | {"criteria": rows[0].criteria["criteria"]}


def test_invalid_save_keeps_input_with_message_by_the_criterion(wclient, session):
    manager, o, *_ = setup(session)
    f.sign_in(wclient, manager)
    first_skill = [c["type"] for c in load_role("account-manager").to_dict()["criteria"]].index(
        "skill"
    )
    data = form_data(session, o) | {"action": "save", f"criteria-{first_skill}-skills": []}
    r = wclient.post(f"/manager/openings/{o.id}/requirements", data=data)
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "skills" in body and 'class="error"' in body
    session.expire_all()
    assert session.get(Opening, o.id).current_version == 1


def test_add_and_remove_criteria(wclient, session):
    manager, o, *_ = setup(session)
    f.sign_in(wclient, manager)
    data = form_data(session, o) | {"action": "add", "add_type": "own_car"}
    body = wclient.post(f"/manager/openings/{o.id}/requirements", data=data).get_data(as_text=True)
    n = len(load_role("account-manager").criteria)
    assert body.count('class="criterion') == n + 1 and 'value="own_car_1"' in body
    # The last built-in criterion is licence_b: remove it, keep the new one after it.
    data = form_data(session, o) | {"action": "save", f"criteria-{n - 1}-remove": "y"}
    data |= {
        f"criteria-{n}-id": "own_car_1",
        f"criteria-{n}-type": "own_car",
        f"criteria-{n}-label": "Own car",
        f"criteria-{n}-weight": "2",
    }
    wclient.post(f"/manager/openings/{o.id}/requirements", data=data)
    latest = requirements.versions(session, o)[0].criteria["criteria"]
    ids = [c["id"] for c in latest]
    assert "own_car_1" in ids and "licence_b" not in ids


@pytest.mark.parametrize("ctype", sorted(CRITERION_TYPES))
def test_every_criterion_type_is_added_and_saved_with_its_parameters(wclient, session, ctype):
    manager, o, *_ = setup(session)
    f.sign_in(wclient, manager)
    n = len(requirements.versions(session, o)[0].criteria["criteria"])
    data = form_data(session, o) | {"action": "add", "add_type": ctype}
    body = wclient.post(f"/manager/openings/{o.id}/requirements", data=data).get_data(as_text=True)
    kind = CRITERION_TYPES[ctype]
    for param in kind.PARAMS:
        # One input per parameter the type declares, labelled as the type labels it.
        assert f'name="criteria-{n}-{param.name}"' in body
        assert f">{escape(param.label)}</label>" in body
    new = {"id": f"{ctype}_1", "type": ctype} | kind.new_values()
    p = f"criteria-{n}-"
    data = form_data(session, o) | {"action": "save", p + "label": "New", p + "weight": "3"}
    for key, value in new.items():
        data[p + key] = value if isinstance(value, list) else str(value)
    r = wclient.post(f"/manager/openings/{o.id}/requirements", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)
    saved = requirements.versions(session, o)[0].criteria["criteria"][-1]
    given = new | {"label": "New", "weight": 3}
    assert saved == parse_requirements({"id": "x", "criteria": [given]}).criteria[0].to_dict()


def test_recruiters_cannot_tune(wclient, session):
    manager, o, *_ = setup(session)
    recruiter = f.staff(session, "recruiter")
    session.commit()
    f.sign_in(wclient, recruiter)
    assert wclient.get(f"/manager/openings/{o.id}/requirements").status_code == 403
    assert wclient.post(f"/manager/openings/{o.id}/preview").status_code == 403
