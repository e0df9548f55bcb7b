"""Closure days: administrators keep the municipality's own closures in the console."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.helpdesk import closures
from jasperrec.helpdesk import standards
from jasperrec.helpdesk.errors import ClosureExistsError
from jasperrec.helpdesk.models import ClosureDay


@pytest.fixture
def admin(make_staff: Any) -> Any:
    return make_staff(Role.ADMINISTRATOR)


def all_closures() -> list[ClosureDay]:
    return list(db.session.scalars(sa.select(ClosureDay).order_by(ClosureDay.id)))


def test_the_seeded_closures_are_listed(client: FlaskClient, staff_log_in: Any, admin: Any) -> None:
    staff_log_in(admin)

    page = client.get("/staff/closures").get_data(as_text=True)

    assert "Every year, 30 September" in page
    assert "National Day for Truth and Reconciliation" in page
    assert "Every year, 24 December" in page
    assert "From 12:00" in page
    assert 'href="/staff/closures"' in page  # in the navigation


def test_an_administrator_adds_an_afternoon_closure_that_the_calendar_counts(
    client: FlaskClient, staff_log_in: Any, admin: Any
) -> None:
    staff_log_in(admin)

    response = client.post(
        "/staff/closures",
        data={"day": "2026-12-31", "closes_at": "12:00", "description": "New Year's Eve"},
    )

    assert response.status_code == 302
    assert standards.current_calendar().hours_on(dt.date(2026, 12, 31)) == (
        dt.time(8, 30),
        dt.time(12, 0),
    )


def test_a_yearly_closure_is_kept_on_its_month_and_day() -> None:
    closure = closures.add_closure(dt.date(2027, 11, 12), "Staff day", repeats_yearly=True)

    assert closure.day == dt.date(2000, 11, 12)
    assert not standards.current_calendar().is_business_day(dt.date(2030, 11, 12))
    with pytest.raises(ClosureExistsError):
        closures.add_closure(dt.date(2031, 11, 12), "Again", repeats_yearly=True)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"day": "", "description": "x"}, "Enter the date"),
        ({"day": "2026-02-30", "description": "x"}, "Not a valid date value"),
        ({"day": "2026-12-31", "closes_at": "25:00", "description": "x"}, "Not a valid time"),
        ({"day": "2026-12-31", "description": " "}, "Say what the closure is"),
        ({"day": "2026-12-31", "description": "x" * 201}, "Keep it to 200 characters."),
        (
            {"day": "2000-09-30", "description": "Again"},
            "There is already a closure on 30 September.",
        ),
    ],
)
def test_bad_closures_are_refused_with_a_message(
    client: FlaskClient, staff_log_in: Any, admin: Any, data: dict[str, str], error: str
) -> None:
    staff_log_in(admin)
    before = len(all_closures())

    response = client.post("/staff/closures", data=data)

    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    assert len(all_closures()) == before


def test_an_administrator_removes_a_closure(
    client: FlaskClient, staff_log_in: Any, admin: Any
) -> None:
    staff_log_in(admin)
    closure_id = closures.add_closure(dt.date(2026, 11, 25), "Training").id

    response = client.post(f"/staff/closures/{closure_id}/delete", follow_redirects=True)

    assert "The closure \u201cTraining\u201d is removed." in response.get_data(as_text=True)
    assert closure_id not in [c.id for c in all_closures()]
    assert client.post(f"/staff/closures/{closure_id}/delete").status_code == 404


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.DEPARTMENT_LEAD, Role.PRIVACY_OFFICER])
def test_only_administrators_manage_closures(
    client: FlaskClient, staff_log_in: Any, make_staff: Any, role: Role
) -> None:
    staff_log_in(make_staff(role))

    assert client.get("/staff/closures").status_code == 403
    assert client.post("/staff/closures", data={"day": "2026-12-31"}).status_code == 403


def test_the_list_is_paginated_in_a_fixed_number_of_queries(
    client: FlaskClient, staff_log_in: Any, admin: Any, count_queries: Any
) -> None:
    staff_log_in(admin)
    few = count_queries(lambda: client.get("/staff/closures"))
    for day in range(1, 60):
        closures.add_closure(dt.date(2026, 1, 1) + dt.timedelta(days=day), f"Day {day}")
    many = count_queries(lambda: client.get("/staff/closures"))

    assert many == few
    first = client.get("/staff/closures").get_data(as_text=True)
    assert "Next page" in first
    second = client.get("/staff/closures?page=2").get_data(as_text=True)
    assert "Previous page" in second
    assert "Day 59" in second
