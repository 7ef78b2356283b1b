"""The local S3 of `make run` keeps the chats' files under DATA_DIR across a restart."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from chalicelib.objects import FileInfo, ObjectStore
from devserver.s3_local import S3Local
from devserver.s3_server import JOURNAL

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 56


@pytest.fixture(autouse=True)
def local_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")


def _objects(server: S3Local) -> ObjectStore:
    return ObjectStore("livechat-files", "eu-central-1", server.endpoint)


def test_a_file_sent_before_a_restart_of_the_local_s3_is_still_fetchable(tmp_path: Path):
    with S3Local(data_dir=tmp_path) as server:
        objects = _objects(server)
        objects.create_bucket()
        objects.allow_posts_from(["https://www.uni.example"])
        post = objects.presigned_post("uploads/room1/upl1", "image/png", len(PNG), 300)
        sent = httpx.post(post["url"], data=post["fields"], files={"file": ("a.png", PNG)})
        assert sent.status_code == 204
        objects.put("files/room1/upl2", b"hello", FileInfo("Grüße.txt", "text/plain", 5))
        objects.put("files/room1/gone", b"bye", FileInfo("gone.txt", "text/plain", 3))
        objects.delete(["files/room1/gone"])

    with S3Local(data_dir=tmp_path) as server:  # another process, another port
        objects = _objects(server)
        posted = objects.read("uploads/room1/upl1")
        kept = objects.describe("files/room1/upl2")
        url = objects.download_url("files/room1/upl2", "Grüße.txt", "text/plain", False, 60)
        fetched = httpx.get(url)
        assert objects.describe("files/room1/gone") is None
        assert objects.create_bucket() is False  # the bucket is there already
        rules = objects.client.get_bucket_cors(Bucket="livechat-files")["CORSRules"]

    assert posted is not None and posted.data == PNG
    assert kept == FileInfo("Grüße.txt", "text/plain", 5)
    assert fetched.content == b"hello"
    assert rules[0]["AllowedOrigins"] == ["https://www.uni.example"]


def test_the_journal_of_the_local_s3_keeps_only_what_is_alive_after_a_restart(tmp_path: Path):
    with S3Local(data_dir=tmp_path) as server:
        objects = _objects(server)
        objects.create_bucket()
        for number in range(5):  # five files sent and deleted again, and reads of them
            objects.put(f"files/r/{number}", b"x" * 10_000, FileInfo("f", "text/plain", 10_000))
            objects.read(f"files/r/{number}")
            objects.delete([f"files/r/{number}"])
        objects.put("files/r/kept", b"kept", FileInfo("k.txt", "text/plain", 4))
    grown = (tmp_path / JOURNAL).stat().st_size

    with S3Local(data_dir=tmp_path) as server:
        assert _objects(server).read("files/r/kept").data == b"kept"
    rewritten = (tmp_path / JOURNAL).read_text()

    assert len(rewritten) < grown / 5
    assert rewritten.count("\n") == 2  # the bucket and the one file alive


def test_without_a_directory_the_local_s3_forgets_on_restart():
    with S3Local() as server:
        objects = _objects(server)
        objects.create_bucket()
        objects.put("files/r/a", b"a", FileInfo("a.txt", "text/plain", 1))
    with S3Local() as server:
        assert _objects(server).create_bucket() is True
