"""The helpdesk queues as the console lists them, each view audited with the names shown."""

from __future__ import annotations

import dataclasses
import datetime as dt

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.helpdesk.service import list_queue_for

from . import audit


@dataclasses.dataclass(frozen=True)
class QueueRow:
    """One open request as the queues page lists it, read before the audit entry commits."""

    id: int
    subject: str
    customer_id: int
    customer_name: str
    department_name: str
    channel: Channel
    created_at: dt.datetime
    due_at: dt.datetime | None
    is_overdue: bool
    status: RequestStatus
    assignee_id: int | None

    @classmethod
    def of(cls, r: ServiceRequest) -> QueueRow:
        """Copy what the page shows from a request with its customer and department loaded."""
        return cls(
            r.id,
            r.subject,
            r.customer_id,
            r.customer.full_name,
            r.department.name,
            r.channel,
            r.created_at,
            r.due_at,
            r.is_overdue,
            r.status,
            r.assignee_id,
        )


def list_queue(staff: User) -> list[QueueRow]:
    """Return the open requests in the staff member's queues, auditing the names shown.

    The rows are copied before the commit, so the page shows exactly what was audited and
    reads nothing more from the database, however long the queue.
    """
    rows = [QueueRow.of(r) for r in list_queue_for(staff)]
    audit.record_queue_list(staff, [r.id for r in rows], [r.customer_id for r in rows])
    db.session.commit()
    return rows
