"""What a file's bytes are, and image metadata taken out, without an imaging library: a file's
type is known by its first bytes, and metadata lives in JPEG segments, PNG chunks, GIF extensions
and WebP chunks that can be dropped whole without decoding a pixel (docs/performance.md, "Files:
no imaging library")."""

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
# GIF: comments and application extensions (XMP among them) go, but for the two that make an
# animation loop.
GIF_EXTENSION, GIF_IMAGE, GIF_TRAILER = 0x21, 0x2C, 0x3B
GIF_COMMENT, GIF_APPLICATION = 0xFE, 0xFF
GIF_LOOPING = frozenset({b"NETSCAPE2.0", b"ANIMEXTS1.0"})
# WebP: the EXIF and XMP chunks, and their flags in the VP8X header.
WEBP_METADATA_CHUNKS = frozenset({b"EXIF", b"XMP "})
WEBP_METADATA_FLAGS = 0x08 | 0x04


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
    if content_type == "image/gif":
        return _strip_gif(data)
    if content_type == "image/webp":
        return _strip_webp(data)
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


def _gif_colour_table(packed: int) -> int:
    return 3 * 2 ** ((packed & 0x07) + 1) if packed & 0x80 else 0


def _gif_sub_blocks_end(data: bytes, at: int) -> int:
    """Where the sub-blocks starting at `at` end (after their empty terminator)."""
    while True:
        if at >= len(data):
            raise NotOfType("GIF data cut off")
        size = data[at]
        at += 1 + size
        if size == 0:
            return at


def _strip_gif(data: bytes) -> bytes:
    if len(data) < 13:
        raise NotOfType("GIF header cut off")
    at = 13 + _gif_colour_table(data[10])
    kept = [data[:at]]
    while True:
        if at >= len(data):
            raise NotOfType("GIF cut off before its trailer")
        block = data[at]
        if block == GIF_TRAILER:
            kept.append(data[at : at + 1])
            return b"".join(kept)
        if block == GIF_EXTENSION:
            label = data[at + 1] if at + 1 < len(data) else None
            end = _gif_sub_blocks_end(data, at + 2)
            application = data[at + 3 : at + 14] if label == GIF_APPLICATION else b""
            if label != GIF_COMMENT and (label != GIF_APPLICATION or application in GIF_LOOPING):
                kept.append(data[at:end])
        elif block == GIF_IMAGE:
            if at + 10 > len(data):
                raise NotOfType("GIF image descriptor cut off")
            # Descriptor, local colour table, the LZW code size, then the picture's sub-blocks.
            end = _gif_sub_blocks_end(data, at + 10 + _gif_colour_table(data[at + 9]) + 1)
            kept.append(data[at:end])
        else:
            raise NotOfType("GIF block expected")
        at = end


def _strip_webp(data: bytes) -> bytes:
    if len(data) < 12:
        raise NotOfType("WebP header cut off")
    (riff_size,) = struct.unpack("<I", data[4:8])
    if riff_size + 8 > len(data):
        raise NotOfType("WebP cut off")
    data = data[: riff_size + 8]
    kept = []
    at = 12  # RIFF, its size, WEBP
    while at < len(data):
        if at + 8 > len(data):
            raise NotOfType("WebP chunk header cut off")
        kind = data[at : at + 4]
        (length,) = struct.unpack("<I", data[at + 4 : at + 8])
        end = at + 8 + length + length % 2  # chunks are padded to an even length
        if end > len(data):
            raise NotOfType("WebP chunk cut off")
        chunk = data[at:end]
        if kind == b"VP8X":
            chunk = chunk[:8] + bytes([chunk[8] & ~WEBP_METADATA_FLAGS & 0xFF]) + chunk[9:]
        if kind not in WEBP_METADATA_CHUNKS:
            kept.append(chunk)
        at = end
    body = b"WEBP" + b"".join(kept)
    return b"RIFF" + struct.pack("<I", len(body)) + body
