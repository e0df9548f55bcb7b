"""Gift cards: issuing one per unit when its order is paid, showing its code once, redeeming
it into a household's gift balance, and cancelling it when its line is refunded.

A code is never stored in the clear: only an HMAC-SHA256 of it under a key derived from
SECRET_KEY (to find it) and its last four characters (to tell cards apart). Until the buyer
first sees the card page, or for a day, the code is also kept encrypted under another key
derived from SECRET_KEY, so the receipt email and the card page can show it once.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app

from jasperrec.auth.encryption import decrypt
from jasperrec.auth.encryption import encrypt
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.tasks import crontab
from jasperrec.tasks import periodic_task

from . import ledger
from .errors import GiftCardCancelledError
from .errors import GiftCardRedeemedError
from .errors import GiftCardUnknownError
from .errors import RefundError
from .models import GIFT_CODE_ALPHABET
from .models import GIFT_CODE_LENGTH
from .models import GiftCard
from .models import LedgerAccount
from .models import LedgerKind
from .models import Order
from .models import OrderLine
from .models import ProductKind
from .models import Refund

# How long the code stays readable for the card page if the buyer never opens it.
SHOW_CODE_FOR = dt.timedelta(hours=24)
UNKNOWN = "That is not a gift card code we issued. Check the code on the card and try again."


def printed(code: str) -> str:
    """Write a code in groups of four, as on the card: ABCD-EFGH-JKMN-PQRS."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(typed: str) -> str | None:
    """Return the code a person typed, or None when it cannot be one.

    Case, spaces and dashes do not matter: "abcd efgh-jkmn pqrs" is ABCDEFGHJKMNPQRS.
    """
    code = "".join(ch for ch in typed.upper() if ch not in " -\t\r\n")
    if len(code) != GIFT_CODE_LENGTH or any(ch not in GIFT_CODE_ALPHABET for ch in code):
        return None
    return code


def _derived_key(purpose: str) -> bytes:
    secret = str(current_app.secret_key).encode()
    return hmac.new(secret, f"jasperrec gift card codes: {purpose}".encode(), "sha256").digest()


def code_hash(code: str) -> str:
    """The keyed hash a code is stored and found by."""
    return hmac.new(_derived_key("lookup"), code.encode(), hashlib.sha256).hexdigest()


def _sealing_key() -> str:
    return base64.urlsafe_b64encode(_derived_key("sealing")).decode()


def _new_code() -> str:
    return "".join(secrets.choice(GIFT_CODE_ALPHABET) for _ in range(GIFT_CODE_LENGTH))


def is_gift_card_line(line: OrderLine) -> bool:
    """Tell whether an order line sold gift cards."""
    return line.product is not None and line.product.kind is ProductKind.GIFT_CARD


def issue_for(order: Order) -> list[GiftCard]:
    """Issue a gift card for each unit of each gift-card line not yet issued, and load each
    on the buyer's ledger.

    Runs inside the payment's transaction and only flushes; a payment event delivered twice
    issues nothing more.
    """
    issued: list[GiftCard] = []
    for line in order.lines:
        if not is_gift_card_line(line):
            continue
        have = db.session.scalar(
            sa.select(sa.func.count(GiftCard.id)).where(GiftCard.order_line_id == line.id)
        )
        issued += [_issue(order, line) for _ in range(line.quantity - int(have or 0))]
    return issued


def _issue(order: Order, line: OrderLine) -> GiftCard:
    code = _new_code()
    card = GiftCard(
        code_hash=code_hash(code),
        last4=code[-4:],
        code_sealed=encrypt(code, _sealing_key()),
        amount_cents=line.unit_price_cents,
        currency=order.currency,
        order_id=order.id,
        order_line_id=line.id,
        bought_by_id=order.user_id,
    )
    db.session.add(card)
    db.session.flush()
    actor = order.taken_by if order.taken_by is not None else order.user
    ledger.add_entry(
        order.user,
        actor,
        LedgerKind.GIFT_CARD_LOADED,
        LedgerAccount.GIFT_CARDS,
        card.amount_cents,
        currency=card.currency,
        reason=f"Gift card ending {card.last4} loaded, order {order.reference}",
        order=order,
        gift_card=card,
    )
    return card


def readable_code(card: GiftCard) -> str | None:
    """Return the card's code, grouped, while it is still kept for showing; else None."""
    if card.code_sealed is None:
        return None
    return printed(decrypt(card.code_sealed, _sealing_key()))


@dataclasses.dataclass(frozen=True)
class ShownCard:
    """A gift card on its printable page, with its code if this is the one time it shows."""

    card: GiftCard
    code: str | None


def show_cards(user: User, order_id: int, now: dt.datetime | None = None) -> list[ShownCard]:
    """Return the buyer's gift cards of an order, with each code this one time; commits.

    A code is shown once: it is forgotten as it is read. One more than a day old is
    forgotten unread (it was emailed).

    :raises NotFoundError: no such order, or someone else's.
    """
    order = db.session.get(Order, order_id)
    if order is None or order.user_id != user.id:
        raise NotFoundError(order_id)
    now = now or utcnow()
    query = sa.select(GiftCard).where(GiftCard.order_id == order_id).order_by(GiftCard.id)
    cards = db.session.scalars(query.with_for_update()).all()
    shown = []
    for card in cards:
        code = readable_code(card) if card.issued_at > now - SHOW_CODE_FOR else None
        if card.code_sealed is not None:
            card.code_sealed = None
            card.code_shown_at = now if code else None
        shown.append(ShownCard(card, code))
    db.session.commit()
    return shown


def forget_old_codes(now: dt.datetime | None = None) -> int:
    """Forget the codes of cards issued over a day ago and never shown; commits."""
    forgotten = db.session.execute(
        sa.update(GiftCard)
        .where(
            GiftCard.code_sealed.is_not(None),
            GiftCard.issued_at <= (now or utcnow()) - SHOW_CODE_FOR,
        )
        .values(code_sealed=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(forgotten.rowcount)  # type: ignore[attr-defined]


@periodic_task(crontab(minute="*/10"))
def forget_old_codes_task() -> None:
    """Every ten minutes: forget the gift card codes no one came back to see within a day."""
    forget_old_codes()


def redeem(user: User, typed: str) -> GiftCard:
    """Put a gift card's amount into the household's gift balance; commits.

    The card is found by its keyed hash and marked redeemed by one conditional UPDATE, so
    two households entering one code at once cannot both have it.

    :raises GiftCardUnknownError, GiftCardRedeemedError, GiftCardCancelledError:
    """
    code = normalise(typed)
    card = _find(code) if code is not None else None
    if card is None:
        raise GiftCardUnknownError(UNKNOWN)
    now = utcnow()
    taken = db.session.execute(
        sa.update(GiftCard)
        .where(GiftCard.id == card.id, GiftCard.redeemed_at.is_(None), GiftCard.voided_at.is_(None))
        .values(redeemed_at=now, redeemed_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(card)
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise _refusal(card)
    ledger.add_entry(
        user,
        user,
        LedgerKind.GIFT_CARD_REDEEMED,
        LedgerAccount.GIFT,
        card.amount_cents,
        currency=card.currency,
        reason=f"Gift card ending {card.last4} redeemed",
        gift_card=card,
    )
    db.session.commit()
    return card


def _find(code: str) -> GiftCard | None:
    wanted = code_hash(code)
    card: GiftCard | None = db.session.scalar(
        sa.select(GiftCard).where(GiftCard.code_hash == wanted)
    )
    # The index finds the row; the comparison that decides takes the same time whatever
    # the hash's first differing character.
    if card is None or not hmac.compare_digest(card.code_hash, wanted):
        return None
    return card


def _refusal(card: GiftCard) -> GiftCardRedeemedError | GiftCardCancelledError:
    if card.voided_at is not None:
        return GiftCardCancelledError("This gift card was cancelled.")
    on = card.redeemed_at.date() if card.redeemed_at else None
    return GiftCardRedeemedError(
        f"This gift card was already redeemed{f' on {on:%B} {on.day}, {on.year}' if on else ''}."
    )


def cancel_for_refund(refund: Refund) -> None:
    """Cancel the unredeemed gift cards of a refunded gift-card line; flushes only.

    Refused when any card of the line was redeemed: that money is already in someone's
    gift balance. One conditional UPDATE, so a redemption at the same moment either lands
    first (and the refund is refused) or finds the card cancelled. A refusal rolls back the
    refund row and the cancellations: nothing is left half-done.

    :raises RefundError:
    """
    line = refund.order_line
    if not is_gift_card_line(line):
        return
    problem = None
    if refund.amount_cents + refund.fee_cents != line.subtotal_cents + line.gst_cents:
        problem = f"A gift card line is refunded in full: {_dollars(line)}."
    else:
        db.session.execute(
            sa.update(GiftCard)
            .where(
                GiftCard.order_line_id == line.id,
                GiftCard.redeemed_at.is_(None),
                GiftCard.voided_at.is_(None),
            )
            .values(voided_at=utcnow(), refund_id=refund.id)
            .execution_options(synchronize_session=False)
        )
        redeemed = db.session.scalar(
            sa.select(GiftCard.last4).where(
                GiftCard.order_line_id == line.id, GiftCard.redeemed_at.is_not(None)
            )
        )
        if redeemed is not None:
            problem = (
                f"The gift card ending {redeemed} was already redeemed, so "
                f"{line.description} cannot be refunded."
            )
    if problem is not None:
        db.session.rollback()
        raise RefundError(problem)


def restore_for_failed_refund(refund: Refund) -> None:
    """Give back the gift cards a refund cancelled when the refund failed; flushes only."""
    db.session.execute(
        sa.update(GiftCard)
        .where(GiftCard.refund_id == refund.id)
        .values(voided_at=None, refund_id=None)
        .execution_options(synchronize_session=False)
    )


def _dollars(line: OrderLine) -> str:
    return f"${(line.subtotal_cents + line.gst_cents) / 100:,.2f}"


def list_cards_for(user: User) -> Sequence[GiftCard]:
    """Return the gift cards the household bought or redeemed, newest first."""
    query = sa.select(GiftCard).where(
        sa.or_(GiftCard.bought_by_id == user.id, GiftCard.redeemed_by_id == user.id)
    )
    return db.session.scalars(query.order_by(GiftCard.issued_at.desc(), GiftCard.id.desc())).all()
