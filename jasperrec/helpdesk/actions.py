"""What staff do to a request in their scope: assign, transfer, change status, resolve and
reopen. Each use case commits once; the status itself only moves through workflow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import Department
from jasperrec.auth.models import User
from jasperrec.auth.models import department_members
from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import has_permission
from jasperrec.extensions import db

from . import replies
from . import workflow
from .errors import NotInDepartmentError
from .errors import RequestNotOpenError
from .errors import TransferError
from .errors import TransitionNotAllowedError
from .models import EventKind
from .models import RequestStatus
from .models import Resolution
from .models import ServiceRequest
from .service import get_request_in_scope

S = RequestStatus
# The statuses staff set by hand; resolving and reopening have their own actions.
MANUAL_STATUSES = (S.IN_PROGRESS, S.WAITING)


@dataclasses.dataclass(frozen=True)
class RequestChoices:
    """Who and where the request page's forms can send the request."""

    colleagues: Sequence[User]
    departments: Sequence[Department]
    # The viewer answers for the request's department and does not hold it yet.
    may_take: bool


def choices_for(staff: User, service_request: ServiceRequest) -> RequestChoices:
    """Return the colleagues and departments the request page offers this staff member."""
    team = colleagues(service_request.department_id)
    return RequestChoices(
        team,
        transfer_targets(service_request),
        service_request.assignee_id != staff.id and any(u.id == staff.id for u in team),
    )


def _open_request_in_scope(staff: User, request_id: int) -> ServiceRequest:
    service_request = get_request_in_scope(staff, request_id)
    if not service_request.is_open:
        raise RequestNotOpenError(
            f"This request is {service_request.status.value}. Reopen it to work on it."
        )
    return service_request


def colleagues(department_id: int) -> Sequence[User]:
    """Return the department's active staff who may answer requests, by name."""
    query = (
        sa.select(User)
        .join(department_members, department_members.c.user_id == User.id)
        .options(selectinload(User.roles), selectinload(User.departments))
        .where(
            department_members.c.department_id == department_id,
            User.is_staff.is_(True),
            User.is_active.is_(True),
        )
        .order_by(User.first_name, User.last_name, User.id)
    )
    members = db.session.scalars(query).all()
    return [m for m in members if has_permission(m, Permission.HELPDESK_REQUESTS_REPLY)]


def transfer_targets(service_request: ServiceRequest) -> Sequence[Department]:
    """Return the departments a request can be transferred to: every other one, by name."""
    query = (
        sa.select(Department)
        .where(Department.id != service_request.department_id)
        .order_by(Department.name)
    )
    return db.session.scalars(query).all()


def assign(staff: User, request_id: int, assignee_id: int) -> ServiceRequest:
    """Give an open request to someone who answers for its department (perhaps oneself).

    A new request becomes assigned; the history records who had it and who has it now.

    :raises NotFoundError:
    :raises RequestNotOpenError:
    :raises NotInDepartmentError:
    """
    service_request = _open_request_in_scope(staff, request_id)
    assignee = next(
        (u for u in colleagues(service_request.department_id) if u.id == assignee_id), None
    )
    if assignee is None:
        raise NotInDepartmentError(
            f"Only staff who answer for {service_request.department.name} can take this request."
        )
    if service_request.assignee_id != assignee.id:
        before = service_request.assignee
        service_request.assignee_id = assignee.id
        workflow.record_event(
            service_request,
            EventKind.ASSIGNED,
            staff,
            before.staff_label if before else None,
            assignee.staff_label,
        )
        if service_request.status is S.NEW:
            workflow.change_status(service_request, S.ASSIGNED, staff)
    db.session.commit()
    return service_request


def transfer(staff: User, request_id: int, department_id: int, reason: str) -> ServiceRequest:
    """Send an open request to another department's queue, with the reason, unassigned.

    The service-standard clock keeps running: the resident is still waiting.

    :raises NotFoundError:
    :raises RequestNotOpenError:
    :raises TransferError:
    """
    service_request = _open_request_in_scope(staff, request_id)
    target = db.session.get(Department, department_id)
    if target is None:
        raise TransferError("Choose a department from the list.")
    if target.id == service_request.department_id:
        raise TransferError(f"The request is already with {target.name}.")
    workflow.record_event(
        service_request,
        EventKind.TRANSFERRED,
        staff,
        service_request.department.name,
        target.name,
        detail=reason.strip(),
    )
    if service_request.assignee is not None:
        workflow.record_event(
            service_request, EventKind.ASSIGNED, staff, service_request.assignee.staff_label, None
        )
        service_request.assignee_id = None
    service_request.department_id = target.id
    if service_request.status is S.ASSIGNED:
        workflow.change_status(service_request, S.NEW, staff, detail="Transferred unassigned.")
    db.session.commit()
    return service_request


def set_status(staff: User, request_id: int, status: RequestStatus) -> ServiceRequest:
    """Move a request to in progress or waiting on the resident (which pauses the clock).

    :raises NotFoundError:
    :raises TransitionNotAllowedError:
    """
    service_request = get_request_in_scope(staff, request_id)
    if status not in MANUAL_STATUSES:
        raise ValueError(f"{status.value} has its own action")
    workflow.change_status(service_request, status, staff)
    db.session.commit()
    return service_request


def resolve(
    staff: User, request_id: int, resolution: Resolution, public_note: str
) -> ServiceRequest:
    """Resolve a request with a reason code and a public note, emailed to the resident.

    :raises NotFoundError:
    :raises TransitionNotAllowedError:
    """
    service_request = get_request_in_scope(staff, request_id)
    workflow.change_status(service_request, S.RESOLVED, staff, detail=resolution.value)
    service_request.resolution = resolution
    message, headers = replies.post_public_reply(staff, service_request, public_note)
    db.session.commit()
    replies.send_reply(service_request, message, headers)
    return service_request


def reopen(staff: User, request_id: int, reason: str) -> ServiceRequest:
    """Reopen a resolved or closed request in scope, saying why.

    :raises NotFoundError:
    :raises TransitionNotAllowedError:
    """
    service_request = get_request_in_scope(staff, request_id, include_closed=True)
    if service_request.is_open:
        raise TransitionNotAllowedError("This request is open already.")
    workflow.change_status(service_request, S.IN_PROGRESS, staff, detail=reason.strip())
    db.session.commit()
    return service_request
