"""Spaces held back for the desk and the phone: never sold online, counted out of the guide."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import service
from jasperrec.store.errors import ProgramFullError
from jasperrec.store.models import CartItem
from jasperrec.store.models import Program
from tests import factories
from tests.store.test_registrations import register

URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"


def test_spaces_left_online_leave_out_the_held_back_ones(user: Any) -> None:
    program = factories.ProgramFactory(capacity=10, held_back_spaces=3)
    register(factories.UserFactory(), program)

    assert service.spaces_left(program) == 6
    assert service.spaces_left(program, at_desk=True) == 9
    assert service.get_program(program.slug).spaces_left == 6


def test_a_program_with_only_held_back_spaces_left_is_full_online(user: Any) -> None:
    program = factories.ProgramFactory(capacity=3, held_back_spaces=2)
    register(factories.UserFactory(), program)
    child = factories.HouseholdMemberFactory(user=user)

    listing = service.get_program(program.slug)
    assert (listing.spaces_left, listing.is_full) == (0, True)
    with pytest.raises(ProgramFullError):
        service.add_program_to_cart(user, program.slug, child.id)


def test_checkout_never_takes_a_held_back_space(user: Any, fake_gateway: Any) -> None:
    program = factories.ProgramFactory(capacity=2, held_back_spaces=1)
    child = factories.HouseholdMemberFactory(user=user)
    service.add_program_to_cart(user, program.slug, child.id)
    # Someone else took the one online space while this cart waited.
    register(factories.UserFactory(), program)

    with pytest.raises(ProgramFullError):
        checkout.check_out(user, fake_gateway, URL, URL, keep_together=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CartItem)) == 1


def test_the_guide_says_how_many_spaces_are_left_online(client: FlaskClient) -> None:
    program = factories.ProgramFactory(capacity=10, held_back_spaces=4, name="Held Back Swim")
    db.session.commit()

    page = client.get(f"/store/programs/{program.slug}").get_data(as_text=True)

    assert "6 of 10 left" in page


@pytest.mark.parametrize("held_back", [-1, 11])
def test_the_database_refuses_a_held_back_count_outside_zero_to_capacity(held_back: int) -> None:
    program = factories.ProgramFactory(capacity=10)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(Program).where(Program.id == program.id).values(held_back_spaces=held_back)
        )


def test_a_program_holds_none_back_unless_told() -> None:
    assert factories.ProgramFactory().held_back_spaces == 0
