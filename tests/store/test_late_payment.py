"""A payment that arrives after its hold lapsed: confirmed only if a space is still free,
otherwise refunded in full and the resident told why, so a program is never oversold."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import order_status
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Product
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories
from tests.store.conftest import checkout_event

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
WEBHOOK = "/store/webhooks/stripe"
COMPLETED = "checkout.session.completed"


def _order_for(program, gateway):
    resident = factories.UserFactory()
    child = factories.HouseholdMemberFactory(user=resident)
    service.add_program_to_cart(resident, program.slug, child.id)
    return checkout.check_out(resident, gateway, URL, URL).order


def _lapse(order):
    """Let the order's hold run out and the five-minute task expire it."""
    order.expires_at = utcnow() - dt.timedelta(minutes=10)
    db.session.commit()
    settlement.expire_overdue_orders()


def _pay(client, signed_webhook, order, event_id):
    event = checkout_event(
        COMPLETED, order.checkout_session_id, event_id=event_id, amount_total=order.total_cents
    )
    body, headers = signed_webhook(event)
    return client.post(WEBHOOK, data=body, headers=headers)


def _confirmed(program):
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.program_id == program.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )


def test_a_late_payment_after_the_space_was_sold_does_not_oversell(
    client, fake_gateway, signed_webhook, outbox
):
    program = factories.ProgramFactory(capacity=2)
    late = _order_for(program, fake_gateway)
    _lapse(late)
    for n, order in enumerate([_order_for(program, fake_gateway) for _ in range(2)]):
        assert _pay(client, signed_webhook, order, f"evt_paid_{n}").status_code == 200

    response = _pay(client, signed_webhook, late, "evt_late")

    assert response.status_code == 200
    db.session.expire_all()
    assert _confirmed(program) == 2
    late = db.session.get(Order, late.id)
    assert late.status is OrderStatus.REFUNDED_LATE
    assert late.lines[0].registration.status is RegistrationStatus.CANCELLED
    refund = [c for c in fake_gateway.calls if c.method == "refund"]
    assert [c.arguments for c in refund] == [
        {
            "payment_intent_id": "pi_test_1",
            "amount_cents": late.total_cents,
            "idempotency_key": f"order-{late.id}-late-refund",
        }
    ]
    told = outbox[-1]
    assert told["To"] == late.user.email
    assert "refund" in told["Subject"].lower()
    assert "no space was left" in told.get_body(("plain",)).get_content()


def test_a_late_payment_while_a_space_is_still_free_confirms_it(
    client, fake_gateway, signed_webhook
):
    program = factories.ProgramFactory(capacity=2)
    late = _order_for(program, fake_gateway)
    _lapse(late)

    assert _pay(client, signed_webhook, late, "evt_late").status_code == 200

    db.session.expire_all()
    late = db.session.get(Order, late.id)
    assert late.status is OrderStatus.PAID
    assert _confirmed(program) == 1
    assert [c for c in fake_gateway.calls if c.method == "refund"] == []


def _bottle_order(user, gateway, bottle, quantity):
    service.add_product_to_cart(user, bottle.slug, quantity)
    return checkout.check_out(user, gateway, URL, URL).order


def _stock(bottle):
    return db.session.scalar(sa.select(Product.stock).where(Product.id == bottle.id))


def test_a_late_payment_for_stock_sold_meanwhile_is_refunded_and_stock_stays_at_zero(
    client, fake_gateway, signed_webhook
):
    bottle = factories.ProductFactory(merchandise=True, stock=3)
    late = _bottle_order(factories.UserFactory(), fake_gateway, bottle, 3)
    _lapse(late)
    _bottle_order(factories.UserFactory(), fake_gateway, bottle, 2)

    assert _pay(client, signed_webhook, late, "evt_late").status_code == 200

    db.session.expire_all()
    assert db.session.get(Order, late.id).status is OrderStatus.REFUNDED_LATE
    assert _stock(bottle) == 1


def test_a_late_payment_for_stock_still_there_takes_it(client, fake_gateway, signed_webhook):
    bottle = factories.ProductFactory(merchandise=True, stock=3)
    late = _bottle_order(factories.UserFactory(), fake_gateway, bottle, 2)
    _lapse(late)

    assert _pay(client, signed_webhook, late, "evt_late").status_code == 200

    db.session.expire_all()
    assert db.session.get(Order, late.id).status is OrderStatus.PAID
    assert _stock(bottle) == 1


def _sold_out_late_order(client, fake_gateway, signed_webhook):
    program = factories.ProgramFactory(capacity=1)
    late = _order_for(program, fake_gateway)
    _lapse(late)
    _pay(client, signed_webhook, _order_for(program, fake_gateway), "evt_paid")
    return late


def _refunds(gateway):
    return [c.arguments["idempotency_key"] for c in gateway.calls if c.method == "refund"]


def test_the_late_refund_is_kept_and_a_repeated_event_refunds_once(
    client, fake_gateway, signed_webhook
):
    late = _sold_out_late_order(client, fake_gateway, signed_webhook)

    _pay(client, signed_webhook, late, "evt_late")
    _pay(client, signed_webhook, late, "evt_late_again")

    db.session.expire_all()
    late = db.session.get(Order, late.id)
    assert late.late_refund_id == fake_gateway.refunds[settlement.late_refund_key(late)].id
    assert _refunds(fake_gateway) == [f"order-{late.id}-late-refund"]
    assert [c.to_status for c in order_status.history(late)][-2:] == [
        OrderStatus.EXPIRED,
        OrderStatus.REFUNDED_LATE,
    ]


def test_a_late_refund_the_processor_refused_is_asked_again_with_the_same_key(
    client, fake_gateway, signed_webhook, caplog
):
    late = _sold_out_late_order(client, fake_gateway, signed_webhook)
    fake_gateway.fail_next_call()

    assert _pay(client, signed_webhook, late, "evt_late").status_code == 200

    db.session.expire_all()
    late = db.session.get(Order, late.id)
    assert (late.status, late.late_refund_id) == (OrderStatus.REFUNDED_LATE, None)
    assert "will be retried" in caplog.text
    assert settlement.retry_late_refunds(fake_gateway) == 1
    assert late.late_refund_id is not None
    assert settlement.retry_late_refunds(fake_gateway) == 0
    assert _refunds(fake_gateway) == [settlement.late_refund_key(late)] * 2
    assert len(fake_gateway.refunds) == 1


def test_a_late_payment_for_a_cancelled_program_is_refunded(client, fake_gateway, signed_webhook):
    program = factories.ProgramFactory(capacity=5)
    late = _order_for(program, fake_gateway)
    _lapse(late)
    program.cancelled_at = utcnow()
    db.session.commit()

    _pay(client, signed_webhook, late, "evt_late")

    db.session.expire_all()
    assert db.session.get(Order, late.id).status is OrderStatus.REFUNDED_LATE


def test_the_resident_paid_too_late_is_put_first_on_the_waitlist(
    client, fake_gateway, signed_webhook, outbox
):
    from jasperrec.store.models import WaitlistEntry
    from jasperrec.store.waitlist import join_waitlist
    from jasperrec.store.waitlist import list_waitlist

    program = factories.ProgramFactory(capacity=1, min_age=None, max_age=None)
    late = _order_for(program, fake_gateway)
    _lapse(late)
    sold = _order_for(program, fake_gateway)
    assert _pay(client, signed_webhook, sold, "evt_paid").status_code == 200
    already_waiting = join_waitlist(factories.UserFactory(), program.slug, None)

    assert _pay(client, signed_webhook, late, "evt_late").status_code == 200

    db.session.expire_all()
    entries = db.session.scalars(
        sa.select(WaitlistEntry).where(WaitlistEntry.program_id == program.id)
    ).all()
    first = min(entries, key=lambda entry: entry.queued_at)
    assert first.user_id == late.user_id
    assert first.household_member_id == late.lines[0].registration.household_member_id
    assert first.id != already_waiting.id
    assert len(list_waitlist(program)) == 2
    told = outbox[-1].get_body(("plain",)).get_content()
    assert "first on the waitlist" in told
