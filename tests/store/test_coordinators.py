"""A program's coordinators: staff with the coordinator role, set as a whole."""

from __future__ import annotations

from typing import Any

import pytest

from jasperrec.auth.models import Role
from jasperrec.store import coordinators
from jasperrec.store.errors import NotACoordinatorError
from jasperrec.store.models import PaymentMethod
from jasperrec.store.personal_data import StoreData
from tests import factories


def test_assigning_replaces_the_program_s_coordinators() -> None:
    program = factories.ProgramFactory()
    riley, sam = (factories.StaffFactory(roles=[Role.PROGRAM_COORDINATOR]) for _ in range(2))
    coordinators.assign_coordinators(program, [riley.id])

    now = coordinators.assign_coordinators(program, [sam.id])

    assert [c.id for c in now] == [sam.id]
    assert coordinators.is_coordinator(sam, program.id)
    assert not coordinators.is_coordinator(riley, program.id)


@pytest.mark.parametrize("who", ["agent", "resident", "inactive coordinator"])
def test_only_active_staff_with_the_coordinator_role_can_coordinate(who: str) -> None:
    program = factories.ProgramFactory()
    person: Any
    if who == "agent":
        person = factories.StaffFactory(roles=[Role.HELPDESK_AGENT])
    elif who == "resident":
        person = factories.UserFactory()
    else:
        person = factories.StaffFactory(roles=[Role.PROGRAM_COORDINATOR], is_active=False)

    with pytest.raises(NotACoordinatorError):
        coordinators.assign_coordinators(program, [person.id])
    assert coordinators.list_coordinators(program.id) == []


def test_a_deactivated_coordinator_no_longer_counts() -> None:
    program = factories.ProgramFactory()
    riley = factories.StaffFactory(roles=[Role.PROGRAM_COORDINATOR])
    coordinators.assign_coordinators(program, [riley.id])
    riley.is_active = False

    assert not coordinators.is_coordinator(riley, program.id)


def test_a_coordinator_s_data_download_lists_the_programs_they_coordinate() -> None:
    program = factories.ProgramFactory(name="Swim Kids 3")
    riley = factories.StaffFactory(roles=[Role.PROGRAM_COORDINATOR])
    coordinators.assign_coordinators(program, [riley.id])

    kinds = {kind.key: kind for kind in StoreData().export(riley)}

    assert [row["program"] for row in kinds["programs_coordinated"].rows] == ["Swim Kids 3"]
    assert "programs_coordinated" not in {
        k.key for k in StoreData().export(factories.UserFactory())
    }


def test_an_order_paid_at_the_desk_says_so_in_the_data_download() -> None:
    agent = factories.StaffFactory(roles=[Role.HELPDESK_AGENT])
    order = factories.OrderFactory(payment_method=PaymentMethod.CASH, taken_by=agent)
    online = factories.OrderFactory(user=order.user)

    rows = {kind.key: kind for kind in StoreData().export(order.user)}["orders"].rows

    paid_by = {row["order_reference"]: row["paid_at_the_desk_by"] for row in rows}
    assert paid_by == {order.reference: "cash", online.reference: None}
