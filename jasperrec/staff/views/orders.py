"""Finance's order pages: the list, one order with its lines and refunds, and refunding."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.extensions import db
from jasperrec.store import refunds
from jasperrec.store.errors import StoreError
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import RefundDestination
from jasperrec.store.money import money
from jasperrec.store.payments import gateway

from .. import orders
from ..forms import OrderFilterForm
from ..forms import RefundForm
from . import bp


def _order_filter(form: OrderFilterForm) -> orders.OrderFilter:
    """The form's values when it reads cleanly; otherwise every order, as the page says."""
    page = request.args.get("page", 1, type=int) or 1
    if not form.validate():
        return orders.OrderFilter(page=page)
    return orders.OrderFilter(
        text=form.q.data or "",
        status=OrderStatus(form.status.data) if form.status.data else None,
        placed_from=form.placed_from.data,
        placed_to=form.placed_to.data,
        page=page,
    )


@bp.route("/orders", endpoint="orders")
@permission_required(Permission.STORE_ORDERS_VIEW)
def orders_page() -> ResponseReturnValue:
    form = OrderFilterForm(request.args)
    found = orders.list_orders(current_user, _order_filter(form))
    return render_template("staff/orders.html", form=form, found=found, args=request.args)


@bp.route("/orders/<int:order_id>")
@permission_required(Permission.STORE_ORDERS_VIEW)
def order(order_id: int) -> ResponseReturnValue:
    found = orders.open_order(current_user, order_id)
    return render_template(
        "staff/order.html",
        order=found,
        refunds=refunds.list_refunds(found),
        form=refund_form(found),
    )


def refund_form(order: Order) -> RefundForm:
    """The refund form, offering the order's lines."""
    form = RefundForm()
    form.line.choices = [(line.id, line.description) for line in order.lines]
    return form


@bp.route("/orders/<int:order_id>/refunds", methods=["POST"])
@permission_required(Permission.STORE_REFUNDS_MANAGE)
def refund_line(order_id: int) -> ResponseReturnValue:
    form = refund_form(db.get_or_404(Order, order_id))
    if not form.validate_on_submit():
        flash("Choose a line, an amount and say why.", "error")
        return redirect(url_for("staff.order", order_id=order_id))
    destination = RefundDestination(form.destination.data)
    cents = int(form.amount.data * 100)
    request_ = refunds.RefundRequest(form.line.data, cents, destination, form.reason.data)
    try:
        refunds.refund_line(current_user, request_, gateway())
    except StoreError as error:
        flash(str(error), "error")
    else:
        flash(f"Refunded {money(cents)} ({destination.value}).", "success")
    return redirect(url_for("staff.order", order_id=order_id))
