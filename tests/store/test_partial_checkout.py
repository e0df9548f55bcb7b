"""Household cart options: by default checkout buys what has a space and waitlists whoever
finds their program full, in the same step; "keep siblings together" asks for all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import partial
from jasperrec.store import prices
from jasperrec.store import service
from jasperrec.store import waitlist
from jasperrec.store.errors import ProgramFullError
from jasperrec.store.models import CartItem
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Registration
from jasperrec.store.models import WaitlistEntry
from jasperrec.store.models import WaitlistStatus
from tests import factories

from .waitlists import child_of
from .waitlists import full_program
from .waitlists import open_program
from .waitlists import register

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"


def _count(model: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def _cart(user: Any) -> list[CartItem]:
    return list(db.session.scalars(sa.select(CartItem).where(CartItem.user_id == user.id)))


def _orders_of(user: Any) -> list[Order]:
    return list(db.session.scalars(sa.select(Order).where(Order.user_id == user.id)))


def _in_cart(user: Any, program: Any, member: Any) -> None:
    """Put a program in the cart as it was before it filled up."""
    db.session.add(
        CartItem(
            user_id=user.id,
            program=program,
            household_member=member,
            unit_price_seen_cents=program.price_cents,
        )
    )
    db.session.flush()


def _waiting(program: Any) -> list[WaitlistEntry]:
    query = sa.select(WaitlistEntry).where(
        WaitlistEntry.program_id == program.id, WaitlistEntry.status == WaitlistStatus.WAITING
    )
    return list(db.session.scalars(query))


def _siblings(user: Any, *, full_capacity: int = 1) -> tuple[Any, Any, Any, Any]:
    """Two children in one cart: one for a program with room, one for a program that filled."""
    swim, art = open_program(price_cents=8_400), full_program(full_capacity, price_cents=5_000)
    ana, ben = child_of(user, first_name="Ana"), child_of(user, first_name="Ben")
    service.add_program_to_cart(user, swim.slug, ana.id)
    _in_cart(user, art, ben)
    db.session.commit()
    return swim, art, ana, ben


def test_by_default_checkout_buys_what_has_room_and_waitlists_the_full_program(
    user: Any, fake_gateway: Any
) -> None:
    swim, art, _ana, ben = _siblings(user)
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert placed.order is not None
    assert [line.program_id for line in placed.order.lines] == [swim.id]
    assert placed.order.total_cents == 8_400
    paid_for = fake_gateway.calls[-1].arguments["lines"]
    assert [line.unit_amount_cents for line in paid_for] == [8_400]
    (entry,) = _waiting(art)
    assert (entry.user_id, entry.household_member_id) == (user.id, ben.id)
    assert placed.waitlisted == (partial.Waitlisted(ben.full_name, art.name, 1),)
    assert "Waitlisted: " + ben.full_name + " for " + art.name + ", position 1" in (
        placed.waitlisted[0].notice
    )
    assert _cart(user) == []
    assert placed.shortfall.kept == ()


def test_keeping_siblings_together_buys_nothing_when_one_program_is_full(
    user: Any, fake_gateway: Any
) -> None:
    _swim, art, _ana, ben = _siblings(user)
    with pytest.raises(ProgramFullError, match=f"{art.name} is full for {ben.full_name}"):
        checkout.check_out(user, fake_gateway, URL, URL, keep_together=True)
    assert _orders_of(user) == []
    assert _count(WaitlistEntry) == 0
    assert len(_cart(user)) == 2
    assert fake_gateway.calls == []


def test_keeping_siblings_together_buys_everything_when_there_is_room(
    user: Any, fake_gateway: Any
) -> None:
    swim, other = open_program(), open_program()
    for program in (swim, other):
        service.add_program_to_cart(user, program.slug, child_of(user).id)
    placed = checkout.check_out(user, fake_gateway, URL, URL, keep_together=True)
    assert placed.order is not None
    assert len(placed.order.lines) == 2
    assert placed.waitlisted == ()


def test_two_siblings_for_the_last_space_one_gets_it_the_other_waits(
    user: Any, fake_gateway: Any
) -> None:
    program = open_program(capacity=1)
    first, second = child_of(user), child_of(user)
    for child in (first, second):
        _in_cart(user, program, child)
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert placed.order is not None
    assert placed.order.lines[0].registration.household_member_id == first.id
    assert [entry.household_member_id for entry in _waiting(program)] == [second.id]
    assert service.spaces_left(program) == 0


def test_when_everything_is_full_no_order_is_made_and_everyone_waits(
    user: Any, fake_gateway: Any
) -> None:
    art, chess = full_program(), full_program()
    ana, ben = child_of(user), child_of(user)
    _in_cart(user, art, ana)
    _in_cart(user, chess, ben)
    db.session.commit()
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert (placed.order, placed.payment_url) == (None, None)
    assert [w.participant_name for w in placed.waitlisted] == [ana.full_name, ben.full_name]
    assert _orders_of(user) == []
    assert (len(_waiting(art)), len(_waiting(chess))) == (1, 1)
    assert _cart(user) == []
    assert fake_gateway.calls == []


def test_the_waitlist_position_counts_those_already_waiting(user: Any, fake_gateway: Any) -> None:
    _swim, art, _ana, _ben = _siblings(user)
    for _ in range(2):
        waitlist.join_waitlist(factories.UserFactory(), art.slug, None)
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert [w.position for w in placed.waitlisted] == [3]


def test_someone_already_waiting_stays_in_the_cart_and_the_rest_are_bought(
    user: Any, fake_gateway: Any
) -> None:
    swim, art, _ana, ben = _siblings(user)
    waitlist.join_waitlist(user, art.slug, ben.id)
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert placed.order is not None
    assert [line.program_id for line in placed.order.lines] == [swim.id]
    assert placed.waitlisted == ()
    (reason,) = placed.shortfall.kept
    assert f"{ben.full_name} is already on the waitlist for {art.name}" in reason
    assert "stays in your cart" in reason
    assert [item.program_id for item in _cart(user)] == [art.id]
    assert len(_waiting(art)) == 1


def test_nothing_bought_and_nobody_waitlisted_changes_nothing(user: Any, fake_gateway: Any) -> None:
    art = full_program()
    ben = child_of(user)
    waitlist.join_waitlist(user, art.slug, ben.id)
    _in_cart(user, art, ben)
    db.session.commit()
    with pytest.raises(ProgramFullError, match="already on the waitlist"):
        checkout.check_out(user, fake_gateway, URL, URL)
    assert len(_cart(user)) == 1
    assert _orders_of(user) == []


def test_a_product_is_bought_while_the_full_program_is_waitlisted(
    user: Any, fake_gateway: Any
) -> None:
    art = full_program()
    _in_cart(user, art, child_of(user))
    bottle = factories.ProductFactory(merchandise=True, price_cents=6_500)
    service.add_product_to_cart(user, bottle.slug, 2)
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert placed.order is not None
    assert [line.product_id for line in placed.order.lines] == [bottle.id]
    # GST is on the bottles alone: the program waitlisted is not charged.
    assert (placed.order.subtotal_cents, placed.order.gst_cents) == (13_000, 650)
    assert placed.order.total_cents == 13_650
    assert len(placed.waitlisted) == 1


def test_a_free_order_still_reports_who_was_waitlisted(user: Any, fake_gateway: Any) -> None:
    free = open_program(price_cents=0)
    art = full_program()
    service.add_program_to_cart(user, free.slug, child_of(user).id)
    _in_cart(user, art, child_of(user))
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert placed.order is not None
    assert placed.order.status is OrderStatus.PAID
    assert placed.payment_url is None
    assert len(placed.waitlisted) == 1


def test_a_participant_s_own_offer_is_used_not_waitlisted(user: Any, fake_gateway: Any) -> None:
    art = full_program()
    ben = child_of(user)
    entry = waitlist.join_waitlist(user, art.slug, ben.id)
    registration = db.session.scalars(
        sa.select(Registration).where(Registration.program_id == art.id)
    ).one()
    registration.status = registration.status.CANCELLED
    db.session.commit()
    waitlist.space_freed(art)
    waitlist.accept_offer(user, waitlist.offer_token(entry))
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert placed.order is not None
    assert placed.waitlisted == ()
    assert entry.status is WaitlistStatus.REGISTERED


def test_the_cart_marks_the_lines_that_would_be_waitlisted(user: Any) -> None:
    program = open_program(capacity=1)
    first, second = child_of(user), child_of(user)
    for child in (first, second):
        _in_cart(user, program, child)
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    items = _cart(user)
    assert partial.find_full_lines(user, prices.price_cart(user)) == {items[1].id}


def test_an_empty_or_product_only_cart_has_no_full_lines(user: Any) -> None:
    assert partial.find_full_lines(user, prices.price_cart(user)) == set()
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    assert partial.find_full_lines(user, prices.price_cart(user)) == set()


def test_a_held_back_space_is_not_taken_the_participant_waits_instead(
    user: Any, fake_gateway: Any
) -> None:
    program = open_program(capacity=2, held_back_spaces=1)
    child = child_of(user)
    service.add_program_to_cart(user, program.slug, child.id)
    register(factories.UserFactory(), program)  # the one online space, taken meanwhile
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert placed.order is None
    assert [entry.household_member_id for entry in _waiting(program)] == [child.id]
    assert service.spaces_left(program, at_desk=True) == 1
