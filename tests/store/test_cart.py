"""Filling the cart: who may take a program, quantities, and prices with GST."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.store import prices
from jasperrec.store import service
from jasperrec.store.errors import CartLimitError
from jasperrec.store.errors import NotEligibleError
from jasperrec.store.errors import ProgramFullError
from jasperrec.store.errors import RegistrationClosedError
from jasperrec.store.models import CartItem
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories


def _items(user):
    return db.session.scalars(sa.select(CartItem).where(CartItem.user_id == user.id)).all()


def _child(user, born=dt.date(2017, 6, 1)):
    return factories.HouseholdMemberFactory(user=user, date_of_birth=born)


def test_a_household_member_of_the_right_age_goes_in_the_cart(user):
    child = _child(user)
    program = factories.ProgramFactory(starts_on=dt.date(2027, 1, 9), ends_on=dt.date(2027, 3, 1))
    item = service.add_program_to_cart(user, program.slug, child.id)
    assert [(i.program_id, i.household_member_id) for i in _items(user)] == [(program.id, child.id)]
    assert item.quantity == 1


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (dt.date(2021, 1, 10), "will be 5 when"),  # turns 6 the day after the first lesson
        (dt.date(2014, 1, 9), "will be 13 when"),  # turns 13 on the first day
    ],
)
def test_the_age_on_the_first_day_decides_eligibility(user, born, message):
    child = _child(user, born)
    program = factories.ProgramFactory(starts_on=dt.date(2027, 1, 9), ends_on=dt.date(2027, 3, 1))
    with pytest.raises(NotEligibleError, match=message):
        service.add_program_to_cart(user, program.slug, child.id)
    assert _items(user) == []


@pytest.mark.parametrize("born", [dt.date(2021, 1, 9), dt.date(2014, 1, 10)])
def test_the_first_and_last_eligible_birthdays_are_accepted(user, born):
    child = _child(user, born)
    program = factories.ProgramFactory(starts_on=dt.date(2027, 1, 9), ends_on=dt.date(2027, 3, 1))
    service.add_program_to_cart(user, program.slug, child.id)
    assert len(_items(user)) == 1


def test_the_account_holder_needs_a_date_of_birth_for_an_age_limited_program(user):
    program = factories.ProgramFactory(min_age=16, max_age=None)
    with pytest.raises(NotEligibleError, match="Add your date of birth"):
        service.add_program_to_cart(user, program.slug, None)
    user.date_of_birth = dt.date(1990, 1, 1)
    service.add_program_to_cart(user, program.slug, None)
    assert [i.household_member_id for i in _items(user)] == [None]


def test_an_all_ages_program_needs_no_date_of_birth(user):
    program = factories.ProgramFactory(min_age=None, max_age=None)
    service.add_program_to_cart(user, program.slug, None)
    assert len(_items(user)) == 1


def test_someone_elses_household_member_is_not_found(user):
    stranger = factories.HouseholdMemberFactory()
    program = factories.ProgramFactory()
    with pytest.raises(NotFoundError):
        service.add_program_to_cart(user, program.slug, stranger.id)
    assert _items(user) == []


def test_a_started_program_is_closed_to_registration(user):
    today = service.local_today()
    program = factories.ProgramFactory(starts_on=today, ends_on=today + dt.timedelta(days=20))
    with pytest.raises(RegistrationClosedError):
        service.add_program_to_cart(user, program.slug, _child(user).id)


def test_a_full_program_cannot_be_added(user):
    program = factories.ProgramFactory(capacity=1)
    other = factories.OrderFactory()
    other.lines[0].registration = Registration(
        program=program, user_id=other.user_id, status=RegistrationStatus.CONFIRMED
    )
    db.session.flush()
    with pytest.raises(ProgramFullError):
        service.add_program_to_cart(user, program.slug, _child(user).id)


def test_a_participant_already_registered_cannot_register_again(user):
    child = _child(user)
    program = factories.ProgramFactory()
    order = factories.OrderFactory(user=user)
    order.lines[0].registration = Registration(
        program=program, user_id=user.id, household_member=child
    )
    db.session.flush()
    with pytest.raises(NotEligibleError, match="already has a space"):
        service.add_program_to_cart(user, program.slug, child.id)
    # A sibling still may.
    service.add_program_to_cart(user, program.slug, _child(user).id)


def test_the_same_program_for_the_same_person_goes_in_the_cart_once(user):
    child = _child(user)
    program = factories.ProgramFactory()
    service.add_program_to_cart(user, program.slug, child.id)
    with pytest.raises(NotEligibleError, match="already in your cart"):
        service.add_program_to_cart(user, program.slug, child.id)
    assert len(_items(user)) == 1


def test_adding_a_product_again_raises_its_quantity(user):
    product = factories.ProductFactory(merchandise=True)
    service.add_product_to_cart(user, product.slug, 2)
    service.add_product_to_cart(user, product.slug, 3)
    [item] = _items(user)
    assert item.quantity == 5


def test_a_product_quantity_stops_at_ten(user):
    product = factories.ProductFactory(merchandise=True)
    service.add_product_to_cart(user, product.slug, 8)
    with pytest.raises(CartLimitError, match="at most 10"):
        service.add_product_to_cart(user, product.slug, 3)
    db.session.expire_all()
    assert _items(user)[0].quantity == 8


def test_the_cart_holds_at_most_the_configured_number_of_lines(app, user):
    app.config["STORE_CART_MAX_LINES"] = 2
    try:
        for _ in range(2):
            service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
        with pytest.raises(CartLimitError, match="at most 2 items"):
            service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    finally:
        app.config["STORE_CART_MAX_LINES"] = 10
    assert len(_items(user)) == 2


@pytest.mark.parametrize("quantity", [0, 11, -1])
def test_update_quantity_refuses_out_of_range_values(user, quantity):
    item = service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 2)
    with pytest.raises(CartLimitError):
        service.update_quantity(user, item.id, quantity)
    db.session.expire_all()
    assert _items(user)[0].quantity == 2


def test_update_quantity_changes_a_product_line_but_not_a_program_line(user):
    item = service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 2)
    service.update_quantity(user, item.id, 4)
    assert item.quantity == 4
    program_item = service.add_program_to_cart(
        user, factories.ProgramFactory().slug, _child(user).id
    )
    with pytest.raises(CartLimitError, match="one person"):
        service.update_quantity(user, program_item.id, 2)


def test_items_in_someone_elses_cart_cannot_be_changed_or_removed(user):
    other = factories.UserFactory()
    item = service.add_product_to_cart(other, factories.ProductFactory(merchandise=True).slug, 1)
    with pytest.raises(NotFoundError):
        service.update_quantity(user, item.id, 3)
    with pytest.raises(NotFoundError):
        service.remove_from_cart(user, item.id)
    assert len(_items(other)) == 1


def test_remove_from_cart_deletes_the_item(user):
    item = service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    service.remove_from_cart(user, item.id)
    assert _items(user) == []


def test_price_cart_adds_gst_only_on_taxable_lines(user):
    child = _child(user)
    service.add_program_to_cart(
        user, factories.ProgramFactory(price_cents=8_400, is_taxable=False).slug, child.id
    )
    service.add_product_to_cart(
        user, factories.ProductFactory(merchandise=True, price_cents=6_500).slug, 2
    )
    service.add_product_to_cart(
        user,
        factories.ProductFactory(merchandise=True, price_cents=2_500, is_taxable=False).slug,
        1,
    )
    cart = prices.price_cart(user)
    assert [(line.subtotal_cents, line.gst_cents) for line in cart.lines] == [
        (8_400, 0),
        (13_000, 650),
        (2_500, 0),
    ]
    assert cart.lines[0].participant_name == child.full_name
    assert cart.lines[1].participant_name is None
    assert (cart.subtotal_cents, cart.gst_cents, cart.total_cents) == (23_900, 650, 24_550)
    assert service.count_cart_items(user) == 4
