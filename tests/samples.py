"""Small files of every kind a chat takes, made in code: images that carry a GPS position in their
metadata, a PDF, and HTML that poses as a PNG."""

from __future__ import annotations

import struct
import zlib

GPS = b"GPSLatitude 52.5163 GPSLongitude 13.3777"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png(with_gps: bool = True) -> bytes:
    """A 1x1 red PNG; with text and eXIf chunks that name a position when asked."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    metadata = (
        _png_chunk(b"tEXt", b"Comment\x00" + GPS)
        + _png_chunk(b"eXIf", b"MM\x00*" + GPS)
        + _png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + GPS)
        if with_gps
        else b""
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + metadata
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def _segment(marker: int, data: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(data) + 2) + data


def jpeg(with_gps: bool = True) -> bytes:
    """A JPEG's structure: JFIF, EXIF (APP1) and IPTC (APP13) when asked, a table, the scan."""
    metadata = (
        _segment(0xE1, b"Exif\x00\x00" + GPS) + _segment(0xED, b"Photoshop 3.0\x00" + GPS)
        if with_gps
        else b""
    )
    return (
        b"\xff\xd8"
        + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + metadata
        + _segment(0xDB, bytes(65))
        + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x12\x34\x56\xff\x00\x78"
        + b"\xff\xd9"
    )


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML_AS_PNG = b"<!doctype html><script>alert(document.cookie)</script>"
