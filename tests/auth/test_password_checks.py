"""Signed-in pages that ask for the current password: limited, and counted toward the lock."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from jasperrec.auth import passwords
from jasperrec.config import DEFAULTS
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests.conftest import PASSWORD

NEW = "lantern orchard velvet ocean"
PAGES = {
    "/auth/password": lambda current: {
        "current_password": current,
        "password": NEW,
        "confirm": NEW,
    },
    "/auth/email": lambda current: {"current_password": current, "email": "new@example.ca"},
}


def change(client: Any, page: str, current: str = "a wrong guess here") -> Any:
    return client.post(page, data=PAGES[page](current))


@pytest.mark.parametrize("page", PAGES)
def test_wrong_current_passwords_lock_the_account_and_end_the_session(
    app: Flask, client: Any, user: Any, log_in: Any, outbox: list[Any], page: str
) -> None:
    log_in(user)
    threshold = int(app.config["AUTH_LOCKOUT_THRESHOLD"])
    answers = [change(client, page).status_code for _ in range(threshold)]

    assert answers == [200] * (threshold - 1) + [429]
    db.session.refresh(user)
    assert user.locked_at is not None
    assert client.get("/auth/account").status_code == 302
    assert [m["Subject"] for m in outbox] == ["Sign-in paused on your account"]


@pytest.mark.parametrize("page", PAGES)
def test_a_locked_account_cannot_change_its_password_or_address_even_with_the_right_one(
    client: Any, user: Any, log_in: Any, page: str
) -> None:
    log_in(user)
    user.locked_at = utcnow()
    db.session.commit()

    response = change(client, page, PASSWORD)

    assert response.status_code == 429
    db.session.refresh(user)
    assert passwords.verify_password(user.password_hash, PASSWORD)
    assert user.email != "new@example.ca"


def test_the_password_and_email_pages_share_one_limit_per_person(
    app: Flask,
    client: Any,
    user: Any,
    log_in: Any,
    rate_limits: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "AUTH_LOCKOUT_THRESHOLD", DEFAULTS["AUTH_LOCKOUT_THRESHOLD"])
    log_in(user)
    answers = [change(client, "/auth/password").status_code for _ in range(6)]
    answers += [change(client, "/auth/email").status_code for _ in range(5)]

    assert answers == [200] * 10 + [429]
    assert client.get("/auth/password").status_code == 200
    db.session.refresh(user)
    assert user.locked_at is None


def test_a_wrong_current_password_still_says_so_next_to_the_field(
    client: Any, user: Any, log_in: Any
) -> None:
    log_in(user)

    response = change(client, "/auth/email")

    assert response.status_code == 200
    assert b"Your current password is not correct." in response.data
