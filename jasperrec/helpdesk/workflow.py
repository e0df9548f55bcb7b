"""The request's status workflow: the one function that changes a status, and its table.

new -> assigned -> in progress -> waiting on resident -> resolved -> closed, with reopen.
Every change is written to the request's history (who, when, from, to) and moves the
service-standard clock: waiting pauses it, leaving waiting resumes it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.tasks import crontab
from jasperrec.tasks import periodic_task

from . import clock
from .errors import TransitionNotAllowedError
from .models import EventKind
from .models import RequestStatus
from .models import ServiceRequest
from .models import ServiceRequestEvent

S = RequestStatus
# Every status change the helpdesk allows; anything else raises TransitionNotAllowedError.
ALLOWED: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.NEW: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.WAITING, S.RESOLVED}),
    # Back to new when a transfer leaves it with no one in the new department.
    S.ASSIGNED: frozenset({S.NEW, S.IN_PROGRESS, S.WAITING, S.RESOLVED}),
    S.IN_PROGRESS: frozenset({S.WAITING, S.RESOLVED}),
    S.WAITING: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    # Reopen (staff, the resident's "not fixed" or answer), or close after the quiet period.
    S.RESOLVED: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),
}


def can_change(service_request: ServiceRequest, to: RequestStatus) -> bool:
    """Tell whether the table allows the request to move to this status now."""
    return to in ALLOWED[service_request.status]


def change_status(
    service_request: ServiceRequest,
    to: RequestStatus,
    actor: User | None,
    *,
    detail: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Move the request to a status, record it in the history, and move the clock.

    The only place a request's status changes. actor None is the system (auto-close).
    Flushes; the calling service commits.

    :raises TransitionNotAllowedError:
    """
    now = now or utcnow()
    before = service_request.status
    if to not in ALLOWED[before]:
        raise TransitionNotAllowedError(
            f"A request that is {before.value} cannot become {to.value}."
        )
    if to is S.WAITING:
        clock.pause(service_request, now)
    elif before is S.WAITING:
        clock.resume(service_request, now)
    if to is S.RESOLVED:
        service_request.resolved_at = now
    elif to is S.CLOSED:
        service_request.closed_at = now
    elif before in (S.RESOLVED, S.CLOSED):
        service_request.resolution = None
        service_request.resolved_at = None
        service_request.closed_at = None
    service_request.status = to
    record_event(
        service_request, EventKind.STATUS, actor, before.value, to.value, detail=detail, now=now
    )


def record_event(
    service_request: ServiceRequest,
    kind: EventKind,
    actor: User | None,
    from_value: str | None,
    to_value: str | None,
    *,
    detail: str | None = None,
    now: dt.datetime | None = None,
) -> ServiceRequestEvent:
    """Add one entry to the request's history; flushes."""
    event = ServiceRequestEvent(
        request_id=service_request.id,
        actor_id=actor.id if actor is not None else None,
        kind=kind,
        from_value=from_value,
        to_value=to_value,
        detail=detail[:500] if detail else None,
        created_at=now or utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def record_customer_reply(service_request: ServiceRequest, author: User) -> None:
    """Take the resident's answer into the workflow, whichever channel brought it.

    Waiting on the resident: back to in progress, and the clock resumes. Resolved or
    closed: reopened, since they are still writing about it. Otherwise nothing changes.
    The caller adds the message itself and commits (mail-in, the follow link, the web page).
    """
    if service_request.status is S.WAITING:
        change_status(service_request, S.IN_PROGRESS, author, detail="The resident answered.")
    elif service_request.status in (S.RESOLVED, S.CLOSED):
        change_status(
            service_request, S.IN_PROGRESS, author, detail="Reopened: the resident wrote again."
        )


def close_resolved(now: dt.datetime | None = None) -> int:
    """Close the requests resolved longer ago than the quiet period; return how many."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=int(current_app.config["HELPDESK_AUTO_CLOSE_DAYS"]))
    query = sa.select(ServiceRequest).where(
        ServiceRequest.status == S.RESOLVED, ServiceRequest.resolved_at <= cutoff
    )
    closing = db.session.scalars(query).all()
    for service_request in closing:
        change_status(
            service_request,
            S.CLOSED,
            None,
            detail="Closed automatically: no word from the resident since it was resolved.",
            now=now,
        )
    db.session.commit()
    return len(closing)


@periodic_task(crontab(minute="23", hour="*"))
def close_resolved_task() -> None:
    """Hourly: close the requests resolved more than the quiet period ago."""
    close_resolved()
