"""Two residents checking out the last space at the same moment, on separate connections.

The rest of the suite runs each test inside one rolled-back transaction; this test needs
real, separately committed transactions, so it is marked `commits` and deletes what it
made afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import service
from jasperrec.store.models import CartItem
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import Product
from jasperrec.store.models import Program
from jasperrec.store.models import Registration
from tests import factories
from tests.races import delete_committed
from tests.races import run_at_once

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"


class SlowGateway:
    """The fake gateway, taking as long as a real processor to start a payment."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def create_checkout_session(self, **kwargs: Any) -> Any:
        time.sleep(0.5)
        return self.inner.create_checkout_session(**kwargs)


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    """Delete the rows the race committed."""
    yield
    users = sa.select(User.id).where(User.email.like("racer%@example.ca"))
    orders = sa.select(Order.id).where(Order.user_id.in_(users))
    lines = sa.select(OrderLine.id).where(OrderLine.order_id.in_(orders))
    delete_committed(
        sa.delete(Registration).where(Registration.order_line_id.in_(lines)),
        sa.delete(LedgerEntry).where(LedgerEntry.order_id.in_(orders)),
        sa.delete(OrderLine).where(OrderLine.order_id.in_(orders)),
        sa.delete(Order).where(Order.id.in_(orders)),
        sa.delete(CartItem).where(CartItem.user_id.in_(users)),
        sa.delete(HouseholdMember).where(HouseholdMember.user_id.in_(users)),
        sa.delete(Program).where(Program.slug == "race-for-the-last-space"),
        sa.delete(Product).where(Product.slug == "race-product"),
        sa.delete(User).where(User.email.like("racer%@example.ca")),
    )


def _race(app: Flask, gateway: Any, user_ids: list[int]) -> list[str]:
    """Check out for each user on a thread of its own, all at once; say how each ended."""

    def check_out(user_id: int) -> str:
        user = db.session.get(User, user_id)
        # All or nothing, so the loser is refused; test_opening_day.py and
        # test_siblings_race.py race the default, which waitlists the loser.
        checkout.check_out(user, SlowGateway(gateway), URL, URL, keep_together=True)
        return "placed"

    return sorted(run_at_once(app, check_out, [(user_id,) for user_id in user_ids]))


@pytest.mark.commits
def test_two_checkouts_at_once_cannot_both_take_the_last_space(app, cleanup, fake_gateway):
    program = factories.ProgramFactory(slug="race-for-the-last-space", capacity=1)
    racers = [factories.UserFactory(email=f"racer{n}@example.ca") for n in range(2)]
    for racer in racers:
        child = factories.HouseholdMemberFactory(user=racer)
        db.session.add(CartItem(user_id=racer.id, program=program, household_member=child))
    db.session.commit()
    ids = [racer.id for racer in racers]
    slug = program.slug
    db.session.remove()

    outcomes = _race(app, fake_gateway, ids)

    assert outcomes == ["ProgramFullError", "placed"]
    program = db.session.scalar(sa.select(Program).where(Program.slug == slug))
    assert service.spaces_left(program) == 0
    held = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(Registration.program_id == program.id)
    )
    assert held == 1


@pytest.mark.commits
def test_a_double_clicked_checkout_places_one_order(app, cleanup, fake_gateway):
    racer = factories.UserFactory(email="racer9@example.ca")
    db.session.add(
        CartItem(
            user_id=racer.id, product=factories.ProductFactory(slug="race-product"), quantity=2
        )
    )
    db.session.commit()
    racer_id = racer.id
    db.session.remove()

    outcomes = _race(app, fake_gateway, [racer_id, racer_id])

    assert outcomes == ["CartEmptyError", "placed"]
    orders = db.session.scalar(sa.select(sa.func.count(Order.id)).where(Order.user_id == racer_id))
    assert orders == 1
