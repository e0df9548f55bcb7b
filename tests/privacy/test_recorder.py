"""The access log's buffer and flusher: bounded, batched, and never in a request's way."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from jasperrec.extensions import db
from jasperrec.privacy import traffic as traffic_module
from jasperrec.privacy.models import TrafficHit
from jasperrec.privacy.traffic import TrafficRecorder
from jasperrec.useragents import DeviceClass


def _hit(n: int = 0) -> tuple[Any, ...]:
    minute = dt.datetime(2026, 12, 1, 12, n % 60, tzinfo=dt.UTC)
    return (minute, "GET", "/", 200, 10, False, None, "Firefox", "128", "Linux",
            DeviceClass.DESKTOP, "203.0.113.0/24")  # fmt: skip


def test_a_flood_cannot_grow_the_buffer_past_its_bound(app: Flask) -> None:
    recorder = TrafficRecorder(
        app, batch_size=10, flush_seconds=60, max_buffered=3, background=False
    )
    for n in range(5):
        recorder.record(_hit(n))
    assert len(recorder.buffer) == 3
    assert recorder.dropped == 2


def test_each_batch_is_written_with_one_insert(app: Flask) -> None:
    recorder = TrafficRecorder(
        app, batch_size=2, flush_seconds=60, max_buffered=100, background=False
    )
    for n in range(5):
        recorder.record(_hit(n))
    inserts: list[str] = []
    connection = db.session.connection()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO TRAFFIC_HITS"):
            inserts.append(statement)

    sa.event.listen(connection.engine, "before_cursor_execute", count)
    try:
        assert recorder.flush(connection) == 5
    finally:
        sa.event.remove(connection.engine, "before_cursor_execute", count)
    assert len(inserts) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrafficHit)) == 5


def test_a_request_succeeds_when_describing_it_fails(
    client: FlaskClient, traffic: TrafficRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(traffic_module, "describe_hit", broken)
    assert client.get("/").status_code == 200
    assert not traffic.buffer


def test_a_failed_write_is_logged_and_never_raised(
    app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = TrafficRecorder(
        app, batch_size=2, flush_seconds=60, max_buffered=100, background=False
    )
    recorder.record(_hit())

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise sa.exc.OperationalError("INSERT", {}, Exception("database is away"))

    monkeypatch.setattr(recorder, "flush", broken)
    recorder.safe_flush()
    assert "could not write the access log" in caplog.text


@pytest.fixture
def served_app(other_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    """A non-test app on a database of its own, whose flusher runs on its own thread."""
    served = other_app(
        DATABASE_URL=f"sqlite:///{tmp_path / 'served.db'}",
        PRIVACY_TRAFFIC_FLUSH_SECONDS=0.05,
        PRIVACY_TRAFFIC_BATCH_SIZE=1000,
    )
    with served.app_context():
        upgrade()
    traffic_module.recorder_for(served).background = True  # other_app leaves it off; this tests it
    return served


def _count_hits(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(TrafficHit))
        db.session.remove()
        return int(count or 0)


def test_the_flusher_writes_rows_off_the_request_within_seconds(served_app: Flask) -> None:
    recorder = traffic_module.recorder_for(served_app)
    client = served_app.test_client()
    for _ in range(3):
        assert client.get("/").status_code == 200
    deadline = time.monotonic() + 5
    while _count_hits(served_app) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _count_hits(served_app) == 3
    assert not recorder.buffer
    with served_app.app_context():
        db.engine.dispose()


def test_a_full_batch_wakes_the_flusher_at_once(
    other_app: Callable[..., Flask], tmp_path: Path
) -> None:
    served = other_app(
        DATABASE_URL=f"sqlite:///{tmp_path / 'batch.db'}",
        PRIVACY_TRAFFIC_FLUSH_SECONDS=3600,
        PRIVACY_TRAFFIC_BATCH_SIZE=2,
    )
    with served.app_context():
        upgrade()
    traffic_module.recorder_for(served).background = True  # other_app leaves it off; this tests it
    client = served.test_client()
    client.get("/")
    client.get("/")
    deadline = time.monotonic() + 5
    while _count_hits(served) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _count_hits(served) == 2
    with served.app_context():
        db.engine.dispose()
