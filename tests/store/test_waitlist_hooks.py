"""Where other features tell the waitlist: more capacity, and a registration at the desk."""

from __future__ import annotations

import dataclasses
from typing import Any

from jasperrec.store import programs
from jasperrec.store import waitlist
from jasperrec.store.desk_orders import DeskSale
from jasperrec.store.desk_orders import place_desk_order
from jasperrec.store.models import PaymentMethod
from jasperrec.store.models import WaitlistStatus
from jasperrec.store.program_details import Meeting
from jasperrec.store.program_details import ProgramDetails
from tests import factories
from tests.store.waitlists import full_program
from tests.store.waitlists import open_program
from tests.store.waitlists import register


def details_of(program: Any, **changes: Any) -> ProgramDetails:
    meetings = tuple(
        Meeting(
            m.starts_on, m.ends_on, frozenset(int(d) for d in m.weekdays), m.start_time, m.end_time
        )
        for m in program.meetings
    )
    details = ProgramDetails(
        name=program.name,
        category_id=program.category_id,
        summary=program.summary,
        description=program.description,
        facility=program.facility,
        instructor=program.instructor,
        min_age=program.min_age,
        max_age=program.max_age,
        meetings=meetings,
        registration_opens_at=program.registration_opens_at,
        registration_closes_at=program.registration_closes_at,
        price_cents=program.price_cents,
        non_resident_price_cents=program.non_resident_price_cents,
        is_taxable=program.is_taxable,
        capacity=program.capacity,
        min_participants=program.min_participants,
        level=program.level,
        prerequisite_ids=frozenset(),
        requires_approval=program.requires_approval,
    )
    return dataclasses.replace(details, **changes)


def test_raising_a_programs_capacity_offers_the_new_space(user: Any, outbox: list[Any]) -> None:
    program = full_program(is_taxable=True)  # for all ages, so not a children's program
    entry = waitlist.join_waitlist(user, program.slug, None)
    programs.update_program(factories.StaffFactory(), program, details_of(program, capacity=2))
    assert entry.status is WaitlistStatus.OFFERED
    assert outbox[-1]["To"] == user.email


def test_registering_at_the_desk_leaves_the_programs_waitlist(user: Any) -> None:
    # One space taken, one held back for the desk: full online, open at the desk.
    program = open_program(capacity=2, held_back_spaces=1)
    register(factories.UserFactory(), program)
    entry = waitlist.join_waitlist(user, program.slug, None)
    staff = factories.StaffFactory()
    sale = DeskSale(program.id, user.id, None, PaymentMethod.CASH)
    place_desk_order(staff, sale)
    assert entry.status is WaitlistStatus.REMOVED
