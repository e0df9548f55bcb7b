"""Payment-processor events: one small handler per event type, each applied once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from jasperrec.extensions import db

from . import payments
from . import refunds
from . import settlement
from .errors import InvalidWebhookError
from .models import ProcessedEvent

log = logging.getLogger(__name__)

# Card payments are settled when Checkout completes; delayed methods (pre-authorized
# debit) complete "unpaid" and settle later with async_payment_succeeded or _failed.
SETTLED = ("paid", "no_payment_required")

# The fields of a Checkout Session each handler reads, and the JSON types it accepts.
OPTIONAL_STR = (str, type(None))
SESSION: Mapping[str, tuple[type, ...]] = {"id": (str,)}
PAID_SESSION = {**SESSION, "amount_total": (int,), "payment_intent": OPTIONAL_STR}
COMPLETED_SESSION = {**PAID_SESSION, "payment_status": (str,)}
REFUND: Mapping[str, tuple[type, ...]] = {"id": (str,), "status": (str,)}
CHARGE: Mapping[str, tuple[type, ...]] = {"id": (str,), "refunds": (dict, type(None))}


@dataclass(frozen=True)
class Handler:
    """Apply one type of event, given the event's object with the fields `reads` names."""

    apply: Callable[[dict[str, Any]], None]
    reads: Mapping[str, tuple[type, ...]]


def dispatch(event: dict[str, Any]) -> None:
    """Apply a verified event once, however many times the processor delivers it.

    The event's record and its effect commit together, in the service function the
    handler calls; an event of a type we do not handle is acknowledged and ignored.

    :raises InvalidWebhookError: the event lacks a field its handler reads, or has the
        wrong type there; the reason is logged and nothing is recorded.
    :raises PaymentMismatchError: the amount paid is not the order's total.
    """
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return
    problem = shape_problem(event["data"].get("object"), handler.reads)
    if problem is not None:
        log.error("Stripe event %s (%s) refused: %s", event["id"], event["type"], problem)
        raise InvalidWebhookError(f"The event's {problem}.")
    if _is_processed(event["id"]):
        return
    db.session.add(ProcessedEvent(event_id=event["id"], event_type=event["type"]))
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent delivery of the same event recorded it first.
        db.session.rollback()
        return
    try:
        handler.apply(event["data"]["object"])
        # Handlers that find nothing to change write nothing; still record the event.
        db.session.commit()
    except Exception:
        # Forget the record too, so the processor's retry gets another chance.
        db.session.rollback()
        raise


def shape_problem(obj: Any, reads: Mapping[str, tuple[type, ...]]) -> str | None:
    """Say which field an event's object lacks or holds with the wrong type, if any.

    Only field names and type names are given, never values, so logs hold no personal data.
    """
    if not isinstance(obj, dict):
        return "data.object is missing or not an object"
    for name, types in reads.items():
        value = obj.get(name)
        # JSON true and false are Python bools, which isinstance counts as ints.
        if isinstance(value, types) and not (isinstance(value, bool) and bool not in types):
            continue
        if name not in obj:
            return f"data.object.{name} is missing"
        wanted = " or ".join("null" if t is type(None) else t.__name__ for t in types)
        return f"data.object.{name} is {type(value).__name__}, not {wanted}"
    return None


def _is_processed(event_id: str) -> bool:
    query = sa.select(ProcessedEvent.id).where(ProcessedEvent.event_id == event_id)
    return db.session.scalar(query) is not None


def _record_payment(session: dict[str, Any]) -> None:
    """Mark the session's order paid and confirm its registrations."""
    order = settlement.record_payment(
        session["id"], session.get("payment_intent"), session["amount_total"], payments.gateway()
    )
    if order is None:
        log.warning("Payment for checkout session %s matches no order", session["id"])


def checkout_completed(session: dict[str, Any]) -> None:
    """Record a finished checkout whose money has arrived; a delayed one keeps its hold."""
    if session.get("payment_status") in SETTLED:
        _record_payment(session)
    else:
        settlement.mark_payment_delayed(session["id"])


def async_payment_succeeded(session: dict[str, Any]) -> None:
    """Record a delayed payment that has now arrived."""
    _record_payment(session)


def checkout_ended_unpaid(session: dict[str, Any]) -> None:
    """Expire the order of a checkout that ran out of time or whose payment failed."""
    settlement.expire_checkout(session["id"])


def refund_updated(refund: dict[str, Any]) -> None:
    """Settle one of our refunds the processor has finished, succeeded or failed."""
    metadata = refund.get("metadata")
    key = metadata.get("idempotency_key") if isinstance(metadata, dict) else None
    reason = refund.get("failure_reason")
    found = refunds.settle_from_processor(
        refund["id"],
        refund["status"],
        key if isinstance(key, str) else None,
        reason if isinstance(reason, str) else None,
    )
    if found is None:
        log.warning("Refund %s matches none of ours", refund["id"])


def charge_refunded(charge: dict[str, Any]) -> None:
    """Settle each of our refunds the refunded charge lists; an unlisted one waits."""
    listed = (charge.get("refunds") or {}).get("data")
    for refund in listed if isinstance(listed, list) else []:
        if isinstance(refund, dict) and not shape_problem(refund, REFUND):
            refund_updated(refund)


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": Handler(checkout_completed, COMPLETED_SESSION),
    "checkout.session.async_payment_succeeded": Handler(async_payment_succeeded, PAID_SESSION),
    "checkout.session.async_payment_failed": Handler(checkout_ended_unpaid, SESSION),
    "checkout.session.expired": Handler(checkout_ended_unpaid, SESSION),
    "charge.refunded": Handler(charge_refunded, CHARGE),
    "refund.updated": Handler(refund_updated, REFUND),
}
