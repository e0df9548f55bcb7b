"""Delayed payment methods (bank debits): the hold lasts until the processor decides.

Every event goes through the real endpoint with a real signature, including duplicates and
events that arrive out of order.
"""

from __future__ import annotations

import datetime as dt

import pytest

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store.errors import OrderNotPendingError
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import RegistrationStatus
from tests import factories
from tests.store.conftest import checkout_event

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
WEBHOOK = "/store/webhooks/stripe"
COMPLETED = "checkout.session.completed"
SUCCEEDED = "checkout.session.async_payment_succeeded"
FAILED = "checkout.session.async_payment_failed"


@pytest.fixture
def placed(user, fake_gateway):
    """A resident's pending order holding one space in a program of two."""
    program = factories.ProgramFactory(capacity=2)
    child = factories.HouseholdMemberFactory(user=user)
    service.add_program_to_cart(user, program.slug, child.id)
    return checkout.check_out(user, fake_gateway, URL, URL).order


@pytest.fixture
def send(client, signed_webhook):
    """Deliver an event for the order through the signed endpoint; return the reloaded order."""

    def deliver(order, event_type, event_id, payment_status="paid"):
        event = checkout_event(
            event_type,
            order.checkout_session_id,
            event_id=event_id,
            amount_total=order.total_cents,
            payment_status=payment_status,
        )
        body, headers = signed_webhook(event)
        assert client.post(WEBHOOK, data=body, headers=headers).status_code == 200
        db.session.expire_all()
        return db.session.get(Order, order.id)

    return deliver


def _overdue(order):
    order.expires_at = utcnow() - dt.timedelta(hours=2)
    db.session.commit()


def test_an_unpaid_completed_checkout_keeps_its_hold_past_the_expiry_task(placed, send):
    order = send(placed, COMPLETED, "evt_1", payment_status="unpaid")
    _overdue(order)

    assert settlement.expire_overdue_orders() == 0

    assert (order.status, order.is_payment_delayed) == (OrderStatus.PENDING, True)
    assert order.lines[0].registration.status is RegistrationStatus.HELD


def test_the_delayed_payment_arriving_confirms_the_held_space(placed, send, outbox):
    send(placed, COMPLETED, "evt_1", payment_status="unpaid")
    _overdue(placed)
    settlement.expire_overdue_orders()

    order = send(placed, SUCCEEDED, "evt_2")

    assert order.status is OrderStatus.PAID
    assert order.lines[0].registration.status is RegistrationStatus.CONFIRMED
    assert [m["Subject"] for m in outbox] == [outbox[0]["Subject"]]


def test_a_failed_delayed_payment_releases_the_space(placed, send):
    send(placed, COMPLETED, "evt_1", payment_status="unpaid")

    order = send(placed, FAILED, "evt_2")

    assert order.status is OrderStatus.EXPIRED
    assert order.lines[0].registration.status is RegistrationStatus.CANCELLED


def test_duplicate_deliveries_are_applied_once(placed, send, outbox):
    for event_id in ("evt_1", "evt_1"):
        send(placed, COMPLETED, event_id, payment_status="unpaid")
    for event_id in ("evt_2", "evt_2"):
        order = send(placed, SUCCEEDED, event_id)

    assert order.status is OrderStatus.PAID
    assert len(outbox) == 1


def test_success_before_the_unpaid_completion_stays_paid(placed, send):
    send(placed, SUCCEEDED, "evt_2")

    order = send(placed, COMPLETED, "evt_1", payment_status="unpaid")

    assert order.status is OrderStatus.PAID


def test_failure_before_the_unpaid_completion_stays_expired(placed, send):
    send(placed, FAILED, "evt_2")

    order = send(placed, COMPLETED, "evt_1", payment_status="unpaid")

    assert (order.status, order.is_payment_delayed) == (OrderStatus.EXPIRED, False)
    _overdue(order)
    assert settlement.expire_overdue_orders() == 0


def test_an_order_awaiting_a_delayed_payment_cannot_be_cancelled(user, placed, send, fake_gateway):
    send(placed, COMPLETED, "evt_1", payment_status="unpaid")

    with pytest.raises(OrderNotPendingError, match="on its way from your bank"):
        checkout.cancel_checkout(user, fake_gateway, placed.checkout_session_id)
    assert [c.method for c in fake_gateway.calls] == ["create_checkout_session"]
