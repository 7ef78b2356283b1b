"""The store in memory: uploads."""

from __future__ import annotations

from chalicelib.store.memory.core import MemoryCore, _alive, _locked
from chalicelib.store.records import Upload


class FilesDicts(MemoryCore):
    @_locked
    def save_upload(self, upload: Upload) -> None:
        self._uploads[upload.upload_id] = upload

    @_locked
    def get_upload(self, upload_id: str, now: float) -> Upload | None:
        return _alive(self._uploads.get(upload_id), now)
