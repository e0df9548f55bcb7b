"""The processor settles pending refunds: refund.updated and charge.refunded, signed,
delivered twice and out of order."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.store import ledger
from jasperrec.store import reconcile
from jasperrec.store import refunds
from jasperrec.store import webhooks
from jasperrec.store.fake_payments import FakeGateway
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import ProcessedEvent
from jasperrec.store.models import Refund
from jasperrec.store.models import RefundDestination
from jasperrec.store.models import RefundStatus
from tests import factories

URL = "/store/webhooks/stripe"
Signer = Callable[..., tuple[bytes, dict[str, str]]]


def pending_refund(gateway: FakeGateway, amount: int = 2_000) -> Refund:
    order = factories.OrderFactory(status=OrderStatus.PAID, payment_intent_id="pi_test_1")
    gateway.refund_status = "pending"
    request = refunds.RefundRequest(order.lines[0].id, amount, RefundDestination.CARD, "Withdrew")
    return refunds.refund_line(order.user, request, gateway)


def refund_object(refund: Refund, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": refund.stripe_refund_id,
        "object": "refund",
        "amount": refund.amount_cents,
        "payment_intent": "pi_test_1",
        "status": status,
        "metadata": {"idempotency_key": f"refund-{refund.id}"},
        **extra,
    }


def event(event_type: str, obj: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def test_a_signed_refund_updated_settles_the_refund_once(
    client: FlaskClient, signed_webhook: Signer, fake_gateway: FakeGateway
) -> None:
    refund = pending_refund(fake_gateway)
    body, headers = signed_webhook(
        event("refund.updated", refund_object(refund, "succeeded"), "evt_r1")
    )

    assert client.post(URL, data=body, headers=headers).status_code < 300
    assert client.post(URL, data=body, headers=headers).status_code < 300

    db.session.refresh(refund)
    assert refund.status is RefundStatus.SUCCEEDED
    assert refund.status_changed_by_id is None
    assert ledger.net_paid(refund.order) == 4_825
    assert reconcile.find_discrepancies() == []


def test_a_badly_signed_refund_event_is_refused(
    client: FlaskClient, signed_webhook: Signer, fake_gateway: FakeGateway
) -> None:
    refund = pending_refund(fake_gateway)
    body, headers = signed_webhook(
        event("refund.updated", refund_object(refund, "succeeded"), "evt_r2")
    )
    headers["Stripe-Signature"] = headers["Stripe-Signature"][:-2] + "00"

    assert client.post(URL, data=body, headers=headers).status_code == 400
    assert refund.status is RefundStatus.REQUESTED


def test_a_signed_charge_refunded_settles_each_listed_refund(
    client: FlaskClient, signed_webhook: Signer, fake_gateway: FakeGateway
) -> None:
    refund = pending_refund(fake_gateway)
    charge = {
        "id": "ch_test_1",
        "object": "charge",
        "payment_intent": "pi_test_1",
        "amount_refunded": 2_000,
        "refunds": {"object": "list", "data": [refund_object(refund, "succeeded")]},
    }
    body, headers = signed_webhook(event("charge.refunded", charge, "evt_c1"))

    assert client.post(URL, data=body, headers=headers).status_code < 300

    db.session.refresh(refund)
    assert refund.status is RefundStatus.SUCCEEDED


def test_a_charge_refunded_without_its_refunds_listed_leaves_them_waiting(
    fake_gateway: FakeGateway,
) -> None:
    refund = pending_refund(fake_gateway)
    webhooks.dispatch(event("charge.refunded", {"id": "ch_1", "refunds": None}, "evt_c2"))
    assert refund.status is RefundStatus.REQUESTED
    assert db.session.scalar(sa.select(ProcessedEvent.event_id)) == "evt_c2"


def test_a_late_pending_after_success_changes_nothing(fake_gateway: FakeGateway) -> None:
    refund = pending_refund(fake_gateway)
    webhooks.dispatch(event("refund.updated", refund_object(refund, "succeeded"), "evt_1"))
    webhooks.dispatch(event("refund.updated", refund_object(refund, "pending"), "evt_0"))
    webhooks.dispatch(event("refund.updated", refund_object(refund, "failed"), "evt_2"))

    assert refund.status is RefundStatus.SUCCEEDED
    assert ledger.net_paid(refund.order) == 4_825


def test_a_failed_refund_frees_the_amount_and_moves_no_money(fake_gateway: FakeGateway) -> None:
    refund = pending_refund(fake_gateway)
    failed = refund_object(refund, "failed", failure_reason="expired_or_canceled_card")
    webhooks.dispatch(event("refund.updated", failed, "evt_f"))

    assert refund.status is RefundStatus.FAILED
    assert refund.failure_reason == "expired_or_canceled_card"
    assert ledger.net_paid(refund.order) == 6_825
    assert refunds.refundable_cents(refund.order_line) == 6_825


def test_an_answer_before_the_refund_id_was_stored_is_matched_by_our_key(
    fake_gateway: FakeGateway,
) -> None:
    refund = pending_refund(fake_gateway)
    answer = refund_object(refund, "succeeded", id="re_not_stored_yet")
    refund.stripe_refund_id = None
    db.session.flush()

    webhooks.dispatch(event("refund.updated", answer, "evt_k"))

    assert refund.status is RefundStatus.SUCCEEDED
    assert refund.stripe_refund_id == "re_not_stored_yet"


def test_a_refund_made_elsewhere_is_acknowledged_and_ignored(fake_gateway: FakeGateway) -> None:
    webhooks.dispatch(
        event("refund.updated", {"id": "re_dashboard", "status": "succeeded"}, "evt_d")
    )
    assert db.session.scalars(sa.select(Refund)).all() == []
