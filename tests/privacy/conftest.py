"""Fixtures for the privacy tests: a resident's finished download and its emailed link."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

import pytest

from jasperrec.privacy.export import service

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
