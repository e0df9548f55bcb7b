"""Internal notes: staff write them on a request; the resident never sees or receives them."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from flask.testing import FlaskClient

from jasperrec import personal_data
from jasperrec.auth.models import Role
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.helpdesk import replies
from tests import factories

SECRET = "Neighbour at 12 Elm says the resident is exaggerating"


@pytest.fixture
def request_(resident: Any, department: Any) -> Any:
    return factories.ServiceRequestFactory(customer=resident, department=department)


@pytest.fixture
def agent(make_staff: Any) -> Any:
    return make_staff(Role.HELPDESK_AGENT)


def test_a_note_is_kept_on_the_request_and_sends_nothing(
    agent: Any, request_: Any, outbox: list[EmailMessage]
) -> None:
    note = replies.add_note(agent, request_.id, f"  {SECRET}  ")

    assert note.body == SECRET
    assert request_.notes == [note]
    assert request_.messages == []
    assert request_.first_response_at is None
    assert outbox == []


def test_a_note_needs_the_request_in_scope(make_staff: Any, other_department: Any) -> None:
    outsider = make_staff(Role.HELPDESK_AGENT, departments=[other_department])
    theirs = factories.ServiceRequestFactory()

    with pytest.raises(NotFoundError):
        replies.add_note(outsider, theirs.id, "x")


def test_notes_are_never_in_the_residents_page_reply_email_or_download(
    agent: Any,
    request_: Any,
    resident: Any,
    client: FlaskClient,
    log_in: Any,
    outbox: list[EmailMessage],
) -> None:
    replies.add_note(agent, request_.id, SECRET)
    replies.reply_to_request(agent, request_.id, "We are looking into it.")
    db.session.commit()

    log_in(resident)
    page = client.get(f"/helpdesk/requests/{request_.id}").get_data(as_text=True)
    assert "We are looking into it." in page
    assert "Neighbour" not in page
    [sent] = outbox
    assert "Neighbour" not in sent.as_string()
    kinds = personal_data.collect(resident)
    assert "Neighbour" not in repr(kinds)
    [requests] = [k for k in kinds if k.key == "helpdesk_requests"]
    assert "internal notes about a request are not in this download" in requests.purpose
