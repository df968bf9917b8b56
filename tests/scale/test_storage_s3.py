"""The S3 backend against moto's S3-compatible server on 127.0.0.1 (skipped without moto)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from recruit.storage import S3Storage, StorageUnavailable, make_storage

pytest.importorskip("moto.server")
pytest.importorskip("boto3")

CREDENTIALS = {
    "aws_access_key_id": "test",
    "aws_secret_access_key": "test",
    "region_name": "eu-central-1",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def store(endpoint: str, request: pytest.FixtureRequest) -> S3Storage:
    import boto3

    bucket = f"cvs-{request.node.name.replace('_', '-')[:40]}"
    boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    return S3Storage(bucket, prefix="uploads", endpoint_url=endpoint, **CREDENTIALS)


def test_s3_stores_by_content_once(store: S3Storage) -> None:
    first = store.put(b"%PDF-1.4 same bytes")
    second = store.put(b"%PDF-1.4 same bytes")
    assert first.key == second.key and first.created and not second.created
    assert store.get(first.key) == b"%PDF-1.4 same bytes"
    assert store.exists(first.key)
    keys = store.client.list_objects_v2(Bucket=store.bucket)["Contents"]
    assert [k["Key"] for k in keys] == [f"uploads/{first.key}"]
    store.delete(first.key)
    store.delete(first.key)  # gone already: no error
    assert not store.exists(first.key)
    with pytest.raises(FileNotFoundError):
        store.get(first.key)


def test_s3_refuses_keys_that_are_not_ours(store: S3Storage) -> None:
    with pytest.raises(ValueError):
        store.get("../../etc/passwd")


def test_an_unreachable_store_is_a_transient_error() -> None:
    from botocore.config import Config

    store = S3Storage(
        "cvs",
        endpoint_url=f"http://127.0.0.1:{_free_port()}",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
        **CREDENTIALS,
    )
    with pytest.raises(StorageUnavailable):
        store.put(b"x")


def test_settings_choose_the_store(tmp_path, endpoint: str) -> None:
    assert make_storage(tmp_path, {}).__class__.__name__ == "LocalStorage"
    s3 = make_storage(
        tmp_path,
        {
            "RECRUIT_S3_BUCKET": "cvs",
            "RECRUIT_S3_ENDPOINT_URL": endpoint,
            "RECRUIT_S3_REGION": "eu-central-1",
        },
    )
    assert isinstance(s3, S3Storage) and s3.client.meta.endpoint_url == endpoint


def test_a_worker_reads_a_document_from_s3(app, session, store: S3Storage) -> None:
    from recruit import services
    from recruit.db.models import Document
    from recruit.tasks import TaskContext, claim_and_read

    stored = store.put(b"plain text, not a CV file")
    doc = services.add_document(session, stored.key, stored.sha256, stored.size, "cv.pdf")
    session.commit()
    ctx = TaskContext(app.extensions["recruit.sessions"], store)
    assert claim_and_read(ctx, doc.id) == "error"
    session.expire_all()
    assert session.get(Document, doc.id).error_code == "not_a_pdf"  # read from S3, judged
