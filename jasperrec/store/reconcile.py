"""Reconciliation: say where orders, refunds, gift cards or balances disagree with the
household ledger. The tests run it after every store test; finance can run it any time."""

from __future__ import annotations

import sqlalchemy as sa

from jasperrec.extensions import db

from .models import GiftCard
from .models import LedgerAccount
from .models import LedgerEntry
from .models import LedgerKind
from .models import LedgerStatus
from .models import Order
from .models import OrderStatus
from .models import Refund
from .models import RefundStatus


def find_discrepancies() -> list[str]:
    """Say where orders, refunds or balances disagree with the ledger; empty when all agree.

    Each order's card payments and balance spent agree with its status (see
    `_order_discrepancies`); a succeeded refund has exactly its one row, others none; no
    household balance is below zero.
    """
    problems = _order_discrepancies()
    problems += _refund_discrepancies()
    problems += _gift_card_discrepancies()
    ok = LedgerEntry.status == LedgerStatus.SUCCEEDED
    negative = (
        sa.select(LedgerEntry.user_id, LedgerEntry.account, sa.func.sum(LedgerEntry.amount_cents))
        .where(ok, LedgerEntry.account.in_((LedgerAccount.CREDIT, LedgerAccount.GIFT)))
        .group_by(LedgerEntry.user_id, LedgerEntry.account)
        .having(sa.func.sum(LedgerEntry.amount_cents) < 0)
    )
    problems += [f"household {u}: {a} is {s}" for u, a, s in db.session.execute(negative)]
    return problems


def _sum_of(kind: LedgerKind, *, whole_order: bool = False) -> sa.ColumnElement[int]:
    """Sum an order's rows of one kind; `whole_order` keeps only rows no refund line owns."""
    match = LedgerEntry.kind == kind
    if whole_order:
        match = sa.and_(match, LedgerEntry.refund_id.is_(None))
    return sa.func.coalesce(sa.func.sum(sa.case((match, LedgerEntry.amount_cents))), 0)


def _order_discrepancies() -> list[str]:
    """Check each order against its rows.

    Paid: card payment plus balance spent is the total, and the spent is what the order
    says the balance paid. Pending: no card payment yet, the balance spent held. Closed
    unpaid: nothing taken, everything spent given back. Paid too late: the card payment
    is recorded, and once given back (to the card or as credit) so is that.
    """
    ok = LedgerEntry.status == LedgerStatus.SUCCEEDED
    columns = (
        Order.id, Order.status, Order.total_cents, Order.balance_paid_cents,
        Order.late_to_credit, Order.late_refund_id,
    )  # fmt: skip
    query = (
        sa.select(
            *columns,
            _sum_of(LedgerKind.PAYMENT),
            -_sum_of(LedgerKind.CREDIT_SPENT),
            -_sum_of(LedgerKind.REFUND, whole_order=True),
            _sum_of(LedgerKind.CREDIT_ISSUED, whole_order=True),
        )
        .outerjoin(LedgerEntry, sa.and_(LedgerEntry.order_id == Order.id, ok))
        .group_by(*columns)
    )
    returned = dict(
        db.session.execute(
            sa.select(Refund.order_id, sa.func.sum(Refund.amount_cents))
            .where(Refund.status == RefundStatus.SUCCEEDED)
            .group_by(Refund.order_id)
        ).all()
    )
    problems = []
    for row in db.session.execute(query):
        order_id, status, total, from_balance, to_credit, late_refund, *sums = row
        # PostgreSQL sums BIGINTs as NUMERIC.
        found = tuple(int(value) for value in sums)
        card = total - from_balance
        want = {
            OrderStatus.PAID: (card, from_balance, 0, 0),
            OrderStatus.PENDING: (0, from_balance, 0, 0),
            OrderStatus.REFUNDED_LATE: (
                card, 0,
                card if late_refund and not to_credit else 0,
                card if to_credit else 0,
            ),
        }.get(status, (0, 0, 0, 0))  # fmt: skip
        if found != want:
            problems.append(
                f"order {order_id} ({status}): card, balance, refunded, credited are "
                f"{found}, expected {want}"
            )
        if returned.get(order_id, 0) > found[0] + found[1]:
            problems.append(f"order {order_id}: refunded more than paid")
    return problems


def _refund_discrepancies() -> list[str]:
    moved = (
        sa.select(
            Refund.id,
            Refund.status,
            Refund.amount_cents,
            sa.func.count(LedgerEntry.id),
            sa.func.coalesce(sa.func.sum(sa.func.abs(LedgerEntry.amount_cents)), 0),
        )
        .outerjoin(
            LedgerEntry,
            sa.and_(
                LedgerEntry.refund_id == Refund.id,
                LedgerEntry.status == LedgerStatus.SUCCEEDED,
                LedgerEntry.kind != LedgerKind.FEE,
            ),
        )
        .group_by(Refund.id, Refund.status, Refund.amount_cents)
    )
    problems = []
    for refund_id, status, amount, rows, total in db.session.execute(moved):
        want = (1, amount) if status is RefundStatus.SUCCEEDED else (0, 0)
        if (rows, total) != want:
            problems.append(f"refund {refund_id} ({status}): {rows} rows of {total}")
    return problems


def _gift_card_discrepancies() -> list[str]:
    ok = LedgerEntry.status == LedgerStatus.SUCCEEDED

    def rows_of(kind: LedgerKind) -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
        mine = sa.and_(ok, LedgerEntry.kind == kind)
        count = sa.func.coalesce(sa.func.sum(sa.case((mine, 1), else_=0)), 0)
        total = sa.func.coalesce(sa.func.sum(sa.case((mine, LedgerEntry.amount_cents))), 0)
        return count, total

    cards = (
        sa.select(
            GiftCard.id,
            GiftCard.amount_cents,
            GiftCard.redeemed_at.is_not(None),
            *rows_of(LedgerKind.GIFT_CARD_LOADED),
            *rows_of(LedgerKind.GIFT_CARD_REDEEMED),
        )
        .outerjoin(LedgerEntry, LedgerEntry.gift_card_id == GiftCard.id)
        .group_by(GiftCard.id, GiftCard.amount_cents, GiftCard.redeemed_at)
    )
    problems = []
    for card_id, amount, redeemed, loads, loaded, redeems, put in db.session.execute(cards):
        if (loads, loaded) != (1, amount):
            problems.append(f"gift card {card_id}: {loads} loaded rows of {loaded}")
        if (redeems, put) != ((1, amount) if redeemed else (0, 0)):
            problems.append(f"gift card {card_id}: {redeems} redeemed rows of {put}")
    stray = sa.select(sa.func.count(LedgerEntry.id)).where(
        LedgerEntry.kind.in_((LedgerKind.GIFT_CARD_LOADED, LedgerKind.GIFT_CARD_REDEEMED)),
        LedgerEntry.gift_card_id.is_(None),
    )
    if db.session.scalar(stray):
        problems.append("gift card rows without a gift card")
    return problems
