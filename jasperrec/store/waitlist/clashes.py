"""Taking a participant off the waitlists of programs that meet when they are now registered."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.extensions import db

from ..models import OPEN_STATUSES
from ..models import Order
from ..models import Program
from ..models import Registration
from ..models import WaitlistEntry
from ..models import WaitlistStatus
from ..registrations import Session
from ..registrations import sessions_of
from .states import move_entry


def sessions_clash(first: Sequence[Session], second: Sequence[Session]) -> bool:
    """Tell whether any session of one overlaps any session of the other in time."""
    return any(a.starts_at < b.ends_at and b.starts_at < a.ends_at for a in first for b in second)


def remove_clashing(registration: Registration) -> list[WaitlistEntry]:
    """Take the registered person off every waitlist whose program clashes in time, the
    registered program's own included; flushes only, as it runs inside the confirmation.

    An offer given up this way frees its space: the periodic offer sweep passes it on.
    """
    query = (
        sa.select(WaitlistEntry)
        .options(selectinload(WaitlistEntry.program).selectinload(Program.meetings))
        .where(
            WaitlistEntry.user_id == registration.user_id,
            WaitlistEntry.household_member_id.is_not_distinct_from(
                registration.household_member_id
            ),
            WaitlistEntry.status.in_(OPEN_STATUSES),
        )
    )
    registered = sessions_of(registration.program)
    removed = []
    for entry in db.session.scalars(query):
        if entry.program_id == registration.program_id:
            reason = f"Registered in {registration.program.name}."
        elif sessions_clash(registered, sessions_of(entry.program)):
            reason = f"Registered in {registration.program.name}, which meets at the same time."
        else:
            continue
        move_entry(entry, WaitlistStatus.REMOVED, reason=reason)
        removed.append(entry)
    return removed


def remove_clashing_for(order: Order) -> None:
    """Apply remove_clashing to each registration a confirmed order holds; flushes only."""
    for line in order.lines:
        if line.registration is not None:
            remove_clashing(line.registration)
