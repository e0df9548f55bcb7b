"""The resident's side of a resolved request: "It is not fixed" reopens it."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.helpdesk import service
from jasperrec.helpdesk.errors import RequestClosedError
from jasperrec.helpdesk.errors import RequestNotResolvedError
from jasperrec.helpdesk.models import EventKind
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import Resolution
from tests import factories

S = RequestStatus


@pytest.fixture
def resolved(resident: Any) -> Any:
    return factories.ServiceRequestFactory(
        customer=resident,
        status=S.RESOLVED,
        resolution=Resolution.FIXED,
        resolved_at=utcnow(),
        subject="Broken swing",
    )


def test_not_fixed_reopens_with_the_residents_words(resident: Any, resolved: Any) -> None:
    service.report_not_fixed(resident, resolved.id, "  The chain is still loose.  ")

    assert resolved.status is S.IN_PROGRESS
    assert resolved.resolution is None
    assert [m.body for m in resolved.messages] == ["The chain is still loose."]
    [event] = resolved.events
    assert (event.kind, event.actor_id) == (EventKind.STATUS, resident.id)
    assert (event.from_value, event.to_value) == ("resolved", "in progress")


def test_not_fixed_without_words_adds_no_message(resident: Any, resolved: Any) -> None:
    service.report_not_fixed(resident, resolved.id)

    assert resolved.status is S.IN_PROGRESS
    assert resolved.messages == []


def test_not_fixed_is_only_for_the_residents_own_resolved_request(
    resident: Any, resolved: Any
) -> None:
    other = factories.ServiceRequestFactory(status=S.RESOLVED)
    with pytest.raises(NotFoundError):
        service.report_not_fixed(resident, other.id)
    resolved.status = S.IN_PROGRESS
    with pytest.raises(RequestNotResolvedError, match="still open"):
        service.report_not_fixed(resident, resolved.id)
    resolved.status = S.CLOSED
    with pytest.raises(RequestClosedError, match="closed"):
        service.report_not_fixed(resident, resolved.id)


def test_the_page_offers_not_fixed_only_while_resolved(
    client: FlaskClient, log_in: Any, resident: Any, resolved: Any
) -> None:
    log_in(resident)

    page = client.get(f"/helpdesk/requests/{resolved.id}").get_data(as_text=True)
    assert "Resolved (fixed)" in page
    assert "It is not fixed" in page

    response = client.post(
        f"/helpdesk/requests/{resolved.id}/not-fixed",
        data={"body": "Still loose"},
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert "Your request is open again" in page
    assert "It is not fixed" not in page
    db.session.expire_all()
    assert resolved.status is S.IN_PROGRESS
    again = client.post(f"/helpdesk/requests/{resolved.id}/not-fixed", follow_redirects=True)
    assert "This request is still open" in again.get_data(as_text=True)


def test_a_too_long_message_is_refused(
    client: FlaskClient, log_in: Any, resident: Any, resolved: Any
) -> None:
    log_in(resident)

    response = client.post(f"/helpdesk/requests/{resolved.id}/not-fixed", data={"body": "x" * 5001})

    assert response.status_code == 400
    assert "Keep the message to 5000 characters." in response.get_data(as_text=True)
    db.session.expire_all()
    assert resolved.status is S.RESOLVED


def test_someone_elses_request_is_404(client: FlaskClient, log_in: Any, resident: Any) -> None:
    other = factories.ServiceRequestFactory(status=S.RESOLVED)
    log_in(resident)

    assert client.post(f"/helpdesk/requests/{other.id}/not-fixed").status_code == 404


def test_a_follow_up_on_a_resolved_request_reopens_it(resident: Any, resolved: Any) -> None:
    service.add_follow_up(resident, resolved.id, "Also the slide.")

    assert resolved.status is S.IN_PROGRESS
