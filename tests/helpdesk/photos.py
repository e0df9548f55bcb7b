"""Photos for the tests, made on the fly: real encoders, real EXIF, and a real bomb."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags
from PIL import Image

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (52.0, 52.0, 30.0),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (118.0, 5.0, 0.0),
}


def photo(fmt: str = "JPEG", size: tuple[int, int] = (40, 20), *, exif: bool = True) -> bytes:
    """Encode a small photo as a phone would: camera make, a rotation and a GPS position."""
    image = Image.new("RGB", size, "teal")
    options: dict[str, object] = {}
    if exif:
        tags = Image.Exif()
        tags[ExifTags.Base.Make] = "Pixelcorp"
        tags[ExifTags.Base.Model] = "Phone 9 Secret"
        tags[ExifTags.Base.Orientation] = 6
        tags[ExifTags.IFD.GPSInfo] = GPS
        options["exif"] = tags.tobytes()
    if fmt == "JPEG":
        options["comment"] = b"Taken by Alex Tremblay"
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A 100-byte PNG whose header declares ten billion pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )
