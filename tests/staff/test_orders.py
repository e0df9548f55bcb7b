"""Finance finds orders by reference, name, email, state and date, and opens one, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff import orders
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from jasperrec.staff.models import AuditEntryResident
from jasperrec.store.models import OrderStatus
from tests import factories

UTC = dt.UTC


@pytest.fixture
def finance(make_staff: Any) -> Any:
    return make_staff(Role.FINANCE, departments=[])


@pytest.fixture
def signed_in(client: FlaskClient, staff_log_in: Any, finance: Any) -> FlaskClient:
    staff_log_in(finance)
    return client


def order_for(first: str, last: str, email: str, placed: dt.datetime, **fields: Any) -> Any:
    customer = factories.UserFactory(first_name=first, last_name=last, email=email)
    return factories.OrderFactory(user=customer, created_at=placed, **fields)


def references(page: orders.OrderPage) -> list[str]:
    return [row.reference for row in page.rows]


def found(staff: Any, **filters: Any) -> list[str]:
    return references(orders.list_orders(staff, orders.OrderFilter(**filters)))


@pytest.fixture
def three(app: Flask) -> list[Any]:
    """Three orders placed on local days Nov 30, Dec 1 and Dec 2, 2026 (Edmonton, UTC-7)."""
    return [
        order_for("Sam", "Okafor", "sam@example.ca", dt.datetime(2026, 12, 1, 6, 30, tzinfo=UTC)),
        order_for(
            "Alex",
            "Tremblay",
            "alex.t@example.ca",
            dt.datetime(2026, 12, 1, 18, 0, tzinfo=UTC),
            status=OrderStatus.PAID,
        ),
        order_for("Dana", "White", "dana@example.ca", dt.datetime(2026, 12, 3, 3, 0, tzinfo=UTC)),
    ]


def test_the_list_is_newest_first(finance: Any, three: list[Any]) -> None:
    assert found(finance) == [o.reference for o in reversed(three)]


@pytest.mark.parametrize("typed", ["{ref}", "{ref_lower}", "#{id}", "{id}"])
def test_an_order_is_found_by_its_reference_however_it_is_read_out(
    finance: Any, three: list[Any], typed: str
) -> None:
    target = three[1]
    text = typed.format(ref=target.reference, ref_lower=target.reference.lower(), id=target.id)
    assert found(finance, text=text) == [target.reference]


@pytest.mark.parametrize("text", ["tremblay", "Alex Tremblay", "ALEX.T@", "lex"])
def test_an_order_is_found_by_the_customers_name_or_email(
    finance: Any, three: list[Any], text: str
) -> None:
    assert found(finance, text=text) == [three[1].reference]


def test_percent_and_underscore_match_themselves(finance: Any, three: list[Any]) -> None:
    assert found(finance, text="%") == []
    assert found(finance, text="_") == []


def test_days_are_local_days_both_included(finance: Any, three: list[Any]) -> None:
    # 06:30 UTC on Dec 1 is 23:30 on Nov 30 in Jasper; 03:00 UTC on Dec 3 is Dec 2 there.
    day = dt.date(2026, 12, 1)
    assert found(finance, placed_from=day, placed_to=day) == [three[1].reference]
    assert found(finance, placed_to=dt.date(2026, 11, 30)) == [three[0].reference]
    assert found(finance, placed_from=dt.date(2026, 12, 2)) == [three[2].reference]


def test_the_payment_state_narrows_the_list(finance: Any, three: list[Any]) -> None:
    assert found(finance, status=OrderStatus.PAID) == [three[1].reference]


def test_each_list_is_one_audit_entry_naming_the_customers_shown(
    finance: Any, three: list[Any]
) -> None:
    orders.list_orders(finance, orders.OrderFilter(text="white"))
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert (entry.staff_id, entry.kind, entry.purpose) == (
        finance.id,
        AccessKind.ORDER,
        AccessPurpose.FINANCE,
    )
    assert entry.detail == "page 1 of 1, searched for 'white'"
    shown = db.session.scalars(sa.select(AuditEntryResident.resident_id)).all()
    assert shown == [three[2].user_id]


def test_opening_an_order_is_audited_against_its_customer(finance: Any, three: list[Any]) -> None:
    opened = orders.open_order(finance, three[0].id)
    assert opened == three[0]
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert (entry.resident_id, entry.record_type, entry.record_id) == (
        three[0].user_id,
        "order",
        three[0].id,
    )


def test_the_page_lists_and_links_orders(signed_in: FlaskClient, three: list[Any]) -> None:
    page = signed_in.get("/staff/orders?q=okafor").get_data(as_text=True)
    assert f'href="/staff/orders/{three[0].id}"' in page
    assert "Sam Okafor" in page
    assert "Alex Tremblay" not in page
    assert "1 order." in page
    assert '<span class="cell-label">Payment state: </span>Awaiting payment' in page


def test_the_order_page_shows_the_lines_state_and_payment(
    signed_in: FlaskClient, three: list[Any]
) -> None:
    paid = three[1]
    paid.payment_intent_id = "pi_3Qexample"
    db.session.commit()
    page = signed_in.get(f"/staff/orders/{paid.id}").get_data(as_text=True)
    assert f"Order {paid.reference}" in page
    assert "Adult 30-day pass" in page
    assert "Stripe payment pi_3Qexample" in page
    assert "Paid" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("placed_from=2026-13-40", "Not a valid date value."),
        ("placed_from=2026-12-05&placed_to=2026-12-01", "The last day cannot be before the first"),
        ("placed_to=0001-01-01", "Enter a date between the years 2000 and 2999."),
        ("status=refunded", "Not a valid choice"),
        ("q=" + "x" * 101, "Search for at most 100 characters."),
    ],
)
def test_a_search_that_cannot_be_read_says_why_and_shows_every_order(
    signed_in: FlaskClient, three: list[Any], query: str, message: str
) -> None:
    response = signed_in.get(f"/staff/orders?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "3 orders." in page


def test_an_unknown_or_huge_order_number_is_404(signed_in: FlaskClient) -> None:
    assert signed_in.get("/staff/orders/999999").status_code == 404
    assert signed_in.get("/staff/orders/99999999999999999999").status_code == 404
    assert signed_in.get("/staff/orders?page=99999999999999999999").status_code == 200


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.PROGRAM_COORDINATOR])
def test_only_finance_opens_orders(
    client: FlaskClient, staff_log_in: Any, make_staff: Any, three: list[Any], role: Role
) -> None:
    staff_log_in(make_staff(role))
    assert client.get("/staff/orders").status_code == 403
    assert client.get(f"/staff/orders/{three[0].id}").status_code == 403
    assert 'href="/staff/orders"' not in client.get("/staff/").get_data(as_text=True)


def test_finance_has_orders_in_the_console_navigation(signed_in: FlaskClient) -> None:
    assert 'href="/staff/orders"' in signed_in.get("/staff/").get_data(as_text=True)


def test_pages_hold_fifty_and_a_page_past_the_last_shows_the_last(finance: Any) -> None:
    start = dt.datetime(2026, 6, 1, 18, tzinfo=UTC)
    for n in range(51):
        order_for(f"P{n}", "Person", f"p{n}@example.ca", start + dt.timedelta(minutes=n))
    first = orders.list_orders(finance, orders.OrderFilter())
    assert (len(first.rows), first.total, first.pages) == (50, 51, 2)
    last = orders.list_orders(finance, orders.OrderFilter(page=9))
    assert (last.page, len(last.rows)) == (2, 1)


def test_the_list_page_is_a_fixed_number_of_queries(
    signed_in: FlaskClient, count_queries: Callable[[Callable[[], Any]], int]
) -> None:
    start = dt.datetime(2026, 6, 1, 18, tzinfo=UTC)
    order_for("Only", "One", "one@example.ca", start)
    signed_in.get("/staff/orders")  # the first page after sign-in does more
    one = count_queries(lambda: signed_in.get("/staff/orders"))
    for n in range(30):
        order_for(f"P{n}", "Person", f"p{n}@example.ca", start + dt.timedelta(minutes=n))
    assert count_queries(lambda: signed_in.get("/staff/orders")) == one


def test_the_order_page_is_a_fixed_number_of_queries_whatever_its_lines(
    signed_in: FlaskClient, count_queries: Callable[[Callable[[], Any]], int], three: list[Any]
) -> None:
    url = f"/staff/orders/{three[1].id}"
    signed_in.get(url)  # the first page after sign-in does more
    one_line = count_queries(lambda: signed_in.get(url))
    line = three[1].lines[0]
    for _ in range(5):
        db.session.add(
            type(line)(
                order=three[1],
                description="Drop-in swim",
                quantity=1,
                unit_price_cents=650,
                gst_cents=33,
            )
        )
    db.session.commit()
    assert count_queries(lambda: signed_in.get(url)) == one_line
