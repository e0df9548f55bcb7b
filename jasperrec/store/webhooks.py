"""Payment-processor events: one small handler per event type, each applied once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from jasperrec.extensions import db

from . import checkout
from .models import ProcessedEvent

log = logging.getLogger(__name__)

# Card payments are settled when Checkout completes; delayed methods (pre-authorized
# debit) complete "unpaid" and settle later with async_payment_succeeded or _failed.
SETTLED = ("paid", "no_payment_required")


def dispatch(event: dict[str, Any]) -> None:
    """Apply a verified event once, however many times the processor delivers it.

    The event's record and its effect commit together, in the service function the
    handler calls; an event of a type we do not handle is acknowledged and ignored.

    :raises PaymentMismatchError: the amount paid is not the order's total.
    """
    handler = HANDLERS.get(event["type"])
    if handler is None or _is_processed(event["id"]):
        return
    db.session.add(ProcessedEvent(event_id=event["id"], event_type=event["type"]))
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent delivery of the same event recorded it first.
        db.session.rollback()
        return
    try:
        handler(event["data"]["object"])
        # Handlers that find nothing to change write nothing; still record the event.
        db.session.commit()
    except Exception:
        # Forget the record too, so the processor's retry gets another chance.
        db.session.rollback()
        raise


def _is_processed(event_id: str) -> bool:
    query = sa.select(ProcessedEvent.id).where(ProcessedEvent.event_id == event_id)
    return db.session.scalar(query) is not None


def _record_payment(session: dict[str, Any]) -> None:
    """Mark the session's order paid and confirm its registrations."""
    order = checkout.record_payment(
        session["id"], session.get("payment_intent"), int(session["amount_total"])
    )
    if order is None:
        log.warning("Payment for checkout session %s matches no order", session["id"])


def checkout_completed(session: dict[str, Any]) -> None:
    """Record a finished checkout whose money has arrived; a delayed one waits."""
    if session.get("payment_status") in SETTLED:
        _record_payment(session)


def async_payment_succeeded(session: dict[str, Any]) -> None:
    """Record a delayed payment that has now arrived."""
    _record_payment(session)


def checkout_ended_unpaid(session: dict[str, Any]) -> None:
    """Expire the order of a checkout that ran out of time or whose payment failed."""
    checkout.expire_checkout(session["id"])


HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": async_payment_succeeded,
    "checkout.session.async_payment_failed": checkout_ended_unpaid,
    "checkout.session.expired": checkout_ended_unpaid,
}
