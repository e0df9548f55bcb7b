"""Daily traffic totals from the raw rows, and the purge of raw rows past their retention."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import current_app

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.tasks import crontab
from jasperrec.tasks import periodic_task
from jasperrec.useragents import DeviceClass

from .models import TrafficCount
from .models import TrafficDay
from .models import TrafficDimension
from .models import TrafficHit
from .visitors import counter_for
from .visitors import day_start

# The breakdowns kept per day: the column (or expression) grouped, and a filter if any.
BREAKDOWNS: dict[TrafficDimension, tuple[Any, Any]] = {
    TrafficDimension.ROUTE: (TrafficHit.route, sa.true()),
    TrafficDimension.DOWNLOAD: (TrafficHit.route, TrafficHit.is_download),
    TrafficDimension.OS: (TrafficHit.os, sa.true()),
    TrafficDimension.DEVICE: (TrafficHit.device, sa.true()),
    TrafficDimension.STATUS: (TrafficHit.status, sa.true()),
    TrafficDimension.REFERRER: (
        TrafficHit.referrer_domain,
        TrafficHit.referrer_domain.is_not(None),
    ),
}


def section_of(route: str) -> str:
    """Name the part of the site a route belongs to: its first segment (/store, /auth)."""
    if not route.startswith("/"):
        return route
    return "/" + route.split("/", 2)[1]


def _day_hits(day: dt.date) -> Any:
    start = day_start(day)
    return sa.and_(TrafficHit.minute >= start, TrafficHit.minute < start + dt.timedelta(days=1))


def _counts(day: dt.date) -> dict[tuple[TrafficDimension, str], int]:
    """Count the day's requests by every breakdown."""
    in_day = _day_hits(day)
    counts: dict[tuple[TrafficDimension, str], int] = {}
    for dimension, (column, condition) in BREAKDOWNS.items():
        rows = db.session.execute(
            sa.select(column, sa.func.count()).where(in_day, condition).group_by(column)
        )
        for value, hits in rows:
            counts[(dimension, str(value)[:255])] = hits
    rows = db.session.execute(
        sa.select(TrafficHit.browser, TrafficHit.browser_major, sa.func.count())
        .where(in_day)
        .group_by(TrafficHit.browser, TrafficHit.browser_major)
    )
    for browser, major, hits in rows:
        counts[(TrafficDimension.BROWSER, f"{browser} {major}".strip()[:255])] = hits
    for (dimension, value), hits in list(counts.items()):
        if dimension is TrafficDimension.ROUTE:
            key = (TrafficDimension.SECTION, section_of(value))
            counts[key] = counts.get(key, 0) + hits
    return counts


def _totals(day: dt.date) -> dict[str, int]:
    """Sum the day's requests, page views, downloads, errors and 404s."""
    page = sa.and_(
        TrafficHit.method == "GET",
        TrafficHit.status.between(200, 299),
        sa.not_(TrafficHit.is_download),
        TrafficHit.device != DeviceClass.BOT,
        sa.not_(TrafficHit.route.startswith("/static/")),
    )
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(page),
            sa.func.count().filter(TrafficHit.is_download),
            sa.func.count().filter(TrafficHit.status >= 500),
            sa.func.count().filter(TrafficHit.status == 404),
        ).where(_day_hits(day))
    ).one()
    return dict(zip(("hits", "page_views", "downloads", "errors", "not_found"), row, strict=True))


def _summarise_day(day: dt.date, now: dt.datetime) -> TrafficDay:
    """Rewrite one day's totals and breakdowns from its raw rows; flush only."""
    record = db.session.get(TrafficDay, day) or TrafficDay(day=day)
    for name, value in _totals(day).items():
        setattr(record, name, value)
    visitors = counter_for().count(day, now)
    # Once the day's count has expired, the figure written before it did is the final one.
    if visitors is not None:
        record.unique_visitors = visitors
    db.session.add(record)
    db.session.flush()
    db.session.execute(sa.delete(TrafficCount).where(TrafficCount.day == day))
    rows = [
        {"day": day, "dimension": dimension, "value": value, "hits": hits}
        for (dimension, value), hits in _counts(day).items()
    ]
    if rows:
        db.session.execute(sa.insert(TrafficCount), rows)
    return record


def summarise_recent_traffic(now: dt.datetime | None = None) -> list[TrafficDay]:
    """Write yesterday's and today's totals into traffic_days and traffic_counts."""
    now = now or utcnow()
    days = [now.date() - dt.timedelta(days=1), now.date()]
    records = [_summarise_day(day, now) for day in days]
    db.session.commit()
    return records


def purge_old_traffic(now: dt.datetime | None = None) -> int:
    """Delete raw rows older than PRIVACY_TRAFFIC_RETENTION_DAYS; return how many went."""
    now = now or utcnow()
    days = int(current_app.config["PRIVACY_TRAFFIC_RETENTION_DAYS"])
    cutoff = day_start(now.date() - dt.timedelta(days=days))
    result = db.session.execute(sa.delete(TrafficHit).where(TrafficHit.minute < cutoff))
    db.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


@periodic_task(crontab(minute="*/10"))
def summarise_traffic_task() -> None:
    """Every ten minutes: bring the daily traffic figures up to date."""
    summarise_recent_traffic()


@periodic_task(crontab(minute="47", hour="3"))
def purge_traffic_task() -> None:
    """Nightly: drop raw access-log rows past their retention; the daily totals stay."""
    purge_old_traffic()
