"""Two requests taking a reference at the same moment, on separate PostgreSQL connections.

A hook holds each racer just before it takes its number until both are there, so both
try at once; a read-then-write counter in Python would hand both the same number. The
upsert makes the database pick an order. SQLite takes one write lock for the whole
database, so the race can only be run on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Department
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import RequestReferenceCounter
from jasperrec.helpdesk.models import ServiceRequest
from tests import factories
from tests.conftest import TEST_DATABASE_URL
from tests.races import delete_committed
from tests.races import run_at_once

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.commits,
    pytest.mark.skipif(
        not (TEST_DATABASE_URL or "").startswith("postgresql"),
        reason="racing row locks needs PostgreSQL (JASPERREC_TEST_DATABASE_URL)",
    ),
]

COUNTER_WRITE = "INSERT INTO request_reference_counters"


@pytest.fixture
def people(app: Flask) -> Iterator[tuple[int, int]]:
    """A committed customer and department; deleted with their requests afterwards."""
    customer = factories.UserFactory(email="reference-racer@example.ca")
    department = factories.DepartmentFactory()
    db.session.commit()
    ids = (customer.id, department.id)
    db.session.remove()
    yield ids
    delete_committed(
        sa.delete(ServiceRequest).where(ServiceRequest.customer_id == ids[0]),
        sa.delete(User).where(User.id == ids[0]),
        sa.delete(Department).where(Department.id == ids[1]),
        sa.delete(RequestReferenceCounter).where(RequestReferenceCounter.year >= 2090),
    )


def _race(app: Flask, people: tuple[int, int], received: dt.datetime) -> list[str]:
    """File two requests at once; return the references they got."""

    def file_request() -> str:
        filed = ServiceRequest(
            customer_id=people[0],
            department_id=people[1],
            channel=Channel.WEB,
            subject="Race",
            created_at=received,
        )
        db.session.add(filed)
        db.session.commit()
        return filed.reference

    return sorted(run_at_once(app, file_request, [(), ()], hold_before=COUNTER_WRITE))


def test_the_first_two_requests_of_a_year_at_once_get_one_and_two(
    app: Flask, people: tuple[int, int]
) -> None:
    received = dt.datetime(2091, 5, 1, 18, tzinfo=dt.UTC)

    assert _race(app, people, received) == ["JR-2091-000001", "JR-2091-000002"]


def test_two_requests_at_once_later_in_a_year_get_the_next_two_numbers(
    app: Flask, people: tuple[int, int]
) -> None:
    received = dt.datetime(2092, 5, 1, 18, tzinfo=dt.UTC)
    _race(app, people, received)

    assert _race(app, people, received) == ["JR-2092-000003", "JR-2092-000004"]
