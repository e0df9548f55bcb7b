"""A program with a coordinator, and a family registered in it, for the roster tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from jasperrec.auth.models import EmergencyContact
from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.store.coordinators import assign_coordinators
from tests import factories
from tests.store.test_registrations import register

NOTES = "Peanut allergy: carries an EpiPen."


@dataclasses.dataclass
class RosterWorld:
    program: Any
    coordinator: Any
    other_coordinator: Any
    parent: Any
    child: Any


def family(program: Any, *, first: str = "Maya", notes: str | None = NOTES) -> tuple[Any, Any]:
    """A parent with a phone and an emergency contact, and a child registered in the program."""
    parent = factories.UserFactory(first_name="Alex", last_name="Tremblay", phone="780-852-3356")
    child = factories.HouseholdMemberFactory(
        user=parent,
        first_name=first,
        last_name="Tremblay",
        date_of_birth=dt.date(2017, 4, 12),
        medical_notes=notes,
    )
    db.session.add(
        EmergencyContact(
            user_id=parent.id, name="Jeanne Tremblay", phone="780-852-1111", relation="grandmother"
        )
    )
    register(parent, program, child)
    return parent, child


def build(make_staff: Any) -> RosterWorld:
    program = factories.ProgramFactory(
        name="Swim Kids 3", starts_on=dt.date(2031, 4, 12), held_back_spaces=2, min_age=6
    )
    coordinator = make_staff(Role.PROGRAM_COORDINATOR, departments=[])
    other = make_staff(Role.PROGRAM_COORDINATOR, departments=[])
    assign_coordinators(program, [coordinator.id])
    parent, child = family(program)
    db.session.commit()
    return RosterWorld(program, coordinator, other, parent, child)
