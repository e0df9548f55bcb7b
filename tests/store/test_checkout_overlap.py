"""Checkout starts the payment with no lock held: two residents checking out the same
program at once wait for each other only while their orders are written, not while the
processor takes its time.

Like test_concurrency.py, it commits for real on separate connections and deletes what it
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
from jasperrec.store.models import CartItem
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Program
from jasperrec.store.models import Registration
from tests import factories
from tests.races import delete_committed
from tests.races import run_at_once

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
SLUG = "overlapping-checkouts"
EMAILS = "overlapper%@example.ca"


class TimedGateway:
    """The fake gateway, taking 500 ms to start a payment, noting when each call ran."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.spans: list[tuple[float, float]] = []

    def create_checkout_session(self, **kwargs: Any) -> Any:
        began = time.monotonic()
        time.sleep(0.5)
        session = self.inner.create_checkout_session(**kwargs)
        self.spans.append((began, time.monotonic()))
        return session


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    yield
    users = sa.select(User.id).where(User.email.like(EMAILS))
    orders = sa.select(Order.id).where(Order.user_id.in_(users))
    lines = sa.select(OrderLine.id).where(OrderLine.order_id.in_(orders))
    delete_committed(
        sa.delete(Registration).where(Registration.order_line_id.in_(lines)),
        sa.delete(LedgerEntry).where(LedgerEntry.order_id.in_(orders)),
        sa.delete(OrderLine).where(OrderLine.order_id.in_(orders)),
        sa.delete(Order).where(Order.id.in_(orders)),
        sa.delete(CartItem).where(CartItem.user_id.in_(users)),
        sa.delete(HouseholdMember).where(HouseholdMember.user_id.in_(users)),
        sa.delete(Program).where(Program.slug == SLUG),
        sa.delete(User).where(User.email.like(EMAILS)),
    )


@pytest.mark.commits
def test_two_checkouts_for_one_program_start_their_payments_at_the_same_time(
    app, cleanup, fake_gateway
):
    program = factories.ProgramFactory(slug=SLUG, capacity=2)
    racers = [factories.UserFactory(email=f"overlapper{n}@example.ca") for n in range(2)]
    for racer in racers:
        child = factories.HouseholdMemberFactory(user=racer)
        db.session.add(CartItem(user_id=racer.id, program=program, household_member=child))
    db.session.commit()
    ids = [racer.id for racer in racers]
    db.session.remove()
    gateway = TimedGateway(fake_gateway)

    def race(user_id: int) -> str:
        placed = checkout.check_out(db.session.get(User, user_id), gateway, URL, URL)
        return placed.order.status.value

    outcomes = run_at_once(app, race, [(user_id,) for user_id in ids])

    assert outcomes == [OrderStatus.PENDING.value] * 2
    (first_start, first_end), (second_start, second_end) = sorted(gateway.spans)
    assert second_start < first_end, "the second payment waited for the first"
    orders = db.session.scalars(sa.select(Order).where(Order.user_id.in_(ids))).all()
    assert all(order.checkout_session_id for order in orders)
