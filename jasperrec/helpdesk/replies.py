"""The staff side of a request's conversation: open it in the console, audited, and reply."""

from __future__ import annotations

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.mail import send_mail
from jasperrec.staff import audit
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose

from .attachments import get_attachment
from .models import Attachment
from .models import RequestStatus
from .models import ServiceRequest
from .models import ServiceRequestMessage
from .service import get_request_in_scope


def open_request_for_staff(
    staff: User, request_id: int, *, record_view: bool = True
) -> ServiceRequest:
    """Show staff a request in their scope, open or closed, and audit the read.

    The audit entry is written in the same transaction as the read. record_view=False is
    for the page shown again within a page view already recorded (after its own form).

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
    return service_request


def reply_to_request(staff: User, request_id: int, body: str) -> ServiceRequestMessage:
    """Answer a request in the staff member's scope and tell the resident there is a reply.

    A new request becomes open once staff have answered it.

    :raises NotFoundError:
    """
    service_request = get_request_in_scope(staff, request_id)
    message = ServiceRequestMessage(
        request=service_request,
        author_id=staff.id,
        body=body.strip(),
        is_from_staff=True,
        created_at=utcnow(),
    )
    if service_request.status is RequestStatus.NEW:
        service_request.status = RequestStatus.OPEN
    db.session.add(message)
    db.session.commit()
    send_mail(
        service_request.customer.email, "helpdesk/staff_replied", service_request=service_request
    )
    return message


def open_attachment_for_staff(staff: User, token: str) -> Attachment:
    """Return a photo from a request in the staff member's scope, and audit the read.

    :raises NotFoundError: also for a photo outside their scope.
    """
    found = get_attachment(token)
    service_request = get_request_in_scope(staff, found.request_id)
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
