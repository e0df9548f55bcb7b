"""Gift cards: the printable cards of an order, shown once, and redeeming a code."""

from __future__ import annotations

from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required
from werkzeug.wrappers import Response

from jasperrec.auth.views.guards import person_key
from jasperrec.extensions import limiter

from .. import giftcards
from ..errors import GiftCardError
from ..forms import RedeemGiftCardForm
from ..models import GiftCard
from ..money import money
from . import bp

TOO_MANY = (
    "You have entered too many gift card codes that did not work. To keep cards safe from "
    "guessing, please wait an hour and try again, or call us with the card in hand."
)


@bp.app_template_filter("gift_code")
def gift_code(card: GiftCard) -> str | None:
    """The card's code while it is still kept to be shown once, for the receipt email."""
    return giftcards.readable_code(card)


def _refused(response: Response) -> bool:
    return bool(g.get("gift_code_refused"))


def _limit(name: str) -> str:
    return str(current_app.config[name])


@bp.route("/orders/<int:order_id>/gift-cards")
@login_required
def gift_cards(order_id: int) -> ResponseReturnValue:
    shown = giftcards.show_cards(current_user, order_id)
    return render_template("store/gift_cards.html", order_id=order_id, shown=shown)


@bp.route("/gift-cards/redeem", methods=["GET", "POST"])
@limiter.limit(
    lambda: _limit("STORE_GIFT_REDEEM_CLIENT_LIMIT"),
    methods=["POST"],
    deduct_when=_refused,
    scope="gift-redeem-client",
    error_message=TOO_MANY,
)
@limiter.limit(
    lambda: _limit("STORE_GIFT_REDEEM_LIMIT"),
    methods=["POST"],
    deduct_when=_refused,
    key_func=person_key,
    scope="gift-redeem-account",
    error_message=TOO_MANY,
)
@login_required
def redeem_gift_card() -> ResponseReturnValue:
    form = RedeemGiftCardForm()
    if form.validate_on_submit():
        try:
            card = giftcards.redeem(current_user, form.code.data)
        except GiftCardError as error:
            g.gift_code_refused = True
            form.code.errors.append(str(error))
        else:
            flash(f"{money(card.amount_cents)} is now in your gift balance.", "success")
            return redirect(url_for("store.balance"))
    return render_template("store/gift_card_redeem.html", form=form)
