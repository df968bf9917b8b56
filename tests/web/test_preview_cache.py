"""The preview's criterion cache: exact totals, new CVs evaluated alone, kept across restarts."""

from __future__ import annotations

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
