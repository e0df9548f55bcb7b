"""Refunds of order lines: to the card through the processor, or as household credit."""

from __future__ import annotations

import dataclasses
import logging

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db

from . import giftcards
from . import ledger
from .errors import PaymentError
from .errors import RefundError
from .errors import RefundFailedError
from .errors import RefundStatusError
from .errors import RefundTooLargeError
from .models import Order
from .models import OrderLine
from .models import OrderStatus
from .models import Refund
from .models import RefundDestination
from .models import RefundStatus
from .payments import PaymentGateway

log = logging.getLogger(__name__)

# The one table of allowed moves: a processor's answer is final.
TRANSITIONS: dict[RefundStatus, frozenset[RefundStatus]] = {
    RefundStatus.REQUESTED: frozenset({RefundStatus.SUCCEEDED, RefundStatus.FAILED}),
    RefundStatus.SUCCEEDED: frozenset(),
    RefundStatus.FAILED: frozenset(),
}
# Stripe's refund statuses that are final, as ours.
PROCESSOR_STATUSES = {
    "succeeded": RefundStatus.SUCCEEDED,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
}


@dataclasses.dataclass(frozen=True)
class RefundRequest:
    """What to give back for one order line, where to, and why; the fee is kept."""

    order_line_id: int
    amount_cents: int
    destination: RefundDestination
    reason: str
    fee_cents: int = 0


def change_status(refund: Refund, to: RefundStatus, by: User | None) -> None:
    """Move a refund along TRANSITIONS, recording who (None: the processor) and when.

    Flushes only, with the ledger row a success or failure writes.

    :raises RefundStatusError:
    """
    if to not in TRANSITIONS[refund.status]:
        raise RefundStatusError(f"A refund that {refund.status.value} cannot become {to.value}.")
    refund.status = to
    refund.status_changed_at = utcnow()
    refund.status_changed_by_id = by.id if by is not None else None
    db.session.flush()


def list_refunds(order: Order) -> list[Refund]:
    """Return the order's refunds, oldest first, with who asked."""
    query = sa.select(Refund).where(Refund.order_id == order.id).order_by(Refund.id)
    return list(db.session.scalars(query.options(selectinload(Refund.requested_by))))


def refundable_cents(line: OrderLine) -> int:
    """Return what is left to give back for a line: paid, less refunds not failed."""
    given = sa.func.sum(Refund.amount_cents + Refund.fee_cents)
    taken = sa.select(sa.func.coalesce(given, 0)).where(
        Refund.order_line_id == line.id, Refund.status != RefundStatus.FAILED
    )
    return line.subtotal_cents + line.gst_cents - int(db.session.scalar(taken) or 0)


def refund_line(actor: User, request: RefundRequest, gateway: PaymentGateway) -> Refund:
    """Give money back for an order line; a card refund goes through the processor.

    The refund row is committed before the processor is called, outside any lock, so
    its id is the idempotency key and a retry never refunds twice; the answer is
    committed after. A credit is issued at once. Money the household balance paid goes
    back to it as credit, never to the card: a card refund larger than the card paid is
    split, and its credit part is issued once the card part has not failed.

    :raises NotFoundError, RefundError, RefundTooLargeError:
    :raises RefundFailedError: the processor refused; the refund is recorded as failed.
    """
    refund = _request(actor, request)
    if refund.destination is RefundDestination.CREDIT:
        _settle(refund, RefundStatus.SUCCEEDED, actor)
        db.session.commit()
        return refund
    db.session.commit()
    return _send(refund, actor, gateway)


def card_refundable_cents(order: Order) -> int:
    """Return what may still go back to the order's card: what it paid, less card refunds
    not failed."""
    given = sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_cents), 0)).where(
        Refund.order_id == order.id,
        Refund.destination == RefundDestination.CARD,
        Refund.status != RefundStatus.FAILED,
    )
    return order.card_cents - int(db.session.scalar(given) or 0)


def _request(actor: User, request: RefundRequest) -> Refund:
    """Lock the order, check the amount against what is left, and add the refund row,
    with a credit part beside a card refund for what the card did not pay."""
    line = db.session.get(OrderLine, request.order_line_id)
    if line is None:
        raise RefundError("There is no such order line.")
    # Two staff, or a double click, refunding one order wait here for each other.
    db.session.execute(sa.select(Order.id).where(Order.id == line.order_id).with_for_update())
    db.session.refresh(line.order)
    order = line.order
    if order.status is not OrderStatus.PAID:
        raise RefundError(f"Order {order.reference} is {order.status.value}: nothing was paid.")
    if request.amount_cents <= 0 or request.fee_cents < 0:
        raise RefundError("A refund must be for more than $0.00.")
    left = refundable_cents(line)
    if request.amount_cents + request.fee_cents > left:
        raise RefundTooLargeError(
            f"Only ${left / 100:,.2f} of {line.description} is left to refund; "
            "it may have been refunded already."
        )
    amount, destination, to_credit = request.amount_cents, request.destination, 0
    if destination is RefundDestination.CARD:
        on_card = max(card_refundable_cents(order), 0)
        if on_card == 0:
            destination = RefundDestination.CREDIT
        elif amount > on_card:
            amount, to_credit = on_card, amount - on_card
    if destination is RefundDestination.CARD and not order.payment_intent_id:
        raise RefundError(
            f"Order {order.reference} was not paid online: refund it at the desk or as credit."
        )
    refund = _row(actor, line, amount, request.fee_cents, destination, request.reason)
    db.session.flush()
    if to_credit:
        reason = f"{request.reason}; paid from the household balance, so given back to it"
        part = _row(actor, line, to_credit, 0, RefundDestination.CREDIT, reason)
        part.with_card_refund_id = refund.id
        db.session.flush()
    giftcards.cancel_for_refund(refund)
    return refund


def _row(
    actor: User, line: OrderLine, amount: int, fee: int, to: RefundDestination, reason: str
) -> Refund:
    refund = Refund(
        order=line.order,
        order_line=line,
        amount_cents=amount,
        fee_cents=fee,
        currency=line.order.currency,
        destination=to,
        reason=reason[:500],
        requested_by_id=actor.id,
    )
    db.session.add(refund)
    return refund


def _send(refund: Refund, actor: User, gateway: PaymentGateway) -> Refund:
    """Ask the processor for a committed card refund and record its answer."""
    try:
        result = gateway.refund(
            refund.order.payment_intent_id or "", refund.amount_cents, f"refund-{refund.id}"
        )
    except PaymentError as exc:
        refund.failure_reason = str(exc)
        _settle(refund, RefundStatus.FAILED, actor)
        db.session.commit()
        raise RefundFailedError(
            f"The card refund of ${refund.amount_cents / 100:,.2f} failed: {exc}"
        ) from exc
    refund.stripe_refund_id = result.id
    settled = PROCESSOR_STATUSES.get(result.status)
    if settled is not None:
        refund.failure_reason = result.failure_reason
        _settle(refund, settled, actor)
    db.session.commit()
    if settled is RefundStatus.FAILED:
        raise RefundFailedError("The card refund failed; nothing was refunded.")
    return refund


def _settle(refund: Refund, to: RefundStatus, by: User | None) -> None:
    """Settle a refund and the credit split off it, with their ledger rows; flushes."""
    change_status(refund, to, by)
    if to is RefundStatus.SUCCEEDED:
        ledger.record_refund(refund, by)
    elif refund.destination is RefundDestination.CARD:
        ledger.record_failed_refund(refund, by)
        giftcards.restore_for_failed_refund(refund)
    parts = sa.select(Refund).where(Refund.with_card_refund_id == refund.id)
    for part in db.session.scalars(parts).all():
        _settle(part, to, by)


def settle_from_processor(
    stripe_refund_id: str, status: str, refund_row_key: str | None, failure: str | None
) -> Refund | None:
    """Apply the processor's word on a refund, found by its id or our idempotency key.

    Duplicate or out-of-order words (a final refund told again) change nothing. Commits.
    """
    refund = _find(stripe_refund_id, refund_row_key)
    settled = PROCESSOR_STATUSES.get(status)
    if refund is None or settled is None or refund.status is settled:
        db.session.commit()
        return refund
    if refund.is_settled:
        log.warning("Refund %s is %s; the processor now says %s.", refund.id, refund.status, status)
        db.session.commit()
        return refund
    refund.stripe_refund_id = stripe_refund_id
    refund.failure_reason = failure
    _settle(refund, settled, None)
    db.session.commit()
    return refund


def _find(stripe_refund_id: str, key: str | None) -> Refund | None:
    query = sa.select(Refund).where(Refund.stripe_refund_id == stripe_refund_id)
    refund = db.session.scalars(query.with_for_update()).first()
    if refund is None and key and key.startswith("refund-") and key[7:].isdigit():
        # The answer can arrive before the processor's id was stored with our row.
        query = sa.select(Refund).where(Refund.id == int(key[7:]))
        refund = db.session.scalars(query.with_for_update()).first()
    return refund
