"""Two requests taking a reference at the same moment, on separate PostgreSQL connections.

A hook holds each racer just before it takes its number until both are there, so both
try at once; a read-then-write counter in Python would hand both the same number. The
upsert makes the database pick an order. SQLite takes one write lock for the whole
database, so the race can only be run on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

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
    db.session.remove()
    db.session.execute(sa.delete(ServiceRequest).where(ServiceRequest.customer_id == ids[0]))
    db.session.execute(sa.delete(User).where(User.id == ids[0]))
    db.session.execute(sa.delete(Department).where(Department.id == ids[1]))
    db.session.execute(
        sa.delete(RequestReferenceCounter).where(RequestReferenceCounter.year >= 2090)
    )
    db.session.commit()


def _race(app: Flask, people: tuple[int, int], received: dt.datetime) -> list[str]:
    """File two requests at once; return the references they got."""
    both_ready = threading.Barrier(2, timeout=10)
    waited = threading.local()
    outcomes: list[str] = []

    def hold_counter_write(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith(COUNTER_WRITE) and not getattr(waited, "done", False):
            waited.done = True
            both_ready.wait()

    def file_request() -> None:
        with app.app_context():
            try:
                filed = ServiceRequest(
                    customer_id=people[0],
                    department_id=people[1],
                    channel=Channel.WEB,
                    subject="Race",
                    created_at=received,
                )
                db.session.add(filed)
                db.session.commit()
                outcomes.append(filed.reference)
            except Exception as error:  # noqa: BLE001 (reported by the caller's assertion)
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", hold_counter_write)
    try:
        threads = [threading.Thread(target=file_request) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        sa.event.remove(engine, "before_cursor_execute", hold_counter_write)
    return sorted(outcomes)


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
