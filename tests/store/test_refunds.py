"""Refunds: to the card through the gateway or as credit, never more than was paid."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.store import ledger
from jasperrec.store import refunds
from jasperrec.store.errors import RefundError
from jasperrec.store.errors import RefundFailedError
from jasperrec.store.errors import RefundStatusError
from jasperrec.store.errors import RefundTooLargeError
from jasperrec.store.fake_payments import FakeGateway
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import LedgerKind
from jasperrec.store.models import LedgerStatus
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Refund
from jasperrec.store.models import RefundDestination
from jasperrec.store.models import RefundStatus
from tests import factories

CARD = RefundDestination.CARD
CREDIT = RefundDestination.CREDIT


def paid_order() -> Order:
    return factories.OrderFactory(status=OrderStatus.PAID, payment_intent_id="pi_test_1")


def ask(
    order: Order, amount: int, to: RefundDestination = CARD, fee: int = 0
) -> refunds.RefundRequest:
    return refunds.RefundRequest(order.lines[0].id, amount, to, "Withdrew", fee)


def rows(order: Order) -> list[tuple[LedgerKind, LedgerAccount, int, LedgerStatus]]:
    query = sa.select(LedgerEntry).where(LedgerEntry.order_id == order.id).order_by(LedgerEntry.id)
    return [(e.kind, e.account, e.amount_cents, e.status) for e in db.session.scalars(query)]


def test_a_card_refund_goes_through_the_gateway_keyed_by_our_row(fake_gateway: FakeGateway) -> None:
    order = paid_order()
    staff = factories.StaffFactory(roles=[Role.FINANCE])

    refund = refunds.refund_line(staff, ask(order, 2_000), fake_gateway)

    [call] = [c for c in fake_gateway.calls if c.method == "refund"]
    assert call.arguments == {
        "payment_intent_id": "pi_test_1",
        "amount_cents": 2_000,
        "idempotency_key": f"refund-{refund.id}",
    }
    assert refund.status is RefundStatus.SUCCEEDED
    assert refund.stripe_refund_id.startswith("re_demo_")
    assert refund.status_changed_by_id == staff.id
    assert refund.status_changed_at is not None
    assert rows(order)[-1] == (
        LedgerKind.REFUND,
        LedgerAccount.PAYMENTS,
        -2_000,
        LedgerStatus.SUCCEEDED,
    )
    assert ledger.net_paid(order) == 4_825


def test_a_credit_refund_issues_household_credit_and_keeps_the_fee(
    fake_gateway: FakeGateway,
) -> None:
    order = paid_order()

    refunds.refund_line(order.user, ask(order, 6_000, CREDIT, fee=825), fake_gateway)

    assert [c for c in fake_gateway.calls if c.method == "refund"] == []
    assert rows(order)[1:] == [
        (LedgerKind.CREDIT_ISSUED, LedgerAccount.CREDIT, 6_000, LedgerStatus.SUCCEEDED),
        (LedgerKind.FEE, LedgerAccount.FEES, 825, LedgerStatus.SUCCEEDED),
    ]
    assert ledger.balance(order.user, LedgerAccount.CREDIT) == 6_000
    assert refunds.refundable_cents(order.lines[0]) == 0


@pytest.mark.parametrize(("amount", "fee"), [(6_826, 0), (6_000, 826)])
def test_refunding_more_than_was_paid_is_refused_and_nothing_is_done(
    fake_gateway: FakeGateway, amount: int, fee: int
) -> None:
    order = paid_order()
    with pytest.raises(RefundTooLargeError, match=r"Only \$68.25 .* is left to refund"):
        refunds.refund_line(order.user, ask(order, amount, fee=fee), fake_gateway)
    assert fake_gateway.calls == []
    assert db.session.scalars(sa.select(Refund)).all() == []


def test_refunding_twice_is_refused_the_second_time(fake_gateway: FakeGateway) -> None:
    order = paid_order()
    refunds.refund_line(order.user, ask(order, 6_825), fake_gateway)
    with pytest.raises(RefundTooLargeError, match=r"Only \$0.00 .* refunded already"):
        refunds.refund_line(order.user, ask(order, 6_825), fake_gateway)
    assert len([c for c in fake_gateway.calls if c.method == "refund"]) == 1


def test_a_failed_card_refund_says_so_and_frees_the_amount_again(fake_gateway: FakeGateway) -> None:
    order = paid_order()
    fake_gateway.fail_next_call()

    with pytest.raises(RefundFailedError, match="could not make the refund"):
        refunds.refund_line(order.user, ask(order, 6_825), fake_gateway)

    [refund] = db.session.scalars(sa.select(Refund)).all()
    assert refund.status is RefundStatus.FAILED
    assert rows(order)[-1] == (
        LedgerKind.REFUND,
        LedgerAccount.PAYMENTS,
        -6_825,
        LedgerStatus.FAILED,
    )
    assert ledger.net_paid(order) == 6_825
    assert refunds.refundable_cents(order.lines[0]) == 6_825


def test_a_refund_the_processor_declines_is_failed(fake_gateway: FakeGateway) -> None:
    order = paid_order()
    fake_gateway.refund_status = "failed"
    with pytest.raises(RefundFailedError):
        refunds.refund_line(order.user, ask(order, 100), fake_gateway)
    assert ledger.net_paid(order) == 6_825


def test_a_pending_card_refund_waits_for_the_processor(fake_gateway: FakeGateway) -> None:
    order = paid_order()
    fake_gateway.refund_status = "pending"
    refund = refunds.refund_line(order.user, ask(order, 1_000), fake_gateway)

    assert refund.status is RefundStatus.REQUESTED
    assert ledger.net_paid(order) == 6_825
    # Held against the line until settled, so it cannot be given twice meanwhile.
    assert refunds.refundable_cents(order.lines[0]) == 5_825


@pytest.mark.parametrize(
    ("order_kw", "message"),
    [
        ({"status": OrderStatus.PENDING}, "awaiting payment: nothing was paid"),
        ({"status": OrderStatus.PAID, "payment_intent_id": None}, "was not paid online"),
    ],
)
def test_a_refund_of_an_order_not_paid_online_is_refused(
    fake_gateway: FakeGateway, order_kw: dict[str, object], message: str
) -> None:
    order = factories.OrderFactory(**order_kw)
    with pytest.raises(RefundError, match=message):
        refunds.refund_line(order.user, ask(order, 100), fake_gateway)


def test_a_refund_of_nothing_is_refused(fake_gateway: FakeGateway) -> None:
    order = paid_order()
    with pytest.raises(RefundError, match="more than"):
        refunds.refund_line(order.user, ask(order, 0), fake_gateway)


@pytest.mark.parametrize("start", list(RefundStatus))
@pytest.mark.parametrize("target", list(RefundStatus))
def test_every_status_change_follows_the_table(start: RefundStatus, target: RefundStatus) -> None:
    order = paid_order()
    refund = Refund(
        order=order, order_line=order.lines[0], amount_cents=1, currency="CAD",
        destination=CARD, reason="test", status=start,
    )  # fmt: skip
    db.session.add(refund)
    db.session.flush()
    if target in refunds.TRANSITIONS[start]:
        refunds.change_status(refund, target, None)
        assert refund.status is target
        assert refund.status_changed_at is not None
    else:
        with pytest.raises(RefundStatusError):
            refunds.change_status(refund, target, None)
        assert refund.status is start
    # The rows this test made by hand are not the ledger's concern.
    db.session.rollback()
