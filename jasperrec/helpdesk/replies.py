"""The staff side of a request's conversation: open it in the console, audited, reply to
the resident in full by email, and write internal notes only staff ever see.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.mail import send_mail
from jasperrec.staff import audit
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose

from . import clock
from . import threading
from . import workflow
from .attachments import get_attachment
from .models import Attachment
from .models import RequestStatus
from .models import ServiceRequest
from .models import ServiceRequestEvent
from .models import ServiceRequestMessage
from .models import ServiceRequestNote
from .service import get_request_in_scope

S = RequestStatus


def open_request_for_staff(
    staff: User, request_id: int, *, record_view: bool = True
) -> ServiceRequest:
    """Show staff a request in their scope, open or closed, with its conversation, notes
    and history, and audit the read.

    The audit entry is written in the same transaction as the read. record_view=False is
    for the page shown again within a page view already recorded (after its own form).
    The page then reads everything it shows in a fixed number of queries.

    :raises NotFoundError:
    """
    service_request = get_request_in_scope(staff, request_id, include_closed=True)
    if record_view:
        audit.record_access(
            staff,
            service_request.customer,
            AccessKind.REQUEST,
            AccessPurpose.SERVICE_REQUEST,
            record_type="service request",
            record_id=service_request.id,
            request_id=service_request.id,
        )
        db.session.commit()
    return _with_page_data(request_id)


def _with_page_data(request_id: int) -> ServiceRequest:
    query = (
        sa.select(ServiceRequest)
        .where(ServiceRequest.id == request_id)
        .options(
            selectinload(ServiceRequest.customer),
            selectinload(ServiceRequest.department),
            selectinload(ServiceRequest.assignee),
            selectinload(ServiceRequest.messages)
            .selectinload(ServiceRequestMessage.author)
            .selectinload(User.departments),
            selectinload(ServiceRequest.notes)
            .selectinload(ServiceRequestNote.author)
            .selectinload(User.departments),
            selectinload(ServiceRequest.events).selectinload(ServiceRequestEvent.actor),
        )
    )
    return db.session.scalars(query).one()


def post_public_reply(
    staff: User, service_request: ServiceRequest, body: str
) -> tuple[ServiceRequestMessage, dict[str, str]]:
    """Add a staff reply the resident sees, stop the clock, and get the mail headers.

    Flushes; the caller commits and then calls send_reply.
    """
    now = utcnow()
    message = ServiceRequestMessage(
        request=service_request,
        author_id=staff.id,
        body=body.strip(),
        is_from_staff=True,
        signed_as=staff.staff_label_in(service_request.department),
        created_at=now,
    )
    db.session.add(message)
    clock.record_first_response(service_request, now)
    headers = threading.outgoing_headers(service_request)
    return message, headers


def send_reply(
    service_request: ServiceRequest, message: ServiceRequestMessage, headers: dict[str, str]
) -> None:
    """Email the resident the whole reply, signed, threaded to the request's earlier mail."""
    send_mail(
        service_request.customer.email,
        "helpdesk/staff_replied",
        headers=headers,
        service_request=service_request,
        message=message,
        signature=message.signature,
    )


def reply_to_request(
    staff: User, request_id: int, body: str, *, wait_for_resident: bool = False
) -> ServiceRequestMessage:
    """Answer a request in the staff member's scope and email the answer to the resident.

    An unanswered request moves to in progress, or to waiting on the resident when the
    reply asks them something; a resolved one stays resolved.

    :raises NotFoundError:
    """
    service_request = get_request_in_scope(staff, request_id)
    message, headers = post_public_reply(staff, service_request, body)
    if service_request.status is not S.RESOLVED:
        target = S.WAITING if wait_for_resident else S.IN_PROGRESS
        if target is not service_request.status:
            workflow.change_status(service_request, target, staff)
    db.session.commit()
    send_reply(service_request, message, headers)
    return message


def open_attachment_for_staff(staff: User, token: str) -> Attachment:
    """Return a photo from a request in the staff member's scope, and audit the read.

    :raises NotFoundError: also for a photo outside their scope.
    """
    found = get_attachment(token)
    # Closed requests stay readable in scope, so their photos do too.
    service_request = get_request_in_scope(staff, found.request_id, include_closed=True)
    audit.record_access(
        staff,
        service_request.customer,
        AccessKind.REQUEST,
        AccessPurpose.SERVICE_REQUEST,
        record_type="request photo",
        record_id=found.id,
        request_id=service_request.id,
    )
    db.session.commit()
    return found


def add_note(staff: User, request_id: int, body: str) -> ServiceRequestNote:
    """Write an internal note on a request in scope: for staff only, never sent.

    :raises NotFoundError:
    """
    service_request = get_request_in_scope(staff, request_id)
    note = ServiceRequestNote(
        request_id=service_request.id, author_id=staff.id, body=body.strip(), created_at=utcnow()
    )
    db.session.add(note)
    db.session.commit()
    return note
