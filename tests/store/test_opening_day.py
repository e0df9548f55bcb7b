"""Opening day: a hundred households check out at once for a program with ten spaces, each on
its own connection. Exactly ten are enrolled; every other one is waitlisted in the same step,
each at a place of its own, or, keeping siblings together, told the program is full."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import waitlist
from jasperrec.store.models import CartItem
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import Program
from jasperrec.store.models import Registration
from jasperrec.store.models import WaitlistChange
from jasperrec.store.models import WaitlistEntry
from tests import factories
from tests.races import delete_committed
from tests.races import run_at_once

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
HOUSEHOLDS = 100
SPACES = 10
SLUG = "opening-day-swim"


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    """Delete the rows the rush committed."""
    yield
    users = sa.select(User.id).where(User.email.like("opening%@example.ca"))
    orders = sa.select(Order.id).where(Order.user_id.in_(users))
    lines = sa.select(OrderLine.id).where(OrderLine.order_id.in_(orders))
    entries = sa.select(WaitlistEntry.id).where(WaitlistEntry.user_id.in_(users))
    delete_committed(
        sa.delete(WaitlistChange).where(WaitlistChange.entry_id.in_(entries)),
        sa.delete(WaitlistEntry).where(WaitlistEntry.user_id.in_(users)),
        sa.delete(Registration).where(Registration.order_line_id.in_(lines)),
        sa.delete(LedgerEntry).where(LedgerEntry.order_id.in_(orders)),
        sa.delete(OrderLine).where(OrderLine.order_id.in_(orders)),
        sa.delete(Order).where(Order.id.in_(orders)),
        sa.delete(CartItem).where(CartItem.user_id.in_(users)),
        sa.delete(HouseholdMember).where(HouseholdMember.user_id.in_(users)),
        sa.delete(Program).where(Program.slug == SLUG),
        sa.delete(User).where(User.email.like("opening%@example.ca")),
    )


@pytest.mark.commits
@pytest.mark.parametrize("keep_together", [False, True], ids=["waitlist", "all-or-nothing"])
def test_a_hundred_checkouts_at_once_enrol_exactly_ten(app, cleanup, fake_gateway, keep_together):
    program = factories.ProgramFactory(slug=SLUG, capacity=SPACES, min_age=None, max_age=None)
    ids = []
    for n in range(HOUSEHOLDS):
        parent = factories.UserFactory(email=f"opening{n}@example.ca")
        child = factories.HouseholdMemberFactory(user=parent)
        db.session.add(CartItem(user_id=parent.id, program=program, household_member=child))
        ids.append(parent.id)
    db.session.commit()
    program_id = program.id
    db.session.remove()

    def rush(user_id: int) -> str:
        user = db.session.get(User, user_id)
        placed = checkout.check_out(user, fake_gateway, URL, URL, keep_together=keep_together)
        return "placed" if placed.order else "waitlisted"

    outcomes = run_at_once(app, rush, [(i,) for i in ids], start_within=30, finish_within=120)

    losers = "ProgramFullError" if keep_together else "waitlisted"
    assert Counter(outcomes) == {"placed": SPACES, losers: HOUSEHOLDS - SPACES}
    held = sa.select(sa.func.count(Registration.id)).where(Registration.program_id == program_id)
    assert db.session.scalar(held) == SPACES
    # No order was left behind for those who did not get a space.
    placed = sa.select(sa.func.count(Order.id)).where(Order.user_id.in_(ids))
    assert db.session.scalar(placed) == SPACES
    waiting = db.session.scalars(
        sa.select(WaitlistEntry).where(WaitlistEntry.program_id == program_id)
    ).all()
    left_in_carts = sa.select(sa.func.count(CartItem.id)).where(CartItem.user_id.in_(ids))
    if keep_together:
        # Those told it is full keep the program in their cart.
        assert (len(waiting), db.session.scalar(left_in_carts)) == (0, HOUSEHOLDS - SPACES)
    else:
        # Each loser waits once, in a place of its own; nobody is both enrolled and waiting.
        assert len({entry.user_id for entry in waiting}) == len(waiting) == HOUSEHOLDS - SPACES
        positions = [waitlist.position_of(entry) for entry in waiting]
        assert sorted(positions) == list(range(1, HOUSEHOLDS - SPACES + 1))
        assert db.session.scalar(left_in_carts) == 0
        enrolled = set(db.session.scalars(sa.select(Order.user_id).where(Order.user_id.in_(ids))))
        assert not enrolled & {entry.user_id for entry in waiting}
