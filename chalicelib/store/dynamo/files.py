"""The store in DynamoDB: uploads, as items of the keys table (`upload#<id>`, gone by TTL)."""

from __future__ import annotations

from chalicelib.store.dynamo.core import DynamoCore, _alive
from chalicelib.store.records import Upload


def upload_key(upload_id: str) -> str:
    return f"upload#{upload_id}"


class FilesTables(DynamoCore):
    def save_upload(self, upload: Upload) -> None:
        self.m.KeyItem(
            upload_key(upload.upload_id),
            ref=upload.room_id,
            number=upload.size,
            entries={
                "uploader_id": upload.uploader_id,
                "name": upload.name,
                "content_type": upload.content_type,
            },
            expires_at=upload.expires_at,
        ).save()

    def get_upload(self, upload_id: str, now: float) -> Upload | None:
        item = _alive(self._get(self.m.KeyItem, upload_key(upload_id)), now)
        if item is None:
            return None
        entries = item.entries.as_dict()
        return Upload(
            upload_id=upload_id,
            room_id=item.ref,
            uploader_id=entries["uploader_id"],
            name=entries["name"],
            content_type=entries["content_type"],
            size=int(item.number),
            expires_at=int(item.expires_at),
        )
