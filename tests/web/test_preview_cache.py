"""The preview's criterion cache: exact totals, new CVs evaluated alone, kept across restarts."""

from __future__ import annotations

from sqlalchemy import select

from recruit.db.models import Application
from recruit.services import requirements
from recruit.services import requirements as req_module
from tests.web import factories as f


def test_preview_under_saved_weights_matches_stored_scores(session):
    o = f.opening(session)
    apps = [
        f.read_application(session, o, name, skills)
        for name, skills in (
            ("Ana Pop", {"negotiation": "negociere"}),
            ("Dan Ion", {"crm": "CRM", "contracts": "contracte"}),
        )
    ]
    session.commit()
    saved = requirements.validate(requirements.versions(session, o)[0].criteria)
    result = requirements.preview(session, o, saved)
    by_id = {r.application_id: r.score for r in result.top}
    assert by_id == {a.id: a.score for a in apps}  # bit for bit: the same engine
    assert all(r.moved == 0 for r in result.top)


def test_new_cvs_are_evaluated_alone_and_the_cache_survives_a_restart(
    session, tmp_path, monkeypatch
):
    requirements.clear_cache()
    o = f.opening(session)
    f.read_application(session, o, "Ana Pop", {"negotiation": "negociere"})
    f.read_application(session, o, "Dan Ion", {"crm": "CRM"})
    session.commit()
    saved = requirements.validate(requirements.versions(session, o)[0].criteria)
    requirements.preview(session, o, saved, tmp_path)
    assert list(tmp_path.glob("criteria-*.npz"))

    loaded: list[int] = []
    original = req_module._load_profiles

    def counting(s, ids):
        loaded.append(len(ids))
        return original(s, ids)

    monkeypatch.setattr(req_module, "_load_profiles", counting)
    requirements.clear_cache()  # a new process: only the file remains
    f.read_application(session, o, "Ion Stan", {"negotiation": "negociere", "crm": "CRM"})
    session.commit()
    result = requirements.preview(session, o, saved, tmp_path)
    assert loaded == [1]  # only the new CV's profile was read
    assert result.ranked == 3 and result.top[0].score > 0


def test_the_cache_file_is_found_whatever_the_datetime_spelling(session, tmp_path, monkeypatch):
    requirements.clear_cache()
    o = f.opening(session)
    f.read_application(session, o, "Ana Pop", {"negotiation": "negociere"})
    session.commit()
    saved = requirements.validate(requirements.versions(session, o)[0].criteria)
    requirements.preview(session, o, saved, tmp_path)  # created_at as written: aware
    requirements.clear_cache()
    session.expire_all()  # read back from the database: naive on SQLite
    loaded: list[int] = []
    original = req_module._load_profiles
    monkeypatch.setattr(
        req_module, "_load_profiles", lambda s, ids: loaded.append(len(ids)) or original(s, ids)
    )
    requirements.preview(session, o, saved, tmp_path)
    assert loaded == []


def _count_profile_loads(monkeypatch) -> list[int]:
    loaded: list[int] = []
    original = req_module._load_profiles
    monkeypatch.setattr(
        req_module, "_load_profiles", lambda s, ids: loaded.append(len(ids)) or original(s, ids)
    )
    return loaded


def test_with_no_cache_file_the_values_stored_with_the_scores_rebuild_the_matrix(
    session, tmp_path, monkeypatch
):
    requirements.clear_cache()
    o = f.opening(session)
    apps = [
        f.read_application(session, o, "Ana Pop", {"negotiation": "negociere"}),
        f.read_application(session, o, "Dan Ion", {"crm": "CRM", "contracts": "contracte"}),
        f.read_application(session, o, "Ion Stan", {"negotiation": "negociere", "crm": "CRM"}),
    ]
    session.commit()
    assert all(a.criterion_values for a in apps)
    saved = requirements.validate(requirements.versions(session, o)[0].criteria)
    loaded = _count_profile_loads(monkeypatch)
    result = requirements.preview(session, o, saved, tmp_path)  # a new machine: no file
    assert loaded == []  # not one profile read: the stored values were enough
    assert {r.application_id: r.score for r in result.top} == {a.id: a.score for a in apps}
    assert list(tmp_path.glob("criteria-*.npz"))  # and the next restart has its file

    # Values missing (scored before they were kept) or under another version: those alone
    # are evaluated from their profiles, and the totals are the same.
    requirements.clear_cache()
    for file in tmp_path.glob("criteria-*.npz"):
        file.unlink()
    apps[1].criterion_values = None
    session.commit()
    result = requirements.preview(session, o, saved, tmp_path)
    assert loaded == [1]
    assert {r.application_id: r.score for r in result.top} == {a.id: a.score for a in apps}


def test_the_bulk_rescore_stores_the_values_one_score_stores(session, monkeypatch):
    requirements.clear_cache()
    o = f.opening(session)
    for name, skills in (
        ("Ana Pop", {"negotiation": "negociere"}),
        ("Dan Ion", {"crm": "CRM", "contracts": "contracte"}),
        ("Ion Stan", {}),
    ):
        f.read_application(session, o, name, skills)
    session.commit()
    apps = session.scalars(select(Application).where(Application.opening_id == o.id)).all()
    one_by_one = {a.id: a.criterion_values for a in apps}
    monkeypatch.setattr(req_module, "EAGER_LIMIT", 0)  # the vectorised path of large openings
    for a in apps:
        a.criterion_values = None
    session.commit()
    requirements.rescore(session, o)
    session.commit()
    session.expire_all()
    bulk = {a.id: a.criterion_values for a in apps}
    assert bulk == one_by_one and all(bulk.values())
