"""What the store does with uploads: the files a room's people were allowed to send."""

from __future__ import annotations

from abc import ABC, abstractmethod

from chalicelib.store.records import Upload


class FilesContract(ABC):
    @abstractmethod
    def save_upload(self, upload: Upload) -> None:
        """Remember an upload until its `expires_at`."""

    @abstractmethod
    def get_upload(self, upload_id: str, now: float) -> Upload | None:
        """The upload, None when unknown or past its expiry."""
