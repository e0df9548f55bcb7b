"""The console's request page: its action forms, each a POST that redirects back."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.helpdesk import replies
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import Resolution
from tests import factories

S = RequestStatus


@pytest.fixture
def agent(make_staff: Any) -> Any:
    agent = make_staff(Role.HELPDESK_AGENT)
    agent.first_name, agent.last_name = "Priya", "Singh"
    db.session.flush()
    return agent


@pytest.fixture
def request_(department: Any) -> Any:
    return factories.ServiceRequestFactory(department=department, subject="Pool hours")


@pytest.fixture
def signed_in(client: FlaskClient, staff_log_in: Any, agent: Any) -> FlaskClient:
    staff_log_in(agent)
    return client


def url(request: Any, action: str = "") -> str:
    return f"/staff/requests/{request.id}" + (f"/{action}" if action else "")


def test_the_page_has_separate_reply_and_note_forms(signed_in: FlaskClient, request_: Any) -> None:
    page = signed_in.get(url(request_)).get_data(as_text=True)

    assert 'class="stack reply-form"' in page
    assert 'class="stack note-form"' in page
    assert "Reply to the resident" in page
    assert "never shown or sent to the resident" in page
    assert "Assign to me" in page
    # Agents assign only themselves; leads give requests to colleagues.
    assert "Assign to a colleague" not in page


def test_assign_to_me_then_note_then_reply_then_resolve(
    signed_in: FlaskClient, request_: Any, agent: Any, outbox: list[EmailMessage]
) -> None:
    assert signed_in.post(url(request_, "assign-to-me")).status_code == 302
    assert (
        signed_in.post(url(request_, "notes"), data={"note": "Check the schedule"}).status_code
        == 302
    )
    response = signed_in.post(url(request_, "reply"), data={"body": "Opens at 6."})
    assert response.status_code == 302
    response = signed_in.post(
        url(request_, "resolve"),
        data={"resolution": Resolution.ANSWERED.value, "public_note": "Anything else, write."},
    )
    assert response.headers["Location"] == url(request_)

    db.session.expire_all()
    assert request_.assignee_id == agent.id
    assert request_.status is S.RESOLVED
    assert request_.resolution is Resolution.ANSWERED
    assert [n.body for n in request_.notes] == ["Check the schedule"]
    assert len(outbox) == 2
    page = signed_in.get(url(request_)).get_data(as_text=True)
    assert "Check the schedule" in page
    assert "Reopen" in page
    assert "Resolved (answered)" in page


def test_a_lead_assigns_a_colleague(
    client: FlaskClient, staff_log_in: Any, make_staff: Any, agent: Any, request_: Any
) -> None:
    lead = make_staff(Role.DEPARTMENT_LEAD)
    staff_log_in(lead)
    assert "Assign to a colleague" in client.get(url(request_)).get_data(as_text=True)

    response = client.post(url(request_, "assign"), data={"assignee": agent.id})

    assert response.status_code == 302
    db.session.expire_all()
    assert request_.assignee_id == agent.id


def test_an_agent_cannot_assign_a_colleague(
    signed_in: FlaskClient, make_staff: Any, request_: Any
) -> None:
    colleague = make_staff(Role.HELPDESK_AGENT)

    response = signed_in.post(url(request_, "assign"), data={"assignee": colleague.id})

    assert response.status_code == 403


def test_assigning_someone_outside_the_department_is_refused_with_a_message(
    client: FlaskClient, staff_log_in: Any, make_staff: Any, other_department: Any, request_: Any
) -> None:
    staff_log_in(make_staff(Role.DEPARTMENT_LEAD))
    outsider = make_staff(Role.HELPDESK_AGENT, departments=[other_department])

    response = client.post(
        url(request_, "assign"), data={"assignee": outsider.id}, follow_redirects=True
    )

    assert "Only staff who answer for Customer Service can take this request." in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert request_.assignee_id is None


def test_transfer_goes_back_to_the_queues(
    signed_in: FlaskClient, request_: Any, other_department: Any
) -> None:
    response = signed_in.post(
        url(request_, "transfer"), data={"department": other_department.id, "reason": "Leak"}
    )

    assert response.headers["Location"] == "/staff/queues"
    db.session.expire_all()
    assert request_.department_id == other_department.id
    # Out of the agent's scope now.
    assert signed_in.get(url(request_)).status_code == 404


def test_status_waiting_then_reopen_after_resolve(signed_in: FlaskClient, request_: Any) -> None:
    signed_in.post(url(request_, "status"), data={"status": S.WAITING.value})
    db.session.expire_all()
    assert request_.status is S.WAITING
    assert request_.clock_paused_at is not None

    request_.status = S.CLOSED
    db.session.flush()
    assert signed_in.get(url(request_)).status_code == 200
    signed_in.post(url(request_, "reopen"), data={"reason": "Resident called back"})

    db.session.expire_all()
    assert request_.status is S.IN_PROGRESS


@pytest.mark.parametrize(
    ("action", "data", "error"),
    [
        ("reply", {"body": " "}, "Write a reply first."),
        ("notes", {"note": ""}, "Write a note first."),
        ("transfer", {"department": "", "reason": "x"}, "Choose a department."),
        ("transfer", {"department": "2", "reason": " "}, "Say why the request belongs"),
        ("status", {"status": "closed"}, "Not a valid choice"),
        ("resolve", {"resolution": "", "public_note": "x"}, "Choose why the request is resolved."),
        ("resolve", {"resolution": "fixed", "public_note": ""}, "Tell the resident what was done."),
        ("resolve", {"resolution": "bogus", "public_note": "x"}, "Not a valid choice"),
        ("reopen", {"reason": ""}, "Say why the request is reopened."),
    ],
)
def test_bad_input_shows_the_error_and_changes_nothing(
    signed_in: FlaskClient,
    request_: Any,
    other_department: Any,
    action: str,
    data: dict[str, str],
    error: str,
) -> None:
    if action == "reopen":
        request_.status = S.RESOLVED
        db.session.flush()

    response = signed_in.post(url(request_, action), data=data)

    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    db.session.expire_all()
    assert request_.messages == []
    assert request_.notes == []
    assert request_.events == []


def test_a_refused_transition_is_flashed(signed_in: FlaskClient, request_: Any) -> None:
    response = signed_in.post(
        url(request_, "status"), data={"status": S.IN_PROGRESS.value}, follow_redirects=True
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert request_.status is S.IN_PROGRESS
    response = signed_in.post(
        url(request_, "status"), data={"status": S.IN_PROGRESS.value}, follow_redirects=True
    )
    assert "cannot become in progress" in response.get_data(as_text=True)


def test_actions_on_another_departments_request_are_404(
    signed_in: FlaskClient, other_department: Any
) -> None:
    theirs = factories.ServiceRequestFactory(department=other_department)

    for action, data in [
        ("assign-to-me", {}),
        ("notes", {"note": "x"}),
        ("status", {"status": S.WAITING.value}),
        ("resolve", {"resolution": "fixed", "public_note": "x"}),
        ("reopen", {"reason": "x"}),
        ("transfer", {"department": other_department.id, "reason": "x"}),
    ]:
        assert signed_in.post(url(theirs, action), data=data).status_code == 404, action


def test_the_page_reads_a_fixed_number_of_queries_however_long_the_history(
    signed_in: FlaskClient, request_: Any, agent: Any, make_staff: Any, count_queries: Any
) -> None:
    def grow() -> None:
        author = make_staff(Role.HELPDESK_AGENT)
        replies.add_note(author, request_.id, "note")
        replies.reply_to_request(author, request_.id, "reply")
        factories_message = request_.messages[-1]
        assert factories_message.is_from_staff

    grow()
    few = count_queries(lambda: signed_in.get(url(request_)))
    for _ in range(4):
        grow()
    many = count_queries(lambda: signed_in.get(url(request_)))

    assert many == few
