"""Server time of the busiest pages with 100k applications in SQLite (generated profiles, no PDFs).

    .venv/bin/python bench/web.py [--n 100000] [--repeat 60]

Prints the median and p95 of the shortlist page (default view, a filtered search, a later
page), the candidate page (first view of random candidates: the breakdown is computed
then) and a live-preview request; and the first preview after a restart three ways: with
the cache file, without it (the values stored with the scores), and, as the same-run
baseline, without either (every profile evaluated, as before values were stored).
Times are measured around the Flask test client: routing, queries, templates; no network.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, update  # noqa: E402

from recruit import create_app, services  # noqa: E402
from recruit.core.criteria import CRITERION_TYPES  # noqa: E402
from recruit.core.scoring import load_role  # noqa: E402
from recruit.core.search import identity_text, phone_key  # noqa: E402
from recruit.db import upgrade  # noqa: E402
from recruit.db.models import (  # noqa: E402
    Application,
    Candidate,
    Document,
    Opening,
    OpeningMember,
)
from recruit.services import requirements, review  # noqa: E402
from recruit.web.app import db_session  # noqa: E402

FIRST = ["Ana", "Ioana", "Maria", "Elena", "Andrei", "Mihai", "Alexandru", "Cristina", "Dan"]
FIRST += ["Mădălina", "Ștefan", "Răzvan", "Alina"]
LAST = ["Popescu", "Ionescu", "Dumitru", "Stan", "Gheorghe", "Matei", "Radu", "Munteanu"]
LAST += ["Ștefănescu", "Țăranu", "Mureșan", "Pădureanu"]
# Every SAME_PERSON-th candidate applies again with an earlier one's e-mail: the talent pool
# links them.
SAME_PERSON = 50
TITLES = ["Account Manager", "Sales Representative", "Agent vânzări", "Consilier clienți"]
EMPLOYERS = ["Orange România", "BCR", "Vodafone", "Dedeman", "eMAG", "Banca Transilvania"]
EDUCATION = ["secondary", "post_secondary", "bachelor", "bachelor", "master"]
CEFR = [None, "A2", "B1", "B2", "C1", "C2"]


def fake_profile(rng: random.Random, skills: list[str]) -> tuple[dict[str, Any], str]:
    """Return a plausible profile JSON and a short CV text its skill evidence points into."""
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    chosen = rng.sample(skills, rng.randint(0, min(8, len(skills))))
    text = name + "\n" + "\n".join(f"- {s.replace('_', ' ')}" for s in chosen)
    skill_rows, at = [], len(name) + 1
    for s in chosen:
        label = s.replace("_", " ")
        start = at + 2
        skill_rows.append(
            {
                "id": s,
                "label": label,
                "count": 1,
                "evidence": [{"page": 1, "start": start, "end": start + len(label), "text": label}],
            }
        )
        at = start + len(label) + 1
    sales = rng.choice([0, 0, 6, 12, 24, 36, 60, 96])
    english = rng.choice(CEFR)
    typos = rng.choice([0, 0, 0, 1, 2])
    profile = {
        "language": rng.choice(["ro", "ro", "en"]),
        "name": name,
        "skills": skill_rows,
        "experience": {
            "total_months": sales + rng.choice([0, 12, 48]),
            "sales_months": sales,
            "positions": [
                {
                    "title": rng.choice(TITLES),
                    "employer": rng.choice(EMPLOYERS),
                    "start": "2019-01",
                    "end": None,
                    "current": True,
                    "sales": sales > 0,
                }
            ],
        },
        "education": {"highest": rng.choice(EDUCATION), "incomplete": False, "entries": []},
        "languages": [{"code": "en", "level": english}] if english else [],
        "driving_licence": ["B"] if rng.random() < 0.7 else [],
        "own_car": rng.random() < 0.4,
        "typos": [
            {
                "term": "negociere",
                "found": "negocire",
                "suggestion": "negociere",
                "page": 1,
                "start": 0,
                "end": 3,
            }
        ]
        * typos,
        "missing_diacritics": 0,
        "words": 300,
    }
    return profile, text


def populate(app: Any, n: int, seed: int = 7) -> tuple[int, list[int]]:
    """Fill the database with one opening of `n` read applications; return (opening, ids)."""
    rng = random.Random(seed)
    sessions = app.extensions["recruit.sessions"]
    with sessions() as session:
        admin = services.create_user(session, "bench@example.com", "bench-password", "admin")
        opening = services.create_opening(session, "Account Manager", "account-manager")
        session.add(OpeningMember(opening_id=opening.id, user_id=admin.id))
        session.commit()
        skills = sorted(
            {s for c in load_role("account-manager").criteria for s in getattr(c, "skills", ())}
        )
        batch = 5000
        for start in range(0, n, batch):
            size = min(batch, n - start)
            made = [fake_profile(rng, skills) for _ in range(size)]
            people = []
            for i, (p, _) in enumerate(made):
                k = start + i
                same = k - SAME_PERSON + 1 if k % SAME_PERSON == SAME_PERSON - 1 else k
                people.append(
                    {
                        "name": p["name"],
                        "email": f"c{same}@example.com",
                        "phone": f"07{22000000 + same * 7:08d}"[:10],
                    }
                )
            for person in people:
                person["phone_key"] = phone_key(person["phone"])
            cand_ids = (
                session.execute(insert(Candidate).returning(Candidate.id), people).scalars().all()
            )
            app_rows = []
            for cid, (p, _), person in zip(cand_ids, made, people, strict=True):
                facts = review.profile_facts(p, p["name"])
                app_rows.append(
                    {
                        "candidate_id": cid,
                        "opening_id": opening.id,
                        "status_token": secrets.token_urlsafe(24),
                        "status": rng.choice(["new"] * 8 + ["shortlisted", "interview"]),
                        **{
                            k: facts[k]
                            for k in (
                                "typo_count",
                                "language",
                                "sales_months",
                                "education",
                                "english_level",
                                "licence",
                                "headline",
                            )
                        },
                        "search_text": facts["search_text"],
                        "search_identity": identity_text(
                            person["name"], person["email"], person["phone"]
                        ),
                    }
                )
            app_ids = (
                session.execute(insert(Application).returning(Application.id), app_rows)
                .scalars()
                .all()
            )
            doc_ids = (
                session.execute(
                    insert(Document).returning(Document.id),
                    [
                        {
                            "application_id": aid,
                            "original_filename": "cv.pdf",
                            "size": 1,
                            "sha256": "0" * 64,
                            "storage_key": "none",
                            "status": "ok",
                            "text": text,
                            "profile": p,
                            "language": p["language"],
                            "pages": 1,
                        }
                        for aid, (p, text) in zip(app_ids, made, strict=True)
                    ],
                )
                .scalars()
                .all()
            )
            session.execute(
                update(Application),
                [{"id": a, "scored_document_id": d} for a, d in zip(app_ids, doc_ids, strict=True)],
            )
            session.commit()
        t0 = time.perf_counter()
        opening = session.merge(opening)
        # Vectorised: totals and knockouts at once; it also fills the criterion cache.
        requirements.rescore(session, opening, Path(app.instance_path) / "cache")
        session.commit()
        print(
            f"populated {n} applications; vectorised scoring took "
            f"{time.perf_counter() - t0:.1f} s (criterion matrix + rank + bulk update)"
        )
        ids = list(
            session.scalars(select(Application.id).where(Application.opening_id == opening.id))
        )
        return opening.id, ids


def timed(fn: Any, repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        t0 = time.perf_counter()
        response = fn(i)
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (response.status_code, response.get_data()[:300])
    return out


def report(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"{label:<44} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})")


def searches(client: Any, base: str, repeat: int) -> None:
    """Time the searches: a common name, a rare e-mail and phone, the pool, the API."""
    # The 8,000th candidate's: two applications have them (one is a second application).
    email, phone = "c8000@example.com", f"07{22000000 + 8000 * 7:08d}"[:10]
    spaced = f"{phone[:4]} {phone[4:7]} {phone[7:]}"
    pool = "/recruiter/talent-pool"
    report("shortlist, no search (the page's own cost)", timed(lambda i: client.get(base), repeat))
    for label, url, q in (
        ("shortlist, search 'stefanescu' (no diacritics)", base, "stefanescu"),
        ("shortlist, search 'madalina taranu'", base, "madalina taranu"),
        ("shortlist, search an e-mail", base, email),
        (f"shortlist, search phone '{spaced}'", base, spaced),
        ("shortlist, search a name found nowhere", base, "zzqx"),
        ("talent pool, 'Ștefănescu'", pool, "Ștefănescu"),
        ("talent pool, 'madalina stefanescu dedeman'", pool, "madalina stefanescu dedeman"),
        (f"talent pool, phone '+40{phone[1:]}'", pool, f"+40{phone[1:]}"),
        ("talent pool, an e-mail", pool, email),
        ("talent pool, 'crm' (most rows match)", pool, "crm"),
        ("talent pool, a name found nowhere", pool, "zzqx"),
        ("api search, 'stefanescu crm'", "/api/v1/search", "stefanescu crm"),
    ):
        report(label, timed(lambda i, url=url, q=q: client.get(url, query_string={"q": q}), repeat))


def main() -> None:
    """Build the database, then time the pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--search-only", action="store_true", help="time the searches alone")
    parser.add_argument("--postgres", help="a PostgreSQL URL: run on a scratch database beside")
    args = parser.parse_args()
    if args.postgres:
        from tests.scale.cvs import scratch_postgres

        with scratch_postgres(args.postgres, "recruit_bench_web") as url:
            run(args, url, Path(tempfile.mkdtemp(prefix="recruit-bench-")))
    else:
        folder = Path(tempfile.mkdtemp(prefix="recruit-bench-"))
        run(args, f"sqlite:///{folder / 'bench.db'}", folder)


def run(args: argparse.Namespace, url: str, folder: Path) -> None:
    """Build the database at `url`, then time the pages (instance files in `folder`)."""
    upgrade(url)
    app = create_app(
        {
            "INSTANCE_PATH": folder,
            "ENV": {
                "RECRUIT_DATABASE_URL": url,
                "RECRUIT_SECRET_KEY": "bench",
                "RECRUIT_UPLOAD_DIR": str(folder / "uploads"),
            },
            "WTF_CSRF_ENABLED": False,
        }
    )
    t0 = time.perf_counter()
    opening_id, ids = populate(app, args.n)
    if not url.startswith("sqlite"):
        # As autovacuum would have by then: planner statistics of the new rows.
        with app.extensions["recruit.engine"].connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    print(f"setup {time.perf_counter() - t0:.0f} s, database in {folder}")
    client = app.test_client()
    r = client.post(
        "/auth/sign-in", data={"email": "bench@example.com", "password": "bench-password"}
    )
    assert r.status_code == 302, r.status_code
    base = f"/recruiter/openings/{opening_id}"
    client.get(base)  # warm the connection pool and template cache
    searches(client, base, args.repeat)
    if args.search_only:
        app.extensions["recruit.engine"].dispose()
        return

    report("shortlist, default (best 50 of all)", timed(lambda i: client.get(base), args.repeat))
    report(
        "shortlist, search 'crm' + min score 40",
        timed(
            lambda i: client.get(base, query_string={"q": "crm", "min_score": "40"}), args.repeat
        ),
    )
    report(
        "shortlist, status interview + has typos",
        timed(
            lambda i: client.get(base, query_string={"status": "interview", "typos": "1"}),
            args.repeat,
        ),
    )
    page = client.get(base)
    cursor = page.get_data(as_text=True).split("after=")[1].split('"')[0].replace("%3A", ":")
    report(
        "shortlist, next page (keyset cursor)",
        timed(lambda i: client.get(base, query_string={"after": cursor}), args.repeat),
    )
    report(
        "shortlist, knocked-out list",
        timed(lambda i: client.get(base, query_string={"view": "knocked_out"}), args.repeat),
    )

    rng = random.Random(3)
    sample = rng.sample(ids, args.repeat)
    report(
        "candidate page, first view (scores on demand)",
        timed(lambda i: client.get(f"/recruiter/applications/{sample[i]}"), args.repeat),
    )
    report(
        "candidate page, seen before",
        timed(lambda i: client.get(f"/recruiter/applications/{sample[i]}"), args.repeat),
    )

    with app.app_context():
        criteria = services.current_profile(
            db_session(), db_session().get(Opening, opening_id)
        ).criteria["criteria"]

    def form(i: int) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for j, c in enumerate(criteria):
            p = f"criteria-{j}-"
            weight = (c["weight"] + i * (j + 1)) % 11
            data |= {
                p + "id": c["id"],
                p + "type": c["type"],
                p + "label": c["label"],
                p + "weight": str(weight),
            }
            # Every parameter its type declares (the registry), as the form sends it.
            for param in CRITERION_TYPES[c["type"]].PARAMS:
                if param.name not in c:
                    continue
                value = c[param.name]
                if param.kind == "codes":
                    value = ", ".join(value)
                elif param.kind != "multi":
                    value = str(value)
                data[p + param.name] = value
        return data

    preview_url = f"/manager/openings/{opening_id}/preview"
    cache_files = Path(app.instance_path) / "cache"

    def cold(label: str, *, keep_file: bool) -> None:
        requirements.clear_cache()  # as after a restart
        if not keep_file:  # a new machine, a fresh instance folder
            for file in cache_files.glob("criteria-*.npz"):
                file.unlink()
        t0 = time.perf_counter()
        response = client.post(preview_url, data=form(0))
        assert response.status_code == 200, (response.status_code, response.get_data()[:500])
        print(f"{label:<44} {1000 * (time.perf_counter() - t0):7.0f} ms")

    cold("preview, first after a restart (cache file)", keep_file=True)
    cold("preview, first with no file (stored values)", keep_file=False)
    report(
        "preview, warm (new weights each time)",
        timed(lambda i: client.post(preview_url, data=form(i + 1)), args.repeat),
    )
    # Baseline, same run: the cold path before values were stored with the scores, which
    # evaluated every profile (what a database scored before migration 0015 still does once).
    sessions = app.extensions["recruit.sessions"]
    with sessions() as session:
        session.execute(
            update(Application)
            .where(Application.opening_id == opening_id)
            .values(criterion_values=None)
        )
        session.commit()
    cold("baseline: no file, no stored values", keep_file=False)


if __name__ == "__main__":
    main()
