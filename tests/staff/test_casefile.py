"""The staff request page: the customer's history beside the request, one audit entry per
page view, none more for the page shown again after its own form."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import Resolution
from jasperrec.staff import casefile
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AuditEntry
from jasperrec.staff.views.requests import RETURNING_KEY
from jasperrec.store import tender
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories
from tests.store.test_desk_balance import give_credit
from tests.store.test_desk_balance import give_gift


@pytest.fixture
def agent(make_staff: Any) -> Any:
    return make_staff(Role.HELPDESK_AGENT)


@pytest.fixture
def customer() -> Any:
    return factories.UserFactory(first_name="Priya", last_name="Sharma")


@pytest.fixture
def current(department: Any, customer: Any) -> Any:
    return factories.ServiceRequestFactory(
        department=department, customer=customer, subject="Pool too cold"
    )


def request_entries() -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.kind == AccessKind.REQUEST)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def add_registration(customer: Any, status: RegistrationStatus, member: Any = None) -> None:
    order = factories.OrderFactory(user=customer, status=OrderStatus.PAID, total_cents=10_000)
    order.lines[0].registration = Registration(
        program=factories.ProgramFactory(name="Swim Level 3"),
        user_id=customer.id,
        household_member=member,
        status=status,
    )
    db.session.flush()


def test_the_history_lists_the_customers_other_requests_with_their_outcomes(
    agent: Any, customer: Any, current: Any, department: Any, other_department: Any
) -> None:
    now = utcnow()
    factories.ServiceRequestFactory(
        department=department,
        customer=customer,
        subject="Lost key",
        status=RequestStatus.CLOSED,
        created_at=now - dt.timedelta(days=30),
        closed_at=now - dt.timedelta(days=28),
    )
    factories.ServiceRequestFactory(
        department=other_department, customer=customer, subject="Broken bench"
    )
    factories.ServiceRequestFactory(department=department, subject="Someone else's")

    history = casefile.open_request_page(agent, current.id).history

    assert [(r.subject, r.status, r.in_scope) for r in history.requests] == [
        ("Broken bench", RequestStatus.NEW, False),
        ("Lost key", RequestStatus.CLOSED, True),
    ]
    assert history.requests[1].closed_at is not None
    assert (history.request_count, history.open_request_count) == (2, 1)


@pytest.mark.parametrize(
    ("status", "resolution", "outcome", "ended"),
    [
        (RequestStatus.RESOLVED, Resolution.FIXED, "fixed", "resolved"),
        (RequestStatus.CLOSED, Resolution.DUPLICATE, "duplicate of another request", "closed"),
        (RequestStatus.CLOSED, None, None, "closed"),
        (RequestStatus.IN_PROGRESS, None, None, None),
    ],
)
def test_the_history_says_how_each_earlier_request_ended_and_when(
    agent: Any,
    customer: Any,
    current: Any,
    department: Any,
    status: RequestStatus,
    resolution: Resolution | None,
    outcome: str | None,
    ended: str | None,
) -> None:
    now = utcnow()
    resolved_at = now - dt.timedelta(days=10)
    closed_at = now - dt.timedelta(days=3)
    factories.ServiceRequestFactory(
        department=department,
        customer=customer,
        status=status,
        resolution=resolution,
        resolved_at=resolved_at if resolution else None,
        closed_at=closed_at if status is RequestStatus.CLOSED else None,
    )

    (earlier,) = casefile.open_request_page(agent, current.id).history.requests

    assert earlier.outcome == outcome
    assert earlier.ended_at == {"resolved": resolved_at, "closed": closed_at, None: None}[ended]


def test_every_resolution_code_has_words() -> None:
    assert set(casefile.RESOLUTION_WORDS) == set(Resolution)


def test_the_request_page_shows_each_earlier_requests_outcome(
    client: Any, agent: Any, staff_log_in: Any, customer: Any, current: Any, department: Any
) -> None:
    factories.ServiceRequestFactory(
        department=department,
        customer=customer,
        subject="Gate left open",
        status=RequestStatus.CLOSED,
        resolution=Resolution.NOT_OUR_JURISDICTION,
        resolved_at=dt.datetime(2026, 3, 2, 17, tzinfo=dt.UTC),
        closed_at=dt.datetime(2026, 3, 10, 17, tzinfo=dt.UTC),
    )
    staff_log_in(agent)

    page = client.get(f"/staff/requests/{current.id}").get_data(as_text=True)

    assert (
        '<span class="cell-label">Outcome: </span>Closed 2026-03-10: not our jurisdiction</td>'
        in page
    )


def test_the_history_sums_up_registrations_and_orders(
    agent: Any, customer: Any, current: Any
) -> None:
    member = factories.HouseholdMemberFactory(user=customer, first_name="Noor")
    add_registration(customer, RegistrationStatus.CONFIRMED, member)
    add_registration(customer, RegistrationStatus.CANCELLED)
    factories.OrderFactory(user=customer, status=OrderStatus.EXPIRED, total_cents=500)

    history = casefile.open_request_page(agent, current.id).history

    assert history.registration_counts == {
        RegistrationStatus.CONFIRMED: 1,
        RegistrationStatus.CANCELLED: 1,
    }
    assert sorted(r.participant for r in history.registrations) == ["Noor", "Themselves"]
    assert history.order_counts == {OrderStatus.PAID: 2, OrderStatus.EXPIRED: 1}
    assert history.paid_total_cents == 20_000
    assert len(history.orders) == 3


def test_the_request_page_shows_the_history_under_one_audit_entry_naming_the_request(
    client: Any, agent: Any, staff_log_in: Any, customer: Any, current: Any, department: Any
) -> None:
    factories.ServiceRequestFactory(department=department, customer=customer, subject="Lost key")
    add_registration(customer, RegistrationStatus.CONFIRMED)
    staff_log_in(agent)

    page = client.get(f"/staff/requests/{current.id}").get_data(as_text=True)

    assert "Priya's history" in page
    assert "Lost key" in page
    assert "Swim Level 3" in page
    assert "$100.00 paid in all" in page
    (entry,) = request_entries()
    assert (entry.staff_id, entry.resident_id, entry.request_id) == (
        agent.id,
        customer.id,
        current.id,
    )


def test_each_new_page_view_is_one_more_entry(
    client: Any, agent: Any, staff_log_in: Any, current: Any
) -> None:
    staff_log_in(agent)

    client.get(f"/staff/requests/{current.id}")
    client.get(f"/staff/requests/{current.id}")

    assert len(request_entries()) == 2


def test_a_reply_and_its_redirect_back_add_no_entry(
    client: Any, agent: Any, staff_log_in: Any, current: Any
) -> None:
    staff_log_in(agent)
    client.get(f"/staff/requests/{current.id}")

    response = client.post(
        f"/staff/requests/{current.id}/reply",
        data={"body": "We have turned the heat up."},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Your reply is saved" in response.get_data(as_text=True)
    assert len(request_entries()) == 1
    client.get(f"/staff/requests/{current.id}")
    assert len(request_entries()) == 2


def test_a_failed_form_shows_the_page_again_without_another_entry(
    client: Any, agent: Any, staff_log_in: Any, current: Any
) -> None:
    staff_log_in(agent)
    client.get(f"/staff/requests/{current.id}")

    response = client.post(f"/staff/requests/{current.id}/reply", data={"body": ""})

    assert response.status_code == 400
    assert "Priya's history" in response.get_data(as_text=True)
    assert len(request_entries()) == 1


def test_a_failed_form_with_no_view_before_it_is_recorded(
    client: Any, agent: Any, staff_log_in: Any, current: Any, department: Any
) -> None:
    other = factories.ServiceRequestFactory(department=department)
    staff_log_in(agent)
    client.get(f"/staff/requests/{other.id}")

    response = client.post(f"/staff/requests/{current.id}/reply", data={"body": ""})

    assert response.status_code == 400
    assert [e.request_id for e in request_entries()] == [other.id, current.id]


def test_a_reply_without_a_view_before_it_is_recorded_on_the_way_back(
    client: Any, agent: Any, staff_log_in: Any, current: Any
) -> None:
    staff_log_in(agent)

    client.post(
        f"/staff/requests/{current.id}/reply", data={"body": "Hello"}, follow_redirects=True
    )

    assert len(request_entries()) == 1


def test_a_stale_return_marker_does_not_hide_a_later_view(
    app: Flask, client: Any, agent: Any, staff_log_in: Any, current: Any
) -> None:
    staff_log_in(agent)
    client.get(f"/staff/requests/{current.id}")
    with client.session_transaction() as session:
        session[RETURNING_KEY] = [current.id, time.time() - 3600]

    client.get(f"/staff/requests/{current.id}")

    assert len(request_entries()) == 2


def test_the_history_reads_the_same_number_of_queries_however_long_it_is(
    client: Any,
    agent: Any,
    staff_log_in: Any,
    customer: Any,
    current: Any,
    department: Any,
    other_department: Any,
    count_queries: Callable[[Callable[[], Any]], int],
) -> None:
    staff_log_in(agent)
    resolved = {
        "status": RequestStatus.RESOLVED,
        "resolution": Resolution.ANSWERED,
        "resolved_at": utcnow(),
    }
    factories.ServiceRequestFactory(department=department, customer=customer, **resolved)
    add_registration(customer, RegistrationStatus.CONFIRMED)
    few = count_queries(lambda: client.get(f"/staff/requests/{current.id}"))
    for n in range(25):
        factories.ServiceRequestFactory(
            department=department if n % 2 else other_department, customer=customer, **resolved
        )
        add_registration(customer, RegistrationStatus.CONFIRMED)

    many = count_queries(lambda: client.get(f"/staff/requests/{current.id}"))
    page = client.get(f"/staff/requests/{current.id}").get_data(as_text=True)

    assert many == few
    assert page.count(": question answered</td>") == casefile.EARLIER_REQUESTS_SHOWN


def test_the_history_holds_the_households_credit_and_gift_balance(
    agent: Any, customer: Any, current: Any
) -> None:
    give_credit(customer, 2_000)
    give_gift(customer, 1_500)
    give_credit(factories.UserFactory(), 9_900)  # another household's

    history = casefile.open_request_page(agent, current.id).history

    assert history.balance == tender.Spendable(credit_cents=2_000, gift_cents=1_500)


def test_the_request_page_shows_the_balance_beside_the_orders(
    client: Any, agent: Any, staff_log_in: Any, customer: Any, current: Any
) -> None:
    give_credit(customer, 2_000)
    staff_log_in(agent)

    page = client.get(f"/staff/requests/{current.id}").text

    assert "<h3>Household balance</h3>" in page
    assert "$20.00 to spend at checkout or at the desk: $20.00 of credit" in page


def test_a_customer_without_a_balance_is_said_to_have_none(
    client: Any, agent: Any, staff_log_in: Any, current: Any
) -> None:
    staff_log_in(agent)

    page = client.get(f"/staff/requests/{current.id}").text

    assert "No credit or gift balance." in page


def test_staff_who_may_not_open_the_request_see_no_balance(
    client: Any, make_staff: Any, staff_log_in: Any, customer: Any, current: Any
) -> None:
    give_credit(customer, 2_000)
    outsider = make_staff(Role.HELPDESK_AGENT, departments=[factories.DepartmentFactory()])
    staff_log_in(outsider)

    response = client.get(f"/staff/requests/{current.id}")

    assert response.status_code == 404
    assert "$20.00" not in response.text


def test_the_balance_reads_the_same_number_of_queries_however_many_rows_it_has(
    client: Any,
    agent: Any,
    staff_log_in: Any,
    customer: Any,
    current: Any,
    count_queries: Callable[[Callable[[], Any]], int],
) -> None:
    staff_log_in(agent)
    give_credit(customer, 100)
    give_gift(customer, 500)
    db.session.commit()
    client.get(f"/staff/requests/{current.id}")  # the first page after sign-in does more
    few = count_queries(lambda: client.get(f"/staff/requests/{current.id}"))
    for _ in range(20):
        give_credit(customer, 100)
    give_gift(customer, 500)
    db.session.commit()
    page = client.get(f"/staff/requests/{current.id}").text

    many = count_queries(lambda: client.get(f"/staff/requests/{current.id}"))

    assert many == few
    assert "$31.00 to spend" in page
