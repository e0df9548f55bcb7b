"""The staff console's queue shows each request's answer-by date and flags overdue ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from tests import factories


def test_queue_shows_due_dates_and_flags_overdue_requests(
    app: Flask, client: Any, make_staff: Any, staff_log_in: Any, department: Any
) -> None:
    now = utcnow()
    late = factories.ServiceRequestFactory(
        department=department, subject="Late", due_at=now - dt.timedelta(hours=1)
    )
    on_time = factories.ServiceRequestFactory(
        department=department, subject="On time", due_at=now + dt.timedelta(days=2)
    )
    staff_log_in(make_staff(Role.HELPDESK_AGENT))

    page = client.get("/staff/queues").get_data(as_text=True)

    local_time = app.jinja_env.filters["local_time"]
    assert "Answer due by" in page
    assert local_time(late.due_at, "%Y-%m-%d %H:%M") in page
    assert local_time(on_time.due_at, "%Y-%m-%d %H:%M") in page
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert rows.count(">Overdue</span>") == 1
    assert rows.index("Late") < rows.index(">Overdue</span>") < rows.index("On time")


def test_queue_still_hides_other_departments_requests(
    client: Any, make_staff: Any, staff_log_in: Any, other_department: Any
) -> None:
    factories.ServiceRequestFactory(
        department=other_department, subject="Not yours", due_at=utcnow()
    )
    staff_log_in(make_staff(Role.HELPDESK_AGENT))

    page = client.get("/staff/queues").get_data(as_text=True)

    assert "Not yours" not in page
    assert "Your queues are empty." in page
