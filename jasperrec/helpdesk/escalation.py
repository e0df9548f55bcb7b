"""Escalation: the department lead hears once, by email, when a request becomes overdue."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import Role
from jasperrec.auth.models import StaffRole
from jasperrec.auth.models import User
from jasperrec.auth.models import department_members
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.mail import send_mail
from jasperrec.tasks import crontab
from jasperrec.tasks import periodic_task

from . import clock
from . import workflow
from .models import EventKind
from .models import ServiceRequest

# One run escalates at most this many requests; the next run takes the rest.
BATCH = 200


def department_leads(department_id: int) -> list[User]:
    """Return the active department leads of a department."""
    query = (
        sa.select(User)
        .join(department_members, department_members.c.user_id == User.id)
        .join(StaffRole, StaffRole.user_id == User.id)
        .where(
            department_members.c.department_id == department_id,
            StaffRole.role == Role.DEPARTMENT_LEAD,
            User.is_active.is_(True),
            User.is_staff.is_(True),
        )
        .order_by(User.id)
    )
    return list(db.session.scalars(query).unique())


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Tell each overdue request's department leads, once per request; return how many.

    The request is marked escalated in the same transaction as its history entry, and the
    mail goes only after that commits, so a second run never mails again.
    """
    now = now or utcnow()
    query = (
        sa.select(ServiceRequest)
        .options(selectinload(ServiceRequest.department))
        .where(clock.overdue_clause(now), ServiceRequest.escalated_at.is_(None))
        .order_by(ServiceRequest.due_at, ServiceRequest.id)
        .limit(BATCH)
    )
    overdue = db.session.scalars(query).all()
    leads_of: dict[int, list[User]] = {}
    mail: list[tuple[ServiceRequest, list[User]]] = []
    for service_request in overdue:
        if not _claim(service_request, now):
            continue  # another worker escalated it meanwhile
        if service_request.department_id not in leads_of:
            leads_of[service_request.department_id] = department_leads(
                service_request.department_id
            )
        leads = leads_of[service_request.department_id]
        named = ", ".join(lead.full_name for lead in leads)
        workflow.record_event(
            service_request,
            EventKind.ESCALATED,
            None,
            None,
            f"{service_request.department.name} lead",
            detail=f"Overdue: no first answer by the answer-by time. Emailed {named}."
            if leads
            else "Overdue: no first answer by the answer-by time. The department has no lead.",
            now=now,
        )
        mail.append((service_request, leads))
    db.session.commit()
    for service_request, leads in mail:
        for lead in leads:
            send_mail(lead.email, "helpdesk/overdue", service_request=service_request, lead=lead)
    return len(mail)


def _claim(service_request: ServiceRequest, now: dt.datetime) -> bool:
    """Mark the request escalated unless someone already did; tell whether we did."""
    result = db.session.execute(
        sa.update(ServiceRequest)
        .where(ServiceRequest.id == service_request.id, ServiceRequest.escalated_at.is_(None))
        .values(escalated_at=now)
        .execution_options(synchronize_session=False)
    )
    claimed: bool = result.rowcount == 1  # type: ignore[attr-defined]
    if claimed:
        db.session.expire(service_request, ["escalated_at"])
    return claimed


@periodic_task(crontab(minute="*/10"))
def escalate_overdue_task() -> None:
    """Every ten minutes: tell department leads about requests that just became overdue."""
    escalate_overdue()
