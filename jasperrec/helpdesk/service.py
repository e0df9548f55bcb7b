"""Helpdesk queries the staff console needs: queues, and the requests that justify access."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.extensions import db

from .models import RequestStatus
from .models import ServiceRequest


def _in_scope_of(staff: User) -> sa.ColumnElement[bool]:
    """Requests in one of the staff member's departments' queues or assigned to them."""
    department_ids = [d.id for d in staff.departments]
    return sa.or_(
        ServiceRequest.department_id.in_(department_ids), ServiceRequest.assignee_id == staff.id
    )


def list_queue_for(staff: User) -> Sequence[ServiceRequest]:
    """Return the open requests the staff member's queues hold, oldest first."""
    query = (
        sa.select(ServiceRequest)
        .where(_in_scope_of(staff), ServiceRequest.status != RequestStatus.CLOSED)
        .order_by(ServiceRequest.created_at, ServiceRequest.id)
    )
    return db.session.scalars(query).all()


def find_justifying_request(
    staff: User, customer_id: int, request_id: int | None = None
) -> ServiceRequest | None:
    """Return an open request from this customer that is in the staff member's scope.

    With request_id, only that request counts, so the audit names the one being worked on.
    """
    query = sa.select(ServiceRequest).where(
        ServiceRequest.customer_id == customer_id,
        ServiceRequest.status != RequestStatus.CLOSED,
        _in_scope_of(staff),
    )
    if request_id is not None:
        query = query.where(ServiceRequest.id == request_id)
    return db.session.scalars(query.order_by(ServiceRequest.id).limit(1)).first()
