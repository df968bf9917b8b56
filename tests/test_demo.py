"""`recruit demo`: invented candidates in real PDFs, read, so a first look is a ranked list."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text

from recruit.core.reading import read_document
from recruit.services.demo import PER_OPENING, demo_cvs


def _recruit(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from recruit.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


@contextlib.contextmanager
def _database(tmp_path: Path) -> Iterator[str]:
    """SQLite under the instance folder (as `make run`), or a scratch PostgreSQL database beside
    RECRUIT_TEST_DATABASE_URL's when the suite runs on PostgreSQL."""
    admin = os.environ.get("RECRUIT_TEST_DATABASE_URL", "")
    if admin.startswith("postgresql"):
        from tests.scale.cvs import scratch_postgres

        with scratch_postgres(admin, "test_demo") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'instance' / 'recruit.db'}"


@pytest.mark.slow
def test_demo_gives_every_opening_a_ranked_list_of_read_cvs(tmp_path: Path) -> None:
    # As `make run` does it: a fresh instance folder, no Redis, the embedded readers.
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECRUIT_")}
    env["RECRUIT_INSTANCE_PATH"] = str(tmp_path / "instance")
    with _database(tmp_path) as url:
        env["RECRUIT_DATABASE_URL"] = url
        assert _recruit(env, "db", "upgrade").returncode == 0
        run = _recruit(env, "demo")
        assert run.returncode == 0, run.stderr[-3000:]
        assert "recruiter@demo.recruit" in run.stdout
        assert f"demo CVs read: {5 * PER_OPENING}, not read yet: 0" in run.stderr
        engine = create_engine(url)
        try:
            with engine.connect() as db:
                _check_ranked_lists(db)
        finally:
            engine.dispose()
        again = _recruit(env, "demo")
        assert again.returncode == 0 and "recruiter@demo.recruit" not in again.stdout


def _check_ranked_lists(db: Connection) -> None:
    openings = db.execute(text("SELECT id, title FROM openings ORDER BY id")).all()
    assert len(openings) == 5
    for opening_id, title in openings:
        rows = db.execute(
            text(
                "SELECT c.name, c.email, a.score, a.language, d.status"
                " FROM applications a JOIN candidates c ON c.id = a.candidate_id"
                " JOIN documents d ON d.application_id = a.id"
                " WHERE a.opening_id = :o ORDER BY a.score DESC"
            ),
            {"o": opening_id},
        ).all()
        assert len(rows) == PER_OPENING, title
        assert {r.status for r in rows} == {"ok"}, title
        scores = [r.score for r in rows]
        assert None not in scores, title
        # A spread, not a tie: people of the trade on top, unrelated people at the bottom.
        assert scores[0] >= 75 and scores[-1] <= 20, (title, scores)
        assert len({round(s) for s in scores}) >= 10, (title, scores)
        assert {r.language for r in rows} == {"ro", "en"}, title
        # Names and e-mails come from the CVs (not the file names), all invented.
        for r in rows:
            assert r.name and "demo" not in r.name.lower(), r
            assert r.email.endswith(("@example.ro", "@example.com")), r


def test_demo_cvs_are_the_same_every_run_and_differ_per_role() -> None:
    first = [s.read() for s in demo_cvs("bank-account-manager", 4)]
    assert first == [s.read() for s in demo_cvs("bank-account-manager", 4)]
    assert first != [s.read() for s in demo_cvs("account-manager", 4)]
    assert len(set(first)) == 4 and all(data.startswith(b"%PDF-") for data in first)


def test_a_demo_cv_reads_as_written() -> None:
    (source,) = demo_cvs("telecom-retail-manager", 1)
    result = read_document(source.read(), source.name)
    assert "@example.ro" in result.text or "@example.com" in result.text
    assert "recruit demo" in result.text  # the footer says it is invented


FALLBACK = """
import sys
from recruit.core import cvpdf
cvpdf.FONT_DIRS = ()
doc = cvpdf.CvDocument(header=["Ștefan Crăciun", "Vânzări și negociere"], main=[
    cvpdf.Section("Experiență", ["2020 – prezent\\tAccount Manager — Exemplu Telecom SRL"])])
sys.stdout.buffer.write(cvpdf.render_pdf(doc, "single"))
"""


def test_without_dejavu_the_writer_falls_back_to_reportlabs_font(tmp_path: Path) -> None:
    # Where no DejaVu Sans is installed, letters Vera lacks (ă ș ț) are written unmarked.
    run = subprocess.run([sys.executable, "-c", FALLBACK], capture_output=True, check=True)
    result = read_document(run.stdout, "cv.pdf")
    assert "Stefan Craciun" in result.text and "Vânzari si negociere" in result.text
    assert "EXPERIENTA" in result.text  # headings are written in capitals
