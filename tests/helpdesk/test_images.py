"""Photos are judged by their content and re-encoded, keeping only what the resident allows."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags
from PIL import Image

from jasperrec.helpdesk.errors import ImageRefusedError
from jasperrec.helpdesk.images import ImageLimits
from jasperrec.helpdesk.images import prepare_image
from jasperrec.helpdesk.images import prepare_images
from jasperrec.helpdesk.images import readable_formats
from jasperrec.helpdesk.images import safe_filename
from tests.helpdesk.photos import GPS
from tests.helpdesk.photos import photo
from tests.helpdesk.photos import png_bomb

LIMITS = ImageLimits(max_count=5, max_bytes=10 * 1024 * 1024, max_pixels=60_000_000)


def decoded(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_each_accepted_format_is_re_encoded_in_its_own_format(
    fmt: str, content_type: str, extension: str
) -> None:
    prepared = prepare_image("pothole.jpeg", photo(fmt), LIMITS, keep_location=False)
    assert prepared.content_type == content_type
    assert prepared.filename == f"pothole.{extension}"
    assert decoded(prepared.data).format == fmt


def test_the_content_decides_the_type_not_the_name() -> None:
    prepared = prepare_image("looks-like.jpg", photo("PNG"), LIMITS, keep_location=False)
    assert prepared.content_type == "image/png"
    assert prepared.filename == "looks-like.png"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.7\n",
        b"",
        photo("JPEG")[:200],  # cut off in the middle
        photo("GIF", exif=False),  # an image, but not a kind we take
    ],
    ids=["html", "pdf", "empty", "truncated-jpeg", "gif"],
)
def test_anything_but_a_readable_photo_is_refused_with_its_name(data: bytes) -> None:
    with pytest.raises(ImageRefusedError, match=r"photo\.jpg is not a photo we can read"):
        prepare_image("photo.jpg", data, LIMITS, keep_location=False)


def test_exif_xmp_and_comments_are_stripped_and_the_rotation_applied() -> None:
    prepared = prepare_image("IMG_0001.JPG", photo("JPEG"), LIMITS, keep_location=False)
    image = decoded(prepared.data)
    assert dict(image.getexif()) == {}
    assert b"Pixelcorp" not in prepared.data
    assert b"Alex Tremblay" not in prepared.data
    assert (prepared.width, prepared.height) == (20, 40) == image.size
    assert prepared.has_location is False


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_shared_location_is_the_only_exif_kept(fmt: str) -> None:
    prepared = prepare_image("IMG.jpg", photo(fmt), LIMITS, keep_location=True)
    exif = decoded(prepared.data).getexif()
    assert set(exif) == {ExifTags.IFD.GPSInfo}
    assert dict(exif.get_ifd(ExifTags.IFD.GPSInfo)) == GPS
    assert b"Pixelcorp" not in prepared.data
    assert prepared.has_location is True


def test_sharing_the_location_of_a_photo_without_one_keeps_nothing() -> None:
    prepared = prepare_image("x.png", photo("PNG", exif=False), LIMITS, keep_location=True)
    assert prepared.has_location is False
    assert dict(decoded(prepared.data).getexif()) == {}


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    bomb = png_bomb()
    assert len(bomb) < 200
    with pytest.raises(ImageRefusedError, match="too many pixels"):
        prepare_image("bomb.png", bomb, LIMITS, keep_location=False)


@pytest.mark.parametrize(
    "size",
    [(12, 12), (30, 30), (11, 10)],
    ids=["pillow-warns-between-1x-and-2x", "pillow-errors-past-2x", "just-over"],
)
def test_pillows_pixel_limit_follows_the_configured_one(size: tuple[int, int]) -> None:
    small = ImageLimits(max_count=5, max_bytes=10 * 1024 * 1024, max_pixels=100)
    with pytest.raises(ImageRefusedError, match="too many pixels"):
        prepare_image("big.png", photo("PNG", size, exif=False), small, keep_location=False)
    assert Image.MAX_IMAGE_PIXELS == 100
    prepare_image("ok.png", photo("PNG", (10, 10), exif=False), small, keep_location=False)


def test_a_file_over_the_size_limit_is_refused_unread() -> None:
    small = ImageLimits(max_count=5, max_bytes=1000, max_pixels=60_000_000)
    with pytest.raises(ImageRefusedError, match="big.jpg is larger than 1 KB"):
        prepare_image("big.jpg", b"\xff" * 1001, small, keep_location=False)


def test_more_photos_than_the_limit_are_refused_together() -> None:
    files = [(f"p{n}.png", photo("PNG", exif=False)) for n in range(6)]
    with pytest.raises(ImageRefusedError, match="at most 5 photos"):
        prepare_images(files, LIMITS, keep_location=False)


def test_one_bad_photo_refuses_the_lot() -> None:
    files = [("good.png", photo("PNG")), ("bad.jpg", b"not a photo")]
    with pytest.raises(ImageRefusedError, match="bad.jpg"):
        prepare_images(files, LIMITS, keep_location=False)


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\alex\\IMG 1.jpg", "IMG 1.jpg"),
        ('a"b<c>\r\n.png', "abc.png"),
        ("", "photo"),
        (None, "photo"),
        ("...", "photo"),
    ],
)
def test_file_names_lose_folders_quotes_and_control_characters(name: str | None, kept: str) -> None:
    assert safe_filename(name) == kept


def test_heif_is_offered_only_when_pillow_can_read_it() -> None:
    formats = readable_formats()
    assert {"JPEG", "PNG", "WEBP"} <= set(formats)
    Image.init()
    assert ("HEIF" in formats) == ("HEIF" in Image.OPEN)
