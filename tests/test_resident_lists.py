"""A resident's own lists (orders, helpdesk requests) come a page at a time, at a fixed cost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from jasperrec.extensions import db
from tests import factories

Counter = Callable[[Callable[[], Any]], int]


def test_my_orders_come_twenty_a_page_and_a_page_past_the_last_shows_the_last(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    orders = [factories.OrderFactory(user=user) for _ in range(21)]
    db.session.commit()
    log_in(user)
    first = client.get("/store/orders").get_data(as_text=True)
    assert first.count('href="/store/orders/') == 20
    assert "Page 1 of 2 (21 in all)" in first
    assert 'rel="next" href="/store/orders?page=2"' in first
    last = client.get("/store/orders?page=99").get_data(as_text=True)
    assert f'href="/store/orders/{orders[0].id}"' in last
    assert last.count('href="/store/orders/') == 1


def test_my_orders_page_is_a_fixed_number_of_queries(
    client: FlaskClient, log_in: Any, user: Any, count_queries: Counter
) -> None:
    factories.OrderFactory(user=user)
    db.session.commit()
    log_in(user)
    client.get("/store/orders")
    one = count_queries(lambda: client.get("/store/orders"))
    for _ in range(8):
        factories.OrderFactory(user=user)
    db.session.commit()
    assert count_queries(lambda: client.get("/store/orders")) == one


def test_my_requests_come_twenty_a_page(client: FlaskClient, log_in: Any, user: Any) -> None:
    for n in range(23):
        factories.ServiceRequestFactory(customer=user, subject=f"Question {n}")
    db.session.commit()
    log_in(user)
    first = client.get("/helpdesk/").get_data(as_text=True)
    assert first.count('href="/helpdesk/requests/') == 20
    assert "Page 1 of 2 (23 in all)" in first
    second = client.get("/helpdesk/?page=2").get_data(as_text=True)
    assert second.count('href="/helpdesk/requests/') == 3


def test_my_requests_page_is_a_fixed_number_of_queries_whatever_the_departments(
    client: FlaskClient, log_in: Any, user: Any, count_queries: Counter
) -> None:
    factories.ServiceRequestFactory(customer=user)
    db.session.commit()
    log_in(user)
    client.get("/helpdesk/")
    one = count_queries(lambda: client.get("/helpdesk/"))
    for _ in range(6):  # each in a department of its own
        factories.ServiceRequestFactory(customer=user)
    db.session.commit()
    assert count_queries(lambda: client.get("/helpdesk/")) == one
