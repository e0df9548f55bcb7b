"""The resident's side of passes: adding one for someone, the order and receipt, My passes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from jasperrec import dates
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store.models import CartItem
from jasperrec.store.models import ProductKind
from tests import factories

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
Counter = Callable[[Callable[[], Any]], int]


def _items(user):
    return list(db.session.scalars(sa.select(CartItem).where(CartItem.user_id == user.id)))


def _add(client, product, **data):
    form = {f"p{product.id}-{key}": value for key, value in data.items()}
    return client.post(f"/store/passes-and-memberships/{product.slug}/add", data=form)


def test_a_pass_is_added_for_a_household_member(client, user, log_in):
    child = factories.HouseholdMemberFactory(user=user, first_name="Maya")
    product = factories.ProductFactory(min_age=6, max_age=17)
    log_in(user)

    page = client.get("/store/passes-and-memberships").get_data(as_text=True)
    assert "Who is it for?" in page
    assert f"{user.full_name} (you)" in page
    assert "For people aged 6 to 17." in page
    response = _add(client, product, participant=str(child.id))

    assert response.location == "/store/cart"
    assert [(i.product_id, i.household_member_id) for i in _items(user)] == [(product.id, child.id)]
    cart = client.get("/store/cart").get_data(as_text=True)
    assert f"For {child.full_name}" in cart


def test_a_membership_start_date_is_chosen_and_shown_on_the_cart(client, user, log_in):
    user.date_of_birth = dt.date(1980, 1, 1)
    product = factories.ProductFactory(kind=ProductKind.MEMBERSHIP, valid_days=365)
    starts = dates.local_today() + dt.timedelta(days=30)
    log_in(user)

    _add(client, product, participant="self", starts_on=starts.isoformat())

    assert [i.starts_on for i in _items(user)] == [starts]
    assert f"Starts {dates.day(starts)}" in client.get("/store/cart").get_data(as_text=True)


def test_a_start_date_too_far_ahead_is_refused_beside_the_form(client, user, log_in):
    product = factories.ProductFactory(kind=ProductKind.MEMBERSHIP, valid_days=365)
    late = dates.local_today() + dt.timedelta(days=120)
    log_in(user)

    response = _add(client, product, participant="self", starts_on=late.isoformat())

    assert response.status_code == 422
    assert "can start any day from today to" in response.get_data(as_text=True)
    assert _items(user) == []


def test_an_age_refusal_is_explained_with_a_link_to_add_a_date_of_birth(client, user, log_in):
    user.date_of_birth = None
    product = factories.ProductFactory(name="Senior annual membership", min_age=65)
    db.session.commit()
    log_in(user)

    response = _add(client, product, participant="self")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is for people 65 or older" in page
    assert '<a href="/auth/profile">Add your date of birth</a>' in page
    assert _items(user) == []


def test_a_stranger_household_member_is_refused(client, user, log_in):
    other = factories.HouseholdMemberFactory()
    log_in(user)
    response = _add(client, factories.ProductFactory(), participant=str(other.id))
    assert response.status_code == 422
    assert _items(user) == []


def _paid_pass(user, fake_gateway, product=None):
    service.add_product_to_cart(user, (product or factories.ProductFactory()).slug)
    order = checkout.check_out(user, fake_gateway, URL, URL).order
    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)
    db.session.commit()
    return order


def test_the_order_and_receipt_list_each_code(client, user, log_in, fake_gateway, outbox):
    order = _paid_pass(user, fake_gateway)
    code = order.lines[0].entitlement.printed_code
    log_in(user)

    page = client.get(f"/store/orders/{order.id}").get_data(as_text=True)

    assert code in page
    assert 'href="/store/passes"' in page
    (receipt,) = [m for m in outbox if m["To"] == user.email]
    assert code in receipt.get_body(("plain",)).get_content()
    assert code in receipt.get_body(("html",)).get_content()


def test_my_passes_shows_holder_validity_visits_and_a_qr_code(client, user, log_in, fake_gateway):
    card = factories.ProductFactory(
        name="Youth 10-visit card", kind=ProductKind.DROP_IN, visits=10, valid_days=365
    )
    order = _paid_pass(user, fake_gateway, card)
    entitlement = order.lines[0].entitlement
    log_in(user)

    page = client.get("/store/passes").get_data(as_text=True)

    assert "Youth 10-visit card" in page
    assert user.full_name in page
    assert "10 of 10" in page
    assert entitlement.printed_code in page
    assert "<svg" in page
    assert "Every facility" in page


def test_my_passes_shows_only_the_residents_own(client, user, log_in):
    factories.EntitlementFactory(product_name="Someone else's pass")
    log_in(user)
    page = client.get("/store/passes").get_data(as_text=True)
    assert "Someone else's pass" not in page
    assert "You hold no passes yet" in page


def test_my_passes_is_linked_from_the_account_page(client, user, log_in):
    log_in(user)
    page = client.get("/auth/account").get_data(as_text=True)
    assert page.index('href="/store/registrations"') < page.index('href="/store/passes"')


def test_my_passes_is_paged_in_a_fixed_number_of_queries(
    client: Any, user: Any, log_in: Any, count_queries: Counter
) -> None:
    factories.EntitlementFactory(holder=user)
    db.session.commit()
    log_in(user)
    client.get("/store/passes")
    one = count_queries(lambda: client.get("/store/passes"))
    for _ in range(24):
        factories.EntitlementFactory(holder=user)
    db.session.commit()

    assert count_queries(lambda: client.get("/store/passes")) == one
    page = client.get("/store/passes?page=2").get_data(as_text=True)
    assert "Page 2 of 2 (25 in all)" in page
