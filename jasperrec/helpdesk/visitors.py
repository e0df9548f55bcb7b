"""Requests from visitors without an account, and the private link they follow them by."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from flask import current_app
from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer

from jasperrec.auth.contacts import create_contact
from jasperrec.auth.contacts import find_or_create_contact
from jasperrec.auth.models import User
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from . import attachments
from .models import Attachment
from .models import ServiceRequest
from .models import ServiceRequestMessage
from .service import RequestDetails
from .service import acknowledge
from .service import acknowledgement_headers
from .service import add_customer_message
from .service import file_request


@dataclasses.dataclass(frozen=True)
class Visitor:
    """What a visitor chose to tell us about themselves; every part is optional."""

    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    phone: str | None = None


@dataclasses.dataclass(frozen=True)
class VisitorReceipt:
    """The filed request and the token of its private follow link, shown once."""

    service_request: ServiceRequest
    token: str


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="jasperrec.follow-request")  # type: ignore[arg-type]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def caller_for(visitor: Visitor) -> User:
    """Find the contact (or resident) behind the address given, or add a contact; flushes only."""
    names = {"first_name": visitor.first_name, "last_name": visitor.last_name}
    if visitor.email:
        return find_or_create_contact(visitor.email, **names, phone=visitor.phone)
    return create_contact(**names, phone=visitor.phone)


def open_visitor_request(
    visitor: Visitor,
    details: RequestDetails,
    photos: Sequence[tuple[str, bytes]] = (),
    *,
    share_location: bool = False,
) -> VisitorReceipt:
    """File a request from someone without an account and give them a private follow link.

    The link's token is 256 random bits signed with the request id; only its hash is kept,
    so the database cannot give out working links. A visitor who gave an email address is
    a contact: the acknowledgement, with the link, goes there.

    :raises UnknownTopicError:
    :raises ImageRefusedError:
    """
    images = attachments.check_images(photos, keep_location=share_location)
    secret = secrets.token_urlsafe(32)
    with attachments.kept_only_if_committed() as written:
        service_request = file_request(caller_for(visitor), details)
        service_request.follow_token_hash = _hash(secret)
        attachments.attach_images(service_request, images, written)
        headers = acknowledgement_headers(service_request)
        db.session.commit()
    token = _serializer().dumps([service_request.id, secret])
    acknowledge(service_request, follow_token=token, headers=headers)
    return VisitorReceipt(service_request, token)


def request_for_token(token: str) -> ServiceRequest:
    """Return the request a follow link is for.

    :raises NotFoundError: for a forged, damaged or unknown link, alike.
    """
    try:
        request_id, secret = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise NotFoundError() from exc
    if not isinstance(request_id, int) or not isinstance(secret, str):
        raise NotFoundError()
    found = db.session.get(ServiceRequest, request_id)
    stored = found.follow_token_hash if found else None
    if found is None or stored is None or not hmac.compare_digest(stored, _hash(secret)):
        raise NotFoundError()
    return found


def add_visitor_message(token: str, body: str) -> ServiceRequestMessage:
    """Add the visitor's reply to the request their link is for.

    :raises NotFoundError:
    :raises RequestClosedError:
    """
    service_request = request_for_token(token)
    return add_customer_message(service_request, body)


def photo_for_token(token: str, photo_token: str) -> Attachment:
    """Return a photo of the request a follow link is for.

    :raises NotFoundError: also for another request's photo.
    """
    service_request = request_for_token(token)
    attachment = attachments.get_attachment(photo_token)
    if attachment.request_id != service_request.id:
        raise NotFoundError()
    return attachment
