"""Upload to score: the embedded worker is woken by the commit that queued a CV (issue 16.2).

Polling the database stays as the fallback; here it is set to minutes, so a test that
passes proves the wake-up, not the poll.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

from recruit import services
from recruit.db.models import Document
from recruit.runner import LocalRunner, notify_workers, wake_folder
from recruit.tasks import TaskContext, Wakeup
from tests import cvgen
from tests.web import factories

NEVER = 600.0  # the fallback poll: far longer than any test waits
READ_WITHIN = 90.0  # reading a 2-page CV, with room for a loaded machine


def _submit(web, session, storage) -> int:
    opening = factories.opening(session)
    document = services.submit_application(
        session,
        storage,
        opening,
        name="Ioana Mărgărit",
        email="ioana@example.com",
        phone="+40722123456",
        filename="cv.pdf",
        data=cvgen.render_pdf(cvgen.sample_cvs()["ro"], "single"),
        consent_version="1",
    ).document
    session.commit()  # the wake-up is sent right after this commit
    return document.id


def _wait_read(web, document_id: int) -> float:
    start = time.monotonic()
    while time.monotonic() - start < READ_WITHIN:
        with web.extensions["recruit.sessions"]() as s:
            if s.get(Document, document_id).status not in ("queued", "reading"):
                return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"document {document_id} not read within {READ_WITHIN} s")


def test_an_upload_wakes_the_embedded_worker_at_commit(web, session, storage) -> None:
    ctx = TaskContext(web.extensions["recruit.sessions"], storage)
    runner = LocalRunner(ctx, threads=1, idle_sleep=NEVER)
    web.extensions["recruit.runner"] = runner  # as start_worker does
    runner.start()
    try:
        time.sleep(0.3)  # the thread found nothing and waits
        _wait_read(web, _submit(web, session, storage))
    finally:
        runner.stop()


def test_a_worker_process_beside_the_web_is_woken_through_its_socket(web, session, storage) -> None:
    # Not the web's own runner: only the datagram in the instance folder can reach it.
    folder = wake_folder(web.config["RECRUIT_SETTINGS"])
    ctx = TaskContext(web.extensions["recruit.sessions"], storage)
    runner = LocalRunner(ctx, threads=1, idle_sleep=NEVER, listen=folder)
    runner.start()
    try:
        assert [p.suffix for p in folder.iterdir()] == [".sock"]
        time.sleep(0.3)
        _wait_read(web, _submit(web, session, storage))
    finally:
        runner.stop()
    assert not list(folder.iterdir())  # the socket goes with its worker


def test_a_wake_up_sent_while_a_thread_was_busy_is_not_lost() -> None:
    wakeup = Wakeup()
    wakeup.mark()  # the thread looks at the queue: nothing there
    wakeup.wake()  # a commit queues a document before the thread got to wait
    start = time.monotonic()
    wakeup.wait(NEVER)
    assert time.monotonic() - start < 1.0


def test_a_dead_workers_socket_is_forgotten(tmp_path: Path) -> None:
    folder = tmp_path / "wake"
    folder.mkdir()
    dead = folder / "worker-1.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(dead))
    sock.close()  # the process died without removing its file
    live = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    live.bind(str(folder / "worker-2.sock"))
    try:
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.append(live.recv(8)))
        reader.start()
        notify_workers(folder)
        reader.join(5)
        assert got == [b"q"]
        assert not dead.exists()
    finally:
        live.close()


def test_readings_at_once_run_no_more_than_the_cores_at_a_time(monkeypatch) -> None:
    # A burst of uploads: each request reads its file at once in a reader child. More at a
    # time than cores only started children to close after one file (issue 16.2).
    from recruit.core import reading
    from recruit.services import documents

    monkeypatch.setattr(documents, "_READING_AT_ONCE", threading.BoundedSemaphore(2))
    lock, running, peak = threading.Lock(), [0], [0]
    real = reading.read_document

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            time.sleep(0.05)  # long enough for the others to pile up
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(reading, "read_document", counted)
    data = cvgen.render_pdf(cvgen.sample_cvs()["en"], "single")
    verdicts: list[object] = []
    threads = [
        threading.Thread(
            target=lambda: verdicts.append(
                services.read_at_once(data, "cv.pdf", max_bytes=1 << 24, seconds=60)
            )
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 2
    assert len(verdicts) == 8 and all(v is not None and v.status == "ok" for v in verdicts)


def test_a_reading_at_once_that_cannot_start_in_time_is_left_to_the_worker(monkeypatch) -> None:
    from recruit.services import documents

    busy = threading.BoundedSemaphore(1)
    busy.acquire()  # every slot taken by other uploads
    monkeypatch.setattr(documents, "_READING_AT_ONCE", busy)
    data = cvgen.render_pdf(cvgen.sample_cvs()["en"], "single")
    assert services.read_at_once(data, "cv.pdf", max_bytes=1 << 24, seconds=0.2) is None


def _upload_read_at_once(session, storage) -> tuple[int, bytes]:
    data = cvgen.render_pdf(cvgen.sample_cvs()["ro"], "two_column", min_pages=2)
    verdict = services.read_at_once(data, "cv.pdf", max_bytes=1 << 24, seconds=60)
    assert verdict is not None and verdict.status == "ok"
    document = services.submit_application(
        session,
        storage,
        factories.opening(session),
        name="Ioana Mărgărit",
        email="ioana@example.com",
        phone="+40722123456",
        filename="cv.pdf",
        data=data,
        consent_version="1",
        verdict=verdict,
    ).document
    session.commit()
    return document.id, data


def test_the_worker_takes_the_uploads_reading_instead_of_reading_again(
    web, session, storage, monkeypatch
) -> None:
    from recruit.core import pipeline
    from recruit.tasks import run_batch

    document_id, data = _upload_read_at_once(session, storage)
    expected = pipeline.analyse(data, "cv.pdf").profile

    def no_reading(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the worker read the file again")

    monkeypatch.setattr(pipeline, "read_document", no_reading)
    run_batch(TaskContext(web.extensions["recruit.sessions"], storage), 1)
    with web.extensions["recruit.sessions"]() as s:
        document = s.get(Document, document_id)
        assert document.status == "ok"
        assert expected is not None and document.profile == expected.to_dict()
        assert storage.take_reading(document.storage_key) is None  # taken


def test_a_reading_kept_by_another_version_is_not_taken(web, session, storage, monkeypatch) -> None:
    import pickle

    from recruit.core import pipeline
    from recruit.tasks import run_batch

    document_id, _ = _upload_read_at_once(session, storage)
    with web.extensions["recruit.sessions"]() as s:
        key = s.get(Document, document_id).storage_key
    _, verdict = pickle.loads(storage.take_reading(key))
    storage.keep_reading(key, pickle.dumps(("an older reader", verdict)))
    read = []
    real = pipeline.read_document
    monkeypatch.setattr(pipeline, "read_document", lambda *a, **k: read.append(1) or real(*a, **k))
    run_batch(TaskContext(web.extensions["recruit.sessions"], storage), 1)
    assert read == [1]
    with web.extensions["recruit.sessions"]() as s:
        assert s.get(Document, document_id).status == "ok"
