"""Out-of-range integers in URLs, forms and query strings: a 404 or a form error, never a 500."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter
from werkzeug.routing import Rule
from wtforms import SelectChoice

from jasperrec.auth.permissions import STAFF_ROLES
from jasperrec.converters import DB_INT_MAX
from jasperrec.db import utcnow
from jasperrec.staff.forms import AuditFilterForm
from jasperrec.staff.forms import StaffRolesForm
from jasperrec.store.forms import ProgramFilterForm
from jasperrec.store.forms import QuantityForm
from tests import factories
from tests.conftest import PASSWORD
from tests.staff.conftest import totp_code

# Past PostgreSQL's INTEGER, past a 64-bit integer, and far past both.
TOO_LARGE = [2**31, 2**63, 10**30]
PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def int_rules(app: Flask) -> list[Rule]:
    """Every route that takes an integer in its path."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(m["converter"] == "int" for m in PLACEHOLDER.finditer(rule.rule))
    ]


def path_for(rule: Rule, number: int) -> str:
    """The rule's path with every integer set to the number and other parts made valid."""

    def fill(match: re.Match[str]) -> str:
        if match["converter"] == "int":
            return str(number)
        if match["converter"] == "any":
            return match["args"].split(",")[0].strip()
        return "x"

    return PLACEHOLDER.sub(fill, rule.rule)


def signed_in_staff(app: Flask) -> tuple[FlaskClient, Any]:
    """A client signed in as staff holding every staff role, and that staff member."""
    who = factories.StaffFactory(
        roles=list(STAFF_ROLES),
        departments=[factories.DepartmentFactory()],
        totp_secret=pyotp.random_base32(),
        mfa_enabled_at=utcnow(),
    )
    client = app.test_client()
    client.post("/auth/login", data={"email": who.email, "password": PASSWORD})
    response = client.post("/auth/two-step", data={"code": totp_code(who)})
    assert response.status_code == 302, response.data
    return client, who


def signed_in_resident(app: Flask) -> FlaskClient:
    """A client signed in as a resident."""
    who = factories.UserFactory(password=PASSWORD)
    client = app.test_client()
    response = client.post("/auth/login", data={"email": who.email, "password": PASSWORD})
    assert response.status_code == 302, response.data
    return client


@pytest.mark.parametrize("number", TOO_LARGE, ids=["2**31", "2**63", "10**30"])
def test_every_integer_route_answers_404_for_an_id_beyond_the_database_range(
    app: Flask, number: int
) -> None:
    (staff, _who), resident = signed_in_staff(app), signed_in_resident(app)
    answers: dict[str, int] = {}
    for rule in int_rules(app):
        client = staff if rule.endpoint.startswith("staff.") else resident
        method = "GET" if "GET" in (rule.methods or ()) else "POST"
        answers[rule.rule] = client.open(path_for(rule, number), method=method).status_code

    assert len(answers) >= 15
    assert {rule: status for rule, status in answers.items() if status != 404} == {}


def test_every_integer_route_is_bounded_by_the_database_range(app: Flask) -> None:
    converters = [
        converter
        for rule in app.url_map.iter_rules()
        for converter in rule._converters.values()
        if isinstance(converter, IntegerConverter)
    ]

    assert converters
    assert all(c.max is not None and c.max <= DB_INT_MAX for c in converters)


def test_the_largest_database_id_still_matches_its_route(app: Flask) -> None:
    urls = app.url_map.bind("localhost")

    assert urls.match(f"/store/orders/{DB_INT_MAX}") == ("store.order", {"order_id": DB_INT_MAX})
    with pytest.raises(NotFound):
        urls.match(f"/store/orders/{DB_INT_MAX + 1}")


def test_an_id_too_long_to_parse_is_a_404(app: Flask) -> None:
    resident = signed_in_resident(app)

    assert resident.get("/store/orders/" + "9" * 5_000).status_code == 404


# Query strings: a number out of range is ignored or refused, never a 500.


@pytest.mark.parametrize("number", TOO_LARGE, ids=["2**31", "2**63", "10**30"])
def test_an_out_of_range_request_number_opens_the_profile_as_if_none_was_given(
    app: Flask, number: int
) -> None:
    staff, who = signed_in_staff(app)
    resident = factories.UserFactory()
    factories.ServiceRequestFactory(customer=resident, department=who.departments[0])

    response = staff.get(f"/staff/people/{resident.id}?request={number}")

    assert response.status_code == 200
    assert resident.last_name.encode() in response.data


@pytest.mark.parametrize("number", TOO_LARGE, ids=["2**31", "2**63", "10**30"])
def test_an_out_of_range_resident_in_the_access_log_filter_is_a_form_error(
    app: Flask, number: int
) -> None:
    staff, _who = signed_in_staff(app)

    response = staff.get(f"/staff/privacy/access-log?resident={number}")

    assert response.status_code == 200
    assert b"Enter an account number from 1 to 2,147,483,647." in response.data


@pytest.mark.parametrize("number", TOO_LARGE, ids=["2**31", "2**63", "10**30"])
def test_an_out_of_range_resident_in_the_access_log_export_downloads_nothing(
    app: Flask, number: int
) -> None:
    staff, _who = signed_in_staff(app)

    response = staff.get(f"/staff/privacy/access-log.csv?resident={number}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/privacy/access-log?resident={number}"
    page = staff.get(response.headers["Location"])
    assert b"nothing was downloaded" in page.data
    assert b"Enter an account number from 1 to 2,147,483,647." in page.data


@pytest.mark.parametrize("number", TOO_LARGE, ids=["2**31", "2**63", "10**30"])
def test_an_out_of_range_staff_member_in_the_access_log_filter_is_a_form_error(
    app: Flask, number: int
) -> None:
    staff, _who = signed_in_staff(app)

    response = staff.get(f"/staff/privacy/access-log?staff={number}")

    assert response.status_code == 200
    assert b"Not a valid choice." in response.data


# Integer form fields: an out-of-range value is a form error with a message.


def form_errors(app: Flask, form_class: type[FlaskForm], data: dict[str, Any]) -> Any:
    """Validate the data with the form and return its errors."""
    with app.test_request_context(method="POST", data=data):
        form = form_class()
        if isinstance(form, AuditFilterForm):
            form.staff.choices = [SelectChoice(0, "Anyone")]
        if isinstance(form, StaffRolesForm):
            form.departments.choices = [SelectChoice(1, "Customer Service")]
        form.validate()
        return form.errors


@pytest.mark.parametrize("number", TOO_LARGE, ids=["2**31", "2**63", "10**30"])
@pytest.mark.parametrize(
    ("form_class", "field", "message"),
    [
        (AuditFilterForm, "resident", "Enter an account number from 1 to 2,147,483,647."),
        (AuditFilterForm, "staff", "Not a valid choice."),
        (StaffRolesForm, "departments", "is not a valid choice"),
        (ProgramFilterForm, "age", "Enter an age from 0 to 110."),
        (QuantityForm, "quantity", "Choose a quantity from 1 to"),
    ],
)
def test_an_out_of_range_integer_field_is_a_form_error_with_a_message(
    app: Flask, form_class: type[FlaskForm], field: str, message: str, number: int
) -> None:
    errors = form_errors(app, form_class, {field: str(number)})

    assert any(message in error for error in errors[field])


@pytest.mark.parametrize("number", TOO_LARGE, ids=["2**31", "2**63", "10**30"])
def test_an_out_of_range_participant_is_a_form_error_and_adds_nothing(
    app: Flask, number: int
) -> None:
    resident = signed_in_resident(app)
    program = factories.ProgramFactory()

    response = resident.post(f"/store/programs/{program.slug}", data={"participant": str(number)})

    assert response.status_code == 200
    assert b"Not a valid choice." in response.data
    assert b"Your cart is empty" in resident.get("/store/cart").data
