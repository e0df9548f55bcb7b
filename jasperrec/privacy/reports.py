"""The privacy officer's traffic reports, read from the daily sums in two queries."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import sqlalchemy as sa

from jasperrec.extensions import db

from .models import TrafficCount
from .models import TrafficDay
from .models import TrafficDimension

# A report covers at most a year, so a page and a download stay small.
MAX_DAYS = 366
DEFAULT_DAYS = 30
# Dates outside these years are typing mistakes (and near date.min would overflow).
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
# Each breakdown shows its largest values; the rest are summed as "Other".
TOP_VALUES = 12
BREAKDOWNS = (
    TrafficDimension.SECTION,
    TrafficDimension.DOWNLOAD,
    TrafficDimension.BROWSER,
    TrafficDimension.DEVICE,
    TrafficDimension.STATUS,
)
# Each report's name in its CSV's URL and file name, and its heading.
CSV_NAMES = {
    "sections": TrafficDimension.SECTION,
    "downloads": TrafficDimension.DOWNLOAD,
    "browsers": TrafficDimension.BROWSER,
    "devices": TrafficDimension.DEVICE,
    "errors": TrafficDimension.STATUS,
}


@dataclasses.dataclass(frozen=True)
class DayFigures:
    """One day's totals; zeros for a day with no traffic, None for visitors not counted."""

    day: dt.date
    page_views: int = 0
    unique_visitors: int | None = None
    hits: int = 0
    downloads: int = 0
    errors: int = 0


@dataclasses.dataclass(frozen=True)
class TrafficReport:
    """Every figure of the reports for one range of days."""

    since: dt.date
    until: dt.date
    days: tuple[DayFigures, ...]
    breakdowns: dict[TrafficDimension, tuple[tuple[str, int], ...]]


def traffic_report(since: dt.date, until: dt.date) -> TrafficReport:
    """Sum the kept daily figures and breakdowns from since to until, both included."""
    kept = {
        row.day: DayFigures(
            row.day, row.page_views, row.unique_visitors, row.hits, row.downloads, row.errors
        )
        for row in db.session.scalars(
            sa.select(TrafficDay).where(TrafficDay.day.between(since, until))
        )
    }
    span = (until - since).days + 1
    days = tuple(
        kept.get(day, DayFigures(day)) for day in (since + dt.timedelta(n) for n in range(span))
    )
    return TrafficReport(since, until, days, _breakdowns(since, until))


def _breakdowns(
    since: dt.date, until: dt.date
) -> dict[TrafficDimension, tuple[tuple[str, int], ...]]:
    total = sa.func.sum(TrafficCount.hits)
    rows = db.session.execute(
        sa.select(TrafficCount.dimension, TrafficCount.value, total)
        .where(TrafficCount.day.between(since, until))
        .where(TrafficCount.dimension.in_(BREAKDOWNS))
        .group_by(TrafficCount.dimension, TrafficCount.value)
        .order_by(TrafficCount.dimension, total.desc(), TrafficCount.value)
    )
    grouped: dict[TrafficDimension, list[tuple[str, int]]] = {d: [] for d in BREAKDOWNS}
    for dimension, value, hits in rows:
        grouped[dimension].append((value, int(hits)))
    # Statuses are few, and the errors among them must not vanish into "Other".
    return {
        dimension: tuple(values) if dimension is TrafficDimension.STATUS else _top(values)
        for dimension, values in grouped.items()
    }


def _top(values: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    if len(values) <= TOP_VALUES:
        return tuple(values)
    rest = sum(hits for _, hits in values[TOP_VALUES - 1 :])
    return (*values[: TOP_VALUES - 1], ("Other", rest))


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last DEFAULT_DAYS days, today included."""
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def bounded_range(
    since: dt.date | None, until: dt.date | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """Fill a missing end of a range from the other, keeping it within MAX_DAYS."""
    if since is None and until is None:
        return default_range(today)
    if until is None:
        assert since is not None
        until = min(since + dt.timedelta(days=DEFAULT_DAYS - 1), max(since, today))
    if since is None:
        since = until - dt.timedelta(days=DEFAULT_DAYS - 1)
    return since, min(until, since + dt.timedelta(days=MAX_DAYS - 1))


def _cell(value: object) -> object:
    """Keep a spreadsheet from reading a cell as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else value


def report_csv(report: TrafficReport, name: str) -> str:
    """Write one report as CSV: "daily", or a breakdown by its CSV name."""
    out = io.StringIO()
    writer = csv.writer(out)
    if name == "daily":
        writer.writerow(["day", "page views", "unique visitors", "requests", "downloads", "errors"])
        for d in report.days:
            unique = "" if d.unique_visitors is None else d.unique_visitors
            writer.writerow(
                [d.day.isoformat(), d.page_views, unique, d.hits, d.downloads, d.errors]
            )
        return out.getvalue()
    dimension = CSV_NAMES[name]
    writer.writerow([dimension.value, "requests"])
    for value, hits in breakdown(report, dimension):
        writer.writerow([_cell(value), hits])
    return out.getvalue()


def breakdown(report: TrafficReport, dimension: TrafficDimension) -> tuple[tuple[str, int], ...]:
    """One breakdown's values; for statuses, only the errors (400 and over)."""
    values = report.breakdowns.get(dimension, ())
    if dimension is TrafficDimension.STATUS:
        return tuple((v, n) for v, n in values if v[:1] in ("4", "5"))
    return values
