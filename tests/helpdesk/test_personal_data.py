"""The helpdesk's part in a resident's personal data: requests and whole conversations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.helpdesk.models import ServiceRequestMessage
from jasperrec.helpdesk.personal_data import HelpdeskData
from tests import factories


def kinds_by_key(user: Any) -> dict[str, Any]:
    return {kind.key: kind for kind in HelpdeskData().export(user)}


def conversation(user: Any, agent: Any) -> Any:
    request = factories.ServiceRequestFactory(customer=user, subject="Pool hours")
    db.session.add_all(
        [
            ServiceRequestMessage(request=request, author=user, body="When does it open?"),
            ServiceRequestMessage(
                request=request, author=agent, body="At six.", is_from_staff=True
            ),
        ]
    )
    db.session.flush()
    return request


def test_requests_and_their_whole_conversation_are_two_kinds_joined_by_reference(
    user: Any,
) -> None:
    department = factories.DepartmentFactory(name="Aquatics")
    agent = factories.StaffFactory(
        first_name="Mina", roles=[Role.HELPDESK_AGENT], departments=[department]
    )
    request = conversation(user, agent)
    conversation(factories.UserFactory(), agent)
    kinds = kinds_by_key(user)
    (row,) = kinds["helpdesk_requests"].rows
    assert row["request_reference"] == f"#{request.id}"
    assert row["subject"] == "Pool hours"
    messages = kinds["helpdesk_messages"].rows
    assert [(m["from"], m["message"]) for m in messages] == [
        ("You", "When does it open?"),
        ("Mina, Aquatics", "At six."),
    ]
    assert {m["request_reference"] for m in messages} == {f"#{request.id}"}


def test_staff_are_named_by_first_name_and_department_only(user: Any) -> None:
    agent = factories.StaffFactory(first_name="Mina", last_name="Quiet-Surname")
    request = conversation(user, agent)
    request.assignee = agent
    db.session.flush()
    text = repr([kind.rows for kind in HelpdeskData().export(user)])
    assert "Quiet-Surname" not in text
    assert agent.email not in text


def test_the_number_of_queries_does_not_grow_with_requests(
    user: Any, count_queries: Callable[..., int]
) -> None:
    agent = factories.StaffFactory(departments=[factories.DepartmentFactory()])
    conversation(user, agent).assignee = agent
    db.session.flush()
    db.session.expire_all()
    few = count_queries(lambda: HelpdeskData().export(user))
    for _ in range(4):
        other = factories.StaffFactory(departments=[factories.DepartmentFactory()])
        conversation(user, other).assignee = other
    db.session.flush()
    db.session.expire_all()
    assert count_queries(lambda: HelpdeskData().export(user)) == few
