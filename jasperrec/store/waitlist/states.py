"""Where a waitlist entry stands and the one function that moves it."""

from __future__ import annotations

import sqlalchemy as sa

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from ..errors import WaitlistError
from ..models import OFFER_STATUSES
from ..models import OPEN_STATUSES
from ..models import CartItem
from ..models import Program
from ..models import WaitlistChange
from ..models import WaitlistEntry
from ..models import WaitlistStatus

W = WaitlistStatus
# Every move a waitlist entry may make; move_entry refuses the rest.
TRANSITIONS: dict[WaitlistStatus | None, frozenset[WaitlistStatus]] = {
    None: frozenset({W.WAITING}),
    W.WAITING: frozenset({W.OFFERED, W.LEFT, W.REMOVED}),
    W.OFFERED: frozenset({W.ACCEPTED, W.REGISTERED, W.LAPSED, W.LEFT, W.REMOVED}),
    W.ACCEPTED: frozenset({W.REGISTERED, W.LAPSED, W.LEFT, W.REMOVED}),
    # Back when the hold is released before the offer's deadline (waitlist.reopen_offers).
    W.REGISTERED: frozenset({W.OFFERED, W.LAPSED}),
    W.LAPSED: frozenset(),
    W.LEFT: frozenset(),
    W.REMOVED: frozenset(),
}


def move_entry(
    entry: WaitlistEntry, to: WaitlistStatus, by: User | None = None, reason: str | None = None
) -> None:
    """Move an entry along an allowed transition and record who moved it; flushes only.

    :raises WaitlistError: the move is not allowed from where the entry stands.
    """
    current = entry.status if entry.id is not None else None
    if to not in TRANSITIONS[current]:
        raise WaitlistError(f"A waitlist place that is {current} cannot become {to}.")
    entry.status = to
    if not to.is_open:
        entry.closed_at = utcnow()
    if reason is not None:
        entry.reason = reason
    if current in OFFER_STATUSES and to is not W.REGISTERED:
        drop_from_cart(entry)
    entry.changes.append(
        WaitlistChange(
            from_status=current, to_status=to, changed_by_id=by.id if by is not None else None
        )
    )
    db.session.flush()


def open_entry(
    program: Program, user: User, member: HouseholdMember | None
) -> WaitlistEntry | None:
    """Return the participant's place on the program's waitlist while still open, or None."""
    member_id = member.id if member is not None else None
    query = sa.select(WaitlistEntry).where(
        WaitlistEntry.program_id == program.id,
        WaitlistEntry.user_id == user.id,
        WaitlistEntry.household_member_id.is_not_distinct_from(member_id),
        WaitlistEntry.status.in_(OPEN_STATUSES),
    )
    return db.session.scalar(query.limit(1))


def drop_from_cart(entry: WaitlistEntry) -> None:
    """Take the program out of the cart when its offer closes; flushes only."""
    db.session.execute(
        sa.delete(CartItem).where(
            CartItem.user_id == entry.user_id,
            CartItem.program_id == entry.program_id,
            CartItem.household_member_id.is_not_distinct_from(entry.household_member_id),
        )
    )


def own_entry(user: User, entry_id: int) -> WaitlistEntry:
    """Return one of the household's waitlist entries.

    :raises NotFoundError: no such entry, or another household's.
    """
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or entry.user_id != user.id:
        raise NotFoundError(entry_id)
    return entry
