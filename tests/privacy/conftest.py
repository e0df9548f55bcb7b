"""Fixtures for the privacy tests: a resident's finished download and its emailed link, and
the access log's recorder, emptied for each test."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.extensions import db
from jasperrec.privacy.export import service
from jasperrec.privacy.models import TrafficHit
from jasperrec.privacy.traffic import TrafficRecorder
from jasperrec.privacy.traffic import recorder_for

LINK = re.compile(r"/privacy/download/([A-Za-z0-9_-]+)")


def link_token(message: EmailMessage) -> str:
    """Read the download token from the emailed link."""
    body = message.get_body(("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found is not None
    return found.group(1)


@pytest.fixture
def ready(user: Any, outbox: list[EmailMessage]) -> tuple[Any, str]:
    """A download the queue has built for `user`, and the token from its email."""
    export = service.request_export(user)
    return export, link_token(outbox[-1])


@pytest.fixture
def traffic(app: Flask) -> Iterator[TrafficRecorder]:
    """The suite app's recorder, with nothing buffered before or after the test."""
    recorder = recorder_for(app)
    recorder.buffer.clear()
    yield recorder
    recorder.buffer.clear()


@pytest.fixture
def logged_hits(traffic: TrafficRecorder) -> Callable[[], list[TrafficHit]]:
    """Write what is buffered inside the test's transaction and return every row."""

    def flush_and_read() -> list[TrafficHit]:
        traffic.flush(db.session.connection())
        return list(db.session.scalars(sa.select(TrafficHit).order_by(TrafficHit.id)))

    return flush_and_read
