"""Anonymous traffic: raw request rows kept a short while, and the daily figures kept after."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from jasperrec.db import Base
from jasperrec.db import intpk
from jasperrec.useragents import DeviceClass

# The route recorded for a request that matched no rule (a 404 or a probe).
NO_ROUTE = "(no route)"


class TrafficHit(Base):
    """Record one request with nothing that can be joined to a person or an account.

    Columns: ``minute`` (UTC, seconds cut off), ``method``, ``route`` (the URL rule such
    as ``/store/programs/<slug>``, or ``(no route)``; never the path or query string),
    ``status``, ``size`` (response bytes, 0 when unknown), ``is_download`` (an attachment
    or a document such as a PDF, CSV or ZIP), ``referrer_domain`` (the other site's host
    name; NULL for none or for our own site), ``browser`` and ``browser_major`` (family
    and major version), ``os`` (family), ``device`` (DeviceClass) and ``network`` (the
    client's address cut to its /24 or /48, or coarser; "-" when unreadable).
    Rows older than PRIVACY_TRAFFIC_RETENTION_DAYS are purged; TrafficDay keeps the sums.
    """

    __tablename__ = "traffic_hits"

    id: Mapped[intpk]
    minute: Mapped[dt.datetime] = mapped_column(index=True)
    method: Mapped[str] = mapped_column(sa.String(10))
    route: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[int] = mapped_column(sa.SmallInteger)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    is_download: Mapped[bool]
    referrer_domain: Mapped[str | None] = mapped_column(sa.String(255))
    browser: Mapped[str] = mapped_column(sa.String(60))
    browser_major: Mapped[str] = mapped_column(sa.String(20))
    os: Mapped[str] = mapped_column(sa.String(60))
    device: Mapped[DeviceClass]
    network: Mapped[str] = mapped_column(sa.String(50))


class TrafficDay(Base):
    """Keep one UTC day's totals after its raw rows are purged.

    ``hits`` counts every request, ``page_views`` successful GETs of pages (HTML, not
    bots), ``downloads`` rows with is_download, ``errors`` statuses of 500 and over,
    ``not_found`` 404s, and ``unique_visitors`` distinct (network, browser) pairs
    counted under that day's key (see privacy.visitors); NULL when not counted.
    """

    __tablename__ = "traffic_days"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    hits: Mapped[int]
    page_views: Mapped[int]
    downloads: Mapped[int]
    errors: Mapped[int]
    not_found: Mapped[int]
    unique_visitors: Mapped[int | None]


class TrafficDimension(enum.StrEnum):
    """The breakdowns kept per day in TrafficCount."""

    SECTION = "section"
    ROUTE = "route"
    DOWNLOAD = "download"
    BROWSER = "browser"
    OS = "os"
    DEVICE = "device"
    STATUS = "status"
    REFERRER = "referrer"


class TrafficCount(Base):
    """Keep one day's count of requests for one value of one breakdown.

    ``dimension`` says which: ``section`` (the route's first segment, e.g. ``/store``),
    ``route`` (the whole rule), ``download`` (rule of a download), ``browser`` ("Firefox
    128"), ``os``, ``device`` (DeviceClass), ``status`` ("404") or ``referrer`` (domain).
    ``value`` is that value and ``hits`` the number of requests.
    """

    __tablename__ = "traffic_counts"
    __table_args__ = (sa.UniqueConstraint("day", "dimension", "value"),)

    id: Mapped[intpk]
    day: Mapped[dt.date] = mapped_column(sa.ForeignKey("traffic_days.day", ondelete="CASCADE"))
    dimension: Mapped[TrafficDimension]
    value: Mapped[str] = mapped_column(sa.String(255))
    hits: Mapped[int]
