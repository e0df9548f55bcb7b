"""Photos kept with requests: stored under the instance folder, read back only by those entitled.

A photo's URL carries a random token, never its row id, and only the request's customer
and staff whose scope covers the request get it; everyone else gets 404.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Response
from flask import current_app
from flask import send_file

from jasperrec.auth.models import User
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from .images import ImageLimits
from .images import PreparedImage
from .images import prepare_images
from .models import Attachment
from .models import ServiceRequest
from .models import ServiceRequestMessage

TOKEN_BYTES = 32


def limits() -> ImageLimits:
    """Return the configured limits on photos: how many, how large, how many pixels."""
    config = current_app.config
    return ImageLimits(
        max_count=int(config["HELPDESK_ATTACHMENT_MAX_COUNT"]),
        max_bytes=int(config["HELPDESK_ATTACHMENT_MAX_BYTES"]),
        max_pixels=int(config["HELPDESK_ATTACHMENT_MAX_PIXELS"]),
    )


def check_images(files: Sequence[tuple[str, bytes]], *, keep_location: bool) -> list[PreparedImage]:
    """Check and re-encode the photos sent with a request, under the configured limits.

    :raises ImageRefusedError:
    """
    return prepare_images(files, limits(), keep_location=keep_location)


def folder() -> Path:
    """Return where photos are kept: HELPDESK_ATTACHMENTS_PATH, under the instance folder."""
    configured = Path(current_app.config["HELPDESK_ATTACHMENTS_PATH"])
    if configured.is_absolute():
        return configured
    return Path(current_app.instance_path) / configured


@contextlib.contextmanager
def kept_only_if_committed() -> Iterator[list[Path]]:
    """Collect the files written in a block, and delete them if the block fails.

    Wrap the writing and the commit together, so a request that is not saved leaves no
    photo behind.
    """
    written: list[Path] = []
    try:
        yield written
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def attach_images(
    service_request: ServiceRequest,
    images: Sequence[PreparedImage],
    written: list[Path],
    *,
    message: ServiceRequestMessage | None = None,
) -> list[Attachment]:
    """Write each photo's file and add its row to the transaction; the caller commits.

    Each written path is appended to `written`, from kept_only_if_committed().
    """
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    added = []
    for image in images:
        stored_name = f"{secrets.token_hex(16)}.{image.extension}"
        _write(target / stored_name, image.data, written)
        attachment = Attachment(
            request=service_request,
            token=secrets.token_urlsafe(TOKEN_BYTES),
            stored_name=stored_name,
            filename=image.filename,
            content_type=image.content_type,
            size_bytes=len(image.data),
            width=image.width,
            height=image.height,
            has_location=image.has_location,
        )
        if message is not None:
            attachment.message_id = message.id
        db.session.add(attachment)
        added.append(attachment)
    db.session.flush()
    return added


def _write(path: Path, data: bytes, written: list[Path]) -> None:
    """Write whole or not at all: a reader never sees half a file under its final name."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    written.append(path)


def read_bytes(attachment: Attachment) -> bytes:
    """Return the stored photo.

    :raises NotFoundError: when its file has gone, as after a restore without the folder.
    """
    try:
        return (folder() / attachment.stored_name).read_bytes()
    except FileNotFoundError:
        raise NotFoundError() from None


def _by_token(token: str) -> sa.Select[Any]:
    return sa.select(Attachment).where(Attachment.token == token)


def get_attachment(token: str) -> Attachment:
    """Return the photo with this token, for a caller that then checks the reader's scope.

    :raises NotFoundError:
    """
    found: Attachment | None = db.session.scalars(_by_token(token)).first()
    if found is None:
        raise NotFoundError()
    return found


def get_attachment_for(customer: User, token: str) -> Attachment:
    """Return a photo from one of the resident's own requests.

    :raises NotFoundError: also for another resident's photo.
    """
    query = (
        _by_token(token).join(Attachment.request).where(ServiceRequest.customer_id == customer.id)
    )
    found: Attachment | None = db.session.scalars(query).first()
    if found is None:
        raise NotFoundError()
    return found


def photo_response(attachment: Attachment) -> Response:
    """Answer with the photo itself, typed as we encoded it and never sniffed or cached.

    :raises NotFoundError:
    """
    response = send_file(
        io.BytesIO(read_bytes(attachment)),
        mimetype=attachment.content_type,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
