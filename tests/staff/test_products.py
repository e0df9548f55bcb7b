"""Staff keep what is on sale: products added off sale, edited, put on sale and withdrawn,
each kind's rules refused beside the field with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.store import products as shelf
from jasperrec.store import service
from jasperrec.store.errors import StatusChangeError
from jasperrec.store.models import Product
from jasperrec.store.models import ProductKind
from jasperrec.store.models import ProductStatusChange
from tests import factories


@pytest.fixture
def coordinator(make_staff: Any) -> Any:
    return make_staff(Role.PROGRAM_COORDINATOR, departments=[])


@pytest.fixture
def signed_in(client: FlaskClient, staff_log_in: Any, coordinator: Any) -> FlaskClient:
    staff_log_in(coordinator)
    return client


def form(**changes: str | None) -> dict[str, str]:
    """A valid senior 10-visit card for the pool, good for a year."""
    data: dict[str, str | None] = {
        "name": "Senior 10-visit swim card",
        "kind": "drop-in visits",
        "summary": "Ten swims for people 65 and older.",
        "description": "Ten drop-in swims at the Aquatic Centre, good for a year.",
        "price": "45.00",
        "valid_days": "365",
        "visits": "10",
        "min_age": "65",
        "max_age": "",
        "facility": "Jasper Aquatic Centre",
        "stock": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def count() -> int:
    return int(db.session.scalar(sa.select(sa.func.count(Product.id))) or 0)


def test_a_product_is_added_off_sale_then_put_on_sale(
    signed_in: FlaskClient, coordinator: Any
) -> None:
    response = signed_in.post("/staff/products/new", data=form())
    assert response.status_code == 302
    card = db.session.scalar(sa.select(Product).where(Product.name == "Senior 10-visit swim card"))
    assert (card.kind, card.visits, card.price_cents, card.min_age) == (
        ProductKind.DROP_IN,
        10,
        4_500,
        65,
    )
    assert card.is_taxable
    assert card not in service.list_products()
    signed_in.post(f"/staff/products/{card.id}/sale", data={"on_sale": "yes"})
    assert card in service.list_products()
    (change,) = db.session.scalars(sa.select(ProductStatusChange)).all()
    assert (change.on_sale, change.changed_by_id) == (True, coordinator.id)
    signed_in.post(f"/staff/products/{card.id}/sale", data={"on_sale": "no"})
    assert card not in service.list_products()


def test_putting_on_sale_twice_is_refused(coordinator: Any) -> None:
    product = factories.ProductFactory()
    with pytest.raises(StatusChangeError, match="on sale already"):
        shelf.set_on_sale(coordinator, product, True)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"price": "0"}, "price", "from $0.01 to $100,000"),
        ({"price": "100000.01"}, "price", "from $0.01 to $100,000"),
        ({"visits": ""}, "visits", "how many visits"),
        ({"kind": "pass", "valid_days": ""}, "valid_days", "how many days a pass lasts"),
        ({"kind": "pass"}, "visits", "Only drop-in visit cards"),
        (
            {"kind": "merchandise", "visits": "", "valid_days": "", "min_age": "", "facility": ""},
            "stock",
            "how many are in stock",
        ),  # fmt: skip
        ({"stock": "5"}, "stock", "Only merchandise is stocked"),
        ({"max_age": "60"}, "max_age", "not be below the youngest"),
        (
            {"kind": "gift card", "visits": "", "valid_days": "", "facility": ""},
            "min_age",
            "Only passes, memberships and visit cards have ages",
        ),  # fmt: skip
        ({"stock": "-1"}, "stock", "Number must be"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_each_kinds_rules_are_refused_beside_the_field(
    signed_in: FlaskClient, changes: dict[str, str], field: str, message: str
) -> None:
    before = count()
    response = signed_in.post("/staff/products/new", data=form(**changes))
    assert response.status_code == 400
    assert message in response.text
    assert f'href="#{field}"' in response.text
    assert count() == before


def test_gift_cards_are_sold_without_gst_and_merchandise_is_stocked(
    signed_in: FlaskClient,
) -> None:
    blank = {"visits": "", "valid_days": "", "min_age": "", "facility": ""}
    gift_card = form(name="$100 gift card", kind="gift card", price="100", **blank)
    signed_in.post("/staff/products/new", data=gift_card)
    cap = form(name="Swim cap", kind="merchandise", price="12.50", stock="25", **blank)
    signed_in.post("/staff/products/new", data=cap)
    gift = db.session.scalar(sa.select(Product).where(Product.name == "$100 gift card"))
    swim_cap = db.session.scalar(sa.select(Product).where(Product.name == "Swim cap"))
    assert not gift.is_taxable
    assert (swim_cap.stock, swim_cap.is_taxable) == (25, True)


def test_editing_keeps_the_kind_and_saves_the_rest(signed_in: FlaskClient) -> None:
    product = factories.ProductFactory(kind=ProductKind.DROP_IN, visits=10, valid_days=365)
    page = signed_in.get(f"/staff/products/{product.id}").text
    assert f'value="{product.name}"' in page
    response = signed_in.post(f"/staff/products/{product.id}", data=form(price="50.00"))
    assert response.status_code == 302
    assert product.price_cents == 5_000
    refused = signed_in.post(f"/staff/products/{product.id}", data=form(kind="pass"))
    assert refused.status_code == 400
    assert "kind cannot change" in refused.text


def test_the_product_list_filters_and_costs_the_same_queries(
    signed_in: FlaskClient, count_queries: Any
) -> None:
    factories.ProductFactory(name="Warm-up pass")
    baseline = count_queries(lambda: signed_in.get("/staff/products"))
    for n in range(25):
        factories.ProductFactory(name=f"Pass {n}")
    assert count_queries(lambda: signed_in.get("/staff/products")) == baseline
    factories.ProductFactory(name="Old card", kind=ProductKind.DROP_IN, visits=5,
                             is_published=False)  # fmt: skip
    page = signed_in.get("/staff/products?sale=no").text
    assert "Old card" in page
    assert "Pass 3" not in page


def test_others_without_the_permission_are_refused(
    client: FlaskClient, staff_log_in: Any, make_staff: Any
) -> None:
    staff_log_in(make_staff(Role.FINANCE, departments=[]))
    assert client.get("/staff/products").status_code == 403


def test_a_staff_members_download_lists_the_products_they_put_on_sale(coordinator: Any) -> None:
    from jasperrec.store.program_data import ProgramData

    product = factories.ProductFactory(name="Winter skate pass", is_published=False)
    shelf.set_on_sale(coordinator, product, True)
    kinds = {kind.key: kind for kind in ProgramData().export(coordinator)}
    (row,) = kinds["program_status_changes"].rows
    assert row["program"] == "Winter skate pass (product)"
    assert (row["from"], row["to"]) == ("withdrawn", "on sale")
