"""The catalogue and the cart cost a fixed number of queries, whatever they hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.store import service
from tests import factories

Counter = Callable[[Callable[[], Any]], int]


def test_the_catalogue_page_does_not_grow_with_the_programs(
    client: FlaskClient, count_queries: Counter
) -> None:
    factories.ProgramFactory()
    db.session.commit()
    client.get("/store/programs")
    one = count_queries(lambda: client.get("/store/programs"))
    for _ in range(12):
        factories.ProgramFactory()
    db.session.commit()
    assert count_queries(lambda: client.get("/store/programs")) == one


def test_the_cart_page_does_not_grow_with_its_lines(
    app: Any, client: FlaskClient, log_in: Any, user: Any, count_queries: Counter
) -> None:
    app.config["STORE_CART_MAX_LINES"] = 20
    member = factories.HouseholdMemberFactory(user=user)
    service.add_program_to_cart(user, factories.ProgramFactory().slug, member.id)
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    db.session.commit()
    log_in(user)
    client.get("/store/cart")
    one = count_queries(lambda: client.get("/store/cart"))
    for _ in range(4):
        kid = factories.HouseholdMemberFactory(user=user)
        service.add_program_to_cart(user, factories.ProgramFactory().slug, kid.id)
        service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 1)
    db.session.commit()
    assert count_queries(lambda: client.get("/store/cart")) == one
