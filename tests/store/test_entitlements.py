"""Passes, memberships and visit cards: for whom, from when, and issued once when paid."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from jasperrec import dates
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import entitlements
from jasperrec.store import prices
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store import webhooks
from jasperrec.store.errors import CartLimitError
from jasperrec.store.errors import MissingBirthdayError
from jasperrec.store.errors import NotEligibleError
from jasperrec.store.errors import StartDateError
from jasperrec.store.models import CODE_ALPHABET
from jasperrec.store.models import CartItem
from jasperrec.store.models import Entitlement
from jasperrec.store.models import ProductKind
from tests import factories
from tests.store.conftest import checkout_event

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"


def _today():
    return dates.local_today()


def _born(age: int) -> dt.date:
    """A birthday that makes someone `age` today, whatever today is."""
    today = _today()
    return today.replace(year=today.year - age) - dt.timedelta(days=1)


def _senior_membership():
    return factories.ProductFactory(
        name="Senior annual membership",
        kind=ProductKind.MEMBERSHIP,
        valid_days=365,
        min_age=65,
    )


def _issued(user):
    query = sa.select(Entitlement).where(Entitlement.user_id == user.id).order_by(Entitlement.id)
    return list(db.session.scalars(query))


def _pay(user, gateway):
    placed = checkout.check_out(user, gateway, URL, URL)
    order = placed.order
    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)
    return order


def test_a_senior_membership_refuses_a_child_and_says_why(user):
    maya = factories.HouseholdMemberFactory(user=user, first_name="Maya", date_of_birth=_born(9))

    with pytest.raises(NotEligibleError) as refused:
        service.add_product_to_cart(
            user, _senior_membership().slug, member_id=maya.id, starts_on=_today()
        )

    assert str(refused.value) == "A senior annual membership is for people 65 or older; Maya is 9."
    assert db.session.scalar(sa.select(sa.func.count(CartItem.id))) == 0


def test_age_is_counted_on_the_day_a_membership_starts(user):
    today = _today()
    turning = factories.HouseholdMemberFactory(
        user=user, date_of_birth=(today + dt.timedelta(days=10)).replace(year=today.year - 65)
    )
    product = _senior_membership()
    with pytest.raises(NotEligibleError):
        service.add_product_to_cart(user, product.slug, member_id=turning.id, starts_on=today)

    later = today + dt.timedelta(days=10)
    item = service.add_product_to_cart(user, product.slug, member_id=turning.id, starts_on=later)

    assert (item.household_member_id, item.starts_on, item.quantity) == (turning.id, later, 1)


def test_a_youth_pass_takes_ages_6_to_17(user):
    product = factories.ProductFactory(name="Youth 30-day pass", min_age=6, max_age=17)
    teen = factories.HouseholdMemberFactory(user=user, first_name="Ava", date_of_birth=_born(17))
    adult = factories.HouseholdMemberFactory(user=user, first_name="Sam", date_of_birth=_born(18))

    service.add_product_to_cart(user, product.slug, member_id=teen.id)
    with pytest.raises(NotEligibleError, match="people aged 6 to 17; Sam is 18"):
        service.add_product_to_cart(user, product.slug, member_id=adult.id)


def test_an_account_holder_without_a_date_of_birth_is_asked_for_it(user):
    user.date_of_birth = None

    with pytest.raises(MissingBirthdayError) as refused:
        service.add_product_to_cart(user, _senior_membership().slug, starts_on=_today())

    assert refused.value.member_id is None
    assert f"Add {user.first_name}'s date of birth" in str(refused.value)


@pytest.mark.parametrize(
    ("offset", "allowed"), [(-1, False), (0, True), (90, True), (91, False), (None, False)]
)
def test_a_membership_starts_between_today_and_90_days_ahead(user, offset, allowed):
    user.date_of_birth = _born(40)
    product = factories.ProductFactory(kind=ProductKind.MEMBERSHIP, valid_days=365)
    starts = None if offset is None else _today() + dt.timedelta(days=offset)

    if allowed:
        assert service.add_product_to_cart(user, product.slug, starts_on=starts).starts_on == starts
    else:
        with pytest.raises(StartDateError):
            service.add_product_to_cart(user, product.slug, starts_on=starts)
        assert db.session.scalar(sa.select(sa.func.count(CartItem.id))) == 0


def test_a_pass_is_one_per_person_and_its_quantity_cannot_change(user):
    product = factories.ProductFactory()
    item = service.add_product_to_cart(user, product.slug, 3)

    assert item.quantity == 1
    with pytest.raises(NotEligibleError, match="already in your cart"):
        service.add_product_to_cart(user, product.slug)
    with pytest.raises(CartLimitError, match="for one person"):
        service.update_quantity(user, item.id, 2)
    child = factories.HouseholdMemberFactory(user=user)
    assert service.add_product_to_cart(user, product.slug, member_id=child.id).quantity == 1


def test_a_membership_whose_start_passed_in_the_cart_is_flagged(user):
    user.date_of_birth = _born(40)
    product = factories.ProductFactory(kind=ProductKind.MEMBERSHIP, valid_days=365)
    item = service.add_product_to_cart(user, product.slug, starts_on=_today())
    item.starts_on = _today() - dt.timedelta(days=1)

    (line,) = prices.price_cart(user).lines
    assert "start date you chose has passed" in (line.closed_reason or "")


def test_payment_issues_one_entitlement_per_pass_with_holder_and_dates(user, fake_gateway):
    user.date_of_birth = _born(40)
    child = factories.HouseholdMemberFactory(user=user, date_of_birth=_born(9))
    pass_ = factories.ProductFactory(valid_days=30)
    card = factories.ProductFactory(kind=ProductKind.DROP_IN, valid_days=365, visits=10)
    membership = factories.ProductFactory(kind=ProductKind.MEMBERSHIP, valid_days=365)
    starts = _today() + dt.timedelta(days=14)
    service.add_product_to_cart(user, pass_.slug)
    service.add_product_to_cart(user, card.slug, member_id=child.id)
    service.add_product_to_cart(user, membership.slug, starts_on=starts)
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 2)
    factories.ProductFactory(kind=ProductKind.GIFT_CARD, is_taxable=False)

    order = _pay(user, fake_gateway)

    issued = _issued(user)
    assert [(e.product_id, e.holder_name, e.household_member_id) for e in issued] == [
        (pass_.id, user.full_name, None),
        (card.id, child.full_name, child.id),
        (membership.id, user.full_name, None),
    ]
    today = _today()
    assert (issued[0].valid_from, issued[0].valid_until) == (today, today + dt.timedelta(29))
    assert (issued[1].visits_total, issued[1].visits_left) == (10, 10)
    assert (issued[2].valid_from, issued[2].valid_until) == (starts, starts + dt.timedelta(364))
    assert {e.order_line.order_id for e in issued} == {order.id}
    assert all(len(e.code) == 10 and set(e.code) <= set(CODE_ALPHABET) for e in issued)
    assert len({e.code for e in issued}) == 3


def test_a_pending_order_issues_nothing(user, fake_gateway):
    service.add_product_to_cart(user, factories.ProductFactory().slug)
    checkout.check_out(user, fake_gateway, URL, URL)
    assert _issued(user) == []


def test_a_redelivered_payment_event_issues_nothing_more(user, fake_gateway):
    service.add_product_to_cart(user, factories.ProductFactory().slug)
    order = checkout.check_out(user, fake_gateway, URL, URL).order
    event = checkout_event(
        "checkout.session.completed", order.checkout_session_id, amount_total=order.total_cents
    )

    webhooks.dispatch(event)
    webhooks.dispatch(event)
    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)

    assert len(_issued(user)) == 1


def test_a_late_payment_on_an_expired_order_still_issues(user, fake_gateway):
    service.add_product_to_cart(user, factories.ProductFactory().slug)
    order = checkout.check_out(user, fake_gateway, URL, URL).order
    settlement.expire_checkout(order.checkout_session_id)

    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)

    assert len(_issued(user)) == 1


def test_issuing_leaves_an_already_issued_line_alone(user, fake_gateway):
    service.add_product_to_cart(user, factories.ProductFactory().slug)
    order = _pay(user, fake_gateway)
    (first,) = _issued(user)

    assert entitlements.issue_for(order, _today()) == []
    assert [e.code for e in _issued(user)] == [first.code]


def test_the_holder_age_is_checked_again_at_checkout(user, fake_gateway):
    child = factories.HouseholdMemberFactory(user=user, date_of_birth=_born(9))
    product = factories.ProductFactory(min_age=6, max_age=17)
    service.add_product_to_cart(user, product.slug, member_id=child.id)
    child.date_of_birth = _born(30)

    with pytest.raises(NotEligibleError):
        checkout.check_out(user, fake_gateway, URL, URL)
    assert db.session.scalar(sa.select(sa.func.count(CartItem.id))) == 1


@pytest.mark.parametrize(
    ("typed", "found"),
    [("abcde-23456", "ABCDE23456"), (" ABCDE 23456 ", "ABCDE23456"), ("ABCDE2345", None)],
)
def test_codes_are_read_whatever_the_case_spaces_and_dashes(typed, found):
    assert entitlements.normalise_code(typed) == found


@pytest.mark.parametrize("typed", ["", "O0I1LABCDE", "x" * 500, "' OR 1=1 --", "ÄBCDÉ23456"])
def test_what_cannot_be_a_code_is_not_looked_up(typed):
    assert entitlements.find_by_code(typed) is None


def test_the_qr_code_is_inline_svg_of_the_code():
    svg = str(entitlements.qr_svg("ABCDE23456"))
    assert svg.startswith("<svg")
    assert "ABCDE23456" in svg
