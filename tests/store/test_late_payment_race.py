"""A late payment racing a checkout for the last space, on separate connections: the
late payment takes the same locks as checkout, so exactly one of them gets the space.

Marked `commits`: it commits for real and deletes what it made afterwards.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store.models import CartItem
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Program
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories
from tests.races import delete_committed
from tests.races import run_all_at_once

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
SLUG = "late-payment-race"
EMAILS = "latecomer%@example.ca"


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


def _slowly(count: Any) -> Any:
    """Count spaces slowly, as a busy server might: without locks both would see one free."""

    def slow(*args: Any, **kwargs: Any) -> int:
        free = count(*args, **kwargs)
        time.sleep(0.3)
        return free  # type: ignore[no-any-return]

    return slow


@pytest.mark.commits
def test_a_late_payment_and_a_checkout_cannot_both_take_the_last_space(
    app: Flask, cleanup: None, fake_gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = factories.ProgramFactory(slug=SLUG, capacity=1)
    late_payer, buyer = (factories.UserFactory(email=f"latecomer{n}@example.ca") for n in (1, 2))
    for who in (late_payer, buyer):
        child = factories.HouseholdMemberFactory(user=who)
        db.session.add(CartItem(user_id=who.id, program=program, household_member=child))
    db.session.commit()
    late = checkout.check_out(late_payer, fake_gateway, URL, URL).order
    late.expires_at = utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    settlement.expire_overdue_orders()
    session_id, total, buyer_id = late.checkout_session_id, late.total_cents, buyer.id
    db.session.remove()
    monkeypatch.setattr(checkout, "spaces_left", _slowly(service.spaces_left))
    monkeypatch.setattr(settlement, "spaces_left", _slowly(service.spaces_left))

    def pay_late() -> str:
        settlement.record_payment(session_id, "pi_late", total, fake_gateway)
        return "done"

    def buy() -> str:
        # All or nothing, so a buyer who loses is refused rather than waitlisted.
        buyer = db.session.get_one(User, buyer_id)
        checkout.check_out(buyer, fake_gateway, URL, URL, keep_together=True)
        return "done"

    outcomes = dict(zip(("late", "buyer"), run_all_at_once(app, [pay_late, buy]), strict=True))

    status = db.session.scalar(
        sa.select(Order.status).where(Order.checkout_session_id == session_id)
    )
    taken = db.session.scalar(
        sa.select(sa.func.count(Registration.id))
        .join(Program)
        .where(
            Program.slug == SLUG,
            Registration.status.in_([RegistrationStatus.HELD, RegistrationStatus.CONFIRMED]),
        )
    )
    assert taken == 1
    assert outcomes["late"] == "done"
    if status is OrderStatus.PAID:
        assert outcomes["buyer"] == "ProgramFullError"
    else:
        assert (status, outcomes["buyer"]) == (OrderStatus.REFUNDED_LATE, "done")
