"""Carts, orders and their lines, program registrations and processed payment events."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.db import money_cents
from jasperrec.extensions import db

from .products import Product
from .programs import Program

if TYPE_CHECKING:
    from .products import Entitlement

# The most of one product a cart line may hold, and so one checkout may sell.
MAX_QUANTITY = 10


class PaymentMethod(enum.StrEnum):
    """How an order placed at the desk or by phone was paid; online orders have none."""

    DEBIT = "debit card at the terminal"
    CREDIT = "credit card at the terminal"
    CASH = "cash"
    CHEQUE = "cheque"
    # Nothing to collect: the household's credit and gift balance paid it all.
    BALANCE = "household balance"


class OrderStatus(enum.StrEnum):
    """Where an order stands with the payment processor."""

    PENDING = "awaiting payment"
    PAID = "paid"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    # The payment arrived after the hold lapsed and the spaces or stock were gone: the
    # whole amount went back to the card.
    REFUNDED_LATE = "refunded, paid too late"


class RegistrationStatus(enum.StrEnum):
    """Whether a space in a program is held during payment, confirmed, or given up."""

    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class CartItem(db.Model):  # type: ignore[name-defined,misc]
    """One line in a resident's cart: a program for one participant, or some products."""

    __tablename__ = "cart_items"
    __table_args__ = (
        sa.CheckConstraint(
            "(program_id IS NULL) <> (product_id IS NULL)", name="program_or_product"
        ),
        sa.CheckConstraint(f"quantity BETWEEN 1 AND {MAX_QUANTITY}", name="quantity_in_range"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    # Who takes the program: a household member, or the account holder when None.
    household_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("household_members.id", ondelete="CASCADE")
    )
    quantity: Mapped[int] = mapped_column(default=1)
    # The day a membership starts, chosen when it is added; None for everything else.
    starts_on: Mapped[dt.date | None]
    # The unit price the resident saw when adding it (or last accepted); a different price
    # at checkout is shown and must be accepted first. None: added before prices were kept.
    unit_price_seen_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[created_at]

    program: Mapped[Program | None] = relationship()
    product: Mapped[Product | None] = relationship()
    household_member: Mapped[HouseholdMember | None] = relationship()


class Order(db.Model):  # type: ignore[name-defined,misc]
    """What a resident bought in one checkout, with the totals charged."""

    __tablename__ = "orders"
    __table_args__ = (
        sa.CheckConstraint(
            "(payment_method IS NULL) = (taken_by_id IS NULL)", name="desk_payment_has_taker"
        ),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(default=OrderStatus.PENDING, index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    subtotal_cents: Mapped[money_cents]
    gst_cents: Mapped[money_cents]
    total_cents: Mapped[money_cents]
    # Paid from the household's credit and gift balance before the card; the ledger's
    # "credit spent" rows say from which.
    balance_paid_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    # If the payment arrives after the spaces are gone: credit the household, not the card.
    late_to_credit: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    checkout_session_id: Mapped[str | None] = mapped_column(  # Stripe Checkout Session id
        sa.String(255), unique=True
    )
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255))  # Stripe PaymentIntent
    # Checkout finished with a delayed method (a bank debit): the hold stays until the
    # processor says whether the money arrived, whatever expires_at says.
    is_payment_delayed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    late_refund_id: Mapped[str | None] = mapped_column(sa.String(255))  # Stripe Refund id
    # Set only for an order staff took at the desk or by phone: how it was paid, and who
    # took the payment. Online orders are paid through the processor and have neither.
    payment_method: Mapped[PaymentMethod | None]
    taken_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[created_at]
    # Held spaces are released and the order expires if payment has not finished by then.
    expires_at: Mapped[dt.datetime]
    paid_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )

    @property
    def reference(self) -> str:
        """The number residents and staff quote for this order."""
        return f"JR-{self.id:06d}"

    @property
    def card_cents(self) -> int:
        """What the card pays: the total less what the household balance covered."""
        return self.total_cents - self.balance_paid_cents

    @property
    def is_pending(self) -> bool:
        """Tell whether the order still waits for payment."""
        return self.status is OrderStatus.PENDING

    @property
    def is_desk_order(self) -> bool:
        """Tell whether staff took this order and its payment at the desk or by phone."""
        return self.payment_method is not None


class OrderLine(db.Model):  # type: ignore[name-defined,misc]
    """One item of an order, with its description and prices as they were when bought."""

    __tablename__ = "order_lines"

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programs.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    description: Mapped[str] = mapped_column(sa.String(200))
    participant_name: Mapped[str | None] = mapped_column(sa.String(201))
    # Whom a pass, membership or visit card is issued to (None: the account holder), and
    # the day a membership starts; kept from the cart until payment issues it.
    household_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("household_members.id", ondelete="SET NULL")
    )
    starts_on: Mapped[dt.date | None]
    quantity: Mapped[int]
    unit_price_cents: Mapped[money_cents]
    gst_cents: Mapped[money_cents]

    order: Mapped[Order] = relationship(back_populates="lines")
    # The program as it is now, so the order and receipt show its current schedule.
    program: Mapped[Program | None] = relationship()
    product: Mapped[Product | None] = relationship()
    registration: Mapped[Registration | None] = relationship(back_populates="order_line")
    entitlement: Mapped[Entitlement | None] = relationship(back_populates="order_line")

    @property
    def subtotal_cents(self) -> int:
        """The line's price before tax."""
        return self.unit_price_cents * self.quantity


class Registration(db.Model):  # type: ignore[name-defined,misc]
    """One participant's space in one program, held while paying and confirmed once paid."""

    __tablename__ = "registrations"

    id: Mapped[intpk]
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    household_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("household_members.id", ondelete="SET NULL")
    )
    order_line_id: Mapped[int] = mapped_column(
        sa.ForeignKey("order_lines.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[RegistrationStatus] = mapped_column(default=RegistrationStatus.HELD)
    created_at: Mapped[created_at]
    # Set by store.withdrawals when a confirmed registration is given up: when, and by whom.
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    program: Mapped[Program] = relationship()
    household_member: Mapped[HouseholdMember | None] = relationship()
    order_line: Mapped[OrderLine] = relationship(back_populates="registration")


class OrderStatusChange(db.Model):  # type: ignore[name-defined,misc]
    """One move of an order's status: from where, to where, when, by whom and why."""

    __tablename__ = "order_status_changes"

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    # None when the order was created in its first status.
    from_status: Mapped[OrderStatus | None]
    to_status: Mapped[OrderStatus]
    # The person who moved it (resident or staff); None for the processor or a task.
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.String(200))
    changed_at: Mapped[dt.datetime]

    order: Mapped[Order] = relationship()
    changed_by: Mapped[User | None] = relationship()


class ProcessedEvent(db.Model):  # type: ignore[name-defined,misc]
    """A payment-processor event already handled; processors deliver events more than once."""

    __tablename__ = "processed_events"

    id: Mapped[intpk]
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)  # Stripe Event id
    event_type: Mapped[str] = mapped_column(sa.String(100))
    processed_at: Mapped[created_at]
