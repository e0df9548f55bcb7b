"""Stripe webhooks: the signed endpoint, and each event handler applied exactly once."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.extensions import db
from jasperrec.store import webhooks
from jasperrec.store.errors import InvalidWebhookError
from jasperrec.store.errors import PaymentMismatchError
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import ProcessedEvent
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories
from tests.store.conftest import checkout_event

COMPLETED = "checkout.session.completed"
URL = "/store/webhooks/stripe"
Signer = Callable[..., tuple[bytes, dict[str, str]]]


def processed() -> list[str]:
    return list(db.session.scalars(sa.select(ProcessedEvent.event_id)))


def program_order() -> Order:
    """A pending order holding one space in a program."""
    user = factories.UserFactory()
    program = factories.ProgramFactory()
    line = OrderLine(
        program_id=program.id,
        description=program.name,
        participant_name=user.full_name,
        quantity=1,
        unit_price_cents=8_400,
        gst_cents=0,
    )
    line.registration = Registration(program_id=program.id, user_id=user.id)
    return factories.OrderFactory(
        user=user, subtotal_cents=8_400, gst_cents=0, total_cents=8_400, lines=[line]
    )


def reloaded(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)  # type: ignore[no-any-return]


# The endpoint: one real signed payload, then what it refuses.


def test_a_signed_payment_event_marks_the_order_paid_once(
    client: Any, signed_webhook: Signer, outbox: list[EmailMessage]
) -> None:
    order = factories.OrderFactory()
    event = checkout_event(COMPLETED, order.checkout_session_id, amount_total=order.total_cents)
    body, headers = signed_webhook(event)

    first = client.post(URL, data=body, headers=headers)
    again = client.post(URL, data=body, headers=headers)

    assert (first.status_code, first.get_json()) == (200, {"received": True})
    assert (again.status_code, again.get_json()) == (200, {"received": True})
    paid = reloaded(order)
    assert paid.status is OrderStatus.PAID
    assert paid.payment_intent_id == "pi_test_1"
    assert processed() == ["evt_test_1"]
    assert len(outbox) == 1


def test_the_endpoint_needs_no_csrf_token(
    app: Flask, client: Any, signed_webhook: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    order = factories.OrderFactory()
    body, headers = signed_webhook(checkout_event(COMPLETED, order.checkout_session_id))

    assert client.post(URL, data=body, headers=headers).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, headers: (body, {**headers, "Stripe-Signature": "t=1,v1=" + "0" * 64}),
        lambda body, headers: (body.replace(b"6825", b"1"), headers),
        lambda body, headers: (body, {"Content-Type": "application/json"}),
        lambda body, headers: (b"\x00garbage", headers),
    ],
    ids=["bad-signature", "altered-body", "no-signature", "garbage-body"],
)
def test_unsigned_or_altered_webhooks_are_refused_and_change_nothing(
    client: Any, signed_webhook: Signer, tamper: Callable[..., Any]
) -> None:
    order = factories.OrderFactory()
    body, headers = tamper(*signed_webhook(checkout_event(COMPLETED, order.checkout_session_id)))

    response = client.post(URL, data=body, headers=headers)

    assert response.status_code == 400
    assert reloaded(order).status is OrderStatus.PENDING
    assert processed() == []


def test_a_replayed_old_webhook_is_refused(client: Any, signed_webhook: Signer) -> None:
    order = factories.OrderFactory()
    event = checkout_event(COMPLETED, order.checkout_session_id)
    body, headers = signed_webhook(event, timestamp=int(time.time()) - 3_600)

    assert client.post(URL, data=body, headers=headers).status_code == 400
    assert reloaded(order).status is OrderStatus.PENDING


def test_a_garbage_body_signed_with_the_secret_is_refused(
    client: Any, signed_webhook: Signer
) -> None:
    body, headers = signed_webhook(b"this is not json")

    assert client.post(URL, data=body, headers=headers).status_code == 400
    assert processed() == []


def test_a_wrong_amount_is_refused_and_logged_without_personal_data(
    client: Any, signed_webhook: Signer, caplog: pytest.LogCaptureFixture
) -> None:
    order = factories.OrderFactory()
    event = checkout_event(COMPLETED, order.checkout_session_id, amount_total=100)
    body, headers = signed_webhook(event)

    with caplog.at_level(logging.ERROR, logger="jasperrec.store"):
        response = client.post(URL, data=body, headers=headers)

    assert response.status_code == 400
    assert reloaded(order).status is OrderStatus.PENDING
    assert processed() == []
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "evt_test_1" in record.getMessage()
    assert order.user.email not in caplog.text
    assert order.user.last_name not in caplog.text


def without(field: str) -> Callable[[dict[str, Any]], None]:
    """Remove a field of the event's object."""
    return lambda session: session.pop(field)


def setting(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Replace a field of the event's object."""
    return lambda session: session.update({field: value})


# (event type, change to data.object, the reason logged)
MALFORMED = {
    "no-amount": (COMPLETED, without("amount_total"), "data.object.amount_total is missing"),
    "amount-string": (COMPLETED, setting("amount_total", "6825"), "amount_total is str, not int"),
    "amount-float": (COMPLETED, setting("amount_total", 68.25), "amount_total is float, not int"),
    "amount-null": (COMPLETED, setting("amount_total", None), "amount_total is NoneType, not int"),
    "amount-true": (COMPLETED, setting("amount_total", True), "amount_total is bool, not int"),
    "no-id": (COMPLETED, without("id"), "data.object.id is missing"),
    "id-number": (COMPLETED, setting("id", 7), "data.object.id is int, not str"),
    "intent-number": (COMPLETED, setting("payment_intent", 7), "is int, not str or null"),
    "no-status": (COMPLETED, without("payment_status"), "payment_status is missing"),
    "succeeded-no-amount": (
        "checkout.session.async_payment_succeeded",
        without("amount_total"),
        "data.object.amount_total is missing",
    ),
    "expired-no-id": ("checkout.session.expired", without("id"), "data.object.id is missing"),
    "failed-id-list": (
        "checkout.session.async_payment_failed",
        setting("id", ["cs"]),
        "data.object.id is list, not str",
    ),
}


@pytest.mark.parametrize(("event_type", "change", "reason"), MALFORMED.values(), ids=MALFORMED)
def test_a_signed_event_missing_a_field_or_of_the_wrong_type_is_refused_and_logged(
    client: Any,
    signed_webhook: Signer,
    caplog: pytest.LogCaptureFixture,
    event_type: str,
    change: Callable[[dict[str, Any]], None],
    reason: str,
) -> None:
    order = factories.OrderFactory()
    event = checkout_event(event_type, order.checkout_session_id, amount_total=order.total_cents)
    change(event["data"]["object"])
    body, headers = signed_webhook(event)

    with caplog.at_level(logging.ERROR, logger="jasperrec.store"):
        response = client.post(URL, data=body, headers=headers)

    assert response.status_code == 400
    assert reloaded(order).status is OrderStatus.PENDING
    assert processed() == []
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "evt_test_1" in record.getMessage()
    assert reason in record.getMessage()


@pytest.mark.parametrize("data", [{}, {"object": None}, {"object": ["cs_test_1"]}])
@pytest.mark.parametrize("event_type", sorted(webhooks.HANDLERS))
def test_a_signed_event_with_no_object_is_refused_and_logged(
    client: Any,
    signed_webhook: Signer,
    caplog: pytest.LogCaptureFixture,
    event_type: str,
    data: dict[str, Any],
) -> None:
    order = factories.OrderFactory()
    event = {**checkout_event(event_type, order.checkout_session_id), "data": data}
    body, headers = signed_webhook(event)

    with caplog.at_level(logging.ERROR, logger="jasperrec.store"):
        response = client.post(URL, data=body, headers=headers)

    assert response.status_code == 400
    assert reloaded(order).status is OrderStatus.PENDING
    assert processed() == []
    assert "data.object is missing or not an object" in caplog.text


def test_an_unknown_event_type_with_no_object_is_still_acknowledged(
    client: Any, signed_webhook: Signer
) -> None:
    body, headers = signed_webhook({"id": "evt_x", "type": "customer.created", "data": {}})

    assert client.post(URL, data=body, headers=headers).status_code == 200
    assert processed() == []


# dispatch: each event type, called with event dicts.


def test_an_unknown_event_type_is_acknowledged_and_ignored(
    client: Any, signed_webhook: Signer
) -> None:
    event = {"id": "evt_x", "object": "event", "type": "customer.created", "data": {"object": {}}}
    body, headers = signed_webhook(event)

    assert client.post(URL, data=body, headers=headers).status_code == 200
    assert processed() == []


def test_a_paid_checkout_confirms_the_registrations() -> None:
    order = program_order()

    webhooks.dispatch(checkout_event(COMPLETED, order.checkout_session_id, amount_total=8_400))

    paid = reloaded(order)
    assert paid.status is OrderStatus.PAID
    assert paid.lines[0].registration.status is RegistrationStatus.CONFIRMED


def test_an_unpaid_completed_checkout_waits_for_the_delayed_payment() -> None:
    order = factories.OrderFactory()

    webhooks.dispatch(checkout_event(COMPLETED, order.checkout_session_id, payment_status="unpaid"))

    assert reloaded(order).status is OrderStatus.PENDING
    assert processed() == ["evt_test_1"]


def test_a_delayed_payment_that_succeeds_marks_the_order_paid() -> None:
    order = factories.OrderFactory()
    event_type = "checkout.session.async_payment_succeeded"

    webhooks.dispatch(checkout_event(event_type, order.checkout_session_id))

    assert reloaded(order).status is OrderStatus.PAID


@pytest.mark.parametrize(
    "event_type", ["checkout.session.expired", "checkout.session.async_payment_failed"]
)
def test_an_unpaid_checkout_expires_the_order_and_releases_its_spaces(event_type: str) -> None:
    order = program_order()

    webhooks.dispatch(checkout_event(event_type, order.checkout_session_id))

    expired = reloaded(order)
    assert expired.status is OrderStatus.EXPIRED
    assert expired.lines[0].registration.status is RegistrationStatus.CANCELLED
    assert processed() == ["evt_test_1"]


def test_expiry_does_not_undo_a_payment() -> None:
    order = factories.OrderFactory(status=OrderStatus.PAID)

    webhooks.dispatch(checkout_event("checkout.session.expired", order.checkout_session_id))

    assert reloaded(order).status is OrderStatus.PAID


def test_the_same_event_twice_is_applied_once(outbox: list[EmailMessage]) -> None:
    order = factories.OrderFactory()
    event = checkout_event(COMPLETED, order.checkout_session_id)

    webhooks.dispatch(event)
    webhooks.dispatch(event)

    assert reloaded(order).status is OrderStatus.PAID
    assert processed() == ["evt_test_1"]
    assert len(outbox) == 1


def test_an_event_recorded_concurrently_is_treated_as_processed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order = factories.OrderFactory()
    db.session.add(ProcessedEvent(event_id="evt_test_1", event_type=COMPLETED))
    db.session.commit()
    # The other worker's insert lands after our check and before our flush.
    monkeypatch.setattr(webhooks, "_is_processed", lambda event_id: False)

    webhooks.dispatch(checkout_event(COMPLETED, order.checkout_session_id))

    assert reloaded(order).status is OrderStatus.PENDING
    assert processed() == ["evt_test_1"]


def test_a_payment_for_no_order_is_recorded_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="jasperrec.store"):
        webhooks.dispatch(checkout_event(COMPLETED, "cs_test_unknown"))

    assert processed() == ["evt_test_1"]
    assert "cs_test_unknown" in caplog.text


def test_a_wrong_amount_raises_and_leaves_the_event_unrecorded() -> None:
    order = factories.OrderFactory()
    # dispatch rolls back on error, as a webhook request would; keep the order through it.
    db.session.commit()

    with pytest.raises(PaymentMismatchError):
        webhooks.dispatch(checkout_event(COMPLETED, order.checkout_session_id, amount_total=1))

    assert reloaded(order).status is OrderStatus.PENDING
    assert processed() == []


def test_a_malformed_event_raises_before_anything_is_recorded() -> None:
    order = factories.OrderFactory()
    event = checkout_event(COMPLETED, order.checkout_session_id)
    del event["data"]["object"]["amount_total"]

    with pytest.raises(InvalidWebhookError, match="amount_total is missing"):
        webhooks.dispatch(event)

    assert reloaded(order).status is OrderStatus.PENDING
    assert processed() == []


def test_every_handled_event_type_has_a_handler() -> None:
    assert set(webhooks.HANDLERS) == {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
        "charge.refunded",
        "refund.updated",
    }


def test_event_bodies_round_trip_through_json() -> None:
    event = checkout_event(COMPLETED, "cs_1")

    assert json.loads(json.dumps(event)) == event
