"""Helpers for the waitlist tests: full programs and residents waiting for them."""

from __future__ import annotations

from typing import Any

from jasperrec.extensions import db
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories


def register(user: Any, program: Any, member: Any = None) -> Registration:
    """A confirmed registration of the user (or a household member), through a paid order."""
    order = factories.OrderFactory(user=user)
    line = order.lines[0]
    line.program = program
    line.registration = Registration(
        program=program,
        user_id=user.id,
        household_member=member,
        status=RegistrationStatus.CONFIRMED,
    )
    db.session.flush()
    return line.registration


def open_program(**fields: Any) -> Any:
    """A program for all ages, so adults without a date of birth may take it."""
    return factories.ProgramFactory(**{"min_age": None, "max_age": None, **fields})


def full_program(capacity: int = 1, **fields: Any) -> Any:
    """A program whose every space someone else has taken."""
    program = open_program(capacity=capacity, **fields)
    for _ in range(capacity):
        register(factories.UserFactory(), program)
    return program


def child_of(user: Any, **fields: Any) -> Any:
    """A child of the household, eight years old: inside the factory programs' ages."""
    return factories.HouseholdMemberFactory(user=user, **fields)
