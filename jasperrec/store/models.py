"""The catalogue (programs and products), carts, orders and program registrations."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.db import money_cents
from jasperrec.db import postgresql_index
from jasperrec.db import str_100
from jasperrec.extensions import db

# The most of one product a cart line may hold, and so one checkout may sell.
MAX_QUANTITY = 10


class ProductKind(enum.StrEnum):
    """What a product grants."""

    PASS = "pass"  # noqa: S105 (a recreation pass, not a password)
    MEMBERSHIP = "membership"
    DROP_IN = "drop-in visits"
    GIFT_CARD = "gift card"
    MERCHANDISE = "merchandise"

    @property
    def heading(self) -> str:
        """The section heading this kind of product is listed under."""
        return {
            ProductKind.PASS: "Passes",
            ProductKind.MEMBERSHIP: "Memberships",
            ProductKind.DROP_IN: "Drop-in visit cards",
            ProductKind.GIFT_CARD: "Gift cards",
            ProductKind.MERCHANDISE: "Merchandise",
        }[self]

    @property
    def is_entitlement(self) -> bool:
        """Tell whether each one sold is issued to one named person, with a code for the desk."""
        return self in (ProductKind.PASS, ProductKind.MEMBERSHIP, ProductKind.DROP_IN)


class TimeOfDay(enum.StrEnum):
    """When a program starts, as a parent plans a day."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @property
    def label(self) -> str:
        """The choice as the filter form offers it."""
        return {
            TimeOfDay.MORNING: "Morning (before noon)",
            TimeOfDay.AFTERNOON: "Afternoon (noon to 5 p.m.)",
            TimeOfDay.EVENING: "Evening (5 p.m. and later)",
        }[self]


class PaymentMethod(enum.StrEnum):
    """How an order placed at the desk or by phone was paid; online orders have none."""

    DEBIT = "debit card at the terminal"
    CREDIT = "credit card at the terminal"
    CASH = "cash"
    CHEQUE = "cheque"


class OrderStatus(enum.StrEnum):
    """Where an order stands with the payment processor."""

    PENDING = "awaiting payment"
    PAID = "paid"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class RegistrationStatus(enum.StrEnum):
    """Whether a space in a program is held during payment, confirmed, or given up."""

    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class ProgramStatus(enum.StrEnum):
    """Where a program stands with the department; store.programs.change_status moves it."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class ProgramCategory(db.Model):  # type: ignore[name-defined,misc]
    """A section of the program guide, kept by staff: Aquatics, Day camps, Fitness."""

    __tablename__ = "program_categories"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    created_at: Mapped[created_at]


class Program(db.Model):  # type: ignore[name-defined,misc]
    """A program with a fixed schedule and a number of spaces: a swim level, a camp week."""

    __tablename__ = "programs"
    __table_args__ = (
        sa.CheckConstraint("price_cents >= 0", name="price_not_negative"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint(
            "min_participants IS NULL OR min_participants BETWEEN 1 AND capacity",
            name="min_participants_in_range",
        ),
        sa.CheckConstraint(
            "registration_closes_at IS NULL OR registration_opens_at IS NULL"
            " OR registration_closes_at > registration_opens_at",
            name="registration_closes_after_it_opens",
        ),
        sa.CheckConstraint(
            "non_resident_price_cents IS NULL OR non_resident_price_cents >= price_cents",
            name="non_resident_fee_not_below_resident_fee",
        ),
    )

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str_100]
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("program_categories.id"), index=True)
    summary: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    facility: Mapped[str_100]
    instructor: Mapped[str | None] = mapped_column(sa.String(100))
    # Ages in whole years on the first day; None means no limit on that side.
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    # The first and last day of its meetings, kept by store/programs.py whenever they change,
    # so the guide can sort and filter by date and age without reading every meeting.
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    # Registration opens to the minute (None: already open) and closes (None: at the start).
    registration_opens_at: Mapped[dt.datetime | None]
    registration_closes_at: Mapped[dt.datetime | None]
    # The resident fee; households outside the municipality pay the non-resident fee, when
    # the program has one (store/residency.py decides who is resident).
    price_cents: Mapped[money_cents]
    non_resident_price_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    capacity: Mapped[int]
    # Below this many participants the department may cancel; None: it runs regardless.
    min_participants: Mapped[int | None]
    # What completing it counts as ("Swim Kids 3"), shared by each season's copy, so a
    # prerequisite is met by any season's program of that level.
    level: Mapped[str | None] = mapped_column(sa.String(100))
    # Staff approve each participant first (a team tryout, an instructor's assessment).
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Recreational programs for children under 15 are GST-exempt when a municipality runs them.
    is_taxable: Mapped[bool] = mapped_column(default=True)
    is_published: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[created_at]
    # Set only by store.programs.change_status, which records who cancelled it and why.
    cancelled_at: Mapped[dt.datetime | None]
    cancellation_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # Spaces kept for registration at the desk or by phone; online checkout cannot take them.
    held_back_spaces: Mapped[int] = mapped_column(
        sa.CheckConstraint(
            "held_back_spaces >= 0 AND held_back_spaces <= capacity",
            name="held_back_within_capacity",
        ),
        default=0,
        server_default="0",
    )

    category: Mapped[ProgramCategory] = relationship(lazy="joined", innerjoin=True)
    meetings: Mapped[list[ProgramMeeting]] = relationship(
        cascade="all, delete-orphan",
        order_by="(ProgramMeeting.starts_on, ProgramMeeting.start_time, ProgramMeeting.id)",
        lazy="selectin",
    )
    prerequisites: Mapped[list[Program]] = relationship(
        secondary="program_prerequisites",
        primaryjoin="Program.id == ProgramPrerequisite.program_id",
        secondaryjoin="Program.id == ProgramPrerequisite.required_program_id",
        order_by="Program.name",
    )

    @property
    def is_cancelled(self) -> bool:
        """Tell whether the department cancelled the program."""
        return self.cancelled_at is not None

    @property
    def status(self) -> ProgramStatus:
        """Where the program stands, as the console lists it."""
        if self.is_cancelled:
            return ProgramStatus.CANCELLED
        return ProgramStatus.PUBLISHED if self.is_published else ProgramStatus.DRAFT

    @property
    def age_range(self) -> str:
        """The ages the program is for, as the guide prints them."""
        if self.min_age is None and self.max_age is None:
            return "All ages"
        if self.max_age is None:
            return f"{self.min_age} years and older"
        if self.min_age is None:
            return f"Up to {self.max_age} years"
        return f"{self.min_age} to {self.max_age} years"


class ProgramMeeting(db.Model):  # type: ignore[name-defined,misc]
    """When a program meets: a weekly pattern between two dates, or one dated session.

    A dated session is a meeting whose first and last day are the same.
    """

    __tablename__ = "program_meetings"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("end_time > start_time", name="ends_after_it_starts"),
    )

    id: Mapped[intpk]
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    # ISO weekday numbers (1 = Monday) it meets on, e.g. "24" for Tuesdays and Thursdays.
    weekdays: Mapped[str] = mapped_column(sa.String(7))
    # Wall-clock times in the municipality's time zone, as the program guide prints them.
    start_time: Mapped[dt.time]
    end_time: Mapped[dt.time]
    # Days in the pattern it does not meet (holidays), as ISO dates.
    skipped_dates: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    @property
    def skipped(self) -> frozenset[dt.date]:
        """The skipped days as dates."""
        return frozenset(dt.date.fromisoformat(day) for day in self.skipped_dates)


class ProgramPrerequisite(db.Model):  # type: ignore[name-defined,misc]
    """A program a participant must have completed (or its level) before registering."""

    __tablename__ = "program_prerequisites"
    __table_args__ = (sa.CheckConstraint("program_id <> required_program_id", name="not_itself"),)

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    required_program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ProgramStatusChange(db.Model):  # type: ignore[name-defined,misc]
    """Who published, withdrew or cancelled a program, when, and why."""

    __tablename__ = "program_status_changes"

    id: Mapped[intpk]
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[ProgramStatus]
    to_status: Mapped[ProgramStatus]
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    changed_at: Mapped[created_at]
    reason: Mapped[str | None] = mapped_column(sa.String(500))

    program: Mapped[Program] = relationship()
    changed_by: Mapped[User] = relationship()


class ProgramApproval(db.Model):  # type: ignore[name-defined,misc]
    """Staff approval for one participant to register, standing in for any prerequisite."""

    __tablename__ = "program_approvals"

    id: Mapped[intpk]
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The household member approved, or the account holder when None.
    household_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("household_members.id", ondelete="CASCADE")
    )
    approved_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[created_at]
    note: Mapped[str | None] = mapped_column(sa.String(500))

    program: Mapped[Program] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    household_member: Mapped[HouseholdMember | None] = relationship()
    approved_by: Mapped[User] = relationship(foreign_keys=[approved_by_id])


# The text a keyword search reads, the name weighing most and the description least.
# PostgreSQL indexes this very expression and catalogue.py searches with it, so the index
# serves the search; SQLite searches an FTS5 table its migration keeps in step instead.
SEARCH_CONFIGURATION = "english"


def _weighted(column: sa.ColumnElement[str], weight: str) -> sa.ColumnElement[Any]:
    configuration = sa.text(f"'{SEARCH_CONFIGURATION}'")
    words = sa.func.to_tsvector(configuration, column)
    return sa.func.setweight(words, sa.text(f"'{weight}'"))


PROGRAM_SEARCH_VECTOR = (
    _weighted(Program.__table__.c.name, "A")
    .op("||")(_weighted(Program.__table__.c.summary, "B"))
    .op("||")(_weighted(Program.__table__.c.description, "C"))
)
postgresql_index("ix_programs_search", PROGRAM_SEARCH_VECTOR, postgresql_using="gin")


class Product(db.Model):  # type: ignore[name-defined,misc]
    """Something sold off the shelf: a pass, a membership, a pack of visits, a gift card."""

    __tablename__ = "products"
    __table_args__ = (
        sa.CheckConstraint("price_cents > 0", name="price_positive"),
        sa.CheckConstraint("stock >= 0", name="stock_not_negative"),
        sa.CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="ages"),
    )

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str_100]
    kind: Mapped[ProductKind] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    price_cents: Mapped[money_cents]
    # How long a pass or membership lasts from purchase, and how many visits a pack holds.
    valid_days: Mapped[int | None]
    visits: Mapped[int | None]
    # Gift cards are not taxed when sold; GST applies when they are spent.
    is_taxable: Mapped[bool] = mapped_column(default=True)
    is_published: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # The holder's age in whole years on the first day of validity; None: no limit that side.
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    # The one facility a pass admits to; None admits to every facility.
    facility: Mapped[str | None] = mapped_column(sa.String(100))
    # Units left to sell; None for what is not stocked (passes, gift cards).
    stock: Mapped[int | None]
    created_at: Mapped[created_at]

    @property
    def age_range(self) -> str | None:
        """Who may hold it, as the catalogue prints it, or None when anyone may."""
        if self.min_age is None and self.max_age is None:
            return None
        if self.max_age is None:
            return f"people {self.min_age} or older"
        if self.min_age is None:
            return f"people {self.max_age} or younger"
        return f"people aged {self.min_age} to {self.max_age}"


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
    checkout_session_id: Mapped[str | None] = mapped_column(  # Stripe Checkout Session id
        sa.String(255), unique=True
    )
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255))  # Stripe PaymentIntent
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

    program: Mapped[Program] = relationship()
    household_member: Mapped[HouseholdMember | None] = relationship()
    order_line: Mapped[OrderLine] = relationship(back_populates="registration")


class ProcessedEvent(db.Model):  # type: ignore[name-defined,misc]
    """A payment-processor event already handled; processors deliver events more than once."""

    __tablename__ = "processed_events"

    id: Mapped[intpk]
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)  # Stripe Event id
    event_type: Mapped[str] = mapped_column(sa.String(100))
    processed_at: Mapped[created_at]


class ProgramCoordinator(db.Model):  # type: ignore[name-defined,misc]
    """A staff member who coordinates a program, and so may read its participants' medical notes."""

    __tablename__ = "program_coordinators"

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[created_at]

    program: Mapped[Program] = relationship()
    user: Mapped[User] = relationship()


# Pass codes: no 0/O, 1/I/L, so a code read aloud or typed from a card is not mistaken.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


class Entitlement(db.Model):  # type: ignore[name-defined,misc]
    """A pass, membership or visit card issued to one person when its order is paid."""

    __tablename__ = "entitlements"
    __table_args__ = (
        sa.CheckConstraint("valid_until >= valid_from", name="ends_after_start"),
        sa.CheckConstraint(
            "visits_used >= 0 AND (visits_total IS NULL OR visits_used <= visits_total)",
            name="visits_in_range",
        ),
    )

    id: Mapped[intpk]
    # What the holder shows at the desk, printed and as a QR code; unguessable.
    code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH), unique=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The household member holding it; None for the account holder.
    household_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("household_members.id", ondelete="SET NULL")
    )
    # The names as issued: the member may be renamed or removed later.
    holder_name: Mapped[str] = mapped_column(sa.String(201))
    product_name: Mapped[str_100]
    facility: Mapped[str | None] = mapped_column(sa.String(100))  # None: every facility
    # Local calendar days (America/Edmonton), both included.
    valid_from: Mapped[dt.date]
    valid_until: Mapped[dt.date | None]  # None: does not expire
    # Visit cards hold a number of visits; passes and memberships count visits without limit.
    visits_total: Mapped[int | None]
    visits_used: Mapped[int] = mapped_column(default=0, server_default="0")
    issued_at: Mapped[created_at]

    product: Mapped[Product] = relationship()
    order_line: Mapped[OrderLine] = relationship(back_populates="entitlement")

    @property
    def visits_left(self) -> int | None:
        """The visits still on a visit card; None when visits are not limited."""
        if self.visits_total is None:
            return None
        return self.visits_total - self.visits_used

    @property
    def printed_code(self) -> str:
        """The code in two groups of five, as printed on the card and the receipt."""
        return f"{self.code[:5]}-{self.code[5:]}"


class Visit(db.Model):  # type: ignore[name-defined,misc]
    """One admission on a pass, membership or visit card, recorded by front-desk staff."""

    __tablename__ = "visits"

    id: Mapped[intpk]
    entitlement_id: Mapped[int] = mapped_column(sa.ForeignKey("entitlements.id"), index=True)
    facility: Mapped[str_100]
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    visited_at: Mapped[created_at]


class DeskOutcome(enum.StrEnum):
    """What the front desk was told about a code."""

    VALID = "valid"
    VISIT_RECORDED = "visit recorded"
    UNKNOWN = "unknown code"
    NOT_STARTED = "not yet started"
    EXPIRED = "expired"
    NO_VISITS_LEFT = "no visits left"
    OTHER_FACILITY = "for another facility"

    @property
    def is_valid(self) -> bool:
        """Tell whether the holder may go in."""
        return self in (DeskOutcome.VALID, DeskOutcome.VISIT_RECORDED)


class DeskAction(enum.StrEnum):
    """What the staff member did with a code."""

    LOOK_UP = "look up"
    RECORD_VISIT = "record visit"


class DeskCheck(db.Model):  # type: ignore[name-defined,misc]
    """One code looked up or used at the front desk, known or not: the desk's log."""

    __tablename__ = "desk_checks"

    id: Mapped[intpk]
    checked_at: Mapped[created_at] = mapped_column(index=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    facility: Mapped[str_100]
    # As typed or scanned, cut to fit: an unknown code is kept to spot guessing.
    code_typed: Mapped[str] = mapped_column(sa.String(40))
    action: Mapped[DeskAction]
    outcome: Mapped[DeskOutcome]
    entitlement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entitlements.id"), index=True)
