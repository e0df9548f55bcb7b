"""After payment: the return pages from the payment step, and the resident's orders."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.forms import ConfirmForm

from .. import checkout as orders
from .. import payments
from ..errors import StoreError
from . import bp


@bp.route("/checkout/complete")
@login_required
def checkout_complete() -> ResponseReturnValue:
    order = orders.get_order_for_session(current_user, request.args.get("session_id", ""))
    return redirect(url_for("store.order", order_id=order.id))


@bp.route("/checkout/cancelled")
@login_required
def checkout_cancelled() -> ResponseReturnValue:
    order = orders.get_order_for_session(current_user, request.args.get("session_id", ""))
    return render_template("store/checkout_cancelled.html", order=order, form=ConfirmForm())


@bp.route("/orders/<int:order_id>/cancel", methods=["POST"])
@login_required
def cancel_order(order_id: int) -> ResponseReturnValue:
    order = orders.get_order_for(current_user, order_id)
    if ConfirmForm().validate_on_submit() and order.checkout_session_id:
        try:
            orders.cancel_checkout(current_user, payments.gateway(), order.checkout_session_id)
        except StoreError as error:
            flash(str(error), "error")
            return redirect(url_for("store.order", order_id=order.id))
        flash(f"Order {order.reference} is cancelled; its items are back in your cart.", "success")
    return redirect(url_for("store.cart"))


@bp.route("/orders")
@login_required
def order_history() -> ResponseReturnValue:
    page = orders.list_orders_for(current_user, request.args.get("page", 1, type=int) or 1)
    return render_template("store/orders.html", page=page)


@bp.route("/orders/<int:order_id>")
@login_required
def order(order_id: int) -> ResponseReturnValue:
    found = orders.get_order_for(current_user, order_id)
    return render_template("store/order.html", order=found, form=ConfirmForm())
