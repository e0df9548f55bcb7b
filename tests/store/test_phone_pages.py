"""Store pages on a phone: stacked tables keep each value's label, descriptions show once."""

from __future__ import annotations

import datetime as dt

from jasperrec.store import service
from jasperrec.store.models import OrderStatus
from tests import factories


def test_cart_lines_label_each_value_for_the_stacked_table(client, user, log_in):
    program = factories.ProgramFactory(min_age=None, max_age=None)
    service.add_program_to_cart(user, program.slug, None)
    service.add_product_to_cart(user, factories.ProductFactory(merchandise=True).slug, 2)
    log_in(user)
    page = client.get("/store/cart").get_data(as_text=True)
    for label in ("Price", "GST", "Amount"):
        assert page.count(f'<span class="cell-label">{label}: </span>') == 2, label
    # The program's quantity is text; the pass's is a box whose label a phone must show too.
    assert page.count('<span class="cell-label">Quantity: </span>') == 1
    assert page.count('<span class="cell-label" aria-hidden="true">Quantity: </span>') == 1


def test_order_lines_and_the_order_list_label_each_value(client, user, log_in):
    order = factories.OrderFactory(
        user=user, status=OrderStatus.PAID, paid_at=dt.datetime.now(dt.UTC)
    )
    log_in(user)
    page = client.get(f"/store/orders/{order.id}").get_data(as_text=True)
    for label in ("Price", "Quantity", "GST", "Amount"):
        assert f'<span class="cell-label">{label}: </span>' in page, label
    listing = client.get("/store/orders").get_data(as_text=True)
    for label in ("Placed", "Status", "Total"):
        assert f'<span class="cell-label">{label}: </span>' in listing, label


def test_a_description_that_opens_with_the_summary_is_shown_once(client):
    program = factories.ProgramFactory(
        summary="Front crawl over 10 metres.",
        description="Front crawl over 10 metres. Bring goggles.",
    )
    page = client.get(f"/store/programs/{program.slug}").get_data(as_text=True)
    assert page.count("Front crawl over 10 metres.") == 1
    assert "Front crawl over 10 metres. Bring goggles." in page


def test_a_summary_the_description_does_not_repeat_is_kept(client):
    program = factories.ProgramFactory(
        summary="Front crawl over 10 metres.", description="Eight lessons with an instructor."
    )
    page = client.get(f"/store/programs/{program.slug}").get_data(as_text=True)
    assert '<p class="lead">Front crawl over 10 metres.</p>' in page
    assert "Eight lessons with an instructor." in page


def test_a_products_description_that_opens_with_its_summary_is_shown_once(client):
    factories.ProductFactory(
        merchandise=True, summary="Unlimited swims.", description="Unlimited swims. Any pool."
    )
    page = client.get("/store/passes-and-memberships").get_data(as_text=True)
    assert page.count("Unlimited swims.") == 1
