"""Many distinct test CVs for the scale tests and the benches, and the services they run on.

Variants of tests.cvgen's sample CVs (a name, an e-mail, a share of the skills, a layout, 1-3
pages each), so every file has its own bytes and its own score; every 40th file is broken on
purpose (not a PDF, or cut short) so the error path is exercised at scale too.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

FIRST = ("Ana", "Mihai", "Ioana", "Andrei", "Elena", "Radu", "Maria", "Vlad", "Irina", "Dan")
LAST = ("Popescu", "Ionescu", "Stan", "Dumitru", "Georgescu", "Marin", "Tudor", "Rusu")


def generate(n: int, *, broken_every: int = 40) -> list[tuple[str, bytes]]:
    """Return `n` (file name, bytes) pairs, all different."""
    from tests.cvgen import LAYOUTS, CvDocument, Section, render_pdf, sample_cvs

    bases = list(sample_cvs().values())
    files = []
    for i in range(n):
        name = f"cv-{i:04d}.pdf"
        if broken_every and i % broken_every == broken_every - 1:
            files.append((name, _broken(i, render_pdf, bases[0])))
            continue
        base = bases[i % len(bases)]
        person = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
        email = f"{person.lower().replace(' ', '.')}.{i}@example.ro"
        header = [person, base.header[1], f"E-mail: {email}", *base.header[3:]]
        # Keep a share of each side list so the profiles, and so the scores, differ.
        side = [
            Section(s.heading, s.lines[: 1 + (i + k) % len(s.lines)])
            for k, s in enumerate(base.side)
        ]
        doc = CvDocument(header=header, main=base.main, side=side)
        layout = LAYOUTS[(i // len(bases)) % len(LAYOUTS)]
        files.append((name, render_pdf(doc, layout, min_pages=1 + i % 3)))
    return files


def _broken(i: int, render_pdf, doc) -> bytes:  # type: ignore[no-untyped-def]
    if (i // 40) % 2 == 0:
        return f"this is not a PDF, file {i}\n".encode()
    data = render_pdf(doc, "single")
    return data[: len(data) // 2] + str(i).encode()  # cut short: corrupt


def write(folder: Path, n: int) -> list[Path]:
    """Write `n` generated CVs into `folder` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in generate(n):
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def worker_env(tmp: Path, database_url: str, **extra: str) -> dict[str, str]:
    """Return the environment of a `recruit` subprocess on `database_url`, files under `tmp`.

    Our own RECRUIT_* settings are dropped first, so nothing of the caller's deployment leaks in.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECRUIT_")}
    env.update(
        RECRUIT_DATABASE_URL=database_url,
        RECRUIT_UPLOAD_DIR=str(tmp / "uploads"),
        RECRUIT_INSTANCE_PATH=str(tmp / "instance"),
        RECRUIT_SECRET_KEY="scale-test",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def scratch_postgres(admin_url: str, prefix: str) -> Iterator[str]:
    """Create a PostgreSQL database beside `admin_url`'s; yield its URL, then drop it."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url)
    name = f"{prefix}_{os.getpid()}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_queue(redis_url: str, prefix: str) -> Iterator[str]:
    """Yield an RQ queue name of our own; delete its Redis keys afterwards."""
    from redis import Redis

    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    try:
        yield queue
    finally:
        redis = Redis.from_url(redis_url)
        keys = list(redis.scan_iter(match=f"*{queue}*"))
        if keys:
            redis.delete(*keys)
