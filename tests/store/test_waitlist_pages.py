"""The waitlist as residents see it: the program page, My registrations, and the offer link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.store import waitlist
from jasperrec.store.models import CartItem
from jasperrec.store.models import WaitlistStatus
from tests import factories
from tests.store.waitlists import child_of
from tests.store.waitlists import full_program
from tests.store.waitlists import open_program

Counter = Callable[[Callable[[], Any]], int]


def offered(user: Any, program: Any) -> Any:
    """Put the user on the program's waitlist and give them the one freed space."""
    entry = waitlist.join_waitlist(user, program.slug, None)
    program.capacity += 1
    db.session.commit()
    waitlist.space_freed(program)
    return entry


def test_a_full_program_page_offers_the_waitlist(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    program = full_program()
    db.session.commit()
    page = client.get(f"/store/programs/{program.slug}").get_data(as_text=True)
    assert "Sign in to join the waitlist" in page
    assert "Waitlist open" in client.get("/store/programs").get_data(as_text=True)
    log_in(user)
    page = client.get(f"/store/programs/{program.slug}").get_data(as_text=True)
    assert "Join the waitlist" in page
    assert "Add to cart" not in page


def test_joining_from_the_program_page_shows_the_place_on_my_registrations(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    program, child = full_program(), child_of(user, first_name="Noor")
    waitlist.join_waitlist(factories.UserFactory(), program.slug, None)
    db.session.commit()
    log_in(user)
    response = client.post(
        f"/store/programs/{program.slug}/waitlist", data={"participant": str(child.id)}
    )
    assert response.headers["Location"] == "/store/registrations"
    page = client.get("/store/registrations").get_data(as_text=True)
    assert "Number 2 on the waitlist" in page
    assert "Noor" in page


def test_joining_a_program_with_spaces_says_so(client: FlaskClient, log_in: Any, user: Any) -> None:
    program = open_program()
    db.session.commit()
    log_in(user)
    response = client.post(f"/store/programs/{program.slug}/waitlist", data={"participant": "self"})
    assert response.headers["Location"] == f"/store/programs/{program.slug}"
    assert "has spaces" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_leaving_from_my_registrations(client: FlaskClient, log_in: Any, user: Any) -> None:
    entry = waitlist.join_waitlist(user, full_program().slug, None)
    log_in(user)
    response = client.post(f"/store/waitlist/{entry.id}/leave")
    assert response.status_code == 302
    assert entry.status is WaitlistStatus.LEFT
    assert client.post(f"/store/waitlist/{entry.id}/leave").status_code == 302
    other = waitlist.join_waitlist(factories.UserFactory(), full_program().slug, None)
    assert client.post(f"/store/waitlist/{other.id}/leave").status_code == 404


def test_an_offer_shows_its_deadline_and_accept_button_on_my_registrations(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    entry = offered(user, full_program())
    log_in(user)
    page = client.get("/store/registrations").get_data(as_text=True)
    assert "Space offered" in page
    assert f"/store/waitlist/offers/{waitlist.offer_token(entry)}" in page


def test_the_offer_link_asks_to_sign_in_then_accepts_with_one_button(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    program = full_program()
    url = f"/store/waitlist/offers/{waitlist.offer_token(offered(user, program))}"
    assert "/auth/login" in client.get(url).headers["Location"]
    log_in(user)
    assert "Accept and go to my cart" in client.get(url).get_data(as_text=True)
    response = client.post(url)
    assert response.headers["Location"] == "/store/cart"
    assert db.session.scalar(sa.select(CartItem.program_id).where(CartItem.user_id == user.id))
    again = client.post(url)
    assert again.headers["Location"] == "/store/registrations"
    page = client.get("/store/registrations").get_data(as_text=True)
    assert "already accepted" in page


def test_someone_else_s_offer_link_is_not_found(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    url = f"/store/waitlist/offers/{waitlist.offer_token(offered(user, full_program()))}"
    log_in(factories.UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert client.get("/store/waitlist/offers/forged").status_code == 404


def test_my_registrations_does_not_grow_with_waitlist_places(
    client: FlaskClient, log_in: Any, user: Any, count_queries: Counter
) -> None:
    waitlist.join_waitlist(user, full_program().slug, child_of(user).id)
    db.session.commit()
    log_in(user)
    client.get("/store/registrations")
    one = count_queries(lambda: client.get("/store/registrations"))
    for _ in range(4):
        program = full_program()
        waitlist.join_waitlist(user, program.slug, child_of(user).id)
    db.session.commit()
    assert count_queries(lambda: client.get("/store/registrations")) == one
