"""Offers of freed spaces: made only by `promote`, under the program's row lock, so
automatic and staff promotion cannot give the same space twice; accepted from a signed link;
lapsed by a periodic sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.mail import send_mail
from jasperrec.tasks import crontab
from jasperrec.tasks import periodic_task

from ..errors import NotEligibleError
from ..errors import OfferUnavailableError
from ..errors import RegistrationClosedError
from ..errors import WaitlistError
from ..models import OFFER_STATUSES
from ..models import CartItem
from ..models import Order
from ..models import Program
from ..models import WaitlistEntry
from ..prices import current_price
from ..residency import residency_of
from ..service import check_eligible
from ..service import participant_name
from ..service import spaces_left
from .states import W
from .states import drop_from_cart
from .states import move_entry
from .states import open_entry
from .states import own_entry
from .windows import offer_deadline

OFFER_SALT = "jasperrec.waitlist-offer"


def _lock(program_id: int) -> Program:
    """Lock the program's row, as checkout does, so offers and checkouts take turns."""
    program: Program = db.session.execute(
        sa.select(Program).where(Program.id == program_id).with_for_update()
    ).scalar_one()
    return program


def _lapse_overdue(program: Program, now: dt.datetime) -> None:
    query = sa.select(WaitlistEntry).where(
        WaitlistEntry.program_id == program.id,
        WaitlistEntry.status.in_(OFFER_STATUSES),
        WaitlistEntry.offer_expires_at <= now,
    )
    for entry in db.session.scalars(query).all():
        move_entry(entry, W.LAPSED)


def _queue(program: Program) -> Sequence[WaitlistEntry]:
    query = (
        sa.select(WaitlistEntry)
        .where(WaitlistEntry.program_id == program.id, WaitlistEntry.status == W.WAITING)
        .order_by(WaitlistEntry.queued_at, WaitlistEntry.id)
    )
    return db.session.scalars(query).all()


def _offer(entry: WaitlistEntry, now: dt.datetime, by: User | None) -> bool:
    """Offer the entry a space if its person may still take the program; flushes only."""
    try:
        check_eligible(entry.user, entry.program, entry.household_member, spaces_left=1)
    except NotEligibleError as exc:
        move_entry(entry, W.REMOVED, by, reason=str(exc)[:300])
        return False
    entry.offered_at = now
    entry.offer_expires_at = offer_deadline(now, entry.program.starts_on)
    entry.promoted_by_id = by.id if by is not None else None
    move_entry(entry, W.OFFERED, by)
    return True


def promote(
    program: Program, *, entry_id: int | None = None, by: User | None = None
) -> list[WaitlistEntry]:
    """Offer the program's free spaces: to the queue in order, or to one entry (staff).

    The one function that offers spaces, so automatic and staff promotion cannot give the
    same space twice: it locks the program, lapses overdue offers, and counts what is free.
    Call it with nothing uncommitted; it commits, then emails each person offered a space.

    :raises OfferUnavailableError: staff chose someone, but no space is free.
    :raises WaitlistError: staff chose an entry that is not waiting.
    """
    now = utcnow()
    try:
        program = _lock(program.id)
        _lapse_overdue(program, now)
        offered = _offer_spaces(program, entry_id, now, by)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    for entry in offered:
        _send_offer(entry)
    return offered


def _offer_spaces(
    program: Program, entry_id: int | None, now: dt.datetime, by: User | None
) -> list[WaitlistEntry]:
    free = spaces_left(program)
    if entry_id is not None:
        entry = db.session.get(WaitlistEntry, entry_id)
        if entry is None or entry.program_id != program.id:
            raise NotFoundError(entry_id)
        if entry.status is not W.WAITING:
            raise WaitlistError(f"{participant_of(entry)} is not waiting for {program.name}.")
        if free <= 0:
            raise OfferUnavailableError(f"{program.name} has no free space to offer.")
        return [entry] if _offer(entry, now, by) else []
    offered: list[WaitlistEntry] = []
    if free <= 0 or program.is_cancelled:
        return offered
    for entry in _queue(program):
        if len(offered) == free:
            break
        try:
            if _offer(entry, now, by):
                offered.append(entry)
        except RegistrationClosedError:
            break  # registration closed: nobody can be offered a space now
    return offered


def space_freed(program: Program) -> list[WaitlistEntry]:
    """Offer a freed space (a withdrawal, a released hold, more capacity) to the queue.

    Call it after committing the change that freed the space.
    """
    return promote(program)


def spaces_freed(programs: Iterable[Program | None]) -> None:
    """Offer the spaces freed in several programs at once, such as a closed order's."""
    for program_id in sorted({p.id for p in programs if p is not None}):
        promote(db.session.get_one(Program, program_id))


def participant_of(entry: WaitlistEntry) -> str:
    """Name the person waiting: a household member or the account holder."""
    return participant_name(entry.user, entry.household_member)


def offer_token(entry: WaitlistEntry) -> str:
    """Sign the link that accepts an offer; only its own account may use it, once."""
    return URLSafeSerializer(current_app.secret_key, salt=OFFER_SALT).dumps({"e": entry.id})  # type: ignore[arg-type]


def _send_offer(entry: WaitlistEntry) -> None:
    send_mail(
        entry.user.email,
        "store/waitlist_offer",
        entry=entry,
        user=entry.user,
        program=entry.program,
        participant=participant_of(entry),
        token=offer_token(entry),
    )


def find_offer(user: User, token: str) -> WaitlistEntry:
    """Return the offer a link names, if it is this account's.

    :raises NotFoundError: a tampered link, or someone else's offer.
    """
    try:
        payload = URLSafeSerializer(current_app.secret_key, salt=OFFER_SALT).loads(token)  # type: ignore[arg-type]
    except BadSignature as exc:
        raise NotFoundError(token) from exc
    return own_entry(user, int(payload["e"]))


def accept_offer(user: User, token: str) -> WaitlistEntry:
    """Take an offered space: put the program in the cart, holding the space to the deadline.

    :raises NotFoundError: a tampered link, or someone else's offer.
    :raises OfferUnavailableError: accepted already, lapsed, or withdrawn.
    """
    entry = find_offer(user, token)
    try:
        _lock(entry.program_id)
        db.session.refresh(entry)
        _check_open_offer(entry)
        drop_from_cart(entry)
        move_entry(entry, W.ACCEPTED, user)
        db.session.add(
            CartItem(
                user_id=user.id,
                program=entry.program,
                household_member=entry.household_member,
                unit_price_seen_cents=current_price(entry.program, residency_of(user)),
            )
        )
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return entry


def _check_open_offer(entry: WaitlistEntry) -> None:
    program = entry.program.name
    if entry.status is W.ACCEPTED:
        raise OfferUnavailableError(f"You already accepted this offer: {program} is in your cart.")
    expires = entry.offer_expires_at
    if entry.status is not W.OFFERED or expires is None or expires <= utcnow():
        raise OfferUnavailableError(f"This offer of a space in {program} is no longer open.")


def claim_offer(user: User, program: Program, member: HouseholdMember | None) -> int:
    """Turn the participant's own open offer into their registration, inside checkout.

    Returns the spaces it gives back to the capacity check: 1 when they held an offer (it
    counted as taken until now), else 0. Flushes only; checkout commits.
    """
    entry = open_entry(program, user, member)
    expires = entry.offer_expires_at if entry is not None else None
    if entry is None or not entry.status.holds_space or expires is None or expires <= utcnow():
        return 0
    move_entry(entry, W.REGISTERED, user)
    return 1


def reopen_offers(order: Order) -> None:
    """Give back the offers an order claimed, when its hold is released before their deadline.

    A payment that could not start, was given up or lapsed leaves the person's offer
    standing until its own deadline, as if they had not checked out yet; past it, the
    offer has lapsed. Flushes only.
    """
    now = utcnow()
    for line in order.lines:
        registration = line.registration
        if registration is None:
            continue
        query = sa.select(WaitlistEntry).where(
            WaitlistEntry.program_id == registration.program_id,
            WaitlistEntry.user_id == registration.user_id,
            WaitlistEntry.household_member_id.is_not_distinct_from(
                registration.household_member_id
            ),
            WaitlistEntry.status == W.REGISTERED,
        )
        for entry in db.session.scalars(query).all():
            expires = entry.offer_expires_at
            move_entry(entry, W.OFFERED if expires is not None and expires > now else W.LAPSED)


def offer_free_spaces() -> int:
    """Lapse overdue offers and offer every free space to its queue; return offers made.

    The hooks offer a space as soon as it frees; this sweep catches what they cannot see.
    """
    now = utcnow()
    overdue = sa.select(WaitlistEntry.program_id).where(
        WaitlistEntry.status.in_(OFFER_STATUSES), WaitlistEntry.offer_expires_at <= now
    )
    waiting = sa.select(WaitlistEntry.program_id).where(WaitlistEntry.status == W.WAITING)
    ids = sorted(set(db.session.scalars(sa.union(overdue, waiting))))
    db.session.commit()
    made = 0
    for program_id in ids:
        program = db.session.get_one(Program, program_id)
        if spaces_left(program) > 0 or _has_overdue(program, now):
            made += len(promote(program))
    return made


def _has_overdue(program: Program, now: dt.datetime) -> bool:
    query = sa.select(WaitlistEntry.id).where(
        WaitlistEntry.program_id == program.id,
        WaitlistEntry.status.in_(OFFER_STATUSES),
        WaitlistEntry.offer_expires_at <= now,
    )
    return db.session.scalar(query.limit(1)) is not None


@periodic_task(crontab(minute="*/5"))
def offer_free_spaces_task() -> None:
    """Every five minutes: pass lapsed offers on, and offer spaces no hook announced."""
    offer_free_spaces()
