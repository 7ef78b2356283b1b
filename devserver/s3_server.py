"""The local S3 API as a process: moto's server, whose files outlive a restart when given a
directory (`python -m devserver.s3_server --port 9000 --data-dir .data/s3`).

moto keeps objects in memory only; its recorder can write every request to a journal and replay
it. Here the journal holds only the requests that change something (no GET or HEAD), and each
start replays it on a private port and then writes it anew with just what is alive (a bucket,
its CORS, each object once), so that it does not grow with every file ever sent. Only then does
the public port open: whoever reaches it sees the files kept before.
"""

from __future__ import annotations

import argparse
import threading
from contextlib import suppress
from pathlib import Path
from typing import Any

JOURNAL = "journal.jsonl"
REPLAYING = "replaying.jsonl"  # present only while a start rewrites the journal
UNCHANGING = frozenset({"GET", "HEAD", "OPTIONS"})


def keep_changes_in(journal: Path) -> None:
    """From now on, every request that changes something is appended to `journal` (one writer
    at a time: moto's server answers requests in threads)."""
    from moto.moto_api import recorder

    record = type(recorder)._record_request
    lock = threading.Lock()

    def record_changes(self: Any, request: Any, body: bytes | None = None) -> None:
        if request.method in UNCHANGING or request.path.startswith("/moto-api/"):
            return
        with lock:
            record(self, request, body)

    type(recorder)._record_request = record_changes  # type: ignore[method-assign]
    recorder._location = str(journal)
    recorder.start_recording()


def restore(data_dir: Path) -> None:
    """What the journal holds, back in memory; the journal rewritten with only that."""
    from moto.moto_api import recorder
    from moto.server import ThreadedMotoServer

    journal, replaying = data_dir / JOURNAL, data_dir / REPLAYING
    if journal.exists() and not replaying.exists():
        journal.rename(replaying)
    # Otherwise a start that was rewriting it stopped half-way: `replaying` is the whole story.
    private = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
    private.start()
    host, port = private.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        if replaying.exists():
            recorder._location = str(replaying)
            recorder.replay_recording(target_host=endpoint)
        keep_changes_in(journal)
        journal.write_text("")
        _write_again(endpoint)
        replaying.unlink(missing_ok=True)
    finally:
        private.stop()


def _write_again(endpoint: str) -> None:
    """Every bucket with its CORS and every object with its type and metadata, written once more
    (the journal records it; the bucket's creation is refused now but makes it on a replay)."""
    import boto3

    def client(region: str) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    for bucket in client("us-east-1").list_buckets()["Buckets"]:
        name = bucket["Name"]
        region = client("us-east-1").get_bucket_location(Bucket=name).get("LocationConstraint")
        s3 = client(region or "us-east-1")
        with suppress(s3.exceptions.BucketAlreadyOwnedByYou):
            s3.create_bucket(
                Bucket=name,
                **({"CreateBucketConfiguration": {"LocationConstraint": region}} if region else {}),
            )
        with suppress(s3.exceptions.ClientError):  # a bucket without CORS
            rules = s3.get_bucket_cors(Bucket=name)["CORSRules"]
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for found in page.get("Contents", []):
                kept = s3.get_object(Bucket=name, Key=found["Key"])
                s3.put_object(
                    Bucket=name,
                    Key=found["Key"],
                    Body=kept["Body"].read(),
                    ContentType=kept.get("ContentType", "binary/octet-stream"),
                    Metadata=kept.get("Metadata", {}),
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, help="keep the files here (default: memory)")
    args = parser.parse_args()
    if args.data_dir is not None:
        args.data_dir.mkdir(parents=True, exist_ok=True)
        restore(args.data_dir)
    from moto.server import ThreadedMotoServer

    public = ThreadedMotoServer(args.host, args.port, verbose=False)
    public.start()
    threading.Event().wait()  # until the parent ends us


if __name__ == "__main__":
    main()
