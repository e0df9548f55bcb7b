"""Joining a full program's waitlist, leaving it, and where each person stands."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db

from ..errors import WaitlistError
from ..models import OPEN_STATUSES
from ..models import Program
from ..models import WaitlistEntry
from ..service import _participant
from ..service import check_eligible
from ..service import get_program
from ..service import local_today
from ..service import participant_name
from .offers import promote
from .states import W
from .states import move_entry
from .states import open_entry
from .states import own_entry


@dataclasses.dataclass(frozen=True)
class WaitlistPlace:
    """A waitlist entry with the number of people ahead of it, plus one."""

    entry: WaitlistEntry
    position: int


def join_waitlist(user: User, slug: str, member_id: int | None) -> WaitlistEntry:
    """Put a participant on a full program's waitlist: free, and at the back of the queue.

    :raises NotFoundError: no such program, or the member is not in this household.
    :raises RegistrationClosedError, NotEligibleError: as for registering.
    :raises WaitlistError: the program has spaces, or the person is waiting already.
    """
    listing = get_program(slug)
    program, member = listing.program, _participant(user, member_id)
    if not listing.is_full:
        raise WaitlistError(f"{program.name} has spaces: add it to your cart instead.")
    entry = add_to_waitlist(user, program, member)
    db.session.commit()
    return entry


def add_to_waitlist(user: User, program: Program, member: HouseholdMember | None) -> WaitlistEntry:
    """Queue a participant at the back of a full program's waitlist; flushes, the caller commits.

    Shared by the waitlist button and by checkout, which waitlists whoever finds their
    program full inside its own locks and transaction.

    :raises RegistrationClosedError, NotEligibleError: as for registering.
    :raises WaitlistError: the person is waiting already.
    """
    check_eligible(user, program, member, spaces_left=1)
    if open_entry(program, user, member) is not None:
        name = participant_name(user, member)
        raise WaitlistError(f"{name} is already on the waitlist for {program.name}.")
    entry = WaitlistEntry(program=program, user=user, household_member=member, queued_at=utcnow())
    db.session.add(entry)
    move_entry(entry, W.WAITING, user)
    db.session.flush()
    return entry


def position_of(entry: WaitlistEntry) -> int:
    """Return where a waiting entry stands in its program's queue, first being 1."""
    query = sa.select(_position()).select_from(WaitlistEntry).where(WaitlistEntry.id == entry.id)
    return int(db.session.scalar(query) or 0)


def put_first(user: User, program: Program, member: HouseholdMember | None) -> WaitlistEntry | None:
    """Put someone at the head of a program's waitlist; flushes only, the caller commits.

    For a resident whose payment came too late for the space: they were first to want it.
    Nobody is added twice, and a program that is cancelled or has started keeps no list.
    """
    if program.cancelled_at is not None or program.starts_on <= local_today():
        return None
    if open_entry(program, user, member) is not None:
        return None
    earliest = db.session.scalar(
        sa.select(sa.func.min(WaitlistEntry.queued_at)).where(
            WaitlistEntry.program_id == program.id, WaitlistEntry.status.in_(OPEN_STATUSES)
        )
    )
    ahead = earliest - dt.timedelta(seconds=1) if earliest is not None else utcnow()
    entry = WaitlistEntry(program=program, user=user, household_member=member, queued_at=ahead)
    db.session.add(entry)
    move_entry(entry, W.WAITING, None, "Paid too late for the last space.")
    return entry


def leave_waitlist(user: User, entry_id: int) -> WaitlistEntry:
    """Take a participant off a waitlist, giving up any offer they hold.

    :raises NotFoundError: not an entry of this household.
    :raises WaitlistError: no longer on the waitlist.
    """
    entry = own_entry(user, entry_id)
    if not entry.status.is_open:
        raise WaitlistError(f"This place on the waitlist for {entry.program.name} is closed.")
    held = entry.status.holds_space
    move_entry(entry, W.LEFT, user)
    db.session.commit()
    if held:
        promote(entry.program)
    return entry


def _position() -> sa.ScalarSelect[int]:
    """How many are waiting ahead of an entry, plus one, as a correlated subquery."""
    ahead = aliased(WaitlistEntry)
    return (
        sa.select(sa.func.count(ahead.id))
        .where(
            ahead.program_id == WaitlistEntry.program_id,
            ahead.status == W.WAITING,
            sa.or_(
                ahead.queued_at < WaitlistEntry.queued_at,
                sa.and_(ahead.queued_at == WaitlistEntry.queued_at, ahead.id <= WaitlistEntry.id),
            ),
        )
        .correlate(WaitlistEntry)
        .scalar_subquery()
    )


def list_places_for(user: User) -> list[WaitlistPlace]:
    """Return the household's open waitlist places with positions, in one query."""
    query = (
        sa.select(WaitlistEntry, _position())
        .options(selectinload(WaitlistEntry.program), selectinload(WaitlistEntry.household_member))
        .where(WaitlistEntry.user_id == user.id, WaitlistEntry.status.in_(OPEN_STATUSES))
        .order_by(WaitlistEntry.offer_expires_at, WaitlistEntry.queued_at, WaitlistEntry.id)
    )
    return [WaitlistPlace(entry, position) for entry, position in db.session.execute(query)]


def list_waitlist(program: Program) -> Sequence[WaitlistEntry]:
    """Return a program's open waitlist in order: offers first, then the queue."""
    query = (
        sa.select(WaitlistEntry)
        .options(selectinload(WaitlistEntry.user), selectinload(WaitlistEntry.household_member))
        .where(WaitlistEntry.program_id == program.id, WaitlistEntry.status.in_(OPEN_STATUSES))
        .order_by(WaitlistEntry.status == W.WAITING, WaitlistEntry.queued_at, WaitlistEntry.id)
    )
    return db.session.scalars(query).all()
