"""What a file's bytes are, and image metadata taken out, without an imaging library: a file's
type is known by its first bytes, and metadata lives in JPEG segments and PNG chunks that can be
dropped whole without decoding a pixel (docs/performance.md, "Files: no imaging library")."""

from __future__ import annotations

import struct

# How many first bytes `is_of_type` needs.
SIGNATURE_BYTES = 16
# Text is checked on this much of its beginning (a multi-byte character may be cut at its end).
TEXT_SAMPLE_BYTES = 4096

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that carry words or EXIF (GPS position, camera serial): never needed to show the image.
PNG_METADATA_CHUNKS = frozenset({b"tEXt", b"iTXt", b"zTXt", b"eXIf"})
# APP1 holds EXIF and XMP, APP13 Photoshop's IPTC; the picture needs neither.
JPEG_METADATA_MARKERS = frozenset({0xE1, 0xED})
JPEG_START_OF_SCAN = 0xDA
JPEG_END = 0xD9
# Markers without a length: start of image, end of image, restarts, TEM.
JPEG_STANDALONE = frozenset({0xD8, 0xD9, 0x01, *range(0xD0, 0xD8)})


class NotOfType(ValueError):
    """The bytes do not have the structure of the type they claim."""


def is_of_type(content_type: str, head: bytes) -> bool:
    """Whether a file's first bytes are those of `content_type` (HTML posing as PNG is not)."""
    if content_type == "image/png":
        return head.startswith(PNG_SIGNATURE)
    if content_type == "image/jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if content_type == "image/gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if content_type == "image/webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if content_type == "application/pdf":
        return head.startswith(b"%PDF-")
    if content_type == "text/plain":
        return _is_text(head)
    return False


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Only a character cut by the sample's end is forgiven.
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def strip_metadata(content_type: str, data: bytes) -> bytes:
    """The image without its metadata; other types as they are."""
    if content_type == "image/png":
        return _strip_png(data)
    if content_type == "image/jpeg":
        return _strip_jpeg(data)
    return data


def _strip_png(data: bytes) -> bytes:
    kept = [PNG_SIGNATURE]
    at = len(PNG_SIGNATURE)
    while at < len(data):
        if at + 8 > len(data):
            raise NotOfType("PNG chunk header cut off")
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        end = at + 12 + length  # length, type, data, CRC
        if end > len(data):
            raise NotOfType("PNG chunk cut off")
        if kind not in PNG_METADATA_CHUNKS:
            kept.append(data[at:end])
        at = end
        if kind == b"IEND":
            break
    return b"".join(kept)


def _strip_jpeg(data: bytes) -> bytes:
    kept = [data[:2]]  # start of image
    at = 2
    while at < len(data):
        if data[at] != 0xFF:
            raise NotOfType("JPEG marker expected")
        marker = data[at + 1] if at + 1 < len(data) else JPEG_END
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker in JPEG_STANDALONE:
            kept.append(data[at : at + 2])
            at += 2
            if marker == JPEG_END:
                break
            continue
        if at + 4 > len(data):
            raise NotOfType("JPEG segment header cut off")
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        end = at + 2 + length
        if end > len(data):
            raise NotOfType("JPEG segment cut off")
        if marker == JPEG_START_OF_SCAN:
            # The compressed picture and everything after it: no metadata segments follow.
            kept.append(data[at:])
            break
        if marker not in JPEG_METADATA_MARKERS:
            kept.append(data[at:end])
        at = end
    return b"".join(kept)
