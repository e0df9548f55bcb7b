"""Products sold off the shelf, the passes issued from them, and the front desk's checks."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import User
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.db import money_cents
from jasperrec.db import str_100
from jasperrec.extensions import db

if TYPE_CHECKING:
    from .orders import OrderLine


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


class ProductStatusChange(db.Model):  # type: ignore[name-defined,misc]
    """Who put a product on sale or withdrew it, and when."""

    __tablename__ = "product_status_changes"

    id: Mapped[intpk]
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    on_sale: Mapped[bool]
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    changed_at: Mapped[created_at]

    product: Mapped[Product] = relationship()
    changed_by: Mapped[User] = relationship()
