"""The email channel: one message from the mail server becomes a request or part of one.

An answer to our mail (by Message-ID, or a [JR-...] reference in the subject) from the
request's own customer joins its conversation, reopening it if it was resolved or
closed lately; anything else files a new email request from the sender as a contact,
routed by the keyword rules. Robots (auto-replies, bounces, lists) open nothing and get
no answer, so two of them cannot loop. Nothing is written unless all of it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app

from jasperrec.auth.contacts import find_or_create_contact
from jasperrec.db import utcnow
from jasperrec.extensions import db

from . import attachments
from . import threading
from . import workflow
from .errors import ImageRefusedError
from .errors import MailRejectedError
from .images import PreparedImage
from .images import prepare_image
from .images import size_text
from .inbound import InboundFile
from .inbound import InboundMail
from .inbound import automatic_reason
from .inbound import parse
from .inbound import read
from .models import MESSAGE_MAX
from .models import Channel
from .models import InboundEmail
from .models import RequestStatus
from .models import ServiceRequest
from .models import ServiceRequestMessage
from .service import RequestDetails
from .service import acknowledge
from .service import acknowledgement_headers
from .service import file_request


class Outcome(enum.StrEnum):
    """What mail-in did with a message; the mail server only learns delivered or not."""

    FILED = "filed as a new request"
    FOLLOW_UP = "filed as a new request following up a closed one"
    ADDED = "added to the request's conversation"
    IGNORED = "ignored"
    ALREADY = "already received"


@dataclasses.dataclass(frozen=True)
class Delivery:
    """The outcome for the log the mail server keeps, and the request it concerns."""

    outcome: Outcome
    reference: str | None = None
    why: str = ""

    def __str__(self) -> str:
        parts = [self.outcome.value, self.reference or "", self.why]
        return ": ".join(p for p in parts if p)


@dataclasses.dataclass(frozen=True)
class _Kept:
    """The text and photos we keep from an email, and lines saying what we did not."""

    text: str
    images: list[PreparedImage]
    not_kept: list[str]


def max_bytes() -> int:
    """The largest message mail-in takes; the command reads one byte more to tell."""
    return int(current_app.config["HELPDESK_MAIL_MAX_BYTES"])


def receive(raw: bytes, envelope_sender: str | None = None) -> Delivery:
    """Take one message as the mail server pipes it, and say what became of it.

    envelope_sender is the SMTP MAIL FROM ("" for a bounce), None when unknown.

    :raises MailRejectedError: for a message to bounce: too large, or no sender to answer.
    """
    if len(raw) > max_bytes():
        raise MailRejectedError(
            f"The message is larger than {size_text(max_bytes())}. "
            "Send photos in separate emails, or fewer of them."
        )
    message = parse(raw)
    robot = automatic_reason(message, envelope_sender)
    if robot is not None:
        return Delivery(Outcome.IGNORED, why=f"sent automatically ({robot})")
    mail = read(message)
    if mail.sender in _our_addresses():
        return Delivery(Outcome.IGNORED, why="sent from our own address")
    if mail.message_id and _already_received(mail.message_id):
        return Delivery(Outcome.ALREADY, why=mail.message_id)
    earlier = _answered_request(mail)
    if earlier is not None and _still_open_to_mail(earlier):
        return _add_to(earlier, mail)
    return _file_new(mail, follows_up=earlier)


def _our_addresses() -> set[str]:
    config = current_app.config
    senders = (config["HELPDESK_REPLY_TO"], str(config.get("MAIL_DEFAULT_SENDER") or ""))
    return {s.rpartition("<")[2].rstrip(">").strip().lower() for s in senders if s}


def _already_received(message_id: str) -> bool:
    query = sa.select(InboundEmail.id).where(InboundEmail.message_id == message_id[:255])
    return db.session.scalar(query) is not None


def _answered_request(mail: InboundMail) -> ServiceRequest | None:
    """The request the email answers, if it came from that request's own customer.

    A Message-ID or reference alone is not enough: anyone may quote a subject line, so an
    answer from another address starts a request of its own.
    """
    found = threading.request_for_message_ids(mail.thread_ids)
    if found is None and mail.reference is not None:
        query = sa.select(ServiceRequest).where(ServiceRequest.reference == mail.reference)
        found = db.session.scalars(query).first()
    if found is None or (found.customer.email or "").lower() != mail.sender:
        return None
    return found


def _still_open_to_mail(service_request: ServiceRequest, now: dt.datetime | None = None) -> bool:
    """Closed longer ago than HELPDESK_MAIL_REOPEN_DAYS: an answer starts a linked request."""
    if service_request.status is not RequestStatus.CLOSED or service_request.closed_at is None:
        return True
    days = int(current_app.config["HELPDESK_MAIL_REOPEN_DAYS"])
    return service_request.closed_at > (now or utcnow()) - dt.timedelta(days=days)


def _keep(text: str, files: Sequence[InboundFile]) -> _Kept:
    """Cut the text to what a message holds and keep the photos we can, saying what we drop."""
    not_kept: list[str] = []
    if len(text) > MESSAGE_MAX:
        not_kept.append(f"Your text after the first {MESSAGE_MAX:,} characters.")
        text = text[:MESSAGE_MAX]
    images: list[PreparedImage] = []
    limits = attachments.limits()
    for index, file in enumerate(files):
        if len(images) == limits.max_count:
            dropped = len(files) - index
            not_kept.append(
                f"{dropped} more file{'s' if dropped != 1 else ''}: "
                f"we keep at most {limits.max_count} photos from one email."
            )
            break
        try:
            images.append(prepare_image(file.filename, file.data, limits, keep_location=False))
        except ImageRefusedError as exc:
            not_kept.append(str(exc))
    return _Kept(text, images, not_kept)


def _add_to(service_request: ServiceRequest, mail: InboundMail) -> Delivery:
    """Add the customer's emailed answer, with its photos, to the request's conversation."""
    kept = _keep(mail.reply_text, mail.files)
    if not kept.text and not kept.images:
        return Delivery(Outcome.IGNORED, service_request.reference, "the answer was empty")
    body = kept.text or "(Photos sent by email.)"
    if kept.not_kept:
        body += "\n\n[Not kept from this email: " + " ".join(kept.not_kept) + "]"
    with attachments.kept_only_if_committed() as written:
        message = ServiceRequestMessage(
            request=service_request,
            author_id=service_request.customer_id,
            body=body,
            created_at=utcnow(),
        )
        db.session.add(message)
        db.session.flush()
        attachments.attach_images(service_request, kept.images, written, message=message)
        workflow.record_customer_reply(service_request, service_request.customer)
        _remember(mail, service_request)
        db.session.commit()
    return Delivery(Outcome.ADDED, service_request.reference)


def _file_new(mail: InboundMail, follows_up: ServiceRequest | None) -> Delivery:
    """File the email as a new request from its sender, acknowledged with what was not kept."""
    kept = _keep(mail.text, mail.files)
    with attachments.kept_only_if_committed() as written:
        customer = find_or_create_contact(
            mail.sender, first_name=mail.first_name, last_name=mail.last_name
        )
        details = RequestDetails(category=None, subject=mail.subject, description=kept.text)
        service_request = file_request(customer, details, Channel.EMAIL)
        service_request.follows_up = follows_up
        attachments.attach_images(service_request, kept.images, written)
        _remember(mail, service_request)
        headers = acknowledgement_headers(service_request)
        db.session.commit()
    acknowledge(service_request, headers=headers, not_kept=kept.not_kept)
    if follows_up is not None:
        why = f"{follows_up.reference} closed too long ago to reopen"
        return Delivery(Outcome.FOLLOW_UP, service_request.reference, why)
    return Delivery(Outcome.FILED, service_request.reference)


def _remember(mail: InboundMail, service_request: ServiceRequest) -> None:
    if mail.message_id:
        db.session.add(
            InboundEmail(message_id=mail.message_id[:255], request_id=service_request.id)
        )
        db.session.flush()
