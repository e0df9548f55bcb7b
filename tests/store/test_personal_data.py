"""The store's part in a resident's personal data: orders, lines, registrations, cart."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from jasperrec.extensions import db
from jasperrec.store.models import CartItem
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from jasperrec.store.personal_data import StoreData
from tests import factories


def kinds_by_key(user: Any) -> dict[str, Any]:
    return {kind.key: kind for kind in StoreData().export(user)}


def registered_order(user: Any, member: Any = None) -> Any:
    """A paid order of one program for a participant, with its registration."""
    program = factories.ProgramFactory(name="Swim Level 3")
    order = factories.OrderFactory(user=user, status=OrderStatus.PAID, lines=[])
    name = member.full_name if member else user.full_name
    line = OrderLine(
        program_id=program.id,
        description=program.name,
        participant_name=name,
        quantity=1,
        unit_price_cents=8_400,
        gst_cents=0,
    )
    order.lines.append(line)
    db.session.flush()
    db.session.add(
        Registration(
            program_id=program.id,
            user_id=user.id,
            household_member_id=member.id if member else None,
            order_line_id=line.id,
            status=RegistrationStatus.CONFIRMED,
        )
    )
    db.session.flush()
    return order


def test_orders_carry_amounts_in_cents_with_their_currency_and_status(user: Any) -> None:
    order = factories.OrderFactory(user=user)
    factories.OrderFactory()
    (row,) = kinds_by_key(user)["orders"].rows
    assert row["order_reference"] == order.reference
    assert (row["subtotal_cents"], row["gst_cents"], row["total_cents"]) == (6_500, 325, 6_825)
    assert row["currency"] == "CAD"
    assert row["status"] == "awaiting payment"


def test_order_lines_name_their_order_and_no_checkout_session_or_card_is_exported(
    user: Any,
) -> None:
    order = factories.OrderFactory(user=user)
    kinds = kinds_by_key(user)
    (line,) = kinds["order_lines"].rows
    assert line["order_reference"] == order.reference
    assert line["description"] == "Adult 30-day pass"
    assert line["unit_price_cents"] == 6_500
    text = json.dumps([kind.rows for kind in kinds.values()])
    assert order.checkout_session_id not in text
    assert "card" not in text


def test_registrations_name_the_participant_even_after_the_member_is_removed(
    user: Any,
) -> None:
    member = factories.HouseholdMemberFactory(user=user, first_name="Ada", last_name="Lovelace")
    registered_order(user, member)
    db.session.delete(member)
    db.session.flush()
    db.session.expire_all()
    (row,) = kinds_by_key(user)["registrations"].rows
    assert row["participant"] == "Ada Lovelace"
    assert row["program"] == "Swim Level 3"
    assert row["status"] == "confirmed"


def test_the_cart_is_listed_with_its_participant(user: Any) -> None:
    program = factories.ProgramFactory(name="Day camp")
    db.session.add(CartItem(user_id=user.id, program_id=program.id))
    db.session.add(CartItem(user_id=user.id, product_id=factories.ProductFactory().id, quantity=2))
    db.session.flush()
    rows = kinds_by_key(user)["cart_items"].rows
    assert {(r["item"], r["participant"], r["quantity"]) for r in rows} >= {
        ("Day camp", user.full_name, 1)
    }
    assert sorted(r["quantity"] for r in rows) == [1, 2]


def test_the_number_of_queries_does_not_grow_with_orders(
    user: Any, count_queries: Callable[..., int]
) -> None:
    registered_order(user, factories.HouseholdMemberFactory(user=user))
    db.session.expire_all()
    few = count_queries(lambda: StoreData().export(user))
    for _ in range(4):
        registered_order(user, factories.HouseholdMemberFactory(user=user))
        factories.OrderFactory(user=user)
    db.session.expire_all()
    assert count_queries(lambda: StoreData().export(user)) == few
