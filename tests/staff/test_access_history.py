"""The resident's "who viewed my record": repeated views grouped, a page at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff import audit
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from tests import factories
from tests.conftest import PASSWORD

START = dt.datetime(2026, 11, 3, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def resident() -> Any:
    return factories.UserFactory(password=PASSWORD)


def view(
    staff: Any,
    resident: Any,
    minutes: int,
    *,
    request: Any = None,
    kind: AccessKind = AccessKind.REQUEST,
    purpose: AccessPurpose = AccessPurpose.SERVICE_REQUEST,
) -> None:
    db.session.add(
        AuditEntry(
            staff_id=staff.id,
            resident_id=resident.id,
            kind=kind,
            purpose=purpose,
            record_type="service request",
            record_id=request.id if request else None,
            request_id=request.id if request else None,
            created_at=START + dt.timedelta(minutes=minutes),
        )
    )
    db.session.flush()


def test_repeated_views_are_one_line_with_first_and_last_time_and_a_count(
    make_staff: Any, department: Any, resident: Any
) -> None:
    jordan = make_staff(Role.HELPDESK_AGENT)
    jordan.first_name = "Jordan"
    sam = make_staff(Role.HELPDESK_AGENT)
    first = factories.ServiceRequestFactory(department=department, customer=resident)
    second = factories.ServiceRequestFactory(department=department, customer=resident)
    for minutes in (0, 5, 90):
        view(jordan, resident, minutes, request=first)
    view(jordan, resident, 10, request=second)
    view(sam, resident, 20, request=first)
    view(jordan, resident, 30, kind=AccessKind.PROFILE, purpose=AccessPurpose.BREAK_GLASS)

    groups = audit.list_access_for_resident(resident).groups

    assert [(g.staff_label, g.request_id, g.count) for g in groups] == [
        ("Jordan, Customer Service", first.id, 3),
        ("Jordan, Customer Service", None, 1),
        (f"{sam.first_name}, Customer Service", first.id, 1),
        ("Jordan, Customer Service", second.id, 1),
    ]
    assert (groups[0].first_at, groups[0].last_at) == (
        START,
        START + dt.timedelta(minutes=90),
    )
    assert groups[1].was_break_glass


def test_the_page_shows_the_groups_with_their_labels_and_pages_at_fifty(
    client: Any, log_in: Any, make_staff: Any, department: Any, resident: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    requests = factories.ServiceRequestFactory.create_batch(
        51, department=department, customer=resident
    )
    for n, request in enumerate(requests):
        view(agent, resident, n, request=request)
        view(agent, resident, n + 100, request=request)
    log_in(resident)

    first = client.get("/privacy/access-log").get_data(as_text=True)
    last = client.get("/privacy/access-log?page=7").get_data(as_text=True)

    assert "Page 1 of 2" in first
    assert first.count('<span class="cell-label">Times: </span>2</td>') == 50
    assert f">#{requests[-1].id}</a>" in first
    assert "Page 2 of 2" in last
    assert f">#{requests[0].id}</a>" in last


def test_the_page_reads_the_same_number_of_queries_for_few_or_many_views(
    client: Any,
    log_in: Any,
    make_staff: Any,
    department: Any,
    resident: Any,
    count_queries: Callable[[Callable[[], Any]], int],
) -> None:
    log_in(resident)
    agents = [make_staff(Role.HELPDESK_AGENT) for _ in range(3)]
    view(agents[0], resident, 0)
    few = count_queries(lambda: client.get("/privacy/access-log"))
    for n in range(30):
        view(agents[n % 3], resident, n, request=factories.ServiceRequestFactory(customer=resident))

    many = count_queries(lambda: client.get("/privacy/access-log"))

    assert many == few
