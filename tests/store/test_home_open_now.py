"""The home page shows the programs open for registration now, soonest first, with spaces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.store import catalogue
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories


def soon(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


def test_only_programs_taking_registrations_with_a_space_are_open_now(app: Any) -> None:
    later = factories.ProgramFactory(name="Later", starts_on=soon(20), ends_on=soon(40))
    sooner = factories.ProgramFactory(name="Sooner", starts_on=soon(5), ends_on=soon(30))
    factories.ProgramFactory(name="Started", starts_on=soon(-3), ends_on=soon(30))
    factories.ProgramFactory(name="Hidden", starts_on=soon(5), ends_on=soon(30), is_published=False)
    full = factories.ProgramFactory(name="Full", starts_on=soon(2), ends_on=soon(30), capacity=1)
    order = factories.OrderFactory()
    order.lines[0].registration = Registration(
        program=full, user_id=order.user_id, status=RegistrationStatus.CONFIRMED
    )
    db.session.flush()
    assert [listing.program for listing in catalogue.open_now()] == [sooner, later]
    assert [listing.program for listing in catalogue.open_now(limit=1)] == [sooner]


def test_the_home_page_lists_them_and_links_the_guide(client: FlaskClient) -> None:
    factories.ProgramFactory(name="Spring Break Camp", starts_on=soon(9), ends_on=soon(13))
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Open for registration now" in page
    assert "Spring Break Camp" in page
    assert 'href="/store/programs"' in page


def test_with_nothing_open_the_home_page_has_no_empty_section(client: FlaskClient) -> None:
    assert "Open for registration now" not in client.get("/").get_data(as_text=True)


def test_the_home_page_is_a_fixed_number_of_queries(
    client: FlaskClient, count_queries: Callable[[Callable[[], Any]], int]
) -> None:
    factories.ProgramFactory(starts_on=soon(9), ends_on=soon(13))
    db.session.commit()
    client.get("/")
    one = count_queries(lambda: client.get("/"))
    for day in range(10):
        factories.ProgramFactory(starts_on=soon(10 + day), ends_on=soon(40))
    db.session.commit()
    assert count_queries(lambda: client.get("/")) == one
