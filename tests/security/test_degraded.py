"""A dependency away (issue 12, rows 6 and 13): Redis or the database down is not a crash.

Redis unreachable: the rate limiter counts in the database after one warning, and signing in
and applying go on. Database unreachable: a styled 503 page in the visitor's language (JSON
for the API) with Retry-After; the workers back off and log a line a minute.
"""

from __future__ import annotations

import io
import logging
import threading
import time

import pytest

from recruit import create_app
from tests.security.conftest import PASSWORD, PDF

# Nothing listens on port 1: connections are refused at once, as when a service is down.
DOWN_REDIS = "redis://127.0.0.1:1/0"


def _app(tmp_path, database_url: str, **env: str):
    base = {
        "RECRUIT_DATABASE_URL": database_url,
        "RECRUIT_SECRET_KEY": "k",
        "RECRUIT_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    app = create_app({"INSTANCE_PATH": tmp_path / "i", "ENV": base | env, "TESTING": True})
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.fixture
def without_redis(world, database_url, tmp_path):
    app = _app(tmp_path, database_url, RECRUIT_REDIS_URL=DOWN_REDIS)
    yield app
    app.extensions["recruit.engine"].dispose()


def _apply(client, opening_id: int, n: int):
    return client.post(
        f"/openings/{opening_id}/apply",
        data={
            "name": "Ana Popescu",
            "email": f"ana{n}@example.com",
            "consent": "y",
            "cv": (io.BytesIO(PDF + bytes([n])), "cv.pdf"),
        },
        content_type="multipart/form-data",
    )


def test_a_redis_outage_leaves_sign_in_and_applying_working(without_redis, world, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="recruit.web.security")
    client = without_redis.test_client()
    signed_in = client.post(
        "/auth/sign-in", data={"email": "admin@example.com", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    for n in range(3):
        assert _apply(without_redis.test_client(), world.opening_a, n).status_code == 302
    warnings = [r for r in caplog.records if r.name == "recruit.web.security"]
    assert len(warnings) == 1 and "Redis unreachable" in warnings[0].getMessage()


def test_during_a_redis_outage_the_limits_still_hold(without_redis, world) -> None:
    without_redis.config["RECRUIT_RATE_LIMITS"]["apply_address"] = (2, 3600)
    client = without_redis.test_client()
    codes = [_apply(client, world.opening_a, n).status_code for n in range(3)]
    assert codes == [302, 302, 429]


def test_the_limiter_goes_back_to_redis_when_it_returns(world, app) -> None:
    from recruit.web.security import DatabaseLimiter, RedisLimiter

    database = DatabaseLimiter(app.extensions["recruit.sessions"], "s")
    limiter = RedisLimiter(DOWN_REDIS, "s", fallback=database)
    assert [limiter.hit("k", 60) for _ in range(2)] == [1, 2]
    assert limiter._retry_at is not None
    limiter._retry_at = time.monotonic() - 1  # the retry is due: Redis is still away
    assert limiter.hit("k", 60) == 3 and limiter._retry_at > time.monotonic()


# Each refuses at once: no such folder for SQLite, nothing listening for PostgreSQL.
DOWN_DATABASES = [
    "sqlite:////nonexistent-recruit-dir/recruit.db",
    "postgresql+psycopg://postgres@127.0.0.1:1/recruit",
]


@pytest.fixture(params=DOWN_DATABASES, ids=["sqlite", "postgresql"])
def without_database(request, tmp_path):
    app = _app(tmp_path, request.param)
    yield app
    app.extensions["recruit.engine"].dispose()


def test_a_database_outage_gives_a_styled_503_in_the_visitors_language(
    without_database, caplog
) -> None:
    caplog.set_level(logging.WARNING)
    client = without_database.test_client()
    for url in ("/", "/openings/1", "/openings/1/apply"):
        page = client.get(url)
        assert page.status_code == 503, url
        assert page.headers["Retry-After"] == "30"
        assert "Back in a moment" in page.text and "app.css" in page.text
        assert "Traceback" not in page.text and "OperationalError" not in page.text
    romanian = client.get("/", headers={"Accept-Language": "ro"})
    assert romanian.status_code == 503 and "Revenim imediat" in romanian.text
    sign_in = client.post("/auth/sign-in", data={"email": "a@example.com", "password": "x" * 12})
    assert sign_in.status_code == 503
    lines = [r for r in caplog.records if r.name == "recruit.web.security"]
    assert len(lines) == 1 and lines[0].exc_info is None


def test_a_database_outage_answers_the_api_in_json(without_database) -> None:
    client = without_database.test_client()
    with client.session_transaction() as s:
        s["_user_id"] = "a-session-token"  # signed in: the session is looked up in the database
    response = client.get("/api/v1/openings")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.get_json()["error"] == "Service Unavailable"


def test_the_embedded_worker_backs_off_and_logs_a_line_a_minute(tmp_path, caplog) -> None:
    from recruit.db import make_engine, make_sessionmaker
    from recruit.runner import LocalRunner
    from recruit.storage import LocalStorage
    from recruit.tasks import TaskContext

    caplog.set_level(logging.INFO)
    engine = make_engine(DOWN_DATABASES[0])
    ctx = TaskContext(make_sessionmaker(engine), LocalStorage(tmp_path))
    runner = LocalRunner(ctx, threads=2, idle_sleep=0.05)
    for n in range(runner.threads):
        threading.Thread(target=runner._loop, daemon=True, name=f"w{n}").start()
    time.sleep(3.5)
    runner.stop()
    runner._stop.set()
    engine.dispose()
    lines = [r for r in caplog.records if r.name.startswith("recruit.")]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert lines[0].exc_info is None and "OperationalError" in lines[0].getMessage()


def test_backoff_waits_longer_up_to_a_minute_and_logs_once_a_minute(caplog) -> None:
    from sqlalchemy.exc import OperationalError

    from recruit.backoff import Backoff

    now = [0.0]
    log = logging.getLogger("recruit.test_backoff")
    caplog.set_level(logging.WARNING, logger=log.name)
    backoff = Backoff("reading", log, clock=lambda: now[0])
    waits = []
    for _ in range(40):  # about half an hour of outage
        waits.append(backoff.failed(OperationalError("SELECT 1", {}, Exception("refused"))))
        now[0] += waits[-1]
    assert waits[:7] == [1, 2, 4, 8, 16, 32, 60] and max(waits) == 60
    failing = [r for r in caplog.records if "failing" in r.getMessage()]
    assert 25 <= len(failing) <= 35 and all(r.exc_info is None for r in failing)
    backoff.succeeded()
    assert "works again" in caplog.records[-1].getMessage()
    assert backoff.failed(RuntimeError("a bug")) == 1  # counted afresh, with its traceback
    assert caplog.records[-1].exc_info is not None


def test_enqueueing_gives_up_on_an_unreachable_redis_within_seconds() -> None:
    from recruit.queue import QueueSettings, TaskQueue

    # A host that drops packets would otherwise hold the request for the system's minutes.
    queue = TaskQueue(QueueSettings(DOWN_REDIS))
    assert queue.rq.connection.connection_pool.connection_kwargs["socket_connect_timeout"] == 2
    started = time.monotonic()
    with pytest.raises(Exception, match="onnect"):
        queue.enqueue_documents([(1, 0)])
    assert time.monotonic() - started < 5
