"""The files of chats in S3 (locally an S3-compatible server at S3_ENDPOINT): the only module
that speaks to the bucket. Keys, not rules: services/files.py decides what goes where.

Two prefixes: `uploads/<room>/<upload>` holds what a browser sent with a presigned POST and
nobody has checked yet (a lifecycle rule removes it after a day); `files/<room>/<upload>` holds
what was checked and cleaned and belongs to a message. A room's files go with the room.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import botocore.config
import botocore.exceptions
import botocore.session

UPLOADS = "uploads/"
FILES = "files/"


def upload_key(room_id: str, upload_id: str) -> str:
    return f"{UPLOADS}{room_id}/{upload_id}"


def file_key(room_id: str, upload_id: str) -> str:
    return f"{FILES}{room_id}/{upload_id}"


@dataclass(frozen=True)
class StoredObject:
    """What a read found: the bytes asked for, the whole object's size and its type."""

    data: bytes
    size: int
    content_type: str


@dataclass(frozen=True)
class FileInfo:
    """A kept file as its message names it."""

    name: str
    content_type: str
    size: int


class ObjectStore:
    def __init__(
        self,
        bucket: str,
        region: str,
        endpoint: str | None = None,
        session: botocore.session.Session | None = None,
    ) -> None:
        self.bucket = bucket
        self._region = region
        self._endpoint = endpoint
        self._session = session or botocore.session.get_session()
        self._client: Any = None

    @property
    def client(self) -> Any:
        """Made on first use: a container that never touches a file never pays for it."""
        if self._client is None:
            self._client = self._session.create_client(
                "s3",
                region_name=self._region,
                endpoint_url=self._endpoint,
                # A local server has no per-bucket host names (path style); AWS's addresses name
                # the bucket in the host. SigV4 for every presigned URL.
                config=botocore.config.Config(
                    signature_version="s3v4",
                    s3={"addressing_style": "path" if self._endpoint else "virtual"},
                ),
            )
        return self._client

    def create_bucket(self) -> bool:
        """For a local server (in AWS the stack makes the bucket); False when it was there."""
        try:
            self.client.create_bucket(
                Bucket=self.bucket,
                CreateBucketConfiguration={"LocationConstraint": self._region},
            )
        except self.client.exceptions.BucketAlreadyOwnedByYou:
            return False
        return True

    def allow_posts_from(self, origins: list[str]) -> None:
        """Browsers on these origins may POST into the bucket (and nothing else, from nowhere
        else): the bucket's CORS, set as a whole."""
        if not origins:
            self.client.delete_bucket_cors(Bucket=self.bucket)
            return
        rule = {"AllowedMethods": ["POST"], "AllowedOrigins": origins, "MaxAgeSeconds": 3600}
        self.client.put_bucket_cors(Bucket=self.bucket, CORSConfiguration={"CORSRules": [rule]})

    def presigned_post(self, key: str, content_type: str, size: int, seconds: int) -> dict:
        """`{"url", "fields"}` for a browser: accepts exactly this type and this size."""
        return self.client.generate_presigned_post(
            self.bucket,
            key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
            ExpiresIn=seconds,
        )

    def read(self, key: str, first_bytes: int | None = None) -> StoredObject | None:
        """The object (or its first bytes), its size and type; None when there is none."""
        extra = {"Range": f"bytes=0-{first_bytes - 1}"} if first_bytes else {}
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=key, **extra)
        except botocore.exceptions.ClientError as exc:
            if _missing(exc):
                return None
            raise
        data = found["Body"].read()
        size = found["ContentLength"]
        if "ContentRange" in found:  # bytes 0-15/12345: the whole object's size after the slash
            size = int(found["ContentRange"].rsplit("/", 1)[1])
        return StoredObject(data, size, found.get("ContentType", ""))

    def describe(self, key: str) -> FileInfo | None:
        """A kept file's name, type and size (one HEAD); None when there is none."""
        try:
            found = self.client.head_object(Bucket=self.bucket, Key=key)
        except botocore.exceptions.ClientError as exc:
            if _missing(exc):
                return None
            raise
        name = unquote(found.get("Metadata", {}).get("name", ""))
        return FileInfo(name, found.get("ContentType", ""), found["ContentLength"])

    def put(self, key: str, data: bytes, info: FileInfo) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=info.content_type,
            Metadata=_metadata(info),
        )

    def copy(self, source: str, key: str, info: FileInfo) -> None:
        """The object under a new key, with this type and name (not the uploader's)."""
        self.client.copy_object(
            Bucket=self.bucket,
            Key=key,
            CopySource={"Bucket": self.bucket, "Key": source},
            ContentType=info.content_type,
            Metadata=_metadata(info),
            MetadataDirective="REPLACE",
        )

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    def keys_under(self, prefix: str, modified_before: float | None = None) -> list[str]:
        """Every key under the prefix (last changed before that epoch second, if given)."""
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        ):
            for found in page.get("Contents", []):
                if modified_before is None or found["LastModified"].timestamp() < modified_before:
                    keys.append(found["Key"])
        return keys

    def folders_under(self, prefix: str) -> list[str]:
        """The next level of names under the prefix (`files/` → its room ids)."""
        names = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix, Delimiter="/"
        ):
            for common in page.get("CommonPrefixes", []):
                names.append(common["Prefix"][len(prefix) :].rstrip("/"))
        return names

    def download_url(
        self, key: str, name: str, content_type: str, inline: bool, seconds: int
    ) -> str:
        """A signed GET that names the type and, unless `inline`, makes the browser save it."""
        disposition = "inline" if inline else "attachment"
        disposition += f"; filename*=UTF-8''{quote(name, safe='')}"
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
            },
            ExpiresIn=seconds,
        )


def _metadata(info: FileInfo) -> dict[str, str]:
    # S3's metadata is ASCII: the name travels percent-encoded.
    return {"name": quote(info.name, safe="")}


def _missing(exc: botocore.exceptions.ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")
