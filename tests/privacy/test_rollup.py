"""Daily traffic totals, and the purge of raw rows that leaves the totals in place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.extensions import db
from jasperrec.privacy.models import TrafficCount
from jasperrec.privacy.models import TrafficDay
from jasperrec.privacy.models import TrafficHit
from jasperrec.privacy.rollup import purge_old_traffic
from jasperrec.privacy.rollup import purge_traffic_task
from jasperrec.privacy.rollup import section_of
from jasperrec.privacy.rollup import summarise_recent_traffic
from jasperrec.privacy.rollup import summarise_traffic_task
from jasperrec.privacy.visitors import counter_for
from jasperrec.tasks import huey
from jasperrec.useragents import DeviceClass

NOW = dt.datetime(2026, 12, 1, 15, 42, tzinfo=dt.UTC)


def _hit(minute: dt.datetime, **fields: Any) -> TrafficHit:
    values: dict[str, Any] = {
        "method": "GET",
        "route": "/store/programs/<slug>",
        "status": 200,
        "size": 1000,
        "is_download": False,
        "referrer_domain": None,
        "browser": "Firefox",
        "browser_major": "128",
        "os": "Linux",
        "device": DeviceClass.DESKTOP,
        "network": "203.0.113.0/24",
    }
    values.update(fields)
    hit = TrafficHit(minute=minute, **values)
    db.session.add(hit)
    return hit


def _counts(day: dt.date) -> dict[tuple[str, str], int]:
    rows = db.session.scalars(sa.select(TrafficCount).where(TrafficCount.day == day))
    return {(row.dimension.value, row.value): row.hits for row in rows}


def test_a_days_totals_and_breakdowns_come_from_its_raw_rows(app: Flask) -> None:
    _hit(NOW)
    _hit(NOW, route="/", referrer_domain="www.google.ca")
    _hit(NOW, route="/store/orders/<int:order_id>/receipt", is_download=True)
    _hit(NOW, route="/auth/login", status=500, browser="Chrome", browser_major="119")
    _hit(NOW, route="(no route)", status=404, device=DeviceClass.BOT, browser="Googlebot")
    _hit(NOW - dt.timedelta(days=1), route="/")
    db.session.flush()
    yesterday, today = summarise_recent_traffic(NOW)
    assert (today.hits, today.page_views, today.downloads, today.errors, today.not_found) == (
        5,
        2,
        1,
        1,
        1,
    )
    assert yesterday.hits == 1
    counts = _counts(NOW.date())
    assert counts[("section", "/store")] == 2
    assert counts[("section", "/auth")] == 1
    assert counts[("download", "/store/orders/<int:order_id>/receipt")] == 1
    assert counts[("browser", "Firefox 128")] == 3
    assert counts[("browser", "Chrome 119")] == 1
    assert counts[("device", "bot")] == 1
    assert counts[("status", "404")] == 1
    assert counts[("referrer", "www.google.ca")] == 1


def test_summarising_again_replaces_rather_than_adds(app: Flask) -> None:
    _hit(NOW)
    db.session.flush()
    summarise_recent_traffic(NOW)
    _hit(NOW)
    db.session.flush()
    summarise_recent_traffic(NOW)
    assert db.session.get(TrafficDay, NOW.date()).hits == 2  # type: ignore[union-attr]
    assert _counts(NOW.date())[("route", "/store/programs/<slug>")] == 2


def test_the_days_unique_visitors_are_written_and_kept_after_the_count_expires(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = counter_for()
    monkeypatch.setattr(counter, "count", lambda day, now: 7)
    summarise_recent_traffic(NOW)
    monkeypatch.setattr(counter, "count", lambda day, now: None)
    summarise_recent_traffic(NOW)
    assert db.session.get(TrafficDay, NOW.date()).unique_visitors == 7  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("route", "section"),
    [("/store/programs/<slug>", "/store"), ("/", "/"), ("(no route)", "(no route)")],
)
def test_a_route_belongs_to_the_section_of_its_first_segment(route: str, section: str) -> None:
    assert section_of(route) == section


def test_raw_rows_past_the_retention_are_purged_and_totals_kept(app: Flask) -> None:
    old = NOW - dt.timedelta(days=91)
    _hit(old)
    kept = _hit(NOW - dt.timedelta(days=89))
    db.session.flush()
    db.session.add(TrafficDay(day=old.date(), hits=1, page_views=1, downloads=0, errors=0,
                              not_found=0, unique_visitors=1))  # fmt: skip
    db.session.flush()
    assert purge_old_traffic(NOW) == 1
    assert db.session.scalars(sa.select(TrafficHit)).all() == [kept]
    assert db.session.get(TrafficDay, old.date()) is not None


def test_the_retention_period_is_configurable(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PRIVACY_TRAFFIC_RETENTION_DAYS", 7)
    _hit(NOW - dt.timedelta(days=8))
    _hit(NOW - dt.timedelta(days=6))
    db.session.flush()
    assert purge_old_traffic(NOW) == 1


def test_summary_and_purge_run_on_the_queue_schedule() -> None:
    periodic = huey._registry._periodic_tasks
    assert summarise_traffic_task.task_class in periodic
    assert purge_traffic_task.task_class in periodic
    due_at = dt.datetime(2026, 12, 1, 3, 47)
    assert summarise_traffic_task.task_class().validate_datetime(due_at.replace(minute=50))
    assert purge_traffic_task.task_class().validate_datetime(due_at)
    assert not purge_traffic_task.task_class().validate_datetime(due_at.replace(hour=4))
