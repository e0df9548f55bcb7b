"""Staff actions on a request: assign, transfer, status, resolve and reopen."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest

from jasperrec.auth.models import Role
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.helpdesk import actions
from jasperrec.helpdesk.errors import NotInDepartmentError
from jasperrec.helpdesk.errors import RequestNotOpenError
from jasperrec.helpdesk.errors import TransferError
from jasperrec.helpdesk.errors import TransitionNotAllowedError
from jasperrec.helpdesk.models import EventKind
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import Resolution
from tests import factories

S = RequestStatus


@pytest.fixture
def agent(make_staff: Any) -> Any:
    agent = make_staff(Role.HELPDESK_AGENT)
    agent.first_name = "Priya"
    return agent


@pytest.fixture
def request_(resident: Any, department: Any) -> Any:
    return factories.ServiceRequestFactory(customer=resident, department=department)


def history(request: Any) -> list[tuple[EventKind, str | None, str | None]]:
    db.session.expire(request, ["events"])
    return [(e.kind, e.from_value, e.to_value) for e in request.events]


def test_assign_to_me_takes_a_new_request(agent: Any, request_: Any) -> None:
    actions.assign(agent, request_.id, agent.id)

    assert request_.assignee_id == agent.id
    assert request_.status is S.ASSIGNED
    assert history(request_) == [
        (EventKind.ASSIGNED, None, "Priya, Customer Service"),
        (EventKind.STATUS, "new", "assigned"),
    ]


def test_assign_to_a_colleague_keeps_an_in_progress_status(
    agent: Any, make_staff: Any, request_: Any
) -> None:
    colleague = make_staff(Role.HELPDESK_AGENT)
    request_.status = S.IN_PROGRESS
    request_.assignee_id = agent.id

    actions.assign(agent, request_.id, colleague.id)

    assert request_.assignee_id == colleague.id
    assert request_.status is S.IN_PROGRESS
    assert history(request_) == [(EventKind.ASSIGNED, agent.staff_label, colleague.staff_label)]


def test_assigning_the_same_person_again_changes_nothing(agent: Any, request_: Any) -> None:
    actions.assign(agent, request_.id, agent.id)
    actions.assign(agent, request_.id, agent.id)

    assert len(history(request_)) == 2


def test_only_staff_of_the_department_can_be_assigned(
    agent: Any, make_staff: Any, other_department: Any, request_: Any, resident: Any
) -> None:
    outsider = make_staff(Role.HELPDESK_AGENT, departments=[other_department])
    coordinator = make_staff(Role.PROGRAM_COORDINATOR)

    for who in (outsider, coordinator, resident):
        with pytest.raises(NotInDepartmentError, match="Customer Service"):
            actions.assign(agent, request_.id, who.id)
    assert request_.assignee_id is None


def test_a_resolved_request_cannot_be_assigned(agent: Any, request_: Any) -> None:
    request_.status = S.RESOLVED

    with pytest.raises(RequestNotOpenError, match="Reopen it"):
        actions.assign(agent, request_.id, agent.id)


def test_actions_on_a_request_out_of_scope_are_not_found(
    make_staff: Any, other_department: Any, request_: Any
) -> None:
    outsider = make_staff(Role.HELPDESK_AGENT, departments=[other_department])

    with pytest.raises(NotFoundError):
        actions.assign(outsider, request_.id, outsider.id)
    with pytest.raises(NotFoundError):
        actions.transfer(outsider, request_.id, other_department.id, "x")
    with pytest.raises(NotFoundError):
        actions.resolve(outsider, request_.id, Resolution.FIXED, "x")


def test_transfer_moves_it_unassigned_with_the_reason_and_keeps_the_clock(
    agent: Any, request_: Any, other_department: Any
) -> None:
    actions.assign(agent, request_.id, agent.id)
    due = request_.due_at

    actions.transfer(agent, request_.id, other_department.id, "  Pool leak is Facilities  ")

    assert request_.department_id == other_department.id
    assert request_.assignee_id is None
    assert request_.status is S.NEW
    assert request_.due_at == due
    assert history(request_)[2:] == [
        (EventKind.TRANSFERRED, "Customer Service", "Facilities"),
        (EventKind.ASSIGNED, "Priya, Customer Service", None),
        (EventKind.STATUS, "assigned", "new"),
    ]
    assert request_.events[2].detail == "Pool leak is Facilities"


def test_transfer_to_the_same_or_an_unknown_department_is_refused(
    agent: Any, request_: Any, department: Any
) -> None:
    with pytest.raises(TransferError, match="already with Customer Service"):
        actions.transfer(agent, request_.id, department.id, "x")
    with pytest.raises(TransferError, match="Choose a department"):
        actions.transfer(agent, request_.id, department.id + 1000, "x")


def test_set_status_waiting_pauses_and_in_progress_resumes(agent: Any, request_: Any) -> None:
    actions.set_status(agent, request_.id, S.WAITING)
    assert request_.status is S.WAITING

    actions.set_status(agent, request_.id, S.IN_PROGRESS)
    assert request_.status is S.IN_PROGRESS

    with pytest.raises(TransitionNotAllowedError):
        actions.set_status(agent, request_.id, S.IN_PROGRESS)
    with pytest.raises(ValueError, match="own action"):
        actions.set_status(agent, request_.id, S.RESOLVED)


def test_resolve_records_the_reason_and_emails_the_public_note(
    agent: Any, request_: Any, resident: Any, outbox: list[EmailMessage]
) -> None:
    actions.resolve(agent, request_.id, Resolution.FIXED, "The pool heater is repaired.")

    assert request_.status is S.RESOLVED
    assert request_.resolution is Resolution.FIXED
    assert request_.resolved_at is not None
    assert request_.first_response_at is not None
    [message] = request_.messages
    assert message.is_from_staff
    [sent] = outbox
    assert sent["To"] == resident.email
    text = sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "The pool heater is repaired." in text
    assert "Fixed" in text
    assert history(request_)[-1] == (EventKind.STATUS, "new", "resolved")
    with pytest.raises(TransitionNotAllowedError):
        actions.resolve(agent, request_.id, Resolution.FIXED, "again")


def test_reopen_needs_a_resolved_or_closed_request(agent: Any, request_: Any) -> None:
    with pytest.raises(TransitionNotAllowedError, match="open already"):
        actions.reopen(agent, request_.id, "x")
    request_.status = S.CLOSED

    actions.reopen(agent, request_.id, "Resident phoned: still leaking")

    assert request_.status is S.IN_PROGRESS
    assert request_.events[-1].detail == "Resident phoned: still leaking"


def test_the_request_page_lists_colleagues_and_other_departments(
    agent: Any, make_staff: Any, request_: Any, other_department: Any
) -> None:
    lead = make_staff(Role.DEPARTMENT_LEAD)
    make_staff(Role.PROGRAM_COORDINATOR)

    choices = actions.choices_for(agent, request_)

    assert {u.id for u in choices.colleagues} == {agent.id, lead.id}
    assert list(choices.departments) == [other_department]
    assert choices.may_take
    actions.assign(agent, request_.id, agent.id)
    assert not actions.choices_for(agent, request_).may_take
