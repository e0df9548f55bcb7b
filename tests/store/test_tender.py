"""Household credit and gift balance pay before the card, and come back when the order
does not go through."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import giftcards
from jasperrec.store import ledger
from jasperrec.store import prices
from jasperrec.store import refunds
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store import tender
from jasperrec.store.errors import PaymentError
from jasperrec.store.errors import RefundFailedError
from jasperrec.store.models import GiftCard
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import LedgerKind
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import RefundDestination
from jasperrec.store.models import RefundStatus
from jasperrec.store.models import RegistrationStatus
from tests import factories
from tests.store.conftest import checkout_event
from tests.store.gift_cards import buy
from tests.store.gift_cards import gift_card_product
from tests.store.test_refund_webhooks import event
from tests.store.test_refund_webhooks import refund_object

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
WEBHOOK = "/store/webhooks/stripe"
# A program's fee; programs for children carry no GST.
TOTAL = 8_400


def _give(household, account, cents):
    if account is LedgerAccount.CREDIT:
        ledger.add_entry(
            household, None, LedgerKind.CREDIT_ISSUED, account, cents, currency="CAD", reason="test"
        )
        return
    # A gift balance comes from a card someone bought, redeemed by its code.
    order = buy(factories.UserFactory(), price_cents=cents)
    card = db.session.scalars(sa.select(GiftCard).where(GiftCard.order_id == order.id)).one()
    giftcards.redeem(household, giftcards.readable_code(card))


def _household(credit=0, gift=0, program=None):
    resident = factories.UserFactory()
    if credit:
        _give(resident, LedgerAccount.CREDIT, credit)
    if gift:
        _give(resident, LedgerAccount.GIFT, gift)
    child = factories.HouseholdMemberFactory(user=resident)
    program = program or factories.ProgramFactory()
    service.add_program_to_cart(resident, program.slug, child.id)
    return resident


def _spent_rows(order):
    query = sa.select(LedgerEntry.account, LedgerEntry.amount_cents).where(
        LedgerEntry.order_id == order.id, LedgerEntry.kind == LedgerKind.CREDIT_SPENT
    )
    return db.session.execute(query.order_by(LedgerEntry.id)).all()


def _pay(client, signed_webhook, order, amount, event_id="evt_paid"):
    event = checkout_event(
        "checkout.session.completed", order.checkout_session_id, event_id=event_id,
        amount_total=amount,
    )  # fmt: skip
    body, headers = signed_webhook(event)
    return client.post(WEBHOOK, data=body, headers=headers)


def test_credit_covering_the_whole_order_confirms_it_without_a_payment_page(fake_gateway, outbox):
    resident = _household(credit=10_000)

    placed = checkout.check_out(resident, fake_gateway, URL, URL)

    assert placed.payment_url is None
    assert fake_gateway.calls == []
    order = placed.order
    assert order.status is OrderStatus.PAID
    assert (order.balance_paid_cents, order.card_cents) == (TOTAL, 0)
    assert order.lines[0].registration.status is RegistrationStatus.CONFIRMED
    assert _spent_rows(order) == [(LedgerAccount.CREDIT, -TOTAL)]
    assert ledger.balance(resident, LedgerAccount.CREDIT) == 10_000 - TOTAL
    # No card payment row: the card paid nothing.
    assert ledger.net_paid(order) == TOTAL
    assert "$84.00 from your household balance" in outbox[-1].get_body().get_content()


def test_credit_is_spent_before_the_gift_balance_and_the_card_pays_the_rest(
    client, fake_gateway, signed_webhook
):
    resident = _household(credit=500, gift=1_000)

    placed = checkout.check_out(resident, fake_gateway, URL, URL)

    order = placed.order
    assert placed.payment_url is not None
    assert (order.balance_paid_cents, order.card_cents) == (1_500, TOTAL - 1_500)
    assert _spent_rows(order) == [(LedgerAccount.CREDIT, -500), (LedgerAccount.GIFT, -1_000)]
    (call,) = fake_gateway.calls
    (line,) = call.arguments["lines"]
    assert (line.unit_amount_cents, line.quantity) == (TOTAL - 1_500, 1)
    assert "less $15.00 from your household balance" in line.name
    assert tender.available_cents(resident) == 0

    assert _pay(client, signed_webhook, order, TOTAL - 1_500).status_code == 200

    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.PAID
    assert ledger.net_paid(order) == TOTAL


def test_a_card_payment_of_the_whole_total_is_refused_when_the_balance_paid_part(
    client, fake_gateway, signed_webhook
):
    resident = _household(credit=1_000)
    order = checkout.check_out(resident, fake_gateway, URL, URL).order

    response = _pay(client, signed_webhook, order, TOTAL)

    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PENDING


def test_an_order_that_expires_gives_the_balance_back(fake_gateway):
    resident = _household(credit=1_000, gift=200)
    order = checkout.check_out(resident, fake_gateway, URL, URL).order
    assert tender.available_cents(resident) == 0

    order.expires_at = utcnow() - dt.timedelta(minutes=10)
    db.session.commit()
    settlement.expire_overdue_orders()

    assert ledger.balance(resident, LedgerAccount.CREDIT) == 1_000
    assert ledger.balance(resident, LedgerAccount.GIFT) == 200
    assert tender.spent_by_account(order) == {}
    reasons = db.session.scalars(
        sa.select(LedgerEntry.reason).where(
            LedgerEntry.amount_cents > 0, LedgerEntry.order_id == order.id
        )
    ).all()
    assert reasons == [f"Given back: order {order.reference} expired"] * 2
    # Given back once: closing again gives nothing more.
    assert tender.give_back(order, "expired") == 0


def test_a_payment_that_cannot_start_gives_the_balance_back(fake_gateway):
    resident = _household(credit=1_000)
    fake_gateway.fail_next_call()

    with pytest.raises(PaymentError):
        checkout.check_out(resident, fake_gateway, URL, URL)

    assert ledger.balance(resident, LedgerAccount.CREDIT) == 1_000
    assert len(prices.price_cart(resident).lines) == 1


def test_giving_up_the_payment_gives_the_balance_back(fake_gateway):
    resident = _household(gift=700)
    order = checkout.check_out(resident, fake_gateway, URL, URL).order

    checkout.cancel_checkout(resident, fake_gateway, order.checkout_session_id)

    assert ledger.balance(resident, LedgerAccount.GIFT) == 700
    assert order.status is OrderStatus.CANCELLED


def _lapse(order):
    order.expires_at = utcnow() - dt.timedelta(minutes=10)
    db.session.commit()
    settlement.expire_overdue_orders()


def test_a_late_payment_with_spaces_free_spends_the_balance_again(
    client, fake_gateway, signed_webhook
):
    resident = _household(credit=1_000)
    order = checkout.check_out(resident, fake_gateway, URL, URL).order
    _lapse(order)

    _pay(client, signed_webhook, order, TOTAL - 1_000)

    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.PAID
    assert ledger.balance(resident, LedgerAccount.CREDIT) == 0
    assert tender.spent_by_account(order) == {LedgerAccount.CREDIT: 1_000}


def test_a_late_payment_whose_balance_was_spent_meanwhile_is_refunded(
    client, fake_gateway, signed_webhook
):
    resident = _household(credit=1_000)
    order = checkout.check_out(resident, fake_gateway, URL, URL).order
    _lapse(order)
    # The household spent its credit on something else in the meantime.
    ledger.add_entry(
        resident, resident, LedgerKind.CREDIT_SPENT, LedgerAccount.CREDIT, -600,
        currency="CAD", reason="spent elsewhere",
    )  # fmt: skip
    db.session.commit()
    fake_gateway.calls.clear()

    _pay(client, signed_webhook, order, TOTAL - 1_000)

    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.REFUNDED_LATE
    (refund,) = fake_gateway.calls
    assert refund.arguments["amount_cents"] == TOTAL - 1_000
    assert ledger.balance(resident, LedgerAccount.CREDIT) == 400
    kinds = db.session.execute(
        sa.select(LedgerEntry.kind, LedgerEntry.amount_cents)
        .where(LedgerEntry.order_id == order.id, LedgerEntry.account == LedgerAccount.PAYMENTS)
        .order_by(LedgerEntry.id)
    ).all()
    assert kinds == [(LedgerKind.PAYMENT, TOTAL - 1_000), (LedgerKind.REFUND, -(TOTAL - 1_000))]


def test_a_late_payment_the_resident_chose_to_credit_becomes_household_credit(
    client, fake_gateway, signed_webhook, outbox
):
    program = factories.ProgramFactory(capacity=1)
    resident = _household(program=program)
    order = checkout.check_out(resident, fake_gateway, URL, URL, late_to_credit=True).order
    _lapse(order)
    checkout.check_out(_household(program=program), fake_gateway, URL, URL)
    fake_gateway.calls.clear()

    _pay(client, signed_webhook, order, TOTAL)

    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status is OrderStatus.REFUNDED_LATE
    assert fake_gateway.calls == []
    assert ledger.balance(resident, LedgerAccount.CREDIT) == TOTAL
    assert "is now credit in your household account" in outbox[-1].get_body().get_content()
    # The five-minute task does not refund it to the card as well.
    assert settlement.retry_late_refunds(fake_gateway) == 0


def test_an_order_page_shows_what_the_balance_paid(client, log_in, fake_gateway):
    resident = _household(credit=1_000)
    order = checkout.check_out(resident, fake_gateway, URL, URL).order
    log_in(resident)

    page = client.get(f"/store/orders/{order.id}").get_data(as_text=True)

    assert "From your household balance" in page
    assert "To pay by card" in page
    assert "$74.00" in page


def _paid_partly_from_credit(client, fake_gateway, signed_webhook, credit=1_000):
    resident = _household(credit=credit)
    order = checkout.check_out(resident, fake_gateway, URL, URL).order
    if order.card_cents:
        _pay(client, signed_webhook, order, order.card_cents)
    db.session.expire_all()
    fake_gateway.calls.clear()
    return resident, db.session.get(Order, order.id)


def _refund_all(resident, order, gateway):
    request = refunds.RefundRequest(
        order.lines[0].id, TOTAL, RefundDestination.CARD, "Program cancelled"
    )
    return refunds.refund_line(resident, request, gateway)


def test_a_card_refund_gives_the_balance_part_back_as_credit(client, fake_gateway, signed_webhook):
    resident, order = _paid_partly_from_credit(client, fake_gateway, signed_webhook)

    card = _refund_all(resident, order, fake_gateway)

    assert (card.destination, card.amount_cents) == (RefundDestination.CARD, TOTAL - 1_000)
    (call,) = fake_gateway.calls
    assert call.arguments["amount_cents"] == TOTAL - 1_000
    rows = refunds.list_refunds(order)
    assert [(r.destination, r.amount_cents, r.status) for r in rows] == [
        (RefundDestination.CARD, TOTAL - 1_000, RefundStatus.SUCCEEDED),
        (RefundDestination.CREDIT, 1_000, RefundStatus.SUCCEEDED),
    ]
    assert rows[1].with_card_refund_id == rows[0].id
    assert ledger.balance(resident, LedgerAccount.CREDIT) == 1_000
    assert ledger.net_paid(order) == 0


def test_a_card_refund_that_fails_gives_no_credit_either(client, fake_gateway, signed_webhook):
    resident, order = _paid_partly_from_credit(client, fake_gateway, signed_webhook)
    fake_gateway.fail_next_call()

    with pytest.raises(RefundFailedError):
        _refund_all(resident, order, fake_gateway)

    statuses = [r.status for r in refunds.list_refunds(order)]
    assert statuses == [RefundStatus.FAILED, RefundStatus.FAILED]
    assert ledger.balance(resident, LedgerAccount.CREDIT) == 0
    assert ledger.net_paid(order) == TOTAL


def test_the_credit_part_of_a_pending_card_refund_waits_for_the_processor(
    client, fake_gateway, signed_webhook
):
    resident, order = _paid_partly_from_credit(client, fake_gateway, signed_webhook)
    fake_gateway.refund_status = "pending"
    card = _refund_all(resident, order, fake_gateway)
    assert ledger.balance(resident, LedgerAccount.CREDIT) == 0

    body, headers = signed_webhook(
        event("refund.updated", refund_object(card, "failed"), "evt_refund_failed")
    )
    assert client.post(WEBHOOK, data=body, headers=headers).status_code == 200

    db.session.expire_all()
    statuses = [r.status for r in refunds.list_refunds(order)]
    assert statuses == [RefundStatus.FAILED, RefundStatus.FAILED]
    assert ledger.balance(resident, LedgerAccount.CREDIT) == 0
    # Nothing went back, so it can be refunded again, in full.
    assert refunds.refundable_cents(order.lines[0]) == TOTAL


def test_a_card_refund_of_an_order_the_balance_paid_in_full_is_credit(
    client, fake_gateway, signed_webhook
):
    resident, order = _paid_partly_from_credit(client, fake_gateway, signed_webhook, TOTAL)

    refund = _refund_all(resident, order, fake_gateway)

    assert refund.destination is RefundDestination.CREDIT
    assert fake_gateway.calls == []
    assert ledger.balance(resident, LedgerAccount.CREDIT) == TOTAL


def test_gift_cards_are_paid_by_card_not_from_the_balance(fake_gateway):
    resident = _household(credit=20_000)
    service.add_product_to_cart(resident, gift_card_product(5_000).slug, 1)

    order = checkout.check_out(resident, fake_gateway, URL, URL).order

    assert (order.balance_paid_cents, order.card_cents) == (TOTAL, 5_000)
    assert ledger.balance(resident, LedgerAccount.CREDIT) == 20_000 - TOTAL


def test_the_withdrawal_page_says_the_balance_part_comes_back_as_credit(
    client, log_in, fake_gateway, signed_webhook
):
    resident, order = _paid_partly_from_credit(client, fake_gateway, signed_webhook)
    registration = order.lines[0].registration
    log_in(resident)

    page = client.get(f"/store/registrations/{registration.id}/withdraw").get_data(as_text=True)

    # $84.00 less the $8.40 fee: $74.00 of it went through the card.
    assert "gives $74.00 to the card and $1.60 back to your balance as credit" in page


def test_the_cart_shows_what_the_balance_pays_and_the_card_owes(client, log_in):
    resident = _household(credit=1_000)
    log_in(resident)

    page = client.get("/store/cart").get_data(as_text=True)

    assert "&minus;$10.00" in page
    assert "To pay by card" in page
    assert "Check out and pay $74.00" in page
    assert "credit my household account instead of my card" in page


def test_a_cart_the_balance_covers_checks_out_with_no_card(client, log_in, fake_gateway):
    resident = _household(credit=TOTAL)
    log_in(resident)
    page = client.get("/store/cart").get_data(as_text=True)
    assert "Check out: paid from your household balance" in page
    assert "credit my household account" not in page

    response = client.post("/store/checkout", follow_redirects=True)

    assert "is confirmed; paid from your household balance." in response.get_data(as_text=True)
    assert fake_gateway.calls == []
    assert ledger.balance(resident, LedgerAccount.CREDIT) == 0


def test_the_late_payment_choice_is_kept_on_the_order(client, log_in, fake_gateway):
    resident = _household()
    log_in(resident)

    client.post("/store/checkout", data={"late_to_credit": "y"})

    order = db.session.scalars(sa.select(Order).where(Order.user_id == resident.id)).one()
    assert order.late_to_credit is True
