"""Resident and non-resident fees: decided by the household's address, shown before adding."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.store import prices
from jasperrec.store import service
from jasperrec.store.models import Program
from jasperrec.store.residency import Residency
from jasperrec.store.residency import fee_for
from jasperrec.store.residency import residency_of
from tests import factories


@pytest.fixture
def camp() -> Any:
    return factories.ProgramFactory(
        name="Spring Break Camp", price_cents=21_000, non_resident_price_cents=26_000
    )


@pytest.mark.parametrize(
    ("postal_code", "city", "expected"),
    [
        ("T0E 1E0", "Jasper", Residency.RESIDENT),
        ("t0e1e0", None, Residency.RESIDENT),
        (None, "  jasper ", Residency.RESIDENT),
        ("T5J 0N3", "Edmonton", Residency.NON_RESIDENT),
        ("T0E 0A0", "Hinton", Residency.NON_RESIDENT),
        (None, None, Residency.NO_ADDRESS),
    ],
)
def test_residency_comes_from_the_postal_code_or_the_place(
    app: Flask, postal_code: str | None, city: str | None, expected: Residency
) -> None:
    person = factories.UserFactory(postal_code=postal_code, city=city)
    assert residency_of(person) is expected


def test_a_listed_prefix_covers_every_code_under_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "STORE_RESIDENT_POSTAL_CODES", ["T0E"])
    monkeypatch.setitem(app.config, "STORE_RESIDENT_PLACES", ["Sainte-Anne"])
    assert residency_of(factories.UserFactory(postal_code="T0E 0A0")) is Residency.RESIDENT
    assert residency_of(factories.UserFactory(city="SAINTE-ANNE")) is Residency.RESIDENT
    assert residency_of(factories.UserFactory(city="Sainté-Anne")) is Residency.RESIDENT


def test_only_residents_pay_the_resident_fee(app: Flask, camp: Any) -> None:
    assert fee_for(camp, Residency.RESIDENT) == 21_000
    assert fee_for(camp, Residency.NON_RESIDENT) == 26_000
    assert fee_for(camp, Residency.NO_ADDRESS) == 26_000
    flat = factories.ProgramFactory(price_cents=8_400)
    assert fee_for(flat, Residency.NON_RESIDENT) == 8_400


def test_the_cart_prices_programs_at_the_households_fee(app: Flask, camp: Any) -> None:
    outside = factories.UserFactory(postal_code="T5J 0N3", city="Edmonton")
    member = factories.HouseholdMemberFactory(user=outside)
    service.add_program_to_cart(outside, camp.slug, member.id)
    cart = prices.price_cart(outside)
    assert [line.unit_price_cents for line in cart.lines] == [26_000]
    assert cart.non_resident_fee_applies
    outside.postal_code, outside.city = "T0E 1E0", "Jasper"
    cart = prices.price_cart(outside)
    assert [line.unit_price_cents for line in cart.lines] == [21_000]
    assert not cart.non_resident_fee_applies


def test_a_non_resident_fee_below_the_resident_fee_is_refused_by_the_database(
    app: Flask,
) -> None:
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        factories.ProgramFactory(price_cents=8_400, non_resident_price_cents=8_000)
    assert db.session.scalars(sa.select(Program)).all() == []


def test_the_program_page_says_which_fee_the_household_pays(
    client: FlaskClient, log_in: Any, camp: Any
) -> None:
    anonymous = client.get(f"/store/programs/{camp.slug}").get_data(as_text=True)
    assert "Residents $210.00, non-residents $260.00 per participant" in anonymous
    assert "You pay" not in anonymous
    resident = factories.UserFactory(postal_code="T0E 1E0", city="Jasper")
    log_in(resident)
    page = client.get(f"/store/programs/{camp.slug}").get_data(as_text=True)
    assert "You pay the resident fee</strong>: your address is in" in page


def test_a_household_without_an_address_is_told_how_to_pay_the_resident_fee(
    client: FlaskClient, log_in: Any, camp: Any
) -> None:
    log_in(factories.UserFactory(postal_code=None, city=None))
    page = client.get(f"/store/programs/{camp.slug}").get_data(as_text=True)
    assert "You pay the non-resident fee until you add your address." in page
    assert 'href="/auth/profile"' in page


def test_the_cart_says_why_the_non_resident_fee_applies(
    client: FlaskClient, log_in: Any, camp: Any
) -> None:
    outside = factories.UserFactory(postal_code="T5J 0N3", city="Edmonton")
    member = factories.HouseholdMemberFactory(user=outside)
    service.add_program_to_cart(outside, camp.slug, member.id)
    log_in(outside)
    page = client.get("/store/cart").get_data(as_text=True)
    assert "Programs are priced at the non-resident fee: your address is outside" in page
    assert "$260.00" in page
