"""Payment callbacks: the Stripe webhook, and the demo's simulated card-payment page."""

from __future__ import annotations

import logging

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.db import utcnow
from jasperrec.extensions import csrf
from jasperrec.extensions import limiter
from jasperrec.forms import ConfirmForm

from .. import checkout
from .. import payments
from .. import webhooks
from ..errors import InvalidWebhookError
from ..errors import PaymentMismatchError
from ..fake_payments import FakeGateway
from ..models import Order
from . import bp

log = logging.getLogger(__name__)


@bp.route("/webhooks/stripe", methods=["POST"])
@limiter.exempt
@csrf.exempt
def stripe_webhook() -> ResponseReturnValue:
    # The signature replaces the CSRF token; Stripe retries, so no rate limit either.
    _receive(request.get_data(), request.headers.get("Stripe-Signature", ""))
    return {"received": True}


def _receive(payload: bytes, signature: str) -> None:
    """Verify a signed event and apply it; a bad one ends the request with a 400."""
    try:
        event = payments.gateway().construct_event(payload, signature)
    except InvalidWebhookError:
        abort(400)
    try:
        webhooks.dispatch(event)
    except InvalidWebhookError:
        abort(400)  # dispatch logged which field is wrong
    except PaymentMismatchError:
        # A 400 makes Stripe retry and flags the event in its dashboard for staff.
        session_id = event["data"].get("object", {}).get("id")
        log.error("Stripe event %s for %s: amount is not the order total", event["id"], session_id)
        abort(400)


@bp.route("/demo-checkout/<session_id>")
@login_required
def demo_checkout(session_id: str) -> ResponseReturnValue:
    order = _demo_order(session_id)
    return render_template(
        "store/demo_checkout.html", order=order, refusal=_refusal(order), form=ConfirmForm()
    )


@bp.route("/demo-checkout/<session_id>/pay", methods=["POST"])
@login_required
def pay_demo_checkout(session_id: str) -> ResponseReturnValue:
    order = _demo_order(session_id)
    if not ConfirmForm().validate_on_submit():
        flash("The page expired. Please try again.", "error")
        return redirect(url_for("store.demo_checkout", session_id=session_id))
    refusal = _refusal(order)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("store.demo_checkout", session_id=session_id))
    gateway = _fake_gateway()
    # The same path a real payment takes: a signed event, checked as Stripe's are.
    event = gateway.completed_event(session_id, order.reference, order.card_cents)
    _receive(*gateway.sign(event))
    return redirect(url_for("store.checkout_complete", session_id=session_id))


@bp.route("/demo-checkout/<session_id>/cancel", methods=["POST"])
@login_required
def cancel_demo_checkout(session_id: str) -> ResponseReturnValue:
    _demo_order(session_id)
    return redirect(url_for("store.checkout_cancelled", session_id=session_id))


def _fake_gateway() -> FakeGateway:
    """Return the fake gateway; with real payments there is no demo page at all."""
    gateway = payments.gateway()
    if not isinstance(gateway, FakeGateway):
        abort(404)
    return gateway


def _demo_order(session_id: str) -> Order:
    """Return the signed-in resident's order behind a demo checkout, or 404."""
    _fake_gateway()
    return checkout.get_order_for_session(current_user, session_id)


def _refusal(order: Order) -> str | None:
    """Say why Stripe Checkout would refuse to take payment for the order, if it would."""
    if not order.is_pending:
        return f"Order {order.reference} is {order.status.value}; nothing was charged."
    if order.expires_at <= utcnow():
        return f"The time to pay for order {order.reference} ran out; nothing was charged."
    return None
