"""Offers racing each other on separate connections: one space is never given twice.

Like test_concurrency, these commit for real (marked `commits`) and delete what they made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import service
from jasperrec.store import waitlist
from jasperrec.store.models import CartItem
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import Program
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from jasperrec.store.models import WaitlistChange
from jasperrec.store.models import WaitlistEntry
from jasperrec.store.models import WaitlistStatus
from tests import factories
from tests.races import delete_committed
from tests.races import run_at_once
from tests.store.waitlists import register

SLUG = "waitlist-race"
URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    """Delete the rows the race committed."""
    yield
    users = sa.select(User.id).where(User.email.like("waitracer%@example.ca"))
    orders = sa.select(Order.id).where(Order.user_id.in_(users))
    lines = sa.select(OrderLine.id).where(OrderLine.order_id.in_(orders))
    entries = sa.select(WaitlistEntry.id).where(WaitlistEntry.user_id.in_(users))
    delete_committed(
        sa.delete(WaitlistChange).where(WaitlistChange.entry_id.in_(entries)),
        sa.delete(WaitlistEntry).where(WaitlistEntry.user_id.in_(users)),
        sa.delete(Registration).where(Registration.order_line_id.in_(lines)),
        sa.delete(OrderLine).where(OrderLine.order_id.in_(orders)),
        sa.delete(Order).where(Order.id.in_(orders)),
        sa.delete(CartItem).where(CartItem.user_id.in_(users)),
        sa.delete(Program).where(Program.slug.like(f"{SLUG}%")),
        sa.delete(User).where(User.email.like("waitracer%@example.ca")),
    )


def racer(n: int, **fields: Any) -> Any:
    return factories.UserFactory(email=f"waitracer{n}@example.ca", **fields)


def race(app: Flask, actions: list[Callable[[], Any]]) -> list[str]:
    """Run each action on a thread and connection of its own, all at once; say how each ended."""

    def done(action: Callable[[], Any]) -> str:
        action()
        return "done"

    return sorted(run_at_once(app, done, [(action,) for action in actions]))


def program_with_waitlist(capacity: int, waiting: int) -> tuple[int, list[int]]:
    """A full program with people waiting; return its id and the entries' ids, committed."""
    program = factories.ProgramFactory(slug=SLUG, capacity=capacity, min_age=None, max_age=None)
    for n in range(capacity):
        register(racer(100 + n), program)
    db.session.commit()
    entries = [waitlist.join_waitlist(racer(n), SLUG, None) for n in range(waiting)]
    ids = (program.id, [entry.id for entry in entries])
    db.session.remove()
    return ids


def cancel_one_registration(program_id: int) -> None:
    """Withdraw one participant as a withdrawal does: under the program's lock, then offer."""
    db.session.execute(sa.select(Program.id).where(Program.id == program_id).with_for_update())
    registration = db.session.scalars(
        sa.select(Registration).where(
            Registration.program_id == program_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).first()
    assert registration is not None
    registration.status = RegistrationStatus.CANCELLED
    db.session.commit()
    waitlist.space_freed(db.session.get_one(Program, program_id))


def statuses(entry_ids: list[int]) -> list[WaitlistStatus]:
    query = sa.select(WaitlistEntry.status).where(WaitlistEntry.id.in_(entry_ids))
    return list(db.session.scalars(query.order_by(WaitlistEntry.id)))


@pytest.mark.commits
def test_automatic_and_staff_promotion_at_once_offer_one_space_once(
    app: Flask, cleanup: None
) -> None:
    program_id, (first, second) = program_with_waitlist(capacity=2, waiting=2)
    staff_id = racer(50, is_staff=True).id
    db.session.execute(
        sa.update(Registration)
        .where(Registration.program_id == program_id)
        .where(Registration.id == sa.select(sa.func.min(Registration.id)).scalar_subquery())
        .values(status=RegistrationStatus.CANCELLED)
    )
    db.session.commit()

    def automatic() -> None:
        waitlist.space_freed(db.session.get_one(Program, program_id))

    def by_staff() -> None:
        staff = db.session.get_one(User, staff_id)
        waitlist.promote(db.session.get_one(Program, program_id), entry_id=second, by=staff)

    outcomes = race(app, [automatic, by_staff, automatic])

    offered = [s for s in statuses([first, second]) if s is WaitlistStatus.OFFERED]
    assert len(offered) == 1, outcomes
    assert service.spaces_left(db.session.get_one(Program, program_id)) == 0


@pytest.mark.commits
def test_two_offers_accepted_for_one_space_register_only_the_open_one(
    app: Flask, cleanup: None, fake_gateway: Any
) -> None:
    program_id, (late, current) = program_with_waitlist(capacity=1, waiting=2)
    # The first offer ran out a minute ago, before the sweep passed it on; the second is open.
    for entry_id, expires in ((late, -1), (current, 60)):
        entry = db.session.get_one(WaitlistEntry, entry_id)
        entry.status = WaitlistStatus.ACCEPTED
        entry.offer_expires_at = utcnow() + dt.timedelta(minutes=expires)
        db.session.add(CartItem(user_id=entry.user_id, program_id=program_id))
    db.session.execute(sa.update(Registration).values(status=RegistrationStatus.CANCELLED))
    users = [db.session.get_one(WaitlistEntry, e).user_id for e in (late, current)]
    db.session.commit()

    def check_out(user_id: int) -> Callable[[], Any]:
        return lambda: checkout.check_out(db.session.get_one(User, user_id), fake_gateway, URL, URL)

    outcomes = race(app, [check_out(users[0]), check_out(users[1])])

    assert outcomes == ["ProgramFullError", "done"]
    holders = db.session.scalars(
        sa.select(Registration.user_id).where(
            Registration.program_id == program_id,
            Registration.status == RegistrationStatus.HELD,
        )
    ).all()
    assert holders == [users[1]]


@pytest.mark.commits
def test_a_double_clicked_accept_puts_one_line_in_the_cart(app: Flask, cleanup: None) -> None:
    program_id, (entry_id,) = program_with_waitlist(capacity=1, waiting=1)
    cancel_one_registration(program_id)
    entry = db.session.get_one(WaitlistEntry, entry_id)
    token, user_id = waitlist.offer_token(entry), entry.user_id
    db.session.remove()

    def accept() -> None:
        waitlist.accept_offer(db.session.get_one(User, user_id), token)

    assert race(app, [accept, accept]) == ["OfferUnavailableError", "done"]
    items = db.session.scalar(sa.select(sa.func.count()).where(CartItem.user_id == user_id))
    assert items == 1


@pytest.mark.commits
def test_a_withdrawal_racing_a_staff_promotion_gives_the_space_once(
    app: Flask, cleanup: None
) -> None:
    program_id, (entry_id,) = program_with_waitlist(capacity=1, waiting=1)
    staff_id = racer(50, is_staff=True).id
    db.session.commit()

    def promote() -> None:
        staff = db.session.get_one(User, staff_id)
        waitlist.promote(db.session.get_one(Program, program_id), entry_id=entry_id, by=staff)

    outcomes = race(app, [lambda: cancel_one_registration(program_id), promote])

    # Whichever ran first, the other found nothing left to do: no space yet, or already offered.
    assert outcomes in (
        ["OfferUnavailableError", "done"],
        ["WaitlistError", "done"],
        ["done", "done"],
    )
    assert statuses([entry_id]) == [WaitlistStatus.OFFERED]
    changes = db.session.scalar(
        sa.select(sa.func.count()).where(
            WaitlistChange.entry_id == entry_id,
            WaitlistChange.to_status == WaitlistStatus.OFFERED,
        )
    )
    assert changes == 1
