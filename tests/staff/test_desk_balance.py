"""The desk page shows the household's balance, spends it first when ticked, and says what the
desk still collects; the ledger reconciles after each registration."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff.forms import DeskRegistrationForm
from jasperrec.store import reconcile
from jasperrec.store import tender
from jasperrec.store.models import Order
from jasperrec.store.models import PaymentMethod
from tests import factories
from tests.store.test_desk_balance import give_credit
from tests.store.test_desk_balance import give_gift

FEE = 8_400


@pytest.fixture
def agent(make_staff: Any) -> Any:
    return make_staff(Role.HELPDESK_AGENT)


@pytest.fixture
def program() -> Any:
    return factories.ProgramFactory(name="Swim Kids 3", price_cents=FEE, is_taxable=False)


@pytest.fixture
def parent() -> Any:
    return factories.UserFactory(first_name="Alex", last_name="Tremblay")


@pytest.fixture
def maya(parent: Any) -> Any:
    return factories.HouseholdMemberFactory(user=parent, first_name="Maya", last_name="Tremblay")


def register(client: FlaskClient, program: Any, parent: Any, **data: str) -> Any:
    return client.post(f"/staff/desk/{program.id}/{parent.id}", data=data)


def orders() -> list[Order]:
    return list(db.session.scalars(sa.select(Order)))


def test_the_page_shows_the_balance_and_ticks_paying_from_it_first(
    client: FlaskClient, staff_log_in: Any, agent: Any, program: Any, parent: Any, maya: Any
) -> None:
    give_credit(parent, 2_000)
    give_gift(parent, 1_000)
    db.session.commit()
    staff_log_in(agent)

    page = client.get(f"/staff/desk/{program.id}/{parent.id}").text

    assert "has $20.00 of credit and a gift balance of $10.00: $30.00 to spend" in page
    assert "Pay from the household&#39;s balance first" in page
    assert "collect $54.00 by the method below" in page
    assert "Without it: collect $84.00" in page


def test_the_balance_box_is_ticked(
    client: FlaskClient, staff_log_in: Any, agent: Any, program: Any, parent: Any, maya: Any
) -> None:
    give_credit(parent, 2_000)
    db.session.commit()
    staff_log_in(agent)

    page = client.get(f"/staff/desk/{program.id}/{parent.id}").text

    [box] = [tag for tag in page.split("<input")[1:] if 'name="use_balance"' in tag]
    assert "checked" in box


def test_a_balance_that_covers_the_fee_says_nothing_to_collect(
    client: FlaskClient, staff_log_in: Any, agent: Any, program: Any, parent: Any, maya: Any
) -> None:
    give_credit(parent, 10_000)
    db.session.commit()
    staff_log_in(agent)

    page = client.get(f"/staff/desk/{program.id}/{parent.id}").text

    assert "paid in full from the household balance; nothing to collect" in page


def test_without_a_balance_there_is_no_box_and_the_desk_collects_the_fee(
    client: FlaskClient, staff_log_in: Any, agent: Any, program: Any, parent: Any, maya: Any
) -> None:
    db.session.commit()
    staff_log_in(agent)

    page = client.get(f"/staff/desk/{program.id}/{parent.id}").text

    assert 'name="use_balance"' not in page
    assert "no credit or gift balance: collect $84.00 by the method below" in page


def test_paid_in_full_from_the_balance_through_the_page(
    client: FlaskClient,
    staff_log_in: Any,
    agent: Any,
    program: Any,
    parent: Any,
    maya: Any,
    outbox: list[EmailMessage],
) -> None:
    give_credit(parent, 10_000)
    db.session.commit()
    staff_log_in(agent)

    done = register(client, program, parent, participant=str(maya.id), use_balance="y")

    assert done.status_code == 302
    page = client.get(done.headers["Location"]).text
    assert "Maya Tremblay is registered in Swim Kids 3" in page
    assert "Paid in full from the household balance." in page
    [order] = orders()
    assert (order.balance_paid_cents, order.payment_method) == (FEE, PaymentMethod.BALANCE)
    body = outbox[-1].get_body(("plain",)).get_content()
    assert "$84.00 from your household balance" in body
    assert "at the desk" not in body
    assert reconcile.find_discrepancies() == []


def test_part_from_the_balance_and_the_rest_collected_through_the_page(
    client: FlaskClient,
    staff_log_in: Any,
    agent: Any,
    program: Any,
    parent: Any,
    maya: Any,
    outbox: list[EmailMessage],
) -> None:
    give_credit(parent, 2_000)
    db.session.commit()
    staff_log_in(agent)

    done = register(
        client,
        program,
        parent,
        participant=str(maya.id),
        use_balance="y",
        method=PaymentMethod.CASH.value,
    )

    page = client.get(done.headers["Location"]).text
    assert "Collect $64.00 by cash ($20.00 came from the household balance)." in page
    [order] = orders()
    assert (order.balance_paid_cents, order.card_cents) == (2_000, 6_400)
    body = outbox[-1].get_body(("plain",)).get_content()
    assert "$64.00 by cash, at the desk and $20.00 from your household balance" in body
    assert reconcile.find_discrepancies() == []


def test_unticked_the_desk_collects_it_all_and_the_balance_stays(
    client: FlaskClient, staff_log_in: Any, agent: Any, program: Any, parent: Any, maya: Any
) -> None:
    give_credit(parent, 2_000)
    db.session.commit()
    staff_log_in(agent)

    done = register(
        client, program, parent, participant=str(maya.id), method=PaymentMethod.DEBIT.value
    )

    page = client.get(done.headers["Location"]).text
    assert "Collect $84.00 by debit card at the terminal." in page
    assert tender.spendable(parent).credit_cents == 2_000
    assert reconcile.find_discrepancies() == []


def test_something_to_collect_without_a_method_shows_beside_the_method(
    client: FlaskClient, staff_log_in: Any, agent: Any, program: Any, parent: Any, maya: Any
) -> None:
    give_credit(parent, 2_000)
    db.session.commit()
    staff_log_in(agent)

    response = register(client, program, parent, participant=str(maya.id), use_balance="y")

    assert response.status_code == 422
    assert 'id="method-error"><span>Choose how you collected the $64.00 to pay.' in response.text
    assert orders() == []
    assert tender.spendable(parent).credit_cents == 2_000


@pytest.mark.parametrize(
    ("method", "valid"),
    [
        (PaymentMethod.CASH.value, True),
        ("", True),
        (PaymentMethod.BALANCE.value, False),
        ("gold bars", False),
    ],
)
def test_the_form_offers_only_what_the_desk_collects_by(app: Any, method: str, valid: bool) -> None:
    with app.test_request_context(method="POST", data={"participant": "holder", "method": method}):
        form = DeskRegistrationForm()
        form.participant.choices = [("holder", "Alex")]
        assert form.validate() is valid
        assert PaymentMethod.BALANCE.value not in [value for value, *_ in form.method.choices]


def test_a_free_program_says_there_is_nothing_to_collect(
    client: FlaskClient, staff_log_in: Any, agent: Any, parent: Any, maya: Any
) -> None:
    free = factories.ProgramFactory(name="Family Skate", price_cents=0, is_taxable=False)
    staff_log_in(agent)

    done = register(client, free, parent, participant=str(maya.id), method=PaymentMethod.CASH.value)

    page = client.get(done.headers["Location"]).text
    assert "Nothing to collect: the program is free." in page
    assert "Collect $0.00" not in page
