"""Registration, confirmation, password reset, policy, profile and household, with bad input."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth import passwords
from jasperrec.auth import tokens
from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.extensions import db
from tests import factories
from tests.conftest import PASSWORD

GOOD = "lantern orchard velvet ocean"
FORM = {
    "first_name": "Maya",
    "last_name": "Tremblay",
    "email": "maya@example.ca",
    "password": GOOD,
    "confirm": GOOD,
}


def users() -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0)


def link_in(message: Any) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/auth/\S+)", text).group(1)


def test_registration_makes_an_unconfirmed_account_and_emails_a_link(
    client: Any, outbox: list[Any]
) -> None:
    response = client.post("/auth/register", data=FORM)

    assert response.headers["Location"].endswith("/auth/check-email")
    user = db.session.scalar(sa.select(User))
    assert (user.email, user.is_email_confirmed, user.is_staff) == ("maya@example.ca", False, False)
    assert user.password_hash.startswith("$argon2id$")
    assert [m["To"] for m in outbox] == ["maya@example.ca"]
    assert link_in(outbox[0]).startswith("/auth/confirm/")


@pytest.mark.parametrize(
    ("change", "field_error"),
    [
        ({"first_name": "x" * 101}, b"at most 100 characters"),
        ({"email": "not-an-email"}, b"Enter an email address like"),
        ({"email": "a" * 250 + "@example.ca"}, b"at most 254 characters"),
        ({"confirm": GOOD + " typo"}, b"The two passwords do not match."),
        ({"password": "short one", "confirm": "short one"}, b"between 15 and 128"),
        ({"password": "p" * 129, "confirm": "p" * 129}, b"between 15 and 128"),
        (
            {"password": "password12345678", "confirm": "password12345678"},
            b"commonly used passwords",
        ),
        (
            {"password": "JasperAquatic2026!", "confirm": "JasperAquatic2026!"},
            b"municipality&#39;s name",
        ),
        (
            {"password": "abcabcabcabcabcabc", "confirm": "abcabcabcabcabcabc"},
            b"repeats the same word or pattern",
        ),
        *(
            ({"password": weak, "confirm": weak}, reason)
            for weak, reason in [
                ("123456789012345", b"A password of digits alone is easy to guess"),
                ("qwertyuiopasdfgh", b"mostly keys next to each other on the keyboard"),
                ("passwordpassword1", b"repeats the same word or pattern"),
                ("letmeinletmein123", b"repeats the same word or pattern"),
                ("p@ssw0rdp@ssw0rd!", b"repeats the same word or pattern"),
                ("!!!!!!!!!!!!!!!a", b"mostly one character repeated"),
                ("abcdefghijk 98765", b"mostly letters or digits in order"),
                ("$uperman12345678", b"look-alike digits or symbols"),
            ]
        ),
    ],
)
def test_bad_registration_input_is_explained_and_writes_nothing(
    client: Any, outbox: list[Any], change: dict[str, str], field_error: bytes
) -> None:
    response = client.post("/auth/register", data={**FORM, **change})

    assert response.status_code == 200
    assert field_error in response.data
    assert b'class="field-error"' in response.data
    assert users() == 0
    assert outbox == []


def test_registering_a_taken_email_looks_the_same_and_tells_the_owner(
    client: Any, user: Any, outbox: list[Any]
) -> None:
    fresh = client.post("/auth/register", data=FORM, follow_redirects=True)
    outbox.clear()
    taken = client.post(
        "/auth/register", data={**FORM, "email": user.email.upper()}, follow_redirects=True
    )

    assert taken.status_code == fresh.status_code == 200
    assert taken.data == fresh.data
    assert users() == 2  # the existing user and Maya; nothing new for the taken address
    assert [m["To"] for m in outbox] == [user.email]
    assert outbox[0]["Subject"] == "Someone tried to register with your address"


def test_the_confirmation_link_shows_a_button_and_works_once(
    client: Any, outbox: list[Any]
) -> None:
    client.post("/auth/register", data=FORM)
    link = link_in(outbox[0])

    shown = client.get(link)
    assert b"Confirm my email address" in shown.data
    assert not db.session.scalar(sa.select(User)).is_email_confirmed

    assert client.post(link).status_code == 302
    assert db.session.scalar(sa.select(User)).is_email_confirmed
    again = client.post(link)
    assert again.status_code == 400
    assert b"already used" in again.data


@pytest.mark.parametrize("damage", ["tampered", "expired"])
def test_a_tampered_or_expired_link_is_refused_clearly(
    app: Flask, client: Any, outbox: list[Any], monkeypatch: Any, damage: str
) -> None:
    client.post("/auth/register", data=FORM)
    link = link_in(outbox[0])
    if damage == "tampered":
        link = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    else:
        monkeypatch.setitem(app.config, "AUTH_CONFIRM_MAX_AGE_HOURS", -1)

    response = client.post(link)

    assert response.status_code == 400
    assert b"This link does not work" in response.data
    assert not db.session.scalar(sa.select(User)).is_email_confirmed


def test_reset_requests_look_the_same_for_known_and_unknown_addresses(
    client: Any, user: Any, outbox: list[Any]
) -> None:
    known = client.post("/auth/reset", data={"email": user.email}, follow_redirects=True)
    unknown = client.post("/auth/reset", data={"email": "nobody@example.ca"}, follow_redirects=True)

    assert known.data == unknown.data
    assert [m["To"] for m in outbox] == [user.email]


def test_a_reset_link_works_once_and_ends_every_session(
    app: Flask, client: Any, user: Any, outbox: list[Any]
) -> None:
    signed_in = app.test_client()
    signed_in.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    client.post("/auth/reset", data={"email": user.email})
    link = link_in(outbox[0])
    new = "a completely new " + PASSWORD

    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 400
    assert signed_in.get("/auth/account").status_code == 302
    db.session.refresh(user)
    assert passwords.verify_password(user.password_hash, new)


def test_a_reset_link_expires_after_an_hour(
    app: Flask, client: Any, user: Any, monkeypatch: Any
) -> None:
    with app.test_request_context():
        token = tokens.make_token(user, tokens.RESET_PASSWORD)
    monkeypatch.setitem(app.config, "AUTH_RESET_MAX_AGE_MINUTES", -1)

    assert client.get(f"/auth/reset/{token}").status_code == 400


def test_an_email_change_needs_the_password_and_tells_the_old_address(
    client: Any, user: Any, log_in: Any, outbox: list[Any]
) -> None:
    log_in(user)
    old = user.email

    wrong = client.post(
        "/auth/email", data={"email": "new@example.ca", "current_password": "not the password!"}
    )
    assert b"Your current password is not correct." in wrong.data
    client.post("/auth/email", data={"email": "new@example.ca", "current_password": PASSWORD})

    db.session.refresh(user)
    assert (user.email, user.is_email_confirmed) == ("new@example.ca", False)
    assert [m["To"] for m in outbox] == [old, "new@example.ca"]
    assert outbox[0]["Subject"] == "Your email address was changed"


def test_the_profile_explains_each_field_and_normalises_what_it_keeps(
    client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    page = client.get("/auth/profile").get_data(as_text=True)
    assert "Optional: lets program staff reach you" in page
    assert "Optional: used for tax receipts" in page

    client.post(
        "/auth/profile",
        data={
            "first_name": "Alex",
            "last_name": "Tremblay",
            "phone": "(780) 852 3356",
            "postal_code": "t0e1e0",
            "city": "Jasper",
            "province": "AB",
            "address_line1": "12 Patricia Street",
            "date_of_birth": "1985-04-12",
        },
    )

    db.session.refresh(user)
    assert (user.phone, user.postal_code) == ("780-852-3356", "T0E 1E0")
    assert user.date_of_birth == dt.date(1985, 4, 12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "12345"}, b"Enter a 10-digit phone number"),
        ({"postal_code": "90210"}, b"Enter a Canadian postal code"),
        ({"date_of_birth": "2999-01-01"}, b"cannot be in the future"),
        ({"last_name": ""}, b"Enter a last name."),
    ],
)
def test_bad_profile_input_changes_nothing(
    client: Any, user: Any, log_in: Any, change: dict[str, str], message: bytes
) -> None:
    log_in(user)
    before = (user.first_name, user.last_name, user.phone)

    response = client.post(
        "/auth/profile", data={"first_name": "Changed", "last_name": "Name", **change}
    )

    assert message in response.data
    db.session.refresh(user)
    assert (user.first_name, user.last_name, user.phone) == before


def test_a_resident_adds_edits_and_removes_a_household_member(
    client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)
    client.post(
        "/auth/household/new",
        data={
            "first_name": "Maya",
            "last_name": "Tremblay",
            "date_of_birth": "2017-04-12",
            "relation": "child",
            "medical_notes": "Peanut allergy",
        },
    )
    [member] = db.session.scalars(sa.select(HouseholdMember)).all()
    assert "Sensitive" in client.get("/auth/household").get_data(as_text=True)

    client.post(
        f"/auth/household/{member.id}/edit",
        data={
            "first_name": "Maya",
            "last_name": "Tremblay",
            "date_of_birth": "2017-04-12",
            "relation": "child",
            "medical_notes": "",
        },
    )
    db.session.refresh(member)
    assert member.medical_notes is None

    client.post(f"/auth/household/{member.id}/remove")
    assert db.session.scalars(sa.select(HouseholdMember)).all() == []


@pytest.mark.parametrize(
    "change",
    [
        {"date_of_birth": "2999-01-01"},
        {"first_name": "x" * 101},
        {"medical_notes": "x" * 2001},
        {"relation": "cousin"},
        {"date_of_birth": ""},
    ],
)
def test_bad_household_input_writes_nothing(
    client: Any, user: Any, log_in: Any, change: dict[str, str]
) -> None:
    log_in(user)
    data = {
        "first_name": "Maya",
        "last_name": "Tremblay",
        "date_of_birth": "2017-04-12",
        "relation": "child",
        **change,
    }

    response = client.post("/auth/household/new", data=data)

    assert response.status_code == 200
    assert b'class="field-error"' in response.data
    assert db.session.scalars(sa.select(HouseholdMember)).all() == []


def test_another_residents_household_member_answers_404(
    client: Any, user: Any, log_in: Any
) -> None:
    theirs = factories.HouseholdMemberFactory()
    log_in(user)

    assert client.get(f"/auth/household/{theirs.id}/edit").status_code == 404
    assert client.post(f"/auth/household/{theirs.id}/remove").status_code == 404
    assert db.session.get(HouseholdMember, theirs.id) is not None


def test_the_blocklist_ships_at_least_ten_thousand_passwords() -> None:
    assert len(passwords.common_passwords()) >= 10_000


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "mañana café über straße ☃",
        "   spaced   out   words   ",
        "Tr0ub4dor&3 is not my password",
    ],
)
def test_any_characters_are_accepted_with_no_composition_rules(password: str) -> None:
    assert passwords.password_problem(password) is None


def test_the_default_hashing_parameters_are_at_or_above_owasps_floor() -> None:
    from jasperrec.config import DEFAULTS

    assert DEFAULTS["AUTH_ARGON2_MEMORY_KIB"] >= 19_456
    assert DEFAULTS["AUTH_ARGON2_TIME_COST"] >= 2
    assert DEFAULTS["AUTH_ARGON2_PARALLELISM"] == 1
