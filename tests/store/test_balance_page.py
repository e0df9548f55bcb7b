"""The household balance page: the ledger's rows with the credit after each, paginated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from jasperrec.store import ledger
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import LedgerKind
from jasperrec.store.models import OrderStatus
from tests import factories


def credit(household: Any, amount: int, reason: str = "Withdrawal") -> None:
    kind = LedgerKind.CREDIT_ISSUED if amount > 0 else LedgerKind.CREDIT_SPENT
    ledger.add_entry(
        household, household, kind, LedgerAccount.CREDIT, amount, currency="CAD", reason=reason
    )


def test_the_page_lists_rows_newest_first_with_the_credit_after_each(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    order = factories.OrderFactory(user=user, status=OrderStatus.PAID)
    credit(user, 5_000, "Refund for Swim Level 1")
    credit(user, -1_200, "Spent on order JR-000099")
    factories.OrderFactory(status=OrderStatus.PAID)  # another household's
    log_in(user)

    page = client.get("/store/balance").text

    assert "Credit on your household account: <strong>$38.00</strong>" in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 3
    wanted = [
        ("Credit spent", "-$12.00", "$38.00"),
        ("Credit issued", "$50.00", "$50.00"),
        ("Payment", order.reference, "$0.00"),
    ]
    for row, texts in zip(rows, wanted, strict=True):
        assert all(text in row for text in texts), row


def test_the_running_balance_carries_over_pages(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    for _ in range(ledger.ENTRIES_PAGE_SIZE + 2):
        credit(user, 100)
    statement = ledger.list_entries_for(user, 2)
    assert [statement.running[e.id] for e in statement.page.items] == [200, 100]


def test_the_page_is_a_fixed_number_of_queries(
    client: FlaskClient, log_in: Any, user: Any, count_queries: Callable[..., int]
) -> None:
    log_in(user)
    factories.OrderFactory(user=user, status=OrderStatus.PAID)
    few = count_queries(lambda: client.get("/store/balance"))
    for _ in range(10):
        factories.OrderFactory(user=user, status=OrderStatus.PAID)
        credit(user, 100)
    assert count_queries(lambda: client.get("/store/balance")) == few


def test_the_page_needs_a_sign_in(client: FlaskClient) -> None:
    assert client.get("/store/balance").status_code == 302
