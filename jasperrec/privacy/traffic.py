"""The anonymous access log: describe each request without its person, write rows in batches.

The request only appends one small tuple to a bounded in-process buffer; a flusher thread
writes the buffer with one multi-row INSERT per batch on its own connection, every
PRIVACY_TRAFFIC_BATCH_SIZE rows or PRIVACY_TRAFFIC_FLUSH_SECONDS, and at process exit.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from flask import Request
from flask import Response
from flask import request

from jasperrec import useragents
from jasperrec.extensions import db
from jasperrec.networks import masked_address
from jasperrec.useragents import DeviceClass

from . import visitors
from .models import NO_ROUTE
from .models import TrafficHit
from .visitors import VisitorCounter

EXTENSION_KEY = "jasperrec.privacy.traffic"
# Document types counted as downloads even when not sent as an attachment.
DOWNLOAD_TYPES = frozenset(
    {"application/pdf", "application/zip", "application/octet-stream", "text/csv", "text/calendar"}
)
COLUMNS = (
    "minute",
    "method",
    "route",
    "status",
    "size",
    "is_download",
    "referrer_domain",
    "browser",
    "browser_major",
    "os",
    "device",
    "network",
)
Hit = tuple[Any, ...]
INSERT_HITS = sa.insert(TrafficHit)
log = logging.getLogger(__name__)


def describe_user_agent(user_agent: str) -> tuple[str, str, str, DeviceClass]:
    """Reduce a User-Agent to browser family, its major version, OS family and device class."""
    agent = useragents.describe(user_agent)
    return agent.browser or "Other", agent.major, agent.os or "Other", agent.device


def referrer_domain(referrer: str | None, own_host: str | None) -> str | None:
    """Keep only the referring site's host name, and nothing for a link from our own site."""
    if not referrer:
        return None
    try:
        host = urlsplit(referrer[:2048]).hostname
    except ValueError:
        return None
    own = urlsplit(f"//{own_host}").hostname if own_host else None
    if not host or host == own:
        return None
    return host[:255]


def is_download(response: Response) -> bool:
    """Tell whether a response is a file to keep rather than a page to read."""
    disposition = response.headers.get("Content-Disposition", "")
    return disposition.lower().startswith("attachment") or response.mimetype in DOWNLOAD_TYPES


def describe_hit(req: Request, response: Response, ipv4_prefix: int, ipv6_prefix: int) -> Hit:
    """Turn one request and its response into a row that names no person."""
    minute = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    browser, major, os_family, device = describe_user_agent(req.headers.get("User-Agent", ""))
    network = masked_address(req.remote_addr or "", ipv4_prefix, ipv6_prefix)
    return (
        minute,
        req.method[:10],
        req.url_rule.rule[:200] if req.url_rule else NO_ROUTE,
        response.status_code,
        response.content_length or 0,
        is_download(response),
        referrer_domain(req.headers.get("Referer"), req.host),
        browser,
        major,
        os_family,
        device,
        network,
    )


class TrafficRecorder:
    """Hold described requests in a bounded buffer and write them to the database in batches."""

    def __init__(
        self,
        app: Flask,
        *,
        batch_size: int,
        flush_seconds: float,
        max_buffered: int,
        background: bool,
    ) -> None:
        self.app = app
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        # A flood drops the oldest rows rather than growing without limit.
        self.buffer: deque[Hit] = deque(maxlen=max_buffered)
        self.dropped = 0
        self.background = background
        self.listeners: list[Callable[[list[Hit]], None]] = []
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._pid: int | None = None

    def record(self, hit: Hit) -> None:
        """Queue one row; wake the flusher once a batch is ready."""
        if len(self.buffer) == self.buffer.maxlen:
            self.dropped += 1
        self.buffer.append(hit)
        if self.background:
            self._ensure_thread()
            if len(self.buffer) >= self.batch_size:
                self._wake.set()

    def flush(self, connection: sa.Connection | None = None) -> int:
        """Write everything buffered now, one INSERT per batch; return the rows written.

        Without a connection, each batch commits on a connection of its own.
        """
        written = 0
        with self._lock:
            while self.buffer:
                batch = [
                    self.buffer.popleft() for _ in range(min(self.batch_size, len(self.buffer)))
                ]
                rows = [dict(zip(COLUMNS, hit, strict=True)) for hit in batch]
                # One cached statement with many parameter sets: compiling a fresh
                # 200-row VALUES clause per batch cost the workers' GIL more than the write.
                if connection is None:
                    with self.app.app_context(), db.engine.begin() as own:
                        own.execute(INSERT_HITS, rows)
                else:
                    connection.execute(INSERT_HITS, rows)
                for listener in self.listeners:
                    listener(batch)
                written += len(batch)
        return written

    def safe_flush(self) -> None:
        """Flush, logging rather than raising: losing some log rows must never stop the site."""
        try:
            self.flush()
        except Exception:
            log.exception("could not write the access log; this batch is lost")

    def _ensure_thread(self) -> None:
        """Start the flusher in this process; after a fork (gunicorn) the parent's is gone."""
        if self._pid == os.getpid():
            return
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            threading.Thread(target=self._run, name="traffic-flusher", daemon=True).start()
            atexit.register(self.safe_flush)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            self.safe_flush()


def _count_visitors(counter: VisitorCounter) -> Callable[[list[Hit]], None]:
    """Feed each written batch's people (not bots) to the day's unique-visitor count."""
    browser_at, major_at, device_at, network_at = (
        COLUMNS.index(name) for name in ("browser", "browser_major", "device", "network")
    )

    def count(batch: list[Hit]) -> None:
        people = [
            (hit[network_at], f"{hit[browser_at]} {hit[major_at]}")
            for hit in batch
            if hit[device_at] != DeviceClass.BOT
        ]
        counter.add(people, dt.datetime.now(dt.UTC))

    return count


def init_app(app: Flask) -> None:
    """Record every request when PRIVACY_TRAFFIC_ENABLED is on."""
    config = app.config
    recorder = TrafficRecorder(
        app,
        batch_size=int(config["PRIVACY_TRAFFIC_BATCH_SIZE"]),
        flush_seconds=float(config["PRIVACY_TRAFFIC_FLUSH_SECONDS"]),
        max_buffered=int(config["PRIVACY_TRAFFIC_MAX_BUFFERED"]),
        # Tests flush by hand, inside their rolled-back transaction.
        background=not app.testing,
    )
    app.extensions[EXTENSION_KEY] = recorder
    recorder.listeners.append(_count_visitors(visitors.init_app(app)))
    if not config["PRIVACY_TRAFFIC_ENABLED"]:
        return
    ipv4_prefix = int(config["PRIVACY_TRAFFIC_IPV4_PREFIX"])
    ipv6_prefix = int(config["PRIVACY_TRAFFIC_IPV6_PREFIX"])

    @app.after_request
    def record_traffic(response: Response) -> Response:
        try:
            recorder.record(describe_hit(request, response, ipv4_prefix, ipv6_prefix))
        except Exception:
            log.exception("could not describe a request for the access log")
        return response


def recorder_for(app: Flask) -> TrafficRecorder:
    """Return the app's traffic recorder."""
    recorder: TrafficRecorder = app.extensions[EXTENSION_KEY]
    return recorder
