"""Guessing on the two-step pages: rate limited, and counted toward the account lock."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from jasperrec.auth.models import User
from jasperrec.extensions import db
from tests.conftest import PASSWORD
from tests.staff.test_mfa import RECOVERY_CODE
from tests.staff.test_mfa import enrol
from tests.staff.test_mfa import password_step
from tests.staff.test_mfa import signed_in

PAGES = ["/auth/two-step/disable", "/auth/two-step/recovery-codes"]
# Far above any cool-down threshold, so the test does not depend on the exact one.
MANY_GUESSES = 50


@pytest.mark.parametrize("page", PAGES)
def test_wrong_passwords_on_a_two_step_settings_page_lead_to_the_cool_down(
    app: Flask, client: Any, user: Any, log_in: Any, page: str
) -> None:
    log_in(user)
    enrol(client)

    for _ in range(MANY_GUESSES):
        response = client.post(page, data={"password": "a wrong guess at it"})
        if response.status_code != 302:
            break

    assert response.status_code == 429
    assert not signed_in(client)
    assert db.session.get(User, user.id).is_mfa_enabled
    # The cool-down covers the whole account: the password step is refused too.
    assert password_step(app.test_client(), user).status_code != 302


@pytest.mark.parametrize("page", PAGES)
def test_a_locked_account_is_refused_on_a_settings_page_even_with_the_right_password(
    app: Flask, client: Any, user: Any, log_in: Any, page: str
) -> None:
    log_in(user)
    enrol(client)
    guesser = app.test_client()
    log_in_again = guesser.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert "/auth/two-step" in log_in_again.headers["Location"]
    for _ in range(MANY_GUESSES):
        if guesser.post("/auth/two-step", data={"code": "000000"}).status_code == 429:
            break

    response = client.post(page, data={"password": PASSWORD})

    assert response.status_code == 429
    assert not RECOVERY_CODE.search(response.get_data(as_text=True))
    assert db.session.get(User, user.id).is_mfa_enabled


def test_the_two_step_settings_pages_share_one_rate_limit(
    app: Flask,
    client: Any,
    user: Any,
    log_in: Any,
    rate_limits: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "AUTH_MFA_SETTINGS_LIMIT", "3 per 15 minutes")
    log_in(user)
    enrol(client)

    for _ in range(3):
        made = client.post("/auth/two-step/recovery-codes", data={"password": PASSWORD})
        assert made.status_code == 200
    refused = client.post("/auth/two-step/disable", data={"password": PASSWORD})

    assert refused.status_code == 429
    assert db.session.get(User, user.id).is_mfa_enabled


def test_the_two_step_settings_limit_follows_the_person_from_client_to_client(
    app: Flask,
    client: Any,
    user: Any,
    log_in: Any,
    rate_limits: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "AUTH_MFA_SETTINGS_LIMIT", "2 per 15 minutes")
    log_in(user)
    enrol(client)

    for address in ("192.0.2.10", "198.51.100.20"):
        made = client.post(
            "/auth/two-step/recovery-codes",
            data={"password": PASSWORD},
            environ_base={"REMOTE_ADDR": address},
        )
        assert made.status_code == 200
    refused = client.post(
        "/auth/two-step/recovery-codes",
        data={"password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.30"},
    )

    assert refused.status_code == 429


@pytest.mark.parametrize(
    ("setting", "page", "form"),
    [
        ("AUTH_CODE_LIMIT", "/auth/two-step", {"code": "000000"}),
        ("AUTH_REAUTH_LIMIT", "/auth/reauthenticate", {"password": "wrong", "code": "000000"}),
    ],
)
def test_the_code_and_reauthentication_limits_come_from_the_configuration(
    app: Flask,
    rate_limits: None,
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    page: str,
    form: dict[str, str],
) -> None:
    monkeypatch.setitem(app.config, setting, "2 per 5 minutes")
    client = app.test_client()

    answers = [client.post(page, data=form).status_code for _ in range(3)]

    assert answers[:2] != [429, 429]
    assert answers[2] == 429
