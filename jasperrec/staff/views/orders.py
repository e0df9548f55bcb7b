"""Finance's order pages: the searchable list and one order with its lines."""

from __future__ import annotations

from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.store.models import OrderStatus

from .. import orders
from ..forms import OrderFilterForm
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
    return render_template("staff/order.html", order=orders.open_order(current_user, order_id))
