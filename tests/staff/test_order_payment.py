"""The console's order page says how an order was paid, card or desk against household
balance, and lists each refund with the credit part split off a card refund."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff import desk
from jasperrec.store import reconcile
from jasperrec.store import settlement
from jasperrec.store import tender
from jasperrec.store.desk_orders import DeskSale
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import PaymentMethod
from jasperrec.store.models import Refund
from jasperrec.store.models import RefundDestination
from jasperrec.store.models import RefundStatus
from tests import factories
from tests.store.test_desk_balance import give_credit


@pytest.fixture
def finance(make_staff: Any) -> Any:
    return make_staff(Role.FINANCE, departments=[])


@pytest.fixture
def signed_in(client: FlaskClient, staff_log_in: Any, finance: Any) -> FlaskClient:
    staff_log_in(finance)
    return client


def paid_online_partly_from_credit(credit: int) -> Order:
    """An order of $68.25 the household's credit paid part of, and a card the rest."""
    resident = factories.UserFactory()
    give_credit(resident, credit)
    order = factories.OrderFactory(user=resident)
    tender.apply_balance(order)
    settlement.record_payment(order.checkout_session_id, "pi_partly", order.card_cents)
    db.session.commit()
    return order


def desk_order(agent: Any, credit: int, method: PaymentMethod | None) -> Order:
    parent = factories.UserFactory()
    child = factories.HouseholdMemberFactory(user=parent)
    give_credit(parent, credit)
    program = factories.ProgramFactory(price_cents=8_400, is_taxable=False)
    return desk.register_at_desk(agent, DeskSale(program.id, parent.id, child.id, method, True))


def test_an_online_order_shows_the_card_and_the_balance_parts(signed_in: FlaskClient) -> None:
    order = paid_online_partly_from_credit(1_000)

    page = signed_in.get(f"/staff/orders/{order.id}").text

    assert (
        "<dt>How it was paid</dt><dd>$58.25 by card (processed by Stripe) and $10.00 from the "
        "household balance</dd>"
    ) in page
    assert "your household balance" not in page


def test_a_desk_order_shows_what_the_desk_collected_and_what_the_balance_paid(
    signed_in: FlaskClient, make_staff: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    order = desk_order(agent, 2_000, PaymentMethod.CASH)

    page = signed_in.get(f"/staff/orders/{order.id}").text

    assert "$64.00 by cash, at the desk and $20.00 from the household balance" in page
    assert f"By cash, taken by {agent.full_name}" in page
    assert reconcile.find_discrepancies() == []


def test_a_desk_order_the_balance_paid_in_full_shows_only_the_balance(
    signed_in: FlaskClient, make_staff: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    order = desk_order(agent, 10_000, None)

    page = signed_in.get(f"/staff/orders/{order.id}").text

    assert "<dt>How it was paid</dt><dd>$84.00 from the household balance</dd>" in page
    assert f"By household balance, taken by {agent.full_name}" in page


def test_an_unpaid_order_says_nothing_about_how_it_was_paid(signed_in: FlaskClient) -> None:
    order = factories.OrderFactory()
    db.session.commit()

    page = signed_in.get(f"/staff/orders/{order.id}").text

    assert "How it was paid" not in page


def test_a_card_refund_lists_its_credit_part_for_what_the_balance_paid(
    signed_in: FlaskClient,
) -> None:
    order = paid_online_partly_from_credit(1_000)
    data = {
        "line": str(order.lines[0].id),
        "amount": "68.25",
        "destination": RefundDestination.CARD.value,
        "reason": "Program cancelled",
    }

    page = signed_in.post(f"/staff/orders/{order.id}/refunds", data=data, follow_redirects=True)

    card, credit = db.session.query(Refund).order_by(Refund.id).all()
    assert (card.amount_cents, credit.amount_cents) == (5_825, 1_000)
    rows = page.text.split("<tbody>")[-1].split("</tbody>")[0].split("<tr>")[1:]
    assert f"#{card.id}</th>" in rows[0]
    assert "</span>card</td>" in rows[0]
    assert f"household credit (credit part of refund #{card.id})" in rows[1]
    assert "$10.00" in rows[1]
    assert reconcile.find_discrepancies() == []


def test_the_order_page_is_a_fixed_number_of_queries_whatever_its_refunds(
    signed_in: FlaskClient, count_queries: Callable[[Callable[[], Any]], int], make_staff: Any
) -> None:
    order = factories.OrderFactory(
        status=OrderStatus.PAID, total_cents=50_000, subtotal_cents=50_000
    )
    url = f"/staff/orders/{order.id}"

    def refund(by: Any) -> None:
        db.session.add(
            Refund(
                order=order,
                order_line=order.lines[0],
                amount_cents=100,
                currency="CAD",
                destination=RefundDestination.CREDIT,
                reason="Goodwill",
                requested_by_id=by.id,
                status=RefundStatus.SUCCEEDED,
            )
        )
        db.session.commit()

    refund(make_staff(Role.FINANCE, departments=[]))
    signed_in.get(url)  # the first page after sign-in does more
    one = count_queries(lambda: signed_in.get(url))
    for _ in range(6):
        refund(make_staff(Role.FINANCE, departments=[]))

    assert count_queries(lambda: signed_in.get(url)) == one
