"""Contacts: people known from a request with no password, and claiming them on registration."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth import contacts
from jasperrec.auth.models import ContactClaim
from jasperrec.auth.models import User
from jasperrec.extensions import db
from tests import factories
from tests.conftest import PASSWORD

CHOSEN = "lantern orchard velvet ocean"
STRANGER = "quiet harbour copper meadow"


def register(client: Any, email: str, password: str = CHOSEN, first: str = "Maya") -> Any:
    form = {
        "first_name": first,
        "last_name": "Tremblay",
        "email": email,
        "password": password,
        "confirm": password,
    }
    return client.post("/auth/register", data=form, follow_redirects=True)


def link_in(message: Any) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/auth/\S+)", text).group(1)


@pytest.fixture
def contact() -> User:
    person = contacts.find_or_create_contact(
        "Maya@Example.ca", first_name="Maya", last_name="T.", phone="780-555-0101"
    )
    factories.ServiceRequestFactory(customer=person, subject="Broken swing at the park")
    return person


def test_a_contact_is_a_user_with_no_password(contact: User) -> None:
    assert (contact.email, contact.password_hash, contact.is_contact) == (
        "maya@example.ca",
        None,
        True,
    )
    assert (contact.first_name, contact.last_name, contact.phone) == ("Maya", "T.", "780-555-0101")
    assert contact.is_staff is False


def test_the_same_address_finds_the_same_contact_and_fills_only_blanks() -> None:
    first = contacts.find_or_create_contact("sam@example.ca", first_name="", last_name="")
    again = contacts.find_or_create_contact(
        " SAM@example.ca ", first_name="Sam", last_name="Okafor", phone="780-555-0102"
    )
    third = contacts.find_or_create_contact("sam@example.ca", first_name="Other", last_name="X")

    assert first.id == again.id == third.id
    assert (third.first_name, third.last_name, third.phone) == ("Sam", "Okafor", "780-555-0102")


def test_a_residents_account_is_returned_untouched(user: User) -> None:
    found = contacts.find_or_create_contact(
        user.email, first_name="Mallory", last_name="Spoof", phone="000"
    )

    assert found.id == user.id
    assert found.first_name != "Mallory"
    assert found.phone is None
    assert found.is_contact is False


def test_a_contact_may_have_no_email_and_names_are_plain_one_line_text() -> None:
    caller = contacts.create_contact(
        first_name="  <b>Jo</b>\n\tAnne ", last_name="x" * 300, phone="780\x00555\n0199"
    )

    assert caller.email is None
    assert caller.first_name == "<b>Jo</b> Anne"
    assert len(caller.last_name) == 100
    assert caller.phone == "780 555 0199"
    assert caller.full_name.startswith("<b>Jo</b> Anne")
    assert contacts.create_contact().full_name == "(no name given)"


def test_signing_in_as_a_contact_is_answered_and_counted_like_an_unknown_address(
    client: Any, contact: User, outbox: list[Any]
) -> None:
    as_contact = client.post("/auth/login", data={"email": contact.email, "password": PASSWORD})
    unknown = client.post("/auth/login", data={"email": "nobody@example.ca", "password": PASSWORD})
    as_contact_empty = client.post("/auth/login", data={"email": contact.email, "password": "x"})

    assert as_contact.status_code == unknown.status_code == as_contact_empty.status_code == 200
    # The form keeps the typed address; apart from it the answers are the same.
    assert as_contact.data.replace(contact.email.encode(), b"nobody@example.ca") == unknown.data
    db.session.refresh(contact)
    assert (contact.failed_login_count, contact.locked_at) == (0, None)
    assert outbox == []


@pytest.mark.parametrize("page", ["/auth/reset", "/auth/confirm/resend"])
def test_reset_and_resend_send_a_contact_nothing_like_an_unknown_address(
    client: Any, contact: User, outbox: list[Any], page: str
) -> None:
    as_contact = client.post(page, data={"email": contact.email}, follow_redirects=True)
    unknown = client.post(page, data={"email": "nobody@example.ca"}, follow_redirects=True)

    assert as_contact.data == unknown.data
    assert outbox == []


def test_registering_a_contacts_address_looks_like_any_registration(
    client: Any, contact: User, outbox: list[Any]
) -> None:
    fresh = register(client, "fresh@example.ca")
    claimed = register(client, contact.email.upper())

    assert claimed.status_code == fresh.status_code == 200
    assert claimed.data == fresh.data
    assert [m["To"] for m in outbox] == ["fresh@example.ca", contact.email]
    assert link_in(outbox[1]).startswith("/auth/claim/")
    # Nothing about the contact changes until the address's owner confirms.
    db.session.refresh(contact)
    assert (contact.password_hash, contact.email_confirmed_at, contact.last_name) == (
        None,
        None,
        "T.",
    )


def test_the_owner_confirms_with_the_chosen_password_and_keeps_the_history(
    client: Any, contact: User, outbox: list[Any]
) -> None:
    register(client, contact.email, first="Maya-Lee")
    link = link_in(outbox[0])

    assert b"The password you chose when registering" in client.get(link).data
    wrong = client.post(link, data={"password": STRANGER})
    assert b"not the password you chose" in wrong.data
    done = client.post(link, data={"password": CHOSEN})

    assert done.headers["Location"].endswith("/auth/login")
    db.session.refresh(contact)
    assert contact.is_contact is False
    assert contact.is_email_confirmed
    assert (contact.first_name, contact.last_name) == ("Maya-Lee", "Tremblay")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactClaim)) == 0
    client.post("/auth/login", data={"email": contact.email, "password": CHOSEN})
    assert b"Broken swing at the park" in client.get("/helpdesk/").data
    assert client.post(link, data={"password": CHOSEN}).status_code == 400


def test_someone_registering_another_persons_address_cannot_take_the_history(
    client: Any, contact: User, outbox: list[Any]
) -> None:
    register(client, contact.email, password=STRANGER, first="Mallory")
    strangers_link = link_in(outbox[0])

    # The owner, opening a link they never asked for, does not know the stranger's password.
    refused = client.post(strangers_link, data={"password": CHOSEN})
    assert b"not the password you chose" in refused.data
    # Nor can the stranger sign in with the password they chose.
    client.post("/auth/login", data={"email": contact.email, "password": STRANGER})
    assert client.get("/helpdesk/").status_code == 200
    assert b"Broken swing" not in client.get("/helpdesk/").data
    db.session.refresh(contact)
    assert contact.is_contact is True


def test_a_later_registration_replaces_the_earlier_claim_and_voids_its_link(
    client: Any, contact: User, outbox: list[Any]
) -> None:
    register(client, contact.email, password=STRANGER)
    register(client, contact.email)
    old, new = (link_in(m) for m in outbox)

    assert client.post(old, data={"password": STRANGER}).status_code == 400
    assert client.post(new, data={"password": CHOSEN}).status_code == 302


@pytest.mark.parametrize("token", ["forged", "eyJ1IjoxfQ.forged.signature"])
def test_a_forged_claim_link_is_refused_clearly(client: Any, contact: User, token: str) -> None:
    response = client.post(f"/auth/claim/{token}", data={"password": CHOSEN})

    assert response.status_code == 400
    assert b"This link does not work" in response.data
    db.session.refresh(contact)
    assert contact.is_contact is True
