"""The cart: change quantities, remove items, and check out."""

from __future__ import annotations

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.auth.views.guards import person_key
from jasperrec.extensions import limiter
from jasperrec.forms import ConfirmForm

from .. import checkout as orders
from .. import partial
from .. import payments
from .. import prices
from .. import service
from .. import tender
from ..errors import StoreError
from ..forms import CheckoutForm
from ..forms import QuantityForm
from . import bp


def _return_url(endpoint: str) -> str:
    """Build a return address the processor completes with the session's id."""
    url = url_for(endpoint, session_id="SESSION", _external=True)
    return url.replace("SESSION", payments.SESSION_ID_PLACEHOLDER)


@bp.route("/cart")
@login_required
def cart() -> ResponseReturnValue:
    priced = prices.price_cart(current_user)
    forms = {
        line.item.id: QuantityForm(prefix=f"i{line.item.id}", obj=line.item)
        for line in priced.lines
    }
    return render_template(
        "store/cart.html",
        cart=priced,
        quantity_forms=forms,
        form=ConfirmForm(),
        checkout_form=CheckoutForm(),
        full_lines=partial.find_full_lines(current_user, priced),
        from_balance=tender.covers(current_user, priced),
    )


@bp.route("/cart/<int:item_id>/quantity", methods=["POST"])
@login_required
def update_item(item_id: int) -> ResponseReturnValue:
    form = QuantityForm(prefix=f"i{item_id}")
    if form.validate_on_submit():
        try:
            service.update_quantity(current_user, item_id, form.quantity.data)
            flash("Quantity updated.", "success")
        except StoreError as error:
            flash(str(error), "error")
    else:
        flash(form.quantity.errors[0] if form.quantity.errors else "Please try again.", "error")
    return redirect(url_for("store.cart"))


@bp.route("/cart/<int:item_id>/remove", methods=["POST"])
@login_required
def remove_item(item_id: int) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        service.remove_from_cart(current_user, item_id)
        flash("Removed from your cart.", "success")
    return redirect(url_for("store.cart"))


@bp.route("/cart/accept-prices", methods=["POST"])
@login_required
def accept_prices() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        prices.accept_prices(current_user)
        flash("You accepted the new prices. Check the total, then check out.", "success")
    return redirect(url_for("store.cart"))


@bp.route("/checkout", methods=["POST"])
# Counted per resident: a library or front-desk computer serves many on opening day.
@limiter.limit(lambda: str(current_app.config["STORE_CHECKOUT_LIMIT"]), key_func=person_key)
@login_required
def checkout() -> ResponseReturnValue:
    form = CheckoutForm()
    if not form.validate_on_submit():
        return redirect(url_for("store.cart"))
    try:
        placed = orders.check_out(
            current_user,
            payments.gateway(),
            _return_url("store.checkout_complete"),
            _return_url("store.checkout_cancelled"),
            keep_together=bool(form.keep_together.data),
            late_to_credit=bool(form.late_to_credit.data),
        )
    except StoreError as error:
        flash(str(error), "error")
        return redirect(url_for("store.cart"))
    return _after_checkout(placed)


def _after_checkout(placed: orders.Checkout) -> ResponseReturnValue:
    """Say who went on a waitlist and what stayed in the cart, then go where the order goes."""
    for waiting in placed.waitlisted:
        flash(waiting.notice, "info")
    for reason in placed.shortfall.kept:
        flash(reason, "error")
    if placed.order is None:
        flash("Nothing was bought: every program in your cart is full.", "info")
        return redirect(url_for("store.cart"))
    if placed.payment_url is None:
        order = placed.order
        how = "paid from your household balance" if order.balance_paid_cents else "nothing was owed"
        flash(f"Order {order.reference} is confirmed; {how}.", "success")
        return redirect(url_for("store.order", order_id=placed.order.id))
    return redirect(placed.payment_url, code=303)
