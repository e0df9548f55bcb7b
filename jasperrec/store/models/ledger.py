"""The household ledger: one immutable row per money movement, and refunds of order lines."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import User
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.db import money_cents
from jasperrec.extensions import db

from .orders import Order
from .orders import OrderLine


class LedgerKind(enum.StrEnum):
    """Why money moved."""

    PAYMENT = "payment"
    REFUND = "refund"
    CREDIT_ISSUED = "credit issued"
    CREDIT_SPENT = "credit spent"
    GIFT_CARD_LOADED = "gift card loaded"
    GIFT_CARD_REDEEMED = "gift card redeemed"
    FEE = "fee"


class LedgerAccount(enum.StrEnum):
    """Which balance a row moves; a balance is the sum of its succeeded rows."""

    # Money taken by card online or at the desk, less what went back to the card.
    PAYMENTS = "payments"
    # What the household may spend at checkout instead of paying.
    CREDIT = "household credit"
    GIFT = "gift balance"
    # Gift cards a household bought, at their amounts: owed to whoever redeems them, so
    # never spendable by the buyer.
    GIFT_CARDS = "gift cards sold"
    # What the department kept, such as a withdrawal's administration fee.
    FEES = "fees"


class LedgerStatus(enum.StrEnum):
    """Whether the movement happened; only succeeded rows count in a balance."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RefundStatus(enum.StrEnum):
    """Where a refund stands with the processor (a credit succeeds at once)."""

    REQUESTED = "requested"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RefundDestination(enum.StrEnum):
    """Where refunded money goes."""

    CARD = "card"
    CREDIT = "household credit"


class Refund(db.Model):  # type: ignore[name-defined,misc]
    """Money given back for one order line, to the card or as household credit."""

    __tablename__ = "refunds"
    __table_args__ = (sa.CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"), index=True)
    amount_cents: Mapped[money_cents]
    # Kept by the department under the withdrawal policy, beside what is given back.
    fee_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    currency: Mapped[str] = mapped_column(sa.String(3))
    destination: Mapped[RefundDestination]
    reason: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[RefundStatus] = mapped_column(default=RefundStatus.REQUESTED, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # A credit split off a card refund (the part the household balance paid) is settled
    # with that card refund: issued when it succeeds, failed when it fails.
    with_card_refund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("refunds.id"))
    stripe_refund_id: Mapped[str | None] = mapped_column(  # Stripe Refund id
        sa.String(255), unique=True
    )
    failure_reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[created_at]
    # The last status change: who made it (None: the processor) and when.
    status_changed_at: Mapped[dt.datetime | None]
    status_changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    order: Mapped[Order] = relationship()
    order_line: Mapped[OrderLine] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])

    @property
    def is_settled(self) -> bool:
        """Tell whether the processor has answered for good."""
        return self.status is not RefundStatus.REQUESTED


class LedgerEntry(db.Model):  # type: ignore[name-defined,misc]
    """One money movement for a household; written once and never changed."""

    __tablename__ = "ledger_entries"

    id: Mapped[intpk]
    # The household account the money belongs to.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Who made it happen: the resident, staff, or None for the processor or a task.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[LedgerKind]
    account: Mapped[LedgerAccount]
    # Signed: what the movement adds to (or takes from) the account.
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[LedgerStatus] = mapped_column(default=LedgerStatus.SUCCEEDED)
    reason: Mapped[str] = mapped_column(sa.String(500))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("refunds.id"), index=True)
    # The gift card a row loaded or redeemed.
    gift_card_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gift_cards.id"), index=True)
    created_at: Mapped[created_at]

    order: Mapped[Order | None] = relationship()
    refund: Mapped[Refund | None] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class LedgerImmutableError(Exception):
    """A ledger row was changed or deleted through the ORM: a bug, never allowed."""


def _refuse_change(mapper: Any, connection: Any, target: LedgerEntry) -> None:
    raise LedgerImmutableError(f"ledger entry {target.id} cannot be changed or deleted")


sa.event.listen(LedgerEntry, "before_update", _refuse_change)
sa.event.listen(LedgerEntry, "before_delete", _refuse_change)
