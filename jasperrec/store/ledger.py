"""The household ledger: record each money movement once, and read balances as sums."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.db import paginate_clamped
from jasperrec.extensions import db

from .models import GiftCard
from .models import LedgerAccount
from .models import LedgerEntry
from .models import LedgerKind
from .models import LedgerStatus
from .models import Order
from .models import Refund
from .models import RefundDestination

# Rows on one page of the household balance.
ENTRIES_PAGE_SIZE = 25


def record_payment(order: Order) -> LedgerEntry | None:
    """Record the money taken for a paid order, once however often it is called.

    Flushes only: the caller commits it with the order. An order that was free, or that
    the household balance covered, takes nothing from a card.
    """
    if order.card_cents == 0 or _has_payment(order):
        return None
    # Staff who took a desk payment acted; online, the resident paid.
    actor = order.taken_by if order.taken_by is not None else order.user
    how = order.payment_method.value if order.payment_method else "online by card"
    return add_entry(
        order.user,
        actor,
        LedgerKind.PAYMENT,
        LedgerAccount.PAYMENTS,
        order.card_cents,
        currency=order.currency,
        reason=f"Order {order.reference} paid {how}",
        order=order,
    )


# The steps of a payment that came after its spaces were gone: the account each moves,
# its sign, and what the row says.
_LATE_STEPS = {
    LedgerKind.PAYMENT: (LedgerAccount.PAYMENTS, 1, "paid after its hold lapsed"),
    LedgerKind.CREDIT_ISSUED: (LedgerAccount.CREDIT, 1, "paid too late for its spaces: credited"),
    LedgerKind.REFUND: (LedgerAccount.PAYMENTS, -1, "paid too late for its spaces: refunded"),
}


def record_late(order: Order, kind: LedgerKind) -> None:
    """Record one step of a late payment: the card payment, then its refund or the credit
    the resident chose instead; flushes only."""
    account, sign, what = _LATE_STEPS[kind]
    add_entry(
        order.user,
        order.user if kind is LedgerKind.PAYMENT else None,
        kind,
        account,
        sign * order.card_cents,
        currency=order.currency,
        reason=f"Order {order.reference} {what}",
        order=order,
    )


def _has_payment(order: Order) -> bool:
    query = sa.select(LedgerEntry.id).where(
        LedgerEntry.order_id == order.id, LedgerEntry.kind == LedgerKind.PAYMENT
    )
    return db.session.scalar(query.limit(1)) is not None


def add_entry(
    household: User,
    actor: User | None,
    kind: LedgerKind,
    account: LedgerAccount,
    amount_cents: int,
    *,
    currency: str,
    reason: str,
    order: Order | None = None,
    refund: Refund | None = None,
    status: LedgerStatus = LedgerStatus.SUCCEEDED,
    gift_card: GiftCard | None = None,
) -> LedgerEntry:
    """Append one movement to the household's ledger; flushes only."""
    entry = LedgerEntry(
        user_id=household.id,
        actor=actor,
        kind=kind,
        account=account,
        amount_cents=amount_cents,
        currency=currency,
        reason=reason[:500],
        order=order,
        refund=refund,
        status=status,
        gift_card_id=gift_card.id if gift_card is not None else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def record_refund(refund: Refund, actor: User | None) -> None:
    """Record a succeeded refund: back to the card, or issued as household credit.

    A fee the department kept is recorded beside it, so the line still adds up.
    Flushes only.
    """
    order = refund.order
    if refund.destination is RefundDestination.CARD:
        kind, account, amount = LedgerKind.REFUND, LedgerAccount.PAYMENTS, -refund.amount_cents
    else:
        kind, account, amount = LedgerKind.CREDIT_ISSUED, LedgerAccount.CREDIT, refund.amount_cents
    reason = f"Refund for {refund.order_line.description}, order {order.reference}: {refund.reason}"
    add_entry(
        order.user,
        actor,
        kind,
        account,
        amount,
        currency=refund.currency,
        reason=reason,
        order=order,
        refund=refund,
    )
    if refund.fee_cents:
        add_entry(
            order.user,
            actor,
            LedgerKind.FEE,
            LedgerAccount.FEES,
            refund.fee_cents,
            currency=refund.currency,
            reason=f"Administration fee, order {order.reference}",
            order=order,
            refund=refund,
        )


def record_failed_refund(refund: Refund, actor: User | None) -> None:
    """Keep a failed card refund in the ledger, for the record; it moves no balance."""
    add_entry(
        refund.order.user,
        actor,
        LedgerKind.REFUND,
        LedgerAccount.PAYMENTS,
        -refund.amount_cents,
        currency=refund.currency,
        reason=f"Refund failed: {refund.failure_reason or 'declined'}",
        order=refund.order,
        refund=refund,
        status=LedgerStatus.FAILED,
    )


def balance(household: User, account: LedgerAccount) -> int:
    """Return one of the household's balances: the sum of its succeeded rows."""
    query = sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
        LedgerEntry.user_id == household.id,
        LedgerEntry.account == account,
        LedgerEntry.status == LedgerStatus.SUCCEEDED,
    )
    return int(db.session.scalar(query) or 0)


def net_paid(order: Order) -> int:
    """Return what the order has brought in by card and from the household balance, less
    what went back to the card and the credit issued for it."""
    signed = sa.case(
        (LedgerEntry.kind == LedgerKind.CREDIT_ISSUED, -LedgerEntry.amount_cents),
        (LedgerEntry.kind == LedgerKind.CREDIT_SPENT, -LedgerEntry.amount_cents),
        else_=LedgerEntry.amount_cents,
    )
    query = sa.select(sa.func.coalesce(sa.func.sum(signed), 0)).where(
        LedgerEntry.order_id == order.id,
        LedgerEntry.status == LedgerStatus.SUCCEEDED,
        LedgerEntry.kind.in_(_ORDER_KINDS),
    )
    return int(db.session.scalar(query) or 0)


_ORDER_KINDS = (
    LedgerKind.PAYMENT,
    LedgerKind.REFUND,
    LedgerKind.CREDIT_ISSUED,
    LedgerKind.CREDIT_SPENT,
)


@dataclasses.dataclass(frozen=True)
class Statement:
    """A page of ledger rows, newest first, each with the household credit after it, and
    the credit and gift balances now."""

    page: Pagination
    running: dict[int, int]
    credit_cents: int
    gift_cents: int


def list_entries_for(household: User, page: int = 1) -> Statement:
    """Return a page of the household's ledger, newest first, with the credit balance
    after each row."""
    rows = sa.select(LedgerEntry).where(LedgerEntry.user_id == household.id)
    rows = rows.options(selectinload(LedgerEntry.order))
    rows = rows.order_by(LedgerEntry.id.desc())
    pagination = paginate_clamped(rows, page, ENTRIES_PAGE_SIZE)
    entries: list[LedgerEntry] = list(pagination.items)
    running: dict[int, int] = {}
    if entries:
        # One query: the credit balance up to the newest row shown, then walk down the page.
        total = sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.user_id == household.id,
            LedgerEntry.account == LedgerAccount.CREDIT,
            LedgerEntry.status == LedgerStatus.SUCCEEDED,
            LedgerEntry.id <= entries[0].id,
        )
        after = int(db.session.scalar(total) or 0)
        for entry in entries:
            running[entry.id] = after
            if _counts(entry):
                after -= entry.amount_cents
    return Statement(
        pagination,
        running,
        balance(household, LedgerAccount.CREDIT),
        balance(household, LedgerAccount.GIFT),
    )


def _counts(entry: LedgerEntry) -> bool:
    return entry.account is LedgerAccount.CREDIT and entry.status is LedgerStatus.SUCCEEDED
