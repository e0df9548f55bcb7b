"""Gift cards: one per unit of a gift-card line, kept as a keyed hash of its code."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import backref
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import User
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.db import money_cents
from jasperrec.extensions import db

from .orders import Order
from .orders import OrderLine

# Characters no one misreads: no 0/O, 1/I/L.
GIFT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# Sixteen of 31 characters: about 79 bits, printed as four groups of four.
GIFT_CODE_LENGTH = 16


class GiftCard(db.Model):  # type: ignore[name-defined,misc]
    """A gift card issued when its order was paid: its amount, who bought and redeemed it.

    The code itself is never stored: only its keyed hash, for lookup, and its last four
    characters, for people to tell cards apart. Until the buyer first sees the receipt
    (or a day passes) the code is also kept encrypted, so the receipt can show it once.
    """

    __tablename__ = "gift_cards"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.CheckConstraint("redeemed_at IS NULL OR voided_at IS NULL", name="redeemed_or_voided"),
    )

    id: Mapped[intpk]
    # HMAC-SHA256 of the normalised code under a key derived from SECRET_KEY.
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    last4: Mapped[str] = mapped_column(sa.String(4))
    # The code encrypted (Fernet) until it is first shown; None once shown or a day old.
    code_sealed: Mapped[str | None] = mapped_column(sa.Text)
    code_shown_at: Mapped[dt.datetime | None]
    amount_cents: Mapped[money_cents]
    currency: Mapped[str] = mapped_column(sa.String(3))
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"), index=True)
    # The buyer's household: the card is loaded on its ledger.
    bought_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    issued_at: Mapped[created_at]
    # The household whose gift balance the card went into, and when.
    redeemed_at: Mapped[dt.datetime | None]
    redeemed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Cancelled by the refund of its line; the refund that did it, until it succeeds or fails.
    voided_at: Mapped[dt.datetime | None]
    refund_id: Mapped[int | None] = mapped_column(sa.ForeignKey("refunds.id"), index=True)

    order: Mapped[Order] = relationship()
    order_line: Mapped[OrderLine] = relationship(
        backref=backref("gift_cards", order_by="GiftCard.id")
    )
    bought_by: Mapped[User] = relationship(foreign_keys=[bought_by_id])
    redeemed_by: Mapped[User | None] = relationship(foreign_keys=[redeemed_by_id])

    @property
    def masked_code(self) -> str:
        """The code as it may be shown after issue: all but the last four hidden."""
        return f"****-****-****-{self.last4}"

    @property
    def is_redeemed(self) -> bool:
        """Tell whether the card's amount went into a household's gift balance."""
        return self.redeemed_at is not None

    @property
    def is_voided(self) -> bool:
        """Tell whether a refund cancelled the card."""
        return self.voided_at is not None
