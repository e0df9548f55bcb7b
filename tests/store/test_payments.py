"""The payment adapter: Stripe requests over a recording HTTP client, the fake, the backend."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import stripe
from flask import Flask

from jasperrec.config import ConfigError
from jasperrec.db import utcnow
from jasperrec.headers import CONTENT_SECURITY_POLICY
from jasperrec.store import payments
from jasperrec.store.errors import InvalidWebhookError
from jasperrec.store.errors import PaymentError
from jasperrec.store.fake_payments import FakeGateway
from jasperrec.store.payments import CheckoutLine
from jasperrec.store.payments import CheckoutSession
from jasperrec.store.payments import StripeGateway
from tests.store.conftest import STRIPE_WEBHOOK_SECRET
from tests.store.conftest import RecordingHTTPClient
from tests.store.conftest import sign
from tests.test_foundation import PRODUCTION

SUCCESS_URL = "https://rec.example.ca/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
CANCEL_URL = "https://rec.example.ca/store/checkout/cancelled?session_id={CHECKOUT_SESSION_ID}"
LINES = [
    CheckoutLine("Adult 30-day pass", 6_500, 2),
    CheckoutLine("Swim Level 3 (Sam Tremblay)", 8_400, 1),
]
EVENT = {"id": "evt_1", "object": "event", "type": "checkout.session.completed", "data": {}}
# What every demo used to sign with: it is in the project's history for anyone to read.
OLD_PUBLIC_DEMO_SECRET = "whsec_jasperrec_demo_only"


def start(gateway: Any, **overrides: Any) -> CheckoutSession:
    arguments = {
        "reference": "JR-000042",
        "customer_email": "resident@example.ca",
        "currency": "CAD",
        "lines": LINES,
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "expires_at": utcnow() + dt.timedelta(hours=1),
        "idempotency_key": "order-42-session",
        **overrides,
    }
    return gateway.create_checkout_session(**arguments)  # type: ignore[no-any-return]


def stripe_error(message: str, status: int = 400) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"type": "invalid_request_error", "message": message}}


# StripeGateway: the real library builds the request and parses the response.


def test_stripe_checkout_sends_the_order_in_cents_with_the_reference(
    stripe_gateway: StripeGateway, stripe_http: RecordingHTTPClient
) -> None:
    expires_at = (utcnow() + dt.timedelta(hours=2)).replace(microsecond=0)
    stripe_http.respond(
        200,
        {
            "id": "cs_test_abc",
            "object": "checkout.session",
            "url": "https://checkout.stripe.com/c/pay/cs_test_abc",
        },
    )

    session = start(stripe_gateway, expires_at=expires_at)

    assert session == CheckoutSession(
        "cs_test_abc", "https://checkout.stripe.com/c/pay/cs_test_abc"
    )
    [sent] = stripe_http.requests
    assert sent.method == "post"
    assert sent.url == "https://api.stripe.com/v1/checkout/sessions"
    assert sent.headers["Authorization"] == "Bearer sk_test_123"
    assert sent.headers["Idempotency-Key"] == "order-42-session"
    assert sent.form == {
        "mode": "payment",
        "client_reference_id": "JR-000042",
        "metadata[reference]": "JR-000042",
        "payment_intent_data[metadata][reference]": "JR-000042",
        "customer_email": "resident@example.ca",
        "line_items[0][quantity]": "2",
        "line_items[0][price_data][currency]": "cad",
        "line_items[0][price_data][unit_amount]": "6500",
        "line_items[0][price_data][product_data][name]": "Adult 30-day pass",
        "line_items[1][quantity]": "1",
        "line_items[1][price_data][currency]": "cad",
        "line_items[1][price_data][unit_amount]": "8400",
        "line_items[1][price_data][product_data][name]": "Swim Level 3 (Sam Tremblay)",
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "expires_at": str(int(expires_at.timestamp())),
    }


def test_stripe_checkout_never_asks_for_less_than_stripes_minimum_expiry(
    stripe_gateway: StripeGateway, stripe_http: RecordingHTTPClient
) -> None:
    stripe_http.respond(200, {"id": "cs_1", "object": "checkout.session", "url": "https://x"})
    before = utcnow()

    start(stripe_gateway, expires_at=before + dt.timedelta(minutes=30))

    sent = int(stripe_http.requests[0].form["expires_at"])
    assert sent >= int((before + dt.timedelta(minutes=31)).timestamp())


def test_stripe_checkout_refuses_a_time_without_a_zone(
    stripe_gateway: StripeGateway, stripe_http: RecordingHTTPClient
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        start(stripe_gateway, expires_at=dt.datetime(2030, 1, 1, 12, 0))  # noqa: DTZ001

    assert stripe_http.requests == []


@pytest.mark.parametrize(
    "response",
    [
        stripe_error("Invalid currency: xyz"),
        (401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}}),
        (402, {"error": {"type": "card_error", "message": "Your card was declined."}}),
        (200, {"id": "cs_1", "object": "checkout.session", "url": None}),
    ],
    ids=["invalid-request", "bad-key", "card-error", "no-payment-page"],
)
def test_stripe_checkout_failures_become_a_payment_error_for_the_resident(
    stripe_gateway: StripeGateway,
    stripe_http: RecordingHTTPClient,
    response: tuple[int, dict[str, Any]],
) -> None:
    stripe_http.respond(*response)

    with pytest.raises(PaymentError) as raised:
        start(stripe_gateway)

    assert str(raised.value) == payments.START_FAILED
    assert "Nothing was charged" in str(raised.value)


def test_stripe_checkout_unreachable_becomes_a_payment_error(
    stripe_gateway: StripeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise stripe.APIConnectionError("Network is unreachable")

    monkeypatch.setattr(RecordingHTTPClient, "request", unreachable)

    with pytest.raises(PaymentError, match="could not start your payment"):
        start(stripe_gateway)


def test_stripe_expire_posts_to_the_sessions_expire_endpoint(
    stripe_gateway: StripeGateway, stripe_http: RecordingHTTPClient
) -> None:
    stripe_http.respond(200, {"id": "cs_test_abc", "object": "checkout.session"})

    stripe_gateway.expire_checkout_session("cs_test_abc")

    [sent] = stripe_http.requests
    assert (sent.method, sent.url) == (
        "post",
        "https://api.stripe.com/v1/checkout/sessions/cs_test_abc/expire",
    )


@pytest.mark.parametrize("status", ["expired", "complete"])
def test_stripe_expire_leaves_a_closed_session_alone(
    stripe_gateway: StripeGateway, stripe_http: RecordingHTTPClient, status: str
) -> None:
    stripe_http.respond(*stripe_error("Only Checkout Sessions with a status of open can expire."))
    stripe_http.respond(200, {"id": "cs_1", "object": "checkout.session", "status": status})

    stripe_gateway.expire_checkout_session("cs_1")

    assert [r.method for r in stripe_http.requests] == ["post", "get"]
    assert stripe_http.requests[1].url == "https://api.stripe.com/v1/checkout/sessions/cs_1"


def test_stripe_expire_of_an_open_session_that_fails_is_a_payment_error(
    stripe_gateway: StripeGateway, stripe_http: RecordingHTTPClient
) -> None:
    stripe_http.respond(*stripe_error("Something went wrong."))
    stripe_http.respond(200, {"id": "cs_1", "object": "checkout.session", "status": "open"})

    with pytest.raises(PaymentError, match="could not cancel"):
        stripe_gateway.expire_checkout_session("cs_1")


def test_stripe_expire_with_a_bad_key_is_a_payment_error(
    stripe_gateway: StripeGateway, stripe_http: RecordingHTTPClient
) -> None:
    stripe_http.respond(401, {"error": {"type": "invalid_request_error", "message": "Bad key"}})

    with pytest.raises(PaymentError):
        stripe_gateway.expire_checkout_session("cs_1")


def test_stripe_construct_event_checks_the_signature_with_the_webhook_secret(
    stripe_gateway: StripeGateway,
) -> None:
    body = json.dumps(EVENT).encode()

    assert stripe_gateway.construct_event(body, sign(body, STRIPE_WEBHOOK_SECRET)) == EVENT
    with pytest.raises(InvalidWebhookError):
        stripe_gateway.construct_event(body, sign(body, OLD_PUBLIC_DEMO_SECRET))


# Signature checks, shared by both gateways.


def test_construct_event_returns_a_plain_dict(fake_gateway: FakeGateway) -> None:
    body = json.dumps(EVENT).encode()

    event = fake_gateway.construct_event(body, sign(body, fake_gateway.webhook_secret))

    assert type(event) is dict
    assert event == EVENT


@pytest.mark.parametrize(
    ("body", "signature"),
    [
        (json.dumps(EVENT).encode(), lambda body, secret: sign(body, "whsec_wrong")),
        (json.dumps(EVENT).encode(), lambda body, secret: sign(body, secret, 1_600_000_000)),
        (json.dumps(EVENT).encode(), lambda body, secret: ""),
        (json.dumps(EVENT).encode(), lambda body, secret: "t=abc,v1=def"),
        (json.dumps(EVENT).encode(), lambda body, secret: sign(b"{}", secret)),
        (b"\xff\xfe not utf-8", sign),
        (b"not json", sign),
        (b"[1, 2, 3]", sign),
        (b'{"id": "evt_1"}', sign),
    ],
    ids=[
        "wrong-secret",
        "stale-timestamp",
        "missing-header",
        "garbled-header",
        "other-payload",
        "not-utf8",
        "not-json",
        "not-an-object",
        "not-an-event",
    ],
)
def test_construct_event_refuses_what_stripe_did_not_sign(
    fake_gateway: FakeGateway, body: bytes, signature: Any
) -> None:
    with pytest.raises(InvalidWebhookError):
        fake_gateway.construct_event(body, signature(body, fake_gateway.webhook_secret))


# FakeGateway


def test_fake_checkout_points_at_the_demo_page_and_records_the_call(
    app: Flask, fake_gateway: FakeGateway
) -> None:
    with app.test_request_context():
        session = start(fake_gateway)

    assert session.id.startswith("cs_demo_")
    assert session.url == f"/store/demo-checkout/{session.id}"
    [call] = fake_gateway.calls
    assert call.method == "create_checkout_session"
    assert call.session_id == session.id
    assert call.arguments["reference"] == "JR-000042"
    assert call.arguments["lines"] == LINES
    assert call.redirects == {
        "success_url": SUCCESS_URL.replace("{CHECKOUT_SESSION_ID}", session.id),
        "cancel_url": CANCEL_URL.replace("{CHECKOUT_SESSION_ID}", session.id),
    }


def test_fake_can_fail_the_next_call_only(app: Flask, fake_gateway: FakeGateway) -> None:
    fake_gateway.fail_next_call()

    with app.test_request_context():
        with pytest.raises(PaymentError, match="Nothing was charged"):
            start(fake_gateway)
        start(fake_gateway)

    assert [call.session_id is None for call in fake_gateway.calls] == [True, False]


def test_fake_expire_records_the_session_and_can_fail(fake_gateway: FakeGateway) -> None:
    fake_gateway.expire_checkout_session("cs_demo_1")
    fake_gateway.fail_next_call()

    with pytest.raises(PaymentError, match="could not cancel"):
        fake_gateway.expire_checkout_session("cs_demo_2")

    assert [(c.method, c.arguments) for c in fake_gateway.calls] == [
        ("expire_checkout_session", {"session_id": "cs_demo_1"}),
        ("expire_checkout_session", {"session_id": "cs_demo_2"}),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"expires_at": utcnow() + dt.timedelta(minutes=10)}, "30 minutes to 24 hours"),
        ({"expires_at": utcnow() + dt.timedelta(hours=25)}, "30 minutes to 24 hours"),
        ({"expires_at": dt.datetime(2030, 1, 1)}, "timezone-aware"),  # noqa: DTZ001
        ({"success_url": "https://rec.example.ca/done"}, "CHECKOUT_SESSION_ID"),
        ({"lines": []}, "needs lines"),
        ({"lines": [CheckoutLine("Pass", 6_500, 0)]}, "needs lines"),
    ],
    ids=[
        "expiry-too-soon",
        "expiry-too-late",
        "naive-expiry",
        "no-placeholder",
        "no-lines",
        "none",
    ],
)
def test_fake_refuses_a_checkout_stripe_would_refuse(
    app: Flask, fake_gateway: FakeGateway, overrides: dict[str, Any], message: str
) -> None:
    with app.test_request_context(), pytest.raises(ValueError, match=message):
        start(fake_gateway, **overrides)


def test_fake_completed_event_is_shaped_like_stripes(fake_gateway: FakeGateway) -> None:
    event = fake_gateway.completed_event("cs_demo_1", "JR-000007", 6_825)

    assert event["id"].startswith("evt_demo_")
    assert event["type"] == "checkout.session.completed"
    session = event["data"]["object"]
    assert session["id"] == "cs_demo_1"
    assert session["client_reference_id"] == "JR-000007"
    assert session["payment_intent"].startswith("pi_demo_")
    assert (session["amount_total"], session["payment_status"]) == (6_825, "paid")


# Choosing the backend


def configured(**config: Any) -> Flask:
    # A throwaway instance folder: the fake keeps a generated secret there.
    with tempfile.TemporaryDirectory() as instance:
        made = Flask(__name__, instance_path=instance)
        made.config.update(
            {"ENV": "demo", "STRIPE_SECRET_KEY": None, "STRIPE_WEBHOOK_SECRET": None}
        )
        made.config.update(config)
        payments.init_app(made)
    return made


@pytest.mark.parametrize(
    ("config", "backend", "expected"),
    [
        ({}, "fake", FakeGateway),
        ({"STORE_PAYMENT_BACKEND": "fake"}, "fake", FakeGateway),
        (
            {
                "STORE_PAYMENT_BACKEND": "stripe",
                "STRIPE_SECRET_KEY": "sk",
                "STRIPE_WEBHOOK_SECRET": "w",
            },
            "stripe",
            StripeGateway,
        ),
        (
            {"ENV": "production", "STRIPE_SECRET_KEY": "sk", "STRIPE_WEBHOOK_SECRET": "w"},
            "stripe",
            StripeGateway,
        ),
    ],
    ids=["demo-default", "fake", "stripe", "production-default"],
)
def test_the_backend_follows_the_configuration(
    config: dict[str, Any], backend: str, expected: type
) -> None:
    made = configured(**config)

    with made.app_context():
        assert isinstance(payments.gateway(), expected)
    assert made.config["STORE_PAYMENT_BACKEND"] == backend


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown STORE_PAYMENT_BACKEND 'paypal'"):
        configured(STORE_PAYMENT_BACKEND="paypal")


def test_production_refuses_the_fake_backend() -> None:
    with pytest.raises(ConfigError, match="fake payment backend"):
        configured(
            ENV="production",
            STORE_PAYMENT_BACKEND="fake",
            STRIPE_SECRET_KEY="sk",
            STRIPE_WEBHOOK_SECRET="w",
        )


def test_the_stripe_backend_needs_its_keys() -> None:
    with pytest.raises(ConfigError, match="JASPERREC_STRIPE_SECRET_KEY"):
        configured(STORE_PAYMENT_BACKEND="stripe", STRIPE_WEBHOOK_SECRET="w")


def test_the_fake_signs_with_the_configured_secret() -> None:
    made = configured(STRIPE_WEBHOOK_SECRET="whsec_local_cli")

    assert made.extensions[payments.EXTENSION_KEY].webhook_secret == "whsec_local_cli"


def test_each_demo_instance_makes_its_own_webhook_secret_and_keeps_it(
    other_app: Callable[..., Flask], tmp_path: Path
) -> None:
    def secret(folder: str) -> str:
        made = other_app(INSTANCE_PATH=str(tmp_path / folder))
        return made.extensions[payments.EXTENSION_KEY].webhook_secret  # type: ignore[no-any-return]

    first, second, first_again = secret("one"), secret("two"), secret("one")

    assert first != second
    assert first == first_again
    assert first.startswith("whsec_")
    assert len(first) == len("whsec_") + 64
    assert (tmp_path / "one" / "webhook_secret").stat().st_mode & 0o077 == 0


def test_no_webhook_secret_is_written_into_the_source() -> None:
    assert not hasattr(payments, "DEMO_WEBHOOK_SECRET")
    assert OLD_PUBLIC_DEMO_SECRET not in Path(payments.__file__).read_text()


def test_an_event_signed_with_the_old_public_demo_secret_is_refused(client: Any) -> None:
    body = json.dumps(EVENT).encode()
    headers = {"Stripe-Signature": sign(body, OLD_PUBLIC_DEMO_SECRET)}

    response = client.post("/store/webhooks/stripe", data=body, headers=headers)

    assert response.status_code == 400


def test_the_suite_runs_on_the_fake(app: Flask) -> None:
    assert app.config["STORE_PAYMENT_BACKEND"] == "fake"
    assert isinstance(app.extensions[payments.EXTENSION_KEY], FakeGateway)


# The content security policy follows the backend.


def test_pages_may_post_only_to_the_portal_with_the_fake(client: Any) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]

    assert policy == CONTENT_SECURITY_POLICY
    assert "form-action 'self';" in policy
    assert "stripe" not in policy


def test_pages_may_be_redirected_to_stripe_checkout_with_stripe(
    client: Any, stripe_backend: StripeGateway
) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]

    assert "form-action 'self' https://checkout.stripe.com;" in policy
    assert "default-src 'self'" in policy


def test_production_allows_stripe_checkout_by_default(other_app: Callable[..., Flask]) -> None:
    made = other_app(**PRODUCTION)
    response = made.test_client().get("/", base_url="https://rec.example.ca")

    assert "https://checkout.stripe.com" in response.headers["Content-Security-Policy"]
