"""The resident's withdrawal page: what the policy gives, then where the refund goes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient

from jasperrec.store import ledger
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import RegistrationStatus
from tests.store.test_withdrawals import registered


def test_the_page_shows_what_the_policy_gives_before_confirming(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    registration = registered(user=user)
    log_in(user)

    listing = client.get("/store/registrations").text
    page = client.get(f"/store/registrations/{registration.id}/withdraw").text

    assert f"/store/registrations/{registration.id}/withdraw" in listing
    assert "$84.00" in page
    assert "$8.40" in page
    assert "$75.60" in page
    assert "Back to the card you paid with" in page
    assert registration.status is RegistrationStatus.CONFIRMED


def test_withdrawing_to_credit_says_so_and_shows_in_the_balance(
    client: FlaskClient, log_in: Any, user: Any, fake_gateway: Any
) -> None:
    registration = registered(user=user)
    log_in(user)

    response = client.post(
        f"/store/registrations/{registration.id}/withdraw",
        data={"destination": "household credit"},
        follow_redirects=True,
    )

    assert response.request.path == "/store/registrations"
    assert "Maya is withdrawn from" in response.text
    assert "$75.60 is credit on your household account" in response.text
    assert ledger.balance(user, LedgerAccount.CREDIT) == 7_560


def test_a_desk_order_offers_credit_only(client: FlaskClient, log_in: Any, user: Any) -> None:
    registration = registered(user=user, online=False)
    log_in(user)
    page = client.get(f"/store/registrations/{registration.id}/withdraw").text
    assert "Back to the card" not in page
    assert "Credit to spend" in page


def test_after_the_deadline_the_page_says_nothing_comes_back(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    soon = dt.date.today() + dt.timedelta(days=3)
    registration = registered(user=user, starts_on=soon)
    log_in(user)
    page = client.get(f"/store/registrations/{registration.id}/withdraw").text
    assert "withdrawing now gives nothing back" in page


def test_someone_elses_registration_is_not_found(
    client: FlaskClient, log_in: Any, user: Any
) -> None:
    other = registered()
    log_in(user)
    assert client.get(f"/store/registrations/{other.id}/withdraw").status_code == 404
    assert client.post(f"/store/registrations/{other.id}/withdraw").status_code == 404
    assert other.status is RegistrationStatus.CONFIRMED
