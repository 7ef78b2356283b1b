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


def _gif_sub_blocks(data: bytes) -> bytes:
    return (
        b"".join(
            bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255)
        )
        + b"\x00"
    )


def gif(with_gps: bool = True) -> bytes:
    """A 1x1 GIF that loops (NETSCAPE2.0, kept); with a comment and an XMP application
    extension naming a position when asked. One global colour table of two colours."""
    metadata = (
        b"\x21\xfe"
        + _gif_sub_blocks(GPS)
        + b"\x21\xff\x0bXMP DataXMP"
        + _gif_sub_blocks(b"<x:xmpmeta>" + GPS + b"</x:xmpmeta>")
        if with_gps
        else b""
    )
    return (
        b"GIF89a"
        + b"\x01\x00\x01\x00\x80\x00\x00"  # 1x1, a global colour table of 2
        + b"\xff\x00\x00\x00\x00\x00"
        + b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop forever
        + metadata
        + b"\x21\xf9\x04\x00\x00\x00\x00\x00"  # graphic control
        + b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00"  # the image
        + b"\x02\x02\x44\x01\x00"
        + b"\x3b"
    )


def _riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def webp(with_gps: bool = True) -> bytes:
    """An extended WebP (VP8X) whose flags name EXIF and XMP and whose chunks hold them when
    asked; the picture is a stand-in VP8L chunk."""
    flags = 0x0C if with_gps else 0x00  # EXIF 0x08, XMP 0x04
    canvas = bytes([flags, 0, 0, 0]) + b"\x00\x00\x00" + b"\x00\x00\x00"  # 1x1
    chunks = (
        _riff_chunk(b"VP8X", canvas)
        + _riff_chunk(b"VP8L", b"\x2f\x00\x00\x00\x00\x07")
        + (
            _riff_chunk(b"EXIF", b"MM\x00*" + GPS) + _riff_chunk(b"XMP ", GPS + b"!")
            if with_gps
            else b""
        )
    )
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + chunks
