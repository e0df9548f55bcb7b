"""The time left on a hold: said in minutes by the server, counted down by a small script."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient

from jasperrec.dates import time_left
from jasperrec.store.models import OrderStatus
from tests import factories

NOW = dt.datetime(2026, 12, 2, 18, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("left", "said"),
    [
        (dt.timedelta(minutes=30), "30 minutes"),
        (dt.timedelta(minutes=1, seconds=59), "1 minute"),
        (dt.timedelta(seconds=59), "less than a minute"),
        (dt.timedelta(0), "no time"),
        (dt.timedelta(minutes=-5), "no time"),
    ],
)
def test_time_left_is_said_in_whole_minutes(left: dt.timedelta, said: str) -> None:
    assert time_left(NOW + left, now=NOW) == said


def test_a_pending_order_says_how_long_the_spaces_are_held_and_counts_down(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    order = factories.OrderFactory(user=user)
    log_in(user)
    page = client.get(f"/store/orders/{order.id}").get_data(as_text=True)
    assert "Your spaces are held for <strong><time datetime=" in page
    assert "data-countdown>29 minutes</time>" in page or "data-countdown>30 minutes" in page
    assert '<script src="/static/countdown.js" defer></script>' in page


def test_a_paid_order_has_no_countdown_and_no_script(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    order = factories.OrderFactory(user=user, status=OrderStatus.PAID, paid_at=NOW)
    log_in(user)
    page = client.get(f"/store/orders/{order.id}").get_data(as_text=True)
    assert "data-countdown" not in page
    assert "<script" not in page


def test_the_countdown_script_is_served(client: FlaskClient) -> None:
    response = client.get("/static/countdown.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "data-countdown" in response.get_data(as_text=True)
    response.close()
