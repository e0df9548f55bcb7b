"""The pretend payment processor for tests and the demo: no network, no money, the same
signed events as Stripe's, and every call kept for tests to read."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import url_for

from . import payments
from .errors import PaymentError
from .payments import CANCEL_FAILED
from .payments import REFUND_FAILED
from .payments import SESSION_ID_PLACEHOLDER
from .payments import START_FAILED
from .payments import CheckoutLine
from .payments import CheckoutSession
from .payments import RefundResult
from .payments import _check_request


@dataclass(frozen=True)
class FakeCall:
    """One call a FakeGateway received, for tests to inspect."""

    method: str
    arguments: dict[str, Any]
    # For a started checkout: its id and where the fake's payment page returns to.
    session_id: str | None = None
    redirects: dict[str, str] = field(default_factory=dict)


class FakeGateway:
    """Pretend to take payments, with no network: for tests and the demo.

    Its payment page is the store's demo checkout, which finds the order by session id in
    the database, so a restart loses nothing. Events are signed and verified as Stripe's.
    """

    def __init__(self, webhook_secret: str, latency_seconds: float = 0.0) -> None:
        self.webhook_secret = webhook_secret
        # How long each session or refund takes, as Stripe's do; for load benchmarks.
        self.latency_seconds = latency_seconds
        self.calls: list[FakeCall] = []
        self.failing = False
        # What the next refunds answer: succeeded, or pending until a webhook settles them.
        self.refund_status = "succeeded"
        self.refunds: dict[str, RefundResult] = {}
        # The sessions started, by idempotency key, so a retried start returns the same one.
        self.sessions: dict[str, CheckoutSession] = {}

    def fail_next_call(self) -> None:
        """Make the next session call raise PaymentError, as an outage at Stripe would."""
        self.failing = True

    def create_checkout_session(
        self,
        *,
        reference: str,
        customer_email: str,
        currency: str,
        lines: Sequence[CheckoutLine],
        success_url: str,
        cancel_url: str,
        expires_at: dt.datetime,
        idempotency_key: str,
    ) -> CheckoutSession:
        """Start a simulated payment whose page is the store's demo checkout.

        :raises PaymentError:
        """
        arguments = {
            "idempotency_key": idempotency_key,
            "reference": reference,
            "customer_email": customer_email,
            "currency": currency,
            "lines": list(lines),
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": expires_at,
        }
        self._check_failure("create_checkout_session", arguments)
        _check_request(lines, success_url, cancel_url, expires_at)
        self._wait()
        # As Stripe does, a key seen before returns the session it made, not a new one.
        if idempotency_key in self.sessions:
            return self.sessions[idempotency_key]
        session_id = f"cs_demo_{secrets.token_hex(12)}"
        redirects = {
            "success_url": success_url.replace(SESSION_ID_PLACEHOLDER, session_id),
            "cancel_url": cancel_url.replace(SESSION_ID_PLACEHOLDER, session_id),
        }
        self.calls.append(FakeCall("create_checkout_session", arguments, session_id, redirects))
        session = CheckoutSession(
            id=session_id, url=url_for("store.demo_checkout", session_id=session_id)
        )
        self.sessions[idempotency_key] = session
        return session

    def expire_checkout_session(self, session_id: str) -> None:
        """Record the cancellation; there is no real session to close.

        :raises PaymentError:
        """
        arguments = {"session_id": session_id}
        self._check_failure("expire_checkout_session", arguments)
        self.calls.append(FakeCall("expire_checkout_session", arguments, session_id))

    def refund(
        self, payment_intent_id: str, amount_cents: int, idempotency_key: str
    ) -> RefundResult:
        """Record the refund; the same key answers with the same refund, as Stripe does.

        :raises PaymentError:
        """
        arguments = {
            "payment_intent_id": payment_intent_id,
            "amount_cents": amount_cents,
            "idempotency_key": idempotency_key,
        }
        self._check_failure("refund", arguments)
        self._wait()
        self.calls.append(FakeCall("refund", arguments))
        if idempotency_key not in self.refunds:
            refund_id = f"re_demo_{secrets.token_hex(12)}"
            self.refunds[idempotency_key] = RefundResult(refund_id, self.refund_status)
        return self.refunds[idempotency_key]

    def _wait(self) -> None:
        if self.latency_seconds > 0:
            time.sleep(self.latency_seconds)

    def construct_event(self, payload: bytes, signature: str) -> dict[str, Any]:
        """Verify the signature exactly as Stripe's are verified and return the event.

        :raises InvalidWebhookError:
        """
        # Through the module, so the check is the very one Stripe's events pass.
        return payments.verified_event(payload, signature, self.webhook_secret)

    def completed_event(
        self, session_id: str, reference: str, amount_total_cents: int
    ) -> dict[str, Any]:
        """Build the event Stripe sends when a card payment for the session succeeds."""
        return {
            "id": f"evt_demo_{secrets.token_hex(12)}",
            "object": "event",
            "type": "checkout.session.completed",
            "created": int(time.time()),
            "livemode": False,
            "data": {
                "object": {
                    "id": session_id,
                    "object": "checkout.session",
                    "client_reference_id": reference,
                    "payment_intent": f"pi_demo_{secrets.token_hex(12)}",
                    "amount_total": amount_total_cents,
                    "payment_status": "paid",
                    "status": "complete",
                }
            },
        }

    def sign(self, event: dict[str, Any]) -> tuple[bytes, str]:
        """Serialise an event and sign it as Stripe signs webhooks: the body and its header."""
        payload = json.dumps(event).encode()
        stamp = int(time.time())
        mac = hmac.new(self.webhook_secret.encode(), f"{stamp}.".encode() + payload, "sha256")
        return payload, f"t={stamp},v1={mac.hexdigest()}"

    def _check_failure(self, method: str, arguments: dict[str, Any]) -> None:
        if self.failing:
            self.failing = False
            self.calls.append(FakeCall(method, arguments))
            messages = {"refund": REFUND_FAILED, "expire_checkout_session": CANCEL_FAILED}
            raise PaymentError(messages.get(method, START_FAILED))
