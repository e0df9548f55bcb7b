"""A price that changed, or a program that closed, while it sat in the cart shows on the cart,
and checkout waits until the resident accepts the new price or removes the closed item."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import prices
from jasperrec.store import service
from jasperrec.store.errors import PriceChangedError
from jasperrec.store.errors import RegistrationClosedError
from jasperrec.store.models import Order
from tests import factories

SUCCESS = "https://rec.example.ca/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
CANCEL = "https://rec.example.ca/store/checkout/cancelled?session_id={CHECKOUT_SESSION_ID}"


@pytest.fixture
def camp(user: Any) -> Any:
    """A camp in the user's cart for their child, at $210."""
    program = factories.ProgramFactory(name="Spring Break Camp", price_cents=21_000)
    member = factories.HouseholdMemberFactory(user=user)
    service.add_program_to_cart(user, program.slug, member.id)
    return program


def test_the_cart_keeps_the_price_seen_when_added(app: Any, user: Any, camp: Any) -> None:
    (line,) = prices.price_cart(user).lines
    assert line.item.unit_price_seen_cents == 21_000
    assert line.previous_price_cents is None
    assert not prices.price_cart(user).has_price_changes


def test_a_changed_price_is_shown_with_the_old_one(app: Any, user: Any, camp: Any) -> None:
    camp.price_cents = 23_500
    db.session.flush()
    cart = prices.price_cart(user)
    (line,) = cart.lines
    assert (line.unit_price_cents, line.previous_price_cents) == (23_500, 21_000)
    assert cart.has_price_changes
    assert cart.total_cents == 23_500


def test_checkout_waits_until_the_new_price_is_accepted(
    app: Any, user: Any, camp: Any, fake_gateway: Any
) -> None:
    camp.price_cents = 23_500
    db.session.commit()
    with pytest.raises(PriceChangedError, match="accept it before you pay"):
        checkout.check_out(user, fake_gateway, SUCCESS, CANCEL)
    assert db.session.scalars(sa.select(Order)).all() == []
    prices.accept_prices(user)
    assert not prices.price_cart(user).has_price_changes
    placed = checkout.check_out(user, fake_gateway, SUCCESS, CANCEL)
    assert placed.order.total_cents == 23_500


def test_a_move_out_of_town_is_a_price_change_too(app: Any, user: Any) -> None:
    user.postal_code, user.city = "T0E 1E0", "Jasper"
    program = factories.ProgramFactory(price_cents=8_400, non_resident_price_cents=10_500)
    member = factories.HouseholdMemberFactory(user=user)
    service.add_program_to_cart(user, program.slug, member.id)
    user.postal_code, user.city = "T5J 0N3", "Edmonton"
    (line,) = prices.price_cart(user).lines
    assert (line.unit_price_cents, line.previous_price_cents) == (10_500, 8_400)


def test_a_product_added_again_takes_todays_price_as_seen(app: Any, user: Any) -> None:
    pass_ = factories.ProductFactory(merchandise=True, price_cents=6_500)
    service.add_product_to_cart(user, pass_.slug, 1)
    pass_.price_cents = 7_000
    assert prices.price_cart(user).has_price_changes
    service.add_product_to_cart(user, pass_.slug, 1)
    assert not prices.price_cart(user).has_price_changes


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"is_published": False}, "no longer offered"),
        ({"starts_on": dt.date(2020, 1, 6)}, "Registration has closed"),
    ],
)
def test_a_program_that_closed_is_flagged_on_the_cart_and_refused_at_checkout(
    app: Any, user: Any, camp: Any, fake_gateway: Any, change: dict[str, Any], reason: str
) -> None:
    for field, value in change.items():
        setattr(camp, field, value)
    if "starts_on" in change:
        camp.ends_on = dt.date(2020, 2, 1)
    db.session.commit()
    cart = prices.price_cart(user)
    (line,) = cart.closed_lines
    assert reason in str(line.closed_reason)
    with pytest.raises(RegistrationClosedError, match=reason):
        checkout.check_out(user, fake_gateway, SUCCESS, CANCEL)


def test_the_cart_page_shows_the_change_and_offers_to_accept_it(
    client: FlaskClient, log_in: Any, user: Any, camp: Any
) -> None:
    camp.price_cents = 23_500
    db.session.commit()
    log_in(user)
    page = client.get("/store/cart").get_data(as_text=True)
    assert "Price changed" in page
    assert "Was $210.00 when you added it" in page
    assert "Accept the new prices" in page
    assert "Check out and pay" not in page
    response = client.post("/store/cart/accept-prices", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You accepted the new prices." in page
    assert "Check out and pay $235.00" in page


def test_the_cart_page_marks_a_closed_program_and_hides_checkout(
    client: FlaskClient, log_in: Any, user: Any, camp: Any
) -> None:
    camp.is_published = False
    db.session.commit()
    log_in(user)
    page = client.get("/store/cart").get_data(as_text=True)
    assert "This program is no longer offered. Remove it to check out." in page
    assert "can no longer be bought" in page
    assert "Check out and pay" not in page
