"""Helpdesk use cases: residents' requests, and the queues the staff console reads."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from jasperrec.auth.models import User
from jasperrec.db import paginate_clamped
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.mail import send_mail

from . import attachments
from . import clock
from . import standards
from . import threading
from . import workflow
from .categories.models import Category
from .categories.service import Answers
from .categories.service import answer_rows
from .errors import RequestClosedError
from .errors import RequestNotResolvedError
from .models import Channel
from .models import RequestStatus
from .models import ServiceRequest
from .models import ServiceRequestMessage
from .routing import route

# Requests on one page of the resident's list.
RESIDENT_PAGE_SIZE = 20


@dataclasses.dataclass(frozen=True)
class RequestDetails:
    """What a resident writes when asking for help, in the category they picked."""

    # None only for a call the agent did not file under a category.
    category: Category | None
    subject: str
    description: str
    # Answers to the category's extra questions, by question id.
    answers: Answers = dataclasses.field(default_factory=dict)
    # Where the problem is, in the resident's words, when it has a place.
    location_address: str | None = None


def file_request(
    customer: User, details: RequestDetails, channel: Channel = Channel.WEB
) -> ServiceRequest:
    """Route a request to its department's queue, due by the channel's standard; flushes only.

    Without a category (a call the agent did not file under one) the keyword rules route it.
    """
    received = utcnow()
    subject, description = details.subject.strip(), details.description.strip()
    category, department = route(details.category, f"{subject}\n{description}")
    location = " ".join((details.location_address or "").split())
    service_request = ServiceRequest(
        customer=customer,
        department=department,
        category=category,
        channel=channel,
        subject=subject,
        description=description,
        location_address=location or None,
        status=RequestStatus.NEW,
        created_at=received,
        answers=answer_rows(details.category, details.answers) if details.category else [],
    )
    clock.start(service_request, received, channel)
    db.session.add(service_request)
    db.session.flush()
    return service_request


def open_request(
    customer: User,
    details: RequestDetails,
    photos: Sequence[tuple[str, bytes]] = (),
    *,
    share_location: bool = False,
) -> ServiceRequest:
    """File a resident's web request routed by its category and confirm it by email.

    Photos are (file name, content) pairs; all are checked before anything is saved.

    :raises ImageRefusedError:
    """
    images = attachments.check_images(photos, keep_location=share_location)
    with attachments.kept_only_if_committed() as written:
        service_request = file_request(customer, details)
        attachments.attach_images(service_request, images, written)
        headers = acknowledgement_headers(service_request)
        db.session.commit()
    acknowledge(service_request, headers=headers)
    return service_request


def acknowledgement_headers(service_request: ServiceRequest) -> dict[str, str] | None:
    """Thread the acknowledgement, so answering it adds to the request; flushes only."""
    if service_request.customer.email is None:
        return None
    return threading.outgoing_headers(service_request)


def acknowledge(
    service_request: ServiceRequest,
    follow_token: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    not_kept: Sequence[str] = (),
) -> None:
    """Email the customer the reference and the answer-by date, if they gave an address.

    A visitor without an account gets their private follow link in it; an emailed request
    is told which of its files or text we did not keep, and threads with its headers.
    """
    send_mail(
        service_request.customer.email,
        "helpdesk/request_received",
        headers=headers,
        service_request=service_request,
        standard_days=standards.days_for(service_request.channel, current_app.config),
        follow_token=follow_token,
        not_kept=not_kept,
    )


def list_requests_for(customer: User, page: int = 1) -> Pagination:
    """Return a page of the resident's own requests: open ones first, newest first within each.

    A page past the last shows the last.
    """
    closed_last = sa.case((ServiceRequest.status == RequestStatus.CLOSED, 1), else_=0)
    query = (
        sa.select(ServiceRequest)
        .options(joinedload(ServiceRequest.department))
        .where(ServiceRequest.customer_id == customer.id)
        .order_by(closed_last, ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
    )
    return paginate_clamped(query, page, RESIDENT_PAGE_SIZE)


def get_request_for(customer: User, request_id: int) -> ServiceRequest:
    """Return one of the resident's own requests.

    :raises NotFoundError: also for another resident's request, so none can be probed for.
    """
    service_request = db.session.get(ServiceRequest, request_id)
    if service_request is None or service_request.customer_id != customer.id:
        raise NotFoundError()
    return service_request


def in_scope_of(staff: User) -> sa.ColumnElement[bool]:
    """Requests in one of the staff member's departments' queues or assigned to them."""
    department_ids = [d.id for d in staff.departments]
    return sa.or_(
        ServiceRequest.department_id.in_(department_ids), ServiceRequest.assignee_id == staff.id
    )


def add_follow_up(customer: User, request_id: int, body: str) -> ServiceRequestMessage:
    """Add the resident's message to their own request that is not closed.

    A request waiting on the resident goes back to staff, its clock running again; a
    resolved one reopens.

    :raises NotFoundError:
    :raises RequestClosedError:
    """
    return add_customer_message(get_request_for(customer, request_id), body)


def add_customer_message(service_request: ServiceRequest, body: str) -> ServiceRequestMessage:
    """Add the customer's message to their request that is not closed, however they reached it.

    A request waiting on the customer goes back to staff, its clock running again; a
    resolved one reopens (helpdesk.workflow.record_customer_reply).

    :raises RequestClosedError:
    """
    if service_request.status is RequestStatus.CLOSED:
        raise RequestClosedError(
            "This request is closed, so we cannot add to it. Please ask a new question."
        )
    message = ServiceRequestMessage(
        request=service_request,
        author_id=service_request.customer_id,
        body=body.strip(),
        created_at=utcnow(),
    )
    db.session.add(message)
    workflow.record_customer_reply(service_request, service_request.customer)
    db.session.commit()
    return message


def get_request_in_scope(
    staff: User, request_id: int, *, include_closed: bool = False
) -> ServiceRequest:
    """Return a request in the staff member's queues or assigned to them.

    Closed requests count only with include_closed: staff read them, but act on open ones.

    :raises NotFoundError: also for requests outside their scope, so none can be probed for.
    """
    query = sa.select(ServiceRequest).where(ServiceRequest.id == request_id, in_scope_of(staff))
    if not include_closed:
        query = query.where(ServiceRequest.status != RequestStatus.CLOSED)
    found = db.session.scalars(query).first()
    if found is None:
        raise NotFoundError()
    return found


def find_justifying_request(
    staff: User, customer_id: int, request_id: int | None = None
) -> ServiceRequest | None:
    """Return an open request from this customer that is in the staff member's scope.

    With request_id, only that request counts, so the audit names the one being worked on.
    """
    query = sa.select(ServiceRequest).where(
        ServiceRequest.customer_id == customer_id,
        ServiceRequest.status != RequestStatus.CLOSED,
        in_scope_of(staff),
    )
    if request_id is not None:
        query = query.where(ServiceRequest.id == request_id)
    return db.session.scalars(query.order_by(ServiceRequest.id).limit(1)).first()


def report_not_fixed(customer: User, request_id: int, body: str = "") -> ServiceRequest:
    """Reopen the resident's resolved request because it is not fixed, with what they add.

    :raises NotFoundError:
    :raises RequestClosedError:
    :raises RequestNotResolvedError:
    """
    service_request = get_request_for(customer, request_id)
    if service_request.status is RequestStatus.CLOSED:
        raise RequestClosedError(
            "This request is closed, so we cannot reopen it. Please ask a new question."
        )
    if service_request.status is not RequestStatus.RESOLVED:
        raise RequestNotResolvedError("This request is still open: we are working on it.")
    if body.strip():
        db.session.add(
            ServiceRequestMessage(
                request=service_request,
                author_id=customer.id,
                body=body.strip(),
                created_at=utcnow(),
            )
        )
    workflow.change_status(
        service_request,
        RequestStatus.IN_PROGRESS,
        customer,
        detail="Reopened: the resident says it is not fixed.",
    )
    db.session.commit()
    return service_request
