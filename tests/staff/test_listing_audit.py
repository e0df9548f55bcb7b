"""Queues and searches that show residents' names: one audit entry per view, naming them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff import audit
from jasperrec.staff import service
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from jasperrec.staff.personal_data import StaffData
from tests import factories


def audit_entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def shown_ids(entry: AuditEntry) -> list[int]:
    return [s.resident_id for s in entry.shown]


@pytest.fixture
def agent(make_staff: Any) -> Any:
    return make_staff(Role.HELPDESK_AGENT)


@pytest.fixture
def queue(department: Any) -> dict[str, Any]:
    """Three open requests from two residents in the agent's department."""
    priya = factories.UserFactory(first_name="Priya", last_name="Sharma")
    alex = factories.UserFactory(first_name="Alex", last_name="Tremblay")
    for customer in (priya, priya, alex):
        factories.ServiceRequestFactory(department=department, customer=customer)
    return {"priya": priya, "alex": alex}


def test_viewing_the_queues_records_one_entry_naming_each_resident_shown(
    client: Any, agent: Any, staff_log_in: Any, queue: dict[str, Any]
) -> None:
    staff_log_in(agent)

    page = client.get("/staff/queues").get_data(as_text=True)

    assert "Priya Sharma" in page
    (entry,) = [e for e in audit_entries() if e.kind is AccessKind.QUEUE_LIST]
    assert entry.staff_id == agent.id
    assert entry.resident_id is None
    assert entry.purpose is AccessPurpose.SERVICE_REQUEST
    assert entry.record_type == "queues"
    assert shown_ids(entry) == sorted([queue["priya"].id, queue["alex"].id])
    assert entry.detail is not None
    assert "3 requests from 2 residents shown" in entry.detail


def test_an_empty_queue_shows_no_names_and_records_nothing(
    client: Any, agent: Any, staff_log_in: Any
) -> None:
    staff_log_in(agent)

    page = client.get("/staff/queues").get_data(as_text=True)

    assert "Your queues are empty." in page
    assert [e for e in audit_entries() if e.kind is AccessKind.QUEUE_LIST] == []


def test_the_console_home_shows_only_a_count_and_records_no_listing(
    client: Any, agent: Any, staff_log_in: Any, queue: dict[str, Any]
) -> None:
    staff_log_in(agent)

    page = client.get("/staff/").get_data(as_text=True)

    assert "3 open request(s)" in page
    assert "Priya" not in page
    assert [e for e in audit_entries() if e.kind is AccessKind.QUEUE_LIST] == []


def test_the_queues_page_runs_the_same_number_of_queries_for_two_or_thirty_requests(
    client: Any,
    agent: Any,
    staff_log_in: Any,
    department: Any,
    count_queries: Callable[[Callable[[], Any]], int],
) -> None:
    staff_log_in(agent)
    factories.ServiceRequestFactory.create_batch(2, department=department)
    few = count_queries(lambda: client.get("/staff/queues"))
    factories.ServiceRequestFactory.create_batch(28, department=department)

    many = count_queries(lambda: client.get("/staff/queues"))

    assert many == few
    (*_, latest) = [e for e in audit_entries() if e.kind is AccessKind.QUEUE_LIST]
    assert len(shown_ids(latest)) == 30


def test_a_people_search_names_the_residents_it_showed(agent: Any) -> None:
    priya = factories.UserFactory(first_name="Priya", last_name="Sharma")
    factories.UserFactory(first_name="Alex", last_name="Tremblay")

    service.search_people(agent, "sharma")

    (entry,) = audit_entries()
    assert entry.kind is AccessKind.SEARCH
    assert shown_ids(entry) == [priya.id]


def test_the_privacy_officers_resident_filter_finds_the_listings_that_showed_the_resident(
    client: Any,
    agent: Any,
    make_staff: Any,
    staff_log_in: Any,
    queue: dict[str, Any],
) -> None:
    staff_log_in(agent)
    client.get("/staff/queues")
    service.search_people(agent, "tremblay")
    officer = make_staff(Role.PRIVACY_OFFICER)
    staff_log_in(officer)

    for_priya = audit.list_entries(audit.AuditFilter(resident_id=queue["priya"].id))
    page = client.get(f"/staff/privacy/access-log?resident={queue['priya'].id}")
    csv_body = client.get(f"/staff/privacy/access-log.csv?resident={queue['alex'].id}")

    assert [e.kind for e in for_priya] == [AccessKind.QUEUE_LIST]
    text = page.get_data(as_text=True)
    ids = sorted([queue["priya"].id, queue["alex"].id])
    assert f"2 listed: #{ids[0]}, #{ids[1]}" in text
    rows = list(csv.DictReader(io.StringIO(csv_body.get_data(as_text=True))))
    assert {row["kind"] for row in rows} == {"queue list", "people search"}
    queue_row = next(row for row in rows if row["kind"] == "queue list")
    assert queue_row["resident id"] == f"{ids[0]} {ids[1]}"


def test_a_residents_own_access_history_leaves_out_lists_that_only_showed_their_name(
    client: Any, agent: Any, staff_log_in: Any, queue: dict[str, Any]
) -> None:
    staff_log_in(agent)
    client.get("/staff/queues")
    service.search_people(agent, "sharma")

    assert audit.list_access_for_resident(queue["priya"]).groups == []


def test_a_residents_download_counts_the_lists_that_showed_their_name_per_day(
    client: Any, agent: Any, staff_log_in: Any, queue: dict[str, Any]
) -> None:
    staff_log_in(agent)
    client.get("/staff/queues")
    client.get("/staff/queues")
    service.search_people(agent, "sharma")

    kinds = {kind.key: kind for kind in StaffData().export(queue["priya"])}

    assert kinds["staff_access"].rows == ()
    rows = sorted(kinds["staff_listings"].rows, key=lambda row: str(row["list"]))
    assert [(row["list"], row["times"]) for row in rows] == [
        ("people search", 1),
        ("queue list", 2),
    ]
    assert {row["staff_member"] for row in rows} == {agent.staff_label}
    assert agent.last_name not in repr(rows)
