"""Year-end statements and receipts worth keeping: every payment of a year, printable and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.store import statements
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatus
from tests import factories

UTC = dt.UTC


def paid(user: Any, at: dt.datetime, **fields: Any) -> Any:
    return factories.OrderFactory(user=user, status=OrderStatus.PAID, paid_at=at, **fields)


@pytest.fixture
def history(user: Any) -> dict[str, Any]:
    """Payments either side of New Year in Jasper (UTC-7), one pending and one of another user."""
    return {
        # 2026-12-31 23:30 in Jasper: still 2026 there, though 2027 in UTC.
        "late_2026": paid(user, dt.datetime(2027, 1, 1, 6, 30, tzinfo=UTC)),
        "early_2026": paid(user, dt.datetime(2026, 3, 2, 17, 0, tzinfo=UTC)),
        "in_2027": paid(user, dt.datetime(2027, 1, 1, 8, 0, tzinfo=UTC)),
        "pending": factories.OrderFactory(user=user),
        "theirs": paid(factories.UserFactory(), dt.datetime(2026, 6, 1, 17, tzinfo=UTC)),
    }


def test_the_years_are_local_years_with_payments_newest_first(
    app: Any, user: Any, history: dict[str, Any]
) -> None:
    assert statements.statement_years(user) == [2027, 2026]


def test_a_statement_holds_the_years_paid_lines_oldest_first_and_sums_them(
    app: Any, user: Any, history: dict[str, Any]
) -> None:
    found = statements.build_statement(user, 2026)
    assert [line.order_id for line in found.lines] == [
        history["early_2026"].id,
        history["late_2026"].id,
    ]
    assert (found.subtotal_cents, found.gst_cents, found.total_cents) == (13_000, 650, 13_650)
    assert found.holder == user.full_name


def test_every_line_of_an_order_is_on_the_statement(app: Any, user: Any) -> None:
    order = paid(user, dt.datetime(2026, 5, 1, 17, tzinfo=UTC))
    order.lines.append(
        OrderLine(
            description="Swim Kids Level 3",
            participant_name="Maya Tremblay",
            quantity=1,
            unit_price_cents=8_400,
            gst_cents=0,
        )
    )
    db.session.flush()
    found = statements.build_statement(user, 2026)
    assert [(line.description, line.participant) for line in found.lines] == [
        ("Adult 30-day pass", None),
        ("Swim Kids Level 3", "Maya Tremblay"),
    ]


@pytest.mark.parametrize("year", [1999, 3000])
def test_a_year_out_of_range_is_not_found(app: Any, user: Any, year: int) -> None:
    with pytest.raises(NotFoundError):
        statements.build_statement(user, year)


def test_the_csv_has_a_row_per_line_dollars_and_a_total(
    app: Any, user: Any, history: dict[str, Any]
) -> None:
    history["early_2026"].lines[0].description = '=HYPERLINK("http://evil")'
    rows = list(
        csv.reader(io.StringIO(statements.statement_csv(statements.build_statement(user, 2026))))
    )
    assert rows[0] == ["Date paid", "Order", "Item", "For", "Quantity", "Amount", "GST", "Total"]
    assert rows[1][:3] == [
        "2026-03-02",
        history["early_2026"].reference,
        '\'=HYPERLINK("http://evil")',
    ]
    assert rows[1][5:] == ["65.00", "3.25", "68.25"]
    assert rows[2][0] == "2026-12-31"
    assert rows[-1] == ["", "", "Total for 2026", "", "", "130.00", "6.50", "136.50"]


def test_the_pages_list_years_and_show_a_printable_statement(
    client: FlaskClient, log_in: Any, user: Any, history: dict[str, Any]
) -> None:
    log_in(user)
    index = client.get("/store/statements").get_data(as_text=True)
    assert 'href="/store/statements/2026"' in index
    assert 'href="/store/statements/2027.csv"' in index
    page = client.get("/store/statements/2026").get_data(as_text=True)
    assert "Statement for 2026" in page
    assert "GST number" in page
    assert "$136.50" in page
    assert history["theirs"].reference not in page
    response = client.get("/store/statements/2026.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="statement-2026.csv"' in response.headers["Content-Disposition"]


def test_statements_need_sign_in_and_a_silly_year_is_404(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    assert client.get("/store/statements").status_code == 302
    log_in(user)
    assert client.get("/store/statements/1850").status_code == 404
    assert client.get("/store/statements/99999999999").status_code == 404
    assert "no payments yet" in client.get("/store/statements").get_data(as_text=True)


def test_the_statement_page_is_a_fixed_number_of_queries(
    client: FlaskClient,
    log_in: Any,
    user: Any,
    history: dict[str, Any],
    count_queries: Callable[[Callable[[], Any]], int],
) -> None:
    log_in(user)
    client.get("/store/statements/2026")
    few = count_queries(lambda: client.get("/store/statements/2026"))
    for day in range(1, 8):
        paid(user, dt.datetime(2026, 7, day, 17, tzinfo=UTC))
    db.session.commit()
    assert count_queries(lambda: client.get("/store/statements/2026")) == few


def test_a_paid_order_page_is_a_receipt_saying_how_and_where(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    program = factories.ProgramFactory(name="Swim Kids Level 3", facility="Jasper Aquatic Centre")
    order = paid(user, dt.datetime(2026, 5, 1, 17, tzinfo=UTC))
    order.lines[0].program = program
    db.session.commit()
    log_in(user)
    page = client.get(f"/store/orders/{order.id}").get_data(as_text=True)
    assert "$68.25 by card (processed by Stripe)" in page
    assert ", Jasper Aquatic Centre</span>" in page
    assert "year-end statement" in page


def test_the_receipt_email_gives_each_lines_gst_place_and_how_it_was_paid(
    app: Any, user: Any, outbox: list[Any]
) -> None:
    from jasperrec.mail import build_message

    program = factories.ProgramFactory(facility="Jasper Aquatic Centre")
    order = paid(user, dt.datetime(2026, 5, 1, 17, tzinfo=UTC))
    order.lines[0].program = program
    db.session.flush()
    with app.test_request_context():
        message = build_message(user.email, "store/receipt", order=order, user=user)
    text = message.get_body(("plain",)).get_content()
    assert ": $65.00, GST $3.25" in text
    assert ", Jasper Aquatic Centre" in text
    assert "by card (processed by Stripe)" in text
    html = message.get_body(("html",)).get_content()
    assert '<td align="right">$3.25</td>' in html
