"""Checking out: orders, held spaces, and what payment, expiry and cancelling do to them."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import order_status
from jasperrec.store import prices
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store.errors import CartEmptyError
from jasperrec.store.errors import EmailNotConfirmedError
from jasperrec.store.errors import OrderNotPendingError
from jasperrec.store.errors import PaymentError
from jasperrec.store.errors import PaymentMismatchError
from jasperrec.store.errors import ProgramFullError
from jasperrec.store.models import CartItem
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Product
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories

SUCCESS = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
CANCEL = "http://127.0.0.1:5000/store/checkout/cancelled?session_id={CHECKOUT_SESSION_ID}"


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _fill(user, *, price=8_400, capacity=8):
    child = factories.HouseholdMemberFactory(user=user)
    program = factories.ProgramFactory(price_cents=price, capacity=capacity)
    service.add_program_to_cart(user, program.slug, child.id)
    service.add_product_to_cart(
        user, factories.ProductFactory(merchandise=True, price_cents=6_500).slug, 2
    )
    return program, child


def _check_out(user, gateway, **options):
    return checkout.check_out(user, gateway, SUCCESS, CANCEL, **options)


def test_check_out_places_an_order_holds_spaces_and_empties_the_cart(user, fake_gateway):
    program, child = _fill(user)
    placed = _check_out(user, fake_gateway)
    order = placed.order
    assert order.status is OrderStatus.PENDING
    assert (order.subtotal_cents, order.gst_cents, order.total_cents) == (21_400, 650, 22_050)
    assert order.lines[0].description == program.name
    assert order.lines[1].description.startswith("Water bottle")
    assert (order.lines[1].quantity, order.lines[1].unit_price_cents) == (2, 6_500)
    registration = order.lines[0].registration
    assert (registration.status, registration.household_member_id) == (
        RegistrationStatus.HELD,
        child.id,
    )
    assert service.spaces_left(program) == 7
    assert _count(CartItem) == 0
    assert order.checkout_session_id == fake_gateway.calls[-1].session_id
    assert placed.payment_url.endswith(f"/store/demo-checkout/{order.checkout_session_id}")
    expected_expiry = utcnow() + dt.timedelta(minutes=30)
    assert abs(order.expires_at - expected_expiry) < dt.timedelta(seconds=30)


def test_check_out_sends_the_processor_each_line_and_the_gst(user, fake_gateway):
    _, child = _fill(user)
    order = _check_out(user, fake_gateway).order
    call = fake_gateway.calls[-1]
    lines = [(line.name, line.unit_amount_cents, line.quantity) for line in call.arguments["lines"]]
    assert lines == [
        (f"{order.lines[0].description} ({child.full_name})", 8_400, 1),
        (order.lines[1].description, 6_500, 2),
        ("GST (5%)", 650, 1),
    ]
    assert sum(price * qty for _, price, qty in lines) == order.total_cents
    assert call.arguments["reference"] == order.reference
    assert call.arguments["customer_email"] == user.email
    assert call.arguments["currency"] == "CAD"
    assert call.arguments["success_url"] == SUCCESS


def test_check_out_needs_a_confirmed_email(fake_gateway):
    user = factories.UserFactory(unconfirmed=True)
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    with pytest.raises(EmailNotConfirmedError):
        _check_out(user, fake_gateway)
    assert _count(Order) == 0
    assert fake_gateway.calls == []


def test_check_out_refuses_an_empty_cart(user, fake_gateway):
    with pytest.raises(CartEmptyError):
        _check_out(user, fake_gateway)
    assert fake_gateway.calls == []


def test_a_payment_that_cannot_start_cancels_the_order_and_refills_the_cart(user, fake_gateway):
    program, _ = _fill(user)
    bottle = db.session.scalar(sa.select(Product))
    fake_gateway.fail_next_call()
    with pytest.raises(PaymentError, match="Nothing was charged"):
        _check_out(user, fake_gateway)
    order = db.session.scalar(sa.select(Order))
    assert order.status is OrderStatus.CANCELLED
    assert order.lines[0].registration.status is RegistrationStatus.CANCELLED
    assert _count(CartItem) == 2
    assert service.spaces_left(program) == 8
    assert bottle.stock is None or db.session.get(Product, bottle.id).stock == bottle.stock
    assert [c.to_status for c in order_status.history(order)] == [
        OrderStatus.PENDING,
        OrderStatus.CANCELLED,
    ]
    assert order_status.history(order)[-1].reason == "the payment could not start"


def test_a_retried_checkout_session_uses_a_key_from_the_order(user, fake_gateway):
    _fill(user)
    order = _check_out(user, fake_gateway).order
    key = f"order-{order.id}-session"
    assert fake_gateway.calls[-1].arguments["idempotency_key"] == key
    again = fake_gateway.create_checkout_session(**fake_gateway.calls[-1].arguments)
    assert again.id == order.checkout_session_id


def test_the_last_space_goes_to_the_first_to_check_out(user, fake_gateway):
    program = factories.ProgramFactory(capacity=1)
    rival = factories.UserFactory()
    for who in (user, rival):
        service.add_program_to_cart(
            who, program.slug, factories.HouseholdMemberFactory(user=who).id
        )
    _check_out(rival, fake_gateway)
    with pytest.raises(ProgramFullError):
        _check_out(user, fake_gateway, keep_together=True)
    assert _count(Order) == 1
    assert [i.program_id for i in db.session.scalars(sa.select(CartItem))] == [program.id]


def test_two_children_in_one_cart_cannot_overfill_a_program(user, fake_gateway):
    program = factories.ProgramFactory(capacity=1)
    for _ in range(2):
        service.add_program_to_cart(
            user, program.slug, factories.HouseholdMemberFactory(user=user).id
        )
    with pytest.raises(ProgramFullError):
        _check_out(user, fake_gateway, keep_together=True)
    assert (_count(Order), _count(Registration)) == (0, 0)


def test_record_payment_confirms_the_registrations_and_emails_a_receipt(user, fake_gateway, outbox):
    program, child = _fill(user)
    order = _check_out(user, fake_gateway).order
    paid = settlement.record_payment(order.checkout_session_id, "pi_123", order.total_cents)
    assert paid is order
    assert order.status is OrderStatus.PAID
    assert order.payment_intent_id == "pi_123"
    assert order.paid_at is not None
    assert order.lines[0].registration.status is RegistrationStatus.CONFIRMED
    assert service.spaces_left(program) == 7
    [receipt] = outbox
    assert receipt["To"] == user.email
    assert receipt["Subject"] == f"Receipt for order {order.reference}"
    text = receipt.get_body(("plain",)).get_content()
    assert "$220.50" in text
    assert "GST: $6.50" in text
    assert child.full_name in text
    assert "10776 4564 RT0001" in text


def test_record_payment_twice_changes_nothing_the_second_time(user, fake_gateway, outbox):
    _fill(user)
    order = _check_out(user, fake_gateway).order
    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)
    paid_at = order.paid_at
    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)
    assert order.paid_at == paid_at
    assert len(outbox) == 1


def test_record_payment_refuses_an_amount_other_than_the_total(user, fake_gateway, outbox):
    _fill(user)
    order = _check_out(user, fake_gateway).order
    with pytest.raises(PaymentMismatchError):
        settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents - 1)
    db.session.rollback()
    assert db.session.get(Order, order.id).status is OrderStatus.PENDING
    assert outbox == []


def test_record_payment_for_an_unknown_session_returns_none(app):
    assert settlement.record_payment("cs_unknown", "pi_1", 100) is None


def test_a_late_payment_for_an_expired_order_is_still_recorded(user, fake_gateway):
    _fill(user)
    order = _check_out(user, fake_gateway).order
    settlement.expire_checkout(order.checkout_session_id)
    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)
    assert order.status is OrderStatus.PAID
    assert order.closed_at is None
    assert order.lines[0].registration.status is RegistrationStatus.CONFIRMED


def test_expire_checkout_releases_the_held_spaces(user, fake_gateway):
    program, _ = _fill(user)
    order = _check_out(user, fake_gateway).order
    assert settlement.expire_checkout(order.checkout_session_id) is order
    assert order.status is OrderStatus.EXPIRED
    assert order.closed_at is not None
    assert order.lines[0].registration.status is RegistrationStatus.CANCELLED
    assert service.spaces_left(program) == 8
    assert settlement.expire_checkout("cs_unknown") is None


def test_expire_checkout_leaves_a_paid_order_alone(user, fake_gateway):
    _fill(user)
    order = _check_out(user, fake_gateway).order
    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)
    assert settlement.expire_checkout(order.checkout_session_id) is None
    assert order.status is OrderStatus.PAID


def test_cancel_checkout_expires_the_session_and_puts_the_items_back(user, fake_gateway):
    program, child = _fill(user)
    order = _check_out(user, fake_gateway).order
    checkout.cancel_checkout(user, fake_gateway, order.checkout_session_id)
    assert order.status is OrderStatus.CANCELLED
    assert fake_gateway.calls[-1].method == "expire_checkout_session"
    assert service.spaces_left(program) == 8
    cart = prices.price_cart(user)
    assert [(line.description, line.quantity) for line in cart.lines] == [
        (program.name, 1),
        (order.lines[1].description, 2),
    ]
    assert cart.lines[0].item.household_member_id == child.id


def test_cancel_checkout_changes_nothing_when_the_processor_cannot_cancel(user, fake_gateway):
    _fill(user)
    order = _check_out(user, fake_gateway).order
    fake_gateway.fail_next_call()
    with pytest.raises(PaymentError):
        checkout.cancel_checkout(user, fake_gateway, order.checkout_session_id)
    assert order.status is OrderStatus.PENDING
    assert _count(CartItem) == 0


def test_cancel_checkout_refuses_paid_and_other_peoples_orders(user, fake_gateway):
    _fill(user)
    order = _check_out(user, fake_gateway).order
    with pytest.raises(NotFoundError):
        checkout.cancel_checkout(factories.UserFactory(), fake_gateway, order.checkout_session_id)
    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)
    with pytest.raises(OrderNotPendingError):
        checkout.cancel_checkout(user, fake_gateway, order.checkout_session_id)


def test_cancelling_does_not_put_back_a_program_for_a_removed_household_member(user, fake_gateway):
    _, child = _fill(user)
    order = _check_out(user, fake_gateway).order
    db.session.delete(child)
    db.session.flush()
    db.session.expire_all()
    checkout.cancel_checkout(user, fake_gateway, order.checkout_session_id)
    assert [line.item.product_id for line in prices.price_cart(user).lines] == [
        order.lines[1].product_id
    ]


def test_expire_overdue_orders_expires_only_pending_orders_past_their_window(user):
    overdue = factories.OrderFactory(expires_at=utcnow() - dt.timedelta(minutes=10))
    recent = factories.OrderFactory(expires_at=utcnow() - dt.timedelta(minutes=1))
    paid = factories.OrderFactory(
        status=OrderStatus.PAID, expires_at=utcnow() - dt.timedelta(hours=1)
    )
    assert settlement.expire_overdue_orders() == 1
    assert overdue.status is OrderStatus.EXPIRED
    assert recent.status is OrderStatus.PENDING
    assert paid.status is OrderStatus.PAID


def test_list_and_get_orders_show_only_the_residents_own(user):
    mine = [factories.OrderFactory(user=user), factories.OrderFactory(user=user)]
    theirs = factories.OrderFactory()
    assert {o.id for o in checkout.list_orders_for(user).items} == {o.id for o in mine}
    assert checkout.get_order_for(user, mine[0].id) is mine[0]
    with pytest.raises(NotFoundError):
        checkout.get_order_for(user, theirs.id)
    with pytest.raises(NotFoundError):
        checkout.get_order_for_session(user, theirs.checkout_session_id)


def test_the_worker_expires_overdue_orders_every_five_minutes(user):
    overdue = factories.OrderFactory(expires_at=utcnow() - dt.timedelta(minutes=10))
    task = settlement.expire_overdue_orders_task
    assert task.task_class().validate_datetime(dt.datetime(2026, 11, 25, 10, 55))
    assert not task.task_class().validate_datetime(dt.datetime(2026, 11, 25, 10, 56))
    task.call_local()
    assert overdue.status is OrderStatus.EXPIRED


def test_an_order_that_costs_nothing_is_confirmed_without_a_payment(user, fake_gateway, outbox):
    program = factories.ProgramFactory(price_cents=0)
    service.add_program_to_cart(user, program.slug, factories.HouseholdMemberFactory(user=user).id)
    placed = _check_out(user, fake_gateway)
    assert placed.payment_url is None
    assert placed.order.status is OrderStatus.PAID
    assert placed.order.lines[0].registration.status is RegistrationStatus.CONFIRMED
    assert fake_gateway.calls == []
    [receipt] = outbox
    assert "nothing was owed" in receipt.get_body(("plain",)).get_content()
