"""Every page and email that shows a program's schedule writes it the one way."""

from __future__ import annotations

import datetime as dt

from jasperrec.db import utcnow
from jasperrec.store import checkout
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store.models import OrderStatus
from tests import factories

SCHEDULE = "Mondays to Fridays, 8:30 a.m. to 4:30 p.m., January 4 to 8"
SUCCESS = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
CANCEL = "http://127.0.0.1:5000/store/checkout/cancelled?session_id={CHECKOUT_SESSION_ID}"


def _camp(**fields):
    """A winter day camp, January 4 to 8 of next year, whatever day the suite runs."""
    year = utcnow().year + 1
    return factories.ProgramFactory(
        name="Winter Break Camp",
        weekdays="12345",
        start_time=dt.time(8, 30),
        end_time=dt.time(16, 30),
        starts_on=dt.date(year, 1, 4),
        ends_on=dt.date(year, 1, 8),
        min_age=None,
        max_age=None,
        **fields,
    )


def test_the_program_guide_card_shows_the_schedule_as_written(client):
    _camp()
    page = client.get("/store/programs").get_data(as_text=True)
    assert SCHEDULE in page


def test_the_program_page_shows_the_schedule_once(client):
    camp = _camp()
    page = client.get(f"/store/programs/{camp.slug}").get_data(as_text=True)
    assert page.count(SCHEDULE) == 1
    assert "<dt>Dates</dt>" not in page


def test_the_cart_shows_each_programs_schedule(client, user, log_in):
    camp = _camp()
    service.add_program_to_cart(user, camp.slug, None)
    log_in(user)
    page = client.get("/store/cart").get_data(as_text=True)
    assert SCHEDULE in page


def test_the_order_page_and_receipt_show_the_schedule(client, user, log_in, fake_gateway, outbox):
    camp = _camp()
    service.add_program_to_cart(user, camp.slug, None)
    order = checkout.check_out(user, fake_gateway, SUCCESS, CANCEL).order
    settlement.record_payment(order.checkout_session_id, "pi_1", order.total_cents)
    log_in(user)
    page = client.get(f"/store/orders/{order.id}").get_data(as_text=True)
    assert SCHEDULE in page
    [receipt] = outbox
    assert SCHEDULE in receipt.get_body(("plain",)).get_content()
    assert SCHEDULE in receipt.get_body(("html",)).get_content()


def test_order_times_use_the_sites_one_time_style(client, user, log_in):
    # 22:00 UTC on December 1 is 3 p.m. in Jasper.
    paid = dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC)
    order = factories.OrderFactory(
        user=user, status=OrderStatus.PAID, paid_at=paid, created_at=paid
    )
    log_in(user)
    page = client.get(f"/store/orders/{order.id}").get_data(as_text=True)
    assert "Paid on December 1, 2026 at 3 p.m. Your receipt" in page
    listing = client.get("/store/orders").get_data(as_text=True)
    assert "December 1, 2026 at 3 p.m." in listing
    assert "PM" not in page + listing
    assert "p.m.." not in page
