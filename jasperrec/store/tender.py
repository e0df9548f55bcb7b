"""Household credit and gift balance spent at checkout before the card, and given back
when the order is not paid.

Credit (money refunded as credit) is spent first, then the gift balance, so a gift stays
a gift for as long as it can. Each amount spent is a "credit spent" row on its account,
tied to the order; giving it back is the same row with the opposite sign.
"""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.extensions import db

from . import giftcards
from . import ledger
from .models import LedgerAccount
from .models import LedgerEntry
from .models import LedgerKind
from .models import LedgerStatus
from .models import Order
from .models import ProductKind
from .prices import Cart
from .prices import CartLine

# The balances checkout spends, in the order it spends them.
SPENDABLE = (LedgerAccount.CREDIT, LedgerAccount.GIFT)


@dataclasses.dataclass(frozen=True)
class Spendable:
    """What a household may spend at checkout, by balance."""

    credit_cents: int
    gift_cents: int

    @property
    def total_cents(self) -> int:
        """Credit and gift balance together."""
        return self.credit_cents + self.gift_cents


def spendable(household: User) -> Spendable:
    """Return the household's credit and gift balance, read in one query."""
    query = (
        sa.select(LedgerEntry.account, sa.func.sum(LedgerEntry.amount_cents))
        .where(
            LedgerEntry.user_id == household.id,
            LedgerEntry.account.in_(SPENDABLE),
            LedgerEntry.status == LedgerStatus.SUCCEEDED,
        )
        .group_by(LedgerEntry.account)
    )
    sums = {account: int(total or 0) for account, total in db.session.execute(query)}
    return Spendable(sums.get(LedgerAccount.CREDIT, 0), sums.get(LedgerAccount.GIFT, 0))


def lock_household(household: User) -> None:
    """Lock the household's row, so two checkouts cannot both spend one balance."""
    db.session.execute(sa.select(User.id).where(User.id == household.id).with_for_update())


def available_cents(household: User) -> int:
    """Return what the household can spend at checkout: credit and gift balance together."""
    return sum(ledger.balance(household, account) for account in SPENDABLE)


def covers(household: User, cart: Cart) -> int:
    """Return what the household's balances would pay of the cart at checkout."""
    if not cart.lines:
        return 0
    cards = sum(line.subtotal_cents + line.gst_cents for line in cart.lines if _is_gift_card(line))
    return min(available_cents(household), cart.total_cents - cards)


def _is_gift_card(line: CartLine) -> bool:
    product = line.item.product
    return product is not None and product.kind is ProductKind.GIFT_CARD


def apply_balance(order: Order) -> int:
    """Pay as much of the order as the household's balances cover; return the amount.

    Gift cards are paid by card: a balance turned into a new code would leave the
    household as money. Locks the household first. Flushes only: the caller commits.
    """
    lock_household(order.user)
    cards = sum(
        line.subtotal_cents + line.gst_cents
        for line in order.lines
        if giftcards.is_gift_card_line(line)
    )
    order.balance_paid_cents = _spend(order, order.total_cents - cards)
    return order.balance_paid_cents


def _spend(order: Order, wanted: int) -> int:
    """Spend up to `wanted` from the household's balances, credit first; return the amount."""
    due = wanted
    for account in SPENDABLE:
        take = min(ledger.balance(order.user, account), due)
        if take > 0:
            _move(order, account, -take, f"Spent on order {order.reference}", order.user)
            due -= take
    return wanted - due


def spent_by_account(order: Order) -> dict[LedgerAccount, int]:
    """Return what the order has spent, net of anything given back, by balance."""
    query = (
        sa.select(LedgerEntry.account, sa.func.sum(LedgerEntry.amount_cents))
        .where(
            LedgerEntry.order_id == order.id,
            LedgerEntry.kind == LedgerKind.CREDIT_SPENT,
            LedgerEntry.status == LedgerStatus.SUCCEEDED,
        )
        .group_by(LedgerEntry.account)
    )
    return {account: -int(total) for account, total in db.session.execute(query) if total}


def give_back(order: Order, why: str, actor: User | None = None) -> int:
    """Return to the household what an unpaid order spent from its balances; flushes only.

    Returns the amount given back; nothing when it was given back already.
    """
    returned = 0
    for account, spent in spent_by_account(order).items():
        if spent > 0:
            _move(order, account, spent, f"Given back: order {order.reference} {why}", actor)
            returned += spent
    return returned


def spend_again(order: Order) -> bool:
    """Take again, for a late payment, what the order spent before it closed.

    True when nothing was spent, or the household's balances still hold it all (then it is
    spent again); False, changing nothing, when they no longer do. Flushes only.
    """
    if order.balance_paid_cents == 0:
        return True
    lock_household(order.user)
    if available_cents(order.user) < order.balance_paid_cents:
        return False
    _spend(order, order.balance_paid_cents)
    return True


def _move(
    order: Order, account: LedgerAccount, amount: int, reason: str, actor: User | None
) -> None:
    ledger.add_entry(
        order.user,
        actor,
        LedgerKind.CREDIT_SPENT,
        account,
        amount,
        currency=order.currency,
        reason=reason,
        order=order,
    )
