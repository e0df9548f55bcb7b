"""The cart's "Keep siblings together" choice, and what the resident is told after checkout."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from jasperrec.extensions import db
from jasperrec.store import service
from jasperrec.store.forms import CheckoutForm
from jasperrec.store.models import CartItem
from jasperrec.store.models import Order
from jasperrec.store.models import WaitlistEntry
from tests import factories

from .waitlists import child_of
from .waitlists import full_program
from .waitlists import open_program


def _items(user: Any) -> list[CartItem]:
    return list(db.session.scalars(sa.select(CartItem).where(CartItem.user_id == user.id)))


def _siblings(user: Any) -> tuple[Any, Any, Any]:
    """Ana's program has room; Ben's filled up after it went in the cart."""
    swim, art = open_program(), full_program()
    ben = child_of(user, first_name="Ben")
    service.add_program_to_cart(user, swim.slug, child_of(user, first_name="Ana").id)
    db.session.add(CartItem(user_id=user.id, program=art, household_member=ben))
    db.session.commit()
    return swim, art, ben


def test_the_checkout_form_is_unticked_by_default(app: Any) -> None:
    with app.test_request_context(method="POST", data={}):
        assert CheckoutForm().keep_together.data is False
    with app.test_request_context(method="POST", data={"keep_together": "y"}):
        assert CheckoutForm().keep_together.data is True


def test_the_cart_offers_to_keep_siblings_together_and_marks_a_full_program(
    client: Any, user: Any, log_in: Any
) -> None:
    _siblings(user)
    log_in(user)
    page = client.get("/store/cart").get_data(as_text=True)
    assert 'name="keep_together"' in page
    assert "Keep siblings together" in page
    assert "Register everyone or no one: if any program is full, nothing is bought" in page
    assert page.count("Will be waitlisted unless you keep siblings together") == 1


def test_a_cart_without_programs_has_no_siblings_choice(
    client: Any, user: Any, log_in: Any
) -> None:
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    log_in(user)
    page = client.get("/store/cart").get_data(as_text=True)
    assert 'name="keep_together"' not in page
    assert "Check out and pay" in page


def test_checkout_waitlists_the_full_program_and_goes_on_to_pay(
    client: Any, user: Any, log_in: Any
) -> None:
    _swim, art, ben = _siblings(user)
    log_in(user)
    response = client.post("/store/checkout")
    assert response.status_code == 303
    assert response.location.startswith("/store/demo-checkout/")
    # The notice waits in the session for the first page after the payment page.
    page = client.get("/store/cart").get_data(as_text=True)
    assert f"Waitlisted: {ben.full_name} for {art.name}, position 1." in page
    assert db.session.scalar(sa.select(sa.func.count(WaitlistEntry.id))) == 1


def test_keeping_siblings_together_sends_the_resident_back_with_nothing_bought(
    client: Any, user: Any, log_in: Any
) -> None:
    _swim, art, ben = _siblings(user)
    log_in(user)
    response = client.post("/store/checkout", data={"keep_together": "y"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == "/store/cart"
    assert f"{art.name} is full for {ben.full_name}" in page
    assert "nothing was bought" in page
    assert len(_items(user)) == 2
    assert db.session.scalar(sa.select(Order).where(Order.user_id == user.id)) is None
    assert db.session.scalar(sa.select(sa.func.count(WaitlistEntry.id))) == 0


def test_when_everything_is_full_the_cart_page_says_who_waits(
    client: Any, user: Any, log_in: Any
) -> None:
    art = full_program()
    ben = child_of(user)
    db.session.add(CartItem(user_id=user.id, program=art, household_member=ben))
    db.session.commit()
    log_in(user)
    response = client.post("/store/checkout", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == "/store/cart"
    assert "Nothing was bought: every program in your cart is full." in page
    assert f"Waitlisted: {ben.full_name} for {art.name}, position 1." in page
    assert "Your cart is empty." in page
