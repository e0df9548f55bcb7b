"""The household's emergency contact: kept by the account holder, downloaded, closed with them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.auth import household
from jasperrec.auth.forms import EmergencyContactForm
from jasperrec.auth.models import EmergencyContact
from jasperrec.auth.personal_data import AuthData
from jasperrec.extensions import db
from tests import factories

GRANDMOTHER = {"name": "Jeanne Tremblay", "phone": "(780) 852 1111", "relation": "grandmother"}


@pytest.fixture
def signed_in(client: FlaskClient, log_in: Callable[..., Any], user: Any) -> FlaskClient:
    log_in(user)
    return client


def contacts() -> list[EmergencyContact]:
    return list(db.session.scalars(sa.select(EmergencyContact)))


def test_the_account_holder_adds_one_emergency_contact_for_the_household(
    signed_in: FlaskClient, user: Any
) -> None:
    response = signed_in.post("/auth/household/emergency-contact", data=GRANDMOTHER)

    assert response.headers["Location"] == "/auth/household"
    [contact] = contacts()
    assert (contact.user_id, contact.name, contact.phone, contact.relation) == (
        user.id,
        "Jeanne Tremblay",
        "780-852-1111",
        "grandmother",
    )
    page = signed_in.get("/auth/household").get_data(as_text=True)
    assert "Jeanne Tremblay" in page
    assert "780-852-1111" in page


def test_saving_again_changes_the_one_contact(signed_in: FlaskClient, user: Any) -> None:
    signed_in.post("/auth/household/emergency-contact", data=GRANDMOTHER)
    signed_in.post(
        "/auth/household/emergency-contact",
        data={"name": "Sam Tremblay", "phone": "780-852-2222", "relation": "Maya's father"},
    )

    assert [(c.name, c.relation) for c in contacts()] == [("Sam Tremblay", "Maya's father")]


def test_the_form_prefills_the_saved_contact(signed_in: FlaskClient, user: Any) -> None:
    signed_in.post("/auth/household/emergency-contact", data=GRANDMOTHER)

    page = signed_in.get("/auth/household/emergency-contact").get_data(as_text=True)

    assert 'value="Jeanne Tremblay"' in page


def test_removing_forgets_it(signed_in: FlaskClient, user: Any) -> None:
    signed_in.post("/auth/household/emergency-contact", data=GRANDMOTHER)

    signed_in.post("/auth/household/emergency-contact/remove")

    assert contacts() == []
    assert "You have not named one yet" in signed_in.get("/auth/household").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "", "Enter a name."),
        ("phone", "", "Enter a phone number to reach them."),
        ("phone", "12345", "Enter a 10-digit phone number"),
        ("relation", "", "Say how they are related"),
        ("relation", "x" * 61, "At most 60 characters."),
    ],
)
def test_the_form_refuses_bad_input(app: Any, field: str, value: str, error: str) -> None:
    with app.test_request_context(method="POST", data={**GRANDMOTHER, field: value}):
        form = EmergencyContactForm()
        assert not form.validate()
        assert error in " ".join(form.errors[field])


def test_a_bad_form_writes_nothing(signed_in: FlaskClient) -> None:
    response = signed_in.post(
        "/auth/household/emergency-contact", data={**GRANDMOTHER, "phone": ""}
    )

    assert response.status_code == 200
    assert contacts() == []


def test_the_pages_need_sign_in(client: FlaskClient) -> None:
    assert "/auth/login" in client.get("/auth/household/emergency-contact").headers["Location"]


def test_the_data_download_includes_the_emergency_contact(user: Any) -> None:
    household.save_emergency_contact(
        user, household.EmergencyContactDetails("Jeanne Tremblay", "780-852-1111", "grandmother")
    )
    factories.UserFactory()

    kinds = {kind.key: kind for kind in AuthData().export(user)}

    [row] = kinds["emergency_contact"].rows
    assert (row["name"], row["phone"], row["relation"]) == (
        "Jeanne Tremblay",
        "780-852-1111",
        "grandmother",
    )
    assert "emergency_contacts" in AuthData.tables


def test_a_resident_without_one_downloads_an_empty_kind(user: Any) -> None:
    kinds = {kind.key: kind for kind in AuthData().export(user)}
    assert kinds["emergency_contact"].rows == ()


def test_closing_the_account_removes_the_contact_with_the_household(user: Any) -> None:
    household.save_emergency_contact(
        user, household.EmergencyContactDetails("Jeanne Tremblay", "780-852-1111", "grandmother")
    )
    factories.HouseholdMemberFactory(user=user)

    db.session.execute(sa.delete(type(user)).where(type(user).id == user.id))
    db.session.commit()

    assert contacts() == []
