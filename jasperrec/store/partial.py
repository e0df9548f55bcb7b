"""Checking out what is available: a participant whose program is full goes on its waitlist.

Unless the household keeps siblings together (all or nothing), checkout buys the lines
that still have a space and, in the same transaction and under the same program locks,
puts each participant whose program is full at the back of its waitlist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db

from . import waitlist
from .errors import NotEligibleError
from .errors import ProgramFullError
from .errors import RegistrationClosedError
from .errors import WaitlistError
from .models import OFFER_STATUSES
from .models import Program
from .models import WaitlistEntry
from .prices import Cart
from .prices import CartLine
from .service import listing_query
from .service import participant_name


@dataclasses.dataclass(frozen=True)
class Waitlisted:
    """A participant checkout put on a full program's waitlist, and where they stand."""

    participant_name: str
    program_name: str
    position: int

    @property
    def notice(self) -> str:
        """Tell the resident, in one line, who waits for what and where."""
        return (
            f"Waitlisted: {self.participant_name} for {self.program_name}, "
            f"position {self.position}. We email you if a space opens."
        )


@dataclasses.dataclass(frozen=True)
class Shortfall:
    """What checkout did with the cart lines whose program was full."""

    waitlisted: tuple[Waitlisted, ...] = ()
    # Why each full line that could not be waitlisted stays in the cart.
    kept: tuple[str, ...] = ()


def all_or_nothing(user: User, line: CartLine) -> ProgramFullError:
    """Explain a full program to a household that asked to keep its siblings together."""
    program = line.item.program
    name = participant_name(user, line.item.household_member)
    where = program.name if program is not None else line.description
    return ProgramFullError(
        f"{where} is full for {name}. You asked to keep siblings together, so nothing was "
        f"bought and your cart is unchanged. Untick it to register the others and put {name} "
        "on the waitlist."
    )


def waitlist_full(user: User, lines: Sequence[CartLine]) -> Shortfall:
    """Waitlist each full line's participant and take the line out of the cart; flushes.

    Someone who cannot wait (already waiting, or no longer eligible) keeps the line in the
    cart, with the reason.
    """
    waitlisted: list[Waitlisted] = []
    kept: list[str] = []
    for line in lines:
        program, member = line.item.program, line.item.household_member
        if program is None:
            continue
        name = participant_name(user, member)
        try:
            entry = waitlist.add_to_waitlist(user, program, member)
        except (WaitlistError, NotEligibleError, RegistrationClosedError) as error:
            kept.append(f"{program.name} is full for {name}: {error} It stays in your cart.")
            continue
        db.session.delete(line.item)
        waitlisted.append(Waitlisted(name, program.name, waitlist.position_of(entry)))
    return Shortfall(tuple(waitlisted), tuple(kept))


def nothing_bought(shortfall: Shortfall) -> ProgramFullError | None:
    """Refuse a checkout that neither bought nor waitlisted anything; None when it did."""
    if shortfall.waitlisted:
        return None
    return ProgramFullError(" ".join(shortfall.kept) or "Every program in your cart is full.")


def find_full_lines(user: User, cart: Cart) -> set[int]:
    """Return the ids of the cart items whose program has no space left for them.

    Spaces go to the lines in cart order, and a participant's own open offer is theirs;
    two queries whatever the cart holds.
    """
    ids = {line.item.program_id for line in cart.lines if line.item.program_id}
    if not ids:
        return set()
    left = {program.id: spaces for program, spaces in db.session.execute(_spaces_query(ids)).all()}
    offers = {
        (program_id, member_id)
        for program_id, member_id in db.session.execute(_offers_query(user, ids))
    }
    full: set[int] = set()
    for line in cart.lines:
        item = line.item
        if item.program_id is None or (item.program_id, item.household_member_id) in offers:
            continue
        if left.get(item.program_id, 0) > 0:
            left[item.program_id] -= 1
        else:
            full.add(item.id)
    return full


def _spaces_query(ids: set[int]) -> sa.Select[Program, int]:
    return listing_query().where(Program.id.in_(ids))


def _offers_query(user: User, ids: set[int]) -> sa.Select[int, int | None]:
    """The household's unexpired offers for these programs, as (program, member) pairs."""
    return sa.select(WaitlistEntry.program_id, WaitlistEntry.household_member_id).where(
        WaitlistEntry.user_id == user.id,
        WaitlistEntry.program_id.in_(ids),
        WaitlistEntry.status.in_(OFFER_STATUSES),
        WaitlistEntry.offer_expires_at > utcnow(),
    )
