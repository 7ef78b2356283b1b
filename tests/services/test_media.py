"""A file's type by its first bytes, and image metadata taken out without an imaging library."""

from __future__ import annotations

import pytest

from chalicelib.services.media import NotOfType, is_of_type, strip_metadata
from tests import samples


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("image/png", samples.png()),
        ("image/jpeg", samples.jpeg()),
        ("image/gif", b"GIF89a\x01\x00\x01\x00"),
        ("image/webp", b"RIFF\x24\x00\x00\x00WEBPVP8 "),
        ("application/pdf", samples.PDF),
        ("text/plain", "Grüße aus der Bibliothek\n".encode()),
    ],
)
def test_each_type_taken_is_known_by_its_first_bytes(content_type, head):
    assert is_of_type(content_type, head[:4096])


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("image/png", samples.HTML_AS_PNG),
        ("image/jpeg", samples.png()),
        ("image/gif", samples.PDF),
        ("image/webp", b"RIFF\x24\x00\x00\x00AVI LIST"),
        ("application/pdf", b"<html>%PDF-1.4"),
        ("text/plain", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("text/plain", b"\xff\xfe\xfa not utf-8"),
        ("text/html", b"<html></html>"),
    ],
)
def test_bytes_of_another_kind_are_not_of_the_declared_type(content_type, head):
    assert not is_of_type(content_type, head)


def test_a_text_cut_in_the_middle_of_a_character_by_the_sample_is_still_text():
    assert is_of_type("text/plain", "Grüße".encode()[:3])


def test_png_text_and_exif_chunks_go_and_the_picture_stays():
    assert strip_metadata("image/png", samples.png(with_gps=True)) == samples.png(with_gps=False)


def test_jpeg_exif_and_iptc_segments_go_and_the_picture_stays():
    assert strip_metadata("image/jpeg", samples.jpeg(with_gps=True)) == samples.jpeg(with_gps=False)


def test_gif_comments_and_xmp_go_and_the_picture_and_its_looping_stay():
    cleaned = strip_metadata("image/gif", samples.gif(with_gps=True))

    assert cleaned == samples.gif(with_gps=False)
    assert b"NETSCAPE2.0" in cleaned


def test_webp_exif_and_xmp_chunks_and_their_flags_go_and_the_picture_stays():
    assert strip_metadata("image/webp", samples.webp(with_gps=True)) == samples.webp(with_gps=False)


IMAGES = {
    "image/png": samples.png,
    "image/jpeg": samples.jpeg,
    "image/gif": samples.gif,
    "image/webp": samples.webp,
}


@pytest.mark.parametrize("content_type", IMAGES)
def test_an_image_without_metadata_stays_as_it_is(content_type):
    image = IMAGES[content_type](with_gps=False)
    assert strip_metadata(content_type, image) == image


@pytest.mark.parametrize(
    ("content_type", "cut"),
    [
        ("image/png", samples.png()[:40]),
        ("image/jpeg", samples.jpeg()[:30]),
        ("image/gif", samples.gif()[:40]),
        ("image/webp", samples.webp()[:30]),
    ],
)
def test_an_image_cut_off_is_not_a_whole_image(content_type, cut):
    with pytest.raises(NotOfType):
        strip_metadata(content_type, cut)
