"""The store's pages over HTTP: status codes, redirects, messages and who may see what."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from jasperrec.extensions import db
from jasperrec.store import service
from jasperrec.store.models import CartItem
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import ProductKind
from tests import factories
from tests.conftest import PASSWORD


def _items(user):
    return db.session.scalars(sa.select(CartItem).where(CartItem.user_id == user.id)).all()


def test_the_program_guide_lists_programs_with_schedule_price_and_spaces(client):
    factories.ProgramFactory(name="Swim Kids Level 3", capacity=8, price_cents=8_400)
    page = client.get("/store/programs").get_data(as_text=True)
    assert "Swim Kids Level 3" in page
    assert "Tuesdays and Thursdays, 5:30 p.m. to 6:15 p.m." in page
    assert "$84.00" in page
    assert "8 of 8 left" in page


def test_the_program_guide_explains_a_bad_age_and_shows_every_program(client):
    factories.ProgramFactory(name="Swim Kids Level 3")
    page = client.get("/store/programs?age=200").get_data(as_text=True)
    assert "Enter an age from 0 to 110." in page
    assert "Swim Kids Level 3" in page


def test_the_program_guide_filters_by_age_and_section(client):
    factories.ProgramFactory(name="Swim Kids Level 3", min_age=6, max_age=12)
    factories.ProgramFactory(name="Aquafit", min_age=16, max_age=None)
    page = client.get("/store/programs?category=aquatics&age=7").get_data(as_text=True)
    assert "Swim Kids Level 3" in page
    assert "Aquafit" not in page


def test_an_unknown_or_unpublished_program_is_404(client):
    hidden = factories.ProgramFactory(is_published=False)
    assert client.get(f"/store/programs/{hidden.slug}").status_code == 404
    assert client.get("/store/programs/nothing-here").status_code == 404


def test_a_visitor_is_asked_to_sign_in_to_register(client):
    program = factories.ProgramFactory()
    page = client.get(f"/store/programs/{program.slug}").get_data(as_text=True)
    assert "Sign in to register" in page
    response = client.post(f"/store/programs/{program.slug}", data={"participant": "self"})
    assert response.status_code == 302
    assert response.location.startswith("/auth/login?next=/store/programs/")


def test_a_resident_adds_a_child_to_a_program(client, user, log_in):
    child = factories.HouseholdMemberFactory(user=user)
    program = factories.ProgramFactory()
    log_in(user)
    page = client.get(f"/store/programs/{program.slug}").get_data(as_text=True)
    assert f'<option value="{child.id}">{child.full_name}</option>' in page
    response = client.post(f"/store/programs/{program.slug}", data={"participant": child.id})
    assert response.status_code == 302
    assert response.location == "/store/cart"
    assert [(i.program_id, i.household_member_id) for i in _items(user)] == [(program.id, child.id)]
    cart = client.get("/store/cart").get_data(as_text=True)
    assert f"{program.name} is in your cart." in cart
    assert f"For {child.full_name}" in cart


def test_an_ineligible_participant_gets_the_reason_beside_the_field(client, user, log_in):
    program = factories.ProgramFactory(min_age=6, max_age=12)
    log_in(user)
    response = client.post(f"/store/programs/{program.slug}", data={"participant": "self"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="field-error"' in page
    assert "Add your date of birth to your profile" in page
    assert _items(user) == []


def test_a_participant_from_another_household_is_not_offered(client, user, log_in):
    stranger = factories.HouseholdMemberFactory()
    program = factories.ProgramFactory()
    log_in(user)
    response = client.post(f"/store/programs/{program.slug}", data={"participant": stranger.id})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert _items(user) == []


def test_the_passes_page_lists_products_by_kind(client):
    factories.ProductFactory(merchandise=True, name="Adult 30-day pass")
    page = client.get("/store/passes-and-memberships").get_data(as_text=True)
    assert "<h2" in page
    assert "Adult 30-day pass" in page
    assert "$65.00" in page
    assert "Sign in to buy" in page


def test_a_resident_buys_a_pass_into_the_cart(client, user, log_in):
    product = factories.ProductFactory(merchandise=True)
    log_in(user)
    response = client.post(
        f"/store/passes-and-memberships/{product.slug}/add", data={f"p{product.id}-quantity": "3"}
    )
    assert response.location == "/store/cart"
    assert [(i.product_id, i.quantity) for i in _items(user)] == [(product.id, 3)]


@pytest.mark.parametrize(("quantity", "message"), [("0", "from 1 to 10"), ("", "Enter a")])
def test_a_bad_quantity_is_explained_and_changes_nothing(client, user, log_in, quantity, message):
    product = factories.ProductFactory(merchandise=True)
    log_in(user)
    response = client.post(
        f"/store/passes-and-memberships/{product.slug}/add",
        data={f"p{product.id}-quantity": quantity},
        follow_redirects=True,
    )
    assert message in response.get_data(as_text=True)
    assert _items(user) == []


def test_the_cart_needs_a_signed_in_resident(client):
    response = client.get("/store/cart")
    assert response.status_code == 302
    assert response.location.startswith("/auth/login")


def test_the_cart_shows_totals_with_gst(client, user, log_in):
    service.add_product_to_cart(
        user, factories.ProductFactory(merchandise=True, price_cents=6_500).slug, 2
    )
    log_in(user)
    page = client.get("/store/cart").get_data(as_text=True)
    assert "$130.00" in page
    assert "$6.50" in page
    assert "Check out and pay $136.50" in page
    assert client.get("/store/cart").headers["Cache-Control"] == "no-store"


def test_the_cart_warns_an_unconfirmed_resident_before_checkout(client, log_in):
    user = factories.UserFactory(unconfirmed=True)
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    log_in(user)
    assert "Confirm your email address" in client.get("/store/cart").get_data(as_text=True)
    response = client.post("/store/checkout", follow_redirects=True)
    assert "Confirm your email address before you buy" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0


def test_quantities_change_and_items_leave_the_cart(client, user, log_in):
    item = service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    log_in(user)
    client.post(f"/store/cart/{item.id}/quantity", data={f"i{item.id}-quantity": "4"})
    assert _items(user)[0].quantity == 4
    response = client.post(
        f"/store/cart/{item.id}/quantity",
        data={f"i{item.id}-quantity": "40"},
        follow_redirects=True,
    )
    assert "Choose a quantity from 1 to 10." in response.get_data(as_text=True)
    assert _items(user)[0].quantity == 4
    client.post(f"/store/cart/{item.id}/remove")
    assert _items(user) == []


def test_another_residents_cart_item_is_404(client, user, log_in):
    item = service.add_product_to_cart(
        factories.UserFactory(), factories.ProductFactory(merchandise=True).slug, 1
    )
    log_in(user)
    assert client.post(f"/store/cart/{item.id}/remove").status_code == 404
    assert client.post(f"/store/cart/{item.id}/quantity", data={}).status_code == 302
    quantity = {f"i{item.id}-quantity": "3"}
    assert client.post(f"/store/cart/{item.id}/quantity", data=quantity).status_code == 404
    assert item.quantity == 1


def test_checkout_sends_the_resident_to_the_payment_page(client, user, log_in, fake_gateway):
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    log_in(user)
    response = client.post("/store/checkout")
    assert response.status_code == 303
    order = db.session.scalars(sa.select(Order)).one()
    assert response.location == f"/store/demo-checkout/{order.checkout_session_id}"
    success = fake_gateway.calls[-1].redirects["success_url"]
    assert success == (
        f"http://127.0.0.1:5000/store/checkout/complete?session_id={order.checkout_session_id}"
    )


def test_a_checkout_the_processor_refuses_keeps_the_cart(client, user, log_in, fake_gateway):
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    log_in(user)
    fake_gateway.fail_next_call()
    response = client.post("/store/checkout", follow_redirects=True)
    assert "could not start your payment" in response.get_data(as_text=True)
    assert len(_items(user)) == 1


def test_returning_from_payment_shows_the_order(client, user, log_in):
    order = factories.OrderFactory(
        user=user, status=OrderStatus.PAID, paid_at=dt.datetime.now(dt.UTC)
    )
    log_in(user)
    response = client.get(f"/store/checkout/complete?session_id={order.checkout_session_id}")
    assert response.location == f"/store/orders/{order.id}"
    page = client.get(response.location).get_data(as_text=True)
    assert f"Order {order.reference}" in page
    assert "Paid on" in page


def test_a_pending_order_says_payment_is_being_confirmed(client, user, log_in):
    order = factories.OrderFactory(user=user)
    log_in(user)
    page = client.get(f"/store/orders/{order.id}").get_data(as_text=True)
    assert "waiting for payment" in page


def test_leaving_the_payment_page_offers_to_cancel(client, user, log_in, fake_gateway):
    product = factories.ProductFactory(merchandise=True)
    service.add_product_to_cart(user, product.slug, 2)
    log_in(user)
    client.post("/store/checkout")
    order = db.session.scalars(sa.select(Order)).one()
    page = client.get(f"/store/checkout/cancelled?session_id={order.checkout_session_id}")
    assert "Nothing was charged" in page.get_data(as_text=True)
    response = client.post(f"/store/orders/{order.id}/cancel", follow_redirects=True)
    assert f"Order {order.reference} is cancelled" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.CANCELLED
    assert [(i.product_id, i.quantity) for i in _items(user)] == [(product.id, 2)]


def test_cancelling_a_paid_order_is_refused_with_a_message(client, user, log_in):
    order = factories.OrderFactory(user=user, status=OrderStatus.PAID)
    log_in(user)
    response = client.post(f"/store/orders/{order.id}/cancel", follow_redirects=True)
    assert "already paid" in response.get_data(as_text=True)
    assert db.session.get(Order, order.id).status is OrderStatus.PAID


def test_orders_of_other_residents_are_404(client, user, log_in):
    theirs = factories.OrderFactory()
    log_in(user)
    assert client.get(f"/store/orders/{theirs.id}").status_code == 404
    assert client.post(f"/store/orders/{theirs.id}/cancel").status_code == 404
    session = theirs.checkout_session_id
    assert client.get(f"/store/checkout/complete?session_id={session}").status_code == 404
    assert client.get(f"/store/checkout/cancelled?session_id={session}").status_code == 404


def test_my_orders_lists_the_residents_orders(client, user, log_in):
    mine = factories.OrderFactory(user=user)
    theirs = factories.OrderFactory()
    log_in(user)
    page = client.get("/store/orders").get_data(as_text=True)
    assert mine.reference in page
    assert theirs.reference not in page


def test_checkout_is_rate_limited(app, client, user, log_in, rate_limits):
    app.config["STORE_CHECKOUT_LIMIT"] = "2 per hour"
    try:
        log_in(user)
        statuses = [client.post("/store/checkout").status_code for _ in range(3)]
    finally:
        app.config["STORE_CHECKOUT_LIMIT"] = "20 per hour"
    assert statuses == [302, 302, 429]


def test_the_checkout_limit_counts_per_resident_not_per_computer(
    app, client, user, log_in, rate_limits
):
    """Two residents on one front-desk computer (one address) each have their own count."""
    neighbour = factories.UserFactory(password=PASSWORD)
    app.config["STORE_CHECKOUT_LIMIT"] = "2 per hour"
    try:
        log_in(user)
        first = [client.post("/store/checkout").status_code for _ in range(2)]
        client.post("/auth/logout", data={})
        log_in(neighbour)
        second = [client.post("/store/checkout").status_code for _ in range(3)]
    finally:
        app.config["STORE_CHECKOUT_LIMIT"] = "20 per hour"
    assert first == [302, 302]
    assert second == [302, 302, 429]


def test_the_navigation_links_programs_passes_and_cart(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/store/programs"' in page
    assert 'href="/store/passes-and-memberships"' in page
    assert 'href="/store/cart"' in page


def test_the_header_shows_how_many_items_the_cart_holds(client, user, log_in):
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 3)
    log_in(user)
    page = client.get("/").get_data(as_text=True)
    assert '<span class="badge">3<span class="visually-hidden"> items</span></span>' in page


def test_a_free_order_goes_straight_to_its_confirmed_page(client, user, log_in):
    program = factories.ProgramFactory(price_cents=0)
    service.add_program_to_cart(user, program.slug, factories.HouseholdMemberFactory(user=user).id)
    log_in(user)
    response = client.post("/store/checkout", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "is confirmed; nothing was owed" in page
    assert "Registrations are confirmed" in page


def test_my_account_links_to_orders_and_helpdesk_requests(client, user, log_in):
    log_in(user)
    page = client.get("/auth/account").get_data(as_text=True)
    assert 'href="/store/orders"' in page
    assert 'href="/helpdesk/"' in page


def test_the_passes_page_heads_each_kind_of_product(client):
    factories.ProductFactory()
    factories.ProductFactory(kind=ProductKind.GIFT_CARD, is_taxable=False)
    page = client.get("/store/passes-and-memberships").get_data(as_text=True)
    assert ">Passes</h2>" in page
    assert ">Gift cards</h2>" in page
    assert ">Memberships</h2>" not in page
