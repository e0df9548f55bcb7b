"""Photos residents send: checked by content, re-encoded with Pillow, stripped of EXIF.

This is the only module that imports Pillow. Nothing here touches the database or disk.
"""

from __future__ import annotations

import dataclasses
import io
import warnings
from collections.abc import Sequence

from PIL import ExifTags
from PIL import Image
from PIL import ImageOps
from PIL import UnidentifiedImageError

from .errors import ImageRefusedError

# Pillow's name for a format: (the format we save as, its MIME type, its file extension).
# HEIC is decoded only when a Pillow plugin for it is installed, and saved as JPEG, which
# every browser shows.
FORMATS: dict[str, tuple[str, str, str]] = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "PNG": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
    "HEIF": ("JPEG", "image/jpeg", "jpg"),
}
JPEG_QUALITY = 85
# What a re-encoded photo keeps of the file's metadata: colour and transparency only. EXIF,
# XMP, comments and text chunks can name the camera, its owner and where it was.
KEPT_INFO = ("icc_profile", "transparency")
NAME_MAX = 120


@dataclasses.dataclass(frozen=True)
class PreparedImage:
    """A photo re-encoded and ready to store: nothing of the sender's file survives but pixels."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    filename: str
    has_location: bool


@dataclasses.dataclass(frozen=True)
class ImageLimits:
    """How many photos, how large each file, and how many pixels each may have."""

    max_count: int
    max_bytes: int
    max_pixels: int


def readable_formats() -> list[str]:
    """Return the formats we accept that this Pillow can decode (HEIF only with a plugin)."""
    Image.init()
    return [name for name in FORMATS if name in Image.OPEN]


def prepare_images(
    files: Sequence[tuple[str, bytes]], limits: ImageLimits, *, keep_location: bool
) -> list[PreparedImage]:
    """Check and re-encode every photo, refusing all of them if any one is refused.

    :raises ImageRefusedError:
    """
    if len(files) > limits.max_count:
        raise ImageRefusedError(f"Send at most {limits.max_count} photos with one request.")
    return [prepare_image(name, data, limits, keep_location=keep_location) for name, data in files]


def prepare_image(
    name: str, data: bytes, limits: ImageLimits, *, keep_location: bool
) -> PreparedImage:
    """Decode one photo by its content, whatever it is called, and re-encode it.

    Only the GPS position survives from its EXIF data, and only with keep_location.

    :raises ImageRefusedError:
    """
    shown = safe_filename(name)
    if len(data) > limits.max_bytes:
        raise ImageRefusedError(f"{shown} is larger than {size_text(limits.max_bytes)}.")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; refuse there too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _decode(data, limits.max_pixels)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, _TooManyPixelsError):
        raise ImageRefusedError(
            f"{shown} has too many pixels for us to open safely. Send a smaller photo."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRefusedError(
            f"{shown} is not a photo we can read. Send a JPEG, PNG or WebP image."
        ) from None
    return _reencode(image, shown, keep_location=keep_location)


class _TooManyPixelsError(Exception):
    """The header declares more pixels than we decode."""


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    """Open by content, check the declared size before decoding, then decode fully."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    image = Image.open(io.BytesIO(data), formats=readable_formats())
    width, height = image.size
    if width * height > max_pixels:
        raise _TooManyPixelsError()
    image.load()
    return image


def _reencode(image: Image.Image, filename: str, *, keep_location: bool) -> PreparedImage:
    save_as, content_type, extension = FORMATS[str(image.format)]
    gps = _gps_of(image) if keep_location else {}
    upright = ImageOps.exif_transpose(image) or image
    if save_as == "JPEG" and upright.mode != "RGB":
        upright = upright.convert("RGB")
    upright.info = {key: upright.info[key] for key in KEPT_INFO if key in upright.info}
    options: dict[str, object] = {}
    if save_as == "JPEG":
        options["quality"] = JPEG_QUALITY
    if gps:
        exif = Image.Exif()
        exif[ExifTags.IFD.GPSInfo] = gps
        options["exif"] = exif.tobytes()
    out = io.BytesIO()
    upright.save(out, format=save_as, **options)
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return PreparedImage(
        data=out.getvalue(),
        content_type=content_type,
        extension=extension,
        width=upright.width,
        height=upright.height,
        filename=f"{stem}.{extension}",
        has_location=bool(gps),
    )


def _gps_of(image: Image.Image) -> dict[int, object]:
    try:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))
    except (OSError, SyntaxError, ValueError, KeyError, TypeError):
        return {}


def size_text(size: int) -> str:
    """Say a file size as people read it: whole megabytes, or kilobytes below one."""
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)} MB"
    return f"{max(size // 1024, 1)} KB"


def safe_filename(name: str | None) -> str:
    """Keep a file name readable but harmless: no folders, quotes or control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in base if c.isprintable() and c not in '"<>:;|?*')
    kept = kept.strip(" .")[:NAME_MAX]
    return kept or "photo"
