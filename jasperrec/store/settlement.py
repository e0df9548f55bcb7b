"""What the processor's word does to an order: paid, paid late, delayed, failed or expired.

A payment that arrives after the order's hold lapsed confirms it only if its spaces and
stock are still free, checked under the same locks as checkout; otherwise the whole amount
is refunded and the resident told why, so a program is never oversold.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.mail import send_mail
from jasperrec.tasks import crontab
from jasperrec.tasks import periodic_task

from . import entitlements
from . import giftcards
from . import ledger
from . import order_status
from . import stock
from . import tender
from . import waitlist
from .errors import PaymentError
from .errors import PaymentMismatchError
from .models import LedgerKind
from .models import Order
from .models import OrderLine
from .models import OrderStatus
from .models import Program
from .models import RegistrationStatus
from .payments import PaymentGateway
from .payments import gateway as current_gateway
from .service import local_today
from .service import spaces_left

log = logging.getLogger(__name__)

PAID_LATE = "paid after the hold lapsed; its spaces were still free"
REFUNDED_LATE = "paid after the hold lapsed; the spaces were gone, so it was refunded"


def find_order_by_session(checkout_session_id: str, *, lock: bool = False) -> Order | None:
    """Return the order paid through a checkout session, if there is one."""
    query = sa.select(Order).where(Order.checkout_session_id == checkout_session_id)
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


def late_refund_key(order: Order) -> str:
    """The idempotency key of an order's late refund: one refund, however often tried."""
    return f"order-{order.id}-late-refund"


def record_payment(
    checkout_session_id: str,
    payment_intent_id: str | None,
    amount_total_cents: int,
    gateway: PaymentGateway | None = None,
) -> Order | None:
    """Mark the order paid, confirm its registrations, and email the receipt.

    A payment after the order closed confirms it only if its spaces and stock are still
    free; otherwise the order is refunded in full. Returns None when no order has that session.

    :raises PaymentMismatchError: the amount paid is not the order's total.
    """
    order = find_order_by_session(checkout_session_id, lock=True)
    if order is None or order.status in (OrderStatus.PAID, OrderStatus.REFUNDED_LATE):
        db.session.commit()
        return order
    if amount_total_cents != order.card_cents:
        raise PaymentMismatchError(
            f"Order {order.reference}: paid {amount_total_cents}, due {order.card_cents}."
        )
    if not order.is_pending and not _take_back(order):
        return _refund_late(order, payment_intent_id, gateway or current_gateway())
    reason = "paid through the processor" if order.is_pending else PAID_LATE
    mark_paid(order, payment_intent_id, reason)
    db.session.commit()
    send_mail(order.user.email, "store/receipt", order=order, user=order.user)
    return order


def mark_paid(
    order: Order, payment_intent_id: str | None, reason: str, by: User | None = None
) -> None:
    """Move the order to paid, confirm its registrations and issue its passes and gift
    cards; flushes."""
    order_status.move(order, OrderStatus.PAID, reason, by)
    order.payment_intent_id = payment_intent_id
    order.paid_at = utcnow()
    _set_registrations(order.lines, RegistrationStatus.CONFIRMED)
    waitlist.remove_clashing_for(order)
    entitlements.issue_for(order, local_today())
    ledger.record_payment(order)
    giftcards.issue_for(order)


def _take_back(order: Order) -> bool:
    """Take again the stock and spaces a closed order gave up, if every one is still free.

    Locks as checkout does (stock by conditional update, then the programs in id order,
    then the household), so a late payment and a checkout cannot both take the last space.
    """
    if not stock.take_late(order.lines):
        return False
    wanted = Counter(line.program_id for line in order.lines if line.program_id is not None)
    programs = db.session.scalars(
        sa.select(Program).where(Program.id.in_(wanted)).order_by(Program.id).with_for_update()
    ).all()
    free = all(p.cancelled_at is None and spaces_left(p) >= wanted[p.id] for p in programs)
    # What the household balance paid was given back when the order closed: take it again.
    if free and tender.spend_again(order):
        return True
    stock.give_back(order.lines)
    return False


def _refund_late(order: Order, payment_intent_id: str | None, gateway: PaymentGateway) -> Order:
    """Close the order as refunded, tell the resident why, then refund it in full.

    The refund is asked for after the commit, holding no lock; if the processor fails, the
    five-minute task asks again with the same key.
    """
    order_status.move(order, OrderStatus.REFUNDED_LATE, REFUNDED_LATE)
    order.payment_intent_id = payment_intent_id
    ledger.record_late(order, LedgerKind.PAYMENT)
    if order.late_to_credit:
        ledger.record_late(order, LedgerKind.CREDIT_ISSUED)
    first = [
        line
        for line in order.lines
        if line.program is not None
        and line.registration is not None
        and waitlist.put_first(order.user, line.program, line.registration.household_member)
    ]
    db.session.commit()
    log.warning("Order %s was paid after its spaces were taken; refunding.", order.reference)
    send_mail(
        order.user.email, "store/late_payment_refunded", order=order, user=order.user, first=first
    )
    if not order.late_to_credit:
        send_late_refund(order, gateway)
    return order


def send_late_refund(order: Order, gateway: PaymentGateway) -> None:
    """Ask the processor for an order's late refund and keep its id; commits.

    A failure is logged, and the order waits for the next try.
    """
    if order.payment_intent_id is None:
        return
    try:
        refund = gateway.refund(order.payment_intent_id, order.card_cents, late_refund_key(order))
    except PaymentError:
        log.exception("The late refund of order %s failed; it will be retried.", order.reference)
        return
    order.late_refund_id = refund.id
    ledger.record_late(order, LedgerKind.REFUND)
    db.session.commit()


def retry_late_refunds(gateway: PaymentGateway) -> int:
    """Ask again for the late refunds the processor has not yet accepted."""
    query = sa.select(Order).where(
        Order.status == OrderStatus.REFUNDED_LATE,
        Order.late_refund_id.is_(None),
        Order.late_to_credit.is_(False),
        Order.payment_intent_id.is_not(None),
    )
    orders = db.session.scalars(query).all()
    db.session.commit()
    for order in orders:
        send_late_refund(order, gateway)
    return len(orders)


def mark_payment_delayed(checkout_session_id: str) -> Order | None:
    """Keep a pending order's hold while a delayed payment (a bank debit) settles.

    Returns None when no pending order has that session.
    """
    order = find_order_by_session(checkout_session_id, lock=True)
    if order is None or not order.is_pending:
        db.session.commit()
        return None
    order.is_payment_delayed = True
    db.session.commit()
    return order


def close(order: Order, status: OrderStatus, reason: str, by: User | None = None) -> None:
    """Close a pending order unpaid: release its spaces and give its stock back; flushes."""
    order_status.move(order, status, reason, by)
    tender.give_back(order, status.value, by)
    stock.give_back(order.lines)
    _set_registrations(order.lines, RegistrationStatus.CANCELLED)
    waitlist.reopen_offers(order)


def _set_registrations(lines: Iterable[OrderLine], status: RegistrationStatus) -> None:
    for line in lines:
        if line.registration is not None:
            line.registration.status = status


def expire_checkout(checkout_session_id: str) -> Order | None:
    """Expire an unpaid order and release the spaces it held.

    Returns None when no pending order has that session.
    """
    order = find_order_by_session(checkout_session_id, lock=True)
    if order is None or not order.is_pending:
        db.session.commit()
        return None
    close(order, OrderStatus.EXPIRED, "the processor ended the payment unpaid")
    db.session.commit()
    waitlist.spaces_freed(line.program for line in order.lines)
    return order


def expire_overdue_orders(grace: dt.timedelta = dt.timedelta(minutes=5)) -> int:
    """Expire the orders whose payment window closed without word from the processor.

    The processor's own expiry event normally does this; the grace period lets it arrive.
    An order waiting for a delayed payment keeps its hold until the processor decides.
    """
    query = sa.select(Order).where(
        Order.status == OrderStatus.PENDING,
        Order.is_payment_delayed.is_(False),
        Order.expires_at < utcnow() - grace,
    )
    orders = db.session.scalars(query.with_for_update()).all()
    for order in orders:
        close(order, OrderStatus.EXPIRED, "the hold lapsed unpaid")
    db.session.commit()
    waitlist.spaces_freed(line.program for order in orders for line in order.lines)
    return len(orders)


@periodic_task(crontab(minute="*/5"))
def expire_overdue_orders_task() -> None:
    """Every five minutes: release the spaces held by payments that never finished, and ask
    again for late refunds the processor could not take."""
    expire_overdue_orders()
    retry_late_refunds(current_gateway())
