"""What the helpdesk holds about a resident: their requests and each whole conversation."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.personal_data import Kind
from jasperrec.personal_data import Row
from jasperrec.personal_data import iso

from .categories.models import RequestAnswer
from .models import Attachment
from .models import InboundEmail
from .models import ServiceRequest
from .models import ServiceRequestEvent
from .models import ServiceRequestMessage

AUTHORITY = (
    "Protection of Privacy Act (Alberta): information needed to answer the requests you "
    "make to the municipality"
)
RETENTION = "For as long as your account is open, so you can look back at past requests."
# Staff's internal notes are left out on purpose: they may name other people or give advice
# that the access law lets the municipality hold back, so a person asks for them through a
# formal access request, where they are reviewed first, never by a self-service download.
NOTES_WITHHELD = (
    " Staff's internal notes about a request are not in this download; ask the privacy "
    "officer for them with an access request, and they are reviewed before release."
)


class HelpdeskData:
    """The helpdesk's provider in the personal-data registry."""

    name = "helpdesk"
    tables = frozenset(
        {
            "service_requests",
            "service_request_messages",
            "service_request_attachments",
            "request_answers",
            "service_request_events",
            "service_request_notes",
            "service_request_message_ids",
            "helpdesk_inbound_emails",
        }
    )

    def export(self, user: User) -> list[Kind]:
        """Return the person's requests, and every message of each as a second kind."""
        query = (
            sa.select(ServiceRequest)
            .options(
                selectinload(ServiceRequest.department),
                selectinload(ServiceRequest.attachments),
                selectinload(ServiceRequest.category),
                selectinload(ServiceRequest.answers),
                selectinload(ServiceRequest.follows_up),
                selectinload(ServiceRequest.inbound_emails),
                selectinload(ServiceRequest.assignee).selectinload(User.departments),
                selectinload(ServiceRequest.messages)
                .selectinload(ServiceRequestMessage.author)
                .selectinload(User.departments),
                selectinload(ServiceRequest.events)
                .selectinload(ServiceRequestEvent.actor)
                .selectinload(User.departments),
            )
            .where(ServiceRequest.customer_id == user.id)
            .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
        )
        requests = db.session.scalars(query).all()
        messages = tuple(_message_row(m) for r in requests for m in r.messages)
        photos = tuple(_photo_row(r, a) for r in requests for a in r.attachments)
        answers = tuple(_answer_row(r, a) for r in requests for a in r.answers)
        history = tuple(_event_row(e, user) for r in requests for e in r.events)
        emails = tuple(_email_row(r, e) for r in requests for e in r.inbound_emails)
        return [
            Kind(
                key="helpdesk_requests",
                title="Your helpdesk requests",
                purpose="To answer your questions and requests and track them until done."
                + NOTES_WITHHELD,
                retention=RETENTION,
                authority=AUTHORITY,
                rows=tuple(_request_row(r) for r in requests),
            ),
            Kind(
                key="helpdesk_messages",
                title="Messages in your helpdesk requests",
                purpose="The whole conversation about each request, yours and ours.",
                retention=RETENTION,
                authority=AUTHORITY,
                rows=messages,
            ),
            Kind(
                key="helpdesk_photos",
                title="Photos sent with your helpdesk requests",
                purpose="To see the problem you reported, as you showed it to us.",
                retention=RETENTION,
                authority=AUTHORITY,
                rows=photos,
            ),
            Kind(
                key="helpdesk_answers",
                title="Your answers to the questions of each request's topic",
                purpose="What we asked to route and answer each request without writing back.",
                retention=RETENTION,
                authority=AUTHORITY,
                rows=answers,
            ),
            Kind(
                key="helpdesk_history",
                title="Changes to your helpdesk requests",
                purpose="Who moved each request along and when: assigned, transferred, "
                "resolved, reopened, closed.",
                retention=RETENTION,
                authority=AUTHORITY,
                rows=history,
            ),
            Kind(
                key="helpdesk_emails",
                title="Emails you sent to the helpdesk",
                purpose="The Message-ID your mail program gave each email, kept so that an "
                "email delivered twice is not filed twice; its text is in the messages.",
                retention=RETENTION,
                authority=AUTHORITY,
                rows=emails,
            ),
        ]


def _request_row(request: ServiceRequest) -> Row:
    return {
        "request_reference": request.reference,
        "subject": request.subject,
        "description": request.description,
        "topic": request.category.slug if request.category else None,
        "category": request.category.name if request.category else None,
        "channel": request.channel.value,
        "status": request.status.value,
        "department": request.department.name,
        "assigned_to": request.assignee.staff_label if request.assignee else None,
        "created_at": iso(request.created_at),
        "answer_due_at": iso(request.due_at),
        "first_answered_at": iso(request.first_response_at),
        "resolution": request.resolution.value if request.resolution else None,
        "resolved_at": iso(request.resolved_at),
        "closed_at": iso(request.closed_at),
        "follows_up_reference": request.follows_up.reference if request.follows_up else None,
        "location_address": request.location_address,
        # Numbers as text, so the CSV and the JSON show the position exactly as stored.
        "latitude": None if request.latitude is None else str(request.latitude),
        "longitude": None if request.longitude is None else str(request.longitude),
        # The app's device details identify a phone, so they are the resident's personal
        # information: staff-only in the console, but part of the resident's own copy.
        "device_model": request.device_model,
        "device_os_version": request.device_os_version,
        "app_version": request.app_version,
        "app_install_id": request.install_id,
    }


def _email_row(request: ServiceRequest, email: InboundEmail) -> Row:
    return {
        "request_reference": request.reference,
        "message_id": email.message_id,
        "received_at": iso(email.created_at),
    }


def _answer_row(request: ServiceRequest, answer: RequestAnswer) -> Row:
    return {
        "request_reference": request.reference,
        "question": answer.prompt,
        "answer": answer.answer,
    }


def _message_row(message: ServiceRequestMessage) -> Row:
    return {
        "request_reference": message.request.reference,
        "from": message.signature if message.is_from_staff else "You",
        "sent_at": iso(message.created_at),
        "message": message.body,
    }


def _photo_row(request: ServiceRequest, photo: Attachment) -> Row:
    return {
        "request_reference": request.reference,
        "file_name": photo.filename,
        "content_type": photo.content_type,
        "size_bytes": photo.size_bytes,
        "width": photo.width,
        "height": photo.height,
        "location_kept": photo.has_location,
        "received_at": iso(photo.created_at),
    }


def _event_row(event: ServiceRequestEvent, user: User) -> Row:
    if event.actor is None:
        by = "Automatic"
    elif event.actor_id == user.id:
        by = "You"
    else:
        by = event.actor.staff_label
    return {
        "request_reference": f"#{event.request_id}",
        "changed_at": iso(event.created_at),
        "change": event.kind.value,
        "from": event.from_value,
        "to": event.to_value,
        "by": by,
    }
