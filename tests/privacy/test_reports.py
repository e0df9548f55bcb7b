"""The privacy officer's site-use reports: charts with tables, CSV, the range, who may see them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.privacy.models import TrafficCount
from jasperrec.privacy.models import TrafficDay
from jasperrec.privacy.models import TrafficDimension
from tests.staff.conftest import department
from tests.staff.conftest import make_staff
from tests.staff.conftest import staff_log_in

__all__ = ["department", "make_staff", "staff_log_in"]

PAGE = "/staff/privacy/site-use"


def today(app: Flask) -> dt.date:
    return dt.datetime.now(ZoneInfo(app.config["MUNICIPALITY_TIMEZONE"])).date()


def add_day(day: dt.date, views: int, counts: dict[TrafficDimension, dict[str, int]]) -> None:
    db.session.add(
        TrafficDay(
            day=day,
            hits=views * 3,
            page_views=views,
            downloads=2,
            errors=1,
            not_found=4,
            unique_visitors=views // 2,
        )
    )
    db.session.flush()
    for dimension, values in counts.items():
        for value, hits in values.items():
            db.session.add(TrafficCount(day=day, dimension=dimension, value=value, hits=hits))
    db.session.flush()


COUNTS = {
    TrafficDimension.SECTION: {"/store": 40, "/helpdesk": 15},
    TrafficDimension.DOWNLOAD: {"/store/orders/<reference>/receipt.pdf": 2},
    TrafficDimension.BROWSER: {"Firefox 131": 30, "Chrome 120": 25},
    TrafficDimension.DEVICE: {"desktop": 35, "mobile": 20},
    TrafficDimension.STATUS: {"200": 50, "404": 4, "500": 1},
}


@pytest.fixture
def officer(make_staff: Callable[..., Any], staff_log_in: Callable[..., Any]) -> Any:
    person = make_staff(Role.PRIVACY_OFFICER)
    staff_log_in(person)
    return person


def test_the_officer_sees_each_report_as_an_accessible_chart_with_its_table(
    app: Flask, client: Any, officer: Any
) -> None:
    add_day(today(app) - dt.timedelta(days=1), 120, COUNTS)

    response = client.get(PAGE)
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert page.count('role="img"') == 7
    for heading in ("Visits per day", "Sections visited", "Downloads", "Browsers", "Devices"):
        assert f">{heading}</h2>" in page
    assert '<title id="daily-title">Page views per day</title>' in page
    assert '<title id="visitors-title">Unique visitors per day</title>' in page
    assert '<desc id="sections-desc">2 bars; the largest is /store with 40.' in page
    assert '<td>Firefox 131</td><td class="numeric">30</td>' in page
    assert "<td>404</td>" in page
    assert "<td>200</td>" not in page
    assert "<script" not in page
    assert " style=" not in page
    assert 'href="/staff/privacy/site-use"' in page  # the console's navigation names it


def test_the_range_defaults_to_the_last_30_days_and_stays_in_the_links(
    app: Flask, client: Any, officer: Any
) -> None:
    end = today(app)
    start = end - dt.timedelta(days=29)

    page = client.get(PAGE).get_data(as_text=True)

    assert f"From {start.isoformat()} to {end.isoformat()} (30 days)" in page
    assert f"daily.csv?since={start.isoformat()}&amp;until={end.isoformat()}" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=2026-01-01&until=2025-01-01", "Choose an end date on or after the start date."),
        ("since=2024-01-01&until=2026-01-01", "Choose at most 366 days."),
        ("since=not-a-date", "Not a valid date value."),
        ("until=0001-01-05", "Choose a date from 2000 to 2100."),
        ("since=9999-12-31", "Choose a date from 2000 to 2100."),
    ],
)
def test_an_unreadable_range_is_explained_and_the_default_shown(
    app: Flask, client: Any, officer: Any, query: str, message: str
) -> None:
    response = client.get(f"{PAGE}?{query}")

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert "(30 days)" in response.get_data(as_text=True)


def test_a_chosen_range_selects_its_days(app: Flask, client: Any, officer: Any) -> None:
    add_day(dt.date(2026, 3, 1), 7, {})
    add_day(dt.date(2026, 3, 9), 9, {})

    page = client.get(f"{PAGE}?since=2026-03-01&until=2026-03-05").get_data(as_text=True)

    assert "From 2026-03-01 to 2026-03-05 (5 days)" in page
    assert '<td>2026-03-01</td><td class="numeric">7</td>' in page
    assert "2026-03-09" not in page


def test_each_report_downloads_as_csv(client: Any, officer: Any) -> None:
    add_day(dt.date(2026, 3, 2), 7, COUNTS)
    query = "?since=2026-03-01&until=2026-03-02"

    daily = client.get(f"{PAGE}/daily.csv{query}")
    errors = client.get(f"{PAGE}/errors.csv{query}")
    browsers = client.get(f"{PAGE}/browsers.csv{query}")

    assert daily.mimetype == "text/csv"
    assert "site-use-daily-2026-03-01-to-2026-03-02.csv" in daily.headers["Content-Disposition"]
    assert list(csv.reader(io.StringIO(daily.get_data(as_text=True)))) == [
        ["day", "page views", "unique visitors", "requests", "downloads", "errors"],
        ["2026-03-01", "0", "", "0", "0", "0"],
        ["2026-03-02", "7", "3", "21", "2", "1"],
    ]
    assert errors.get_data(as_text=True).splitlines() == ["status,requests", "404,4", "500,1"]
    assert browsers.get_data(as_text=True).splitlines()[1] == "Firefox 131,30"


def test_a_value_that_reads_as_a_formula_is_quoted_in_the_csv(client: Any, officer: Any) -> None:
    add_day(dt.date(2026, 3, 2), 7, {TrafficDimension.BROWSER: {"=HYPERLINK(1)": 3}})

    body = client.get(f"{PAGE}/browsers.csv?since=2026-03-02&until=2026-03-02").get_data(
        as_text=True
    )

    assert "'=HYPERLINK(1),3" in body


def test_a_download_with_unreadable_dates_sends_nothing_and_explains(
    client: Any, officer: Any
) -> None:
    response = client.get(f"{PAGE}/daily.csv?since=2026-02-01&until=2026-01-01")

    assert response.status_code == 302
    assert response.location == f"{PAGE}?since=2026-02-01&until=2026-01-01"
    page = client.get(response.location).get_data(as_text=True)
    assert "nothing was downloaded" in page


def test_an_unknown_report_is_not_found(client: Any, officer: Any) -> None:
    assert client.get(f"{PAGE}/referrers.csv").status_code == 404


@pytest.mark.parametrize("path", [PAGE, f"{PAGE}/daily.csv"])
def test_staff_without_the_privacy_permission_are_refused(
    client: Any, make_staff: Callable[..., Any], staff_log_in: Callable[..., Any], path: str
) -> None:
    staff_log_in(make_staff(Role.HELPDESK_AGENT))

    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", [PAGE, f"{PAGE}/daily.csv"])
def test_residents_and_visitors_are_refused(
    client: Any, user: Any, log_in: Callable[..., Any], path: str
) -> None:
    assert client.get(path).status_code == 302
    log_in(user)
    assert client.get(path).status_code == 403


def statements_during(action: Callable[[], Any]) -> list[str]:
    seen: list[str] = []
    connection = db.session.connection()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
    return seen


def test_the_number_of_queries_does_not_grow_with_days_or_values(client: Any, officer: Any) -> None:
    add_day(dt.date(2025, 1, 1), 5, COUNTS)
    few = len(statements_during(lambda: client.get(f"{PAGE}?since=2025-01-01&until=2025-01-02")))
    for n in range(60):
        values = {d: {f"{d.value}-{n}-{m}": m + 1 for m in range(5)} for d in TrafficDimension}
        add_day(dt.date(2025, 1, 3) + dt.timedelta(days=n), 5, values)
    many = len(statements_during(lambda: client.get(f"{PAGE}?since=2025-01-01&until=2025-12-31")))

    assert 0 < many == few
    page = client.get(f"{PAGE}?since=2025-01-01&until=2025-12-31").get_data(as_text=True)
    assert re.search(r"<td>Other</td><td class=\"numeric\">[\d,]+</td>", page)
