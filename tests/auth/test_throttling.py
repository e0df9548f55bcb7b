"""Throttling: limits per client and per address and client, and the account lock.

tests/test_ip_scan.py checks that no form of the address reaches the limiter or the database.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from jasperrec.extensions import db
from tests.conftest import PASSWORD

ADDRESS = "203.0.113.77"
WRONG = "not the right password"


def attempt(client: Any, email: str, password: str = WRONG) -> Any:
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ADDRESS},
    )


def test_failures_up_to_the_threshold_lock_the_account_silently_and_email_the_owner_once(
    app: Flask, client: Any, user: Any, outbox: list[Any]
) -> None:
    threshold = int(app.config["AUTH_LOCKOUT_THRESHOLD"])
    answers = [attempt(client, user.email).status_code for _ in range(threshold + 2)]
    right_password = attempt(client, user.email, PASSWORD)

    assert answers == [200] * (threshold + 2)
    assert right_password.status_code == 429
    assert b"This account is locked" in right_password.data
    assert [m["Subject"] for m in outbox] == ["Sign-in paused on your account"]
    assert client.get("/auth/account").status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client: Any, user: Any) -> None:
    for _ in range(9):
        attempt(client, user.email)
    assert attempt(client, user.email, PASSWORD).status_code == 302
    client.post("/auth/logout")

    for _ in range(9):
        assert attempt(client, user.email).status_code == 200
    db.session.refresh(user)
    assert user.locked_at is None


def test_many_failures_from_one_client_across_accounts_get_429(
    app: Flask, client: Any, rate_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "AUTH_CLIENT_LOGIN_LIMIT", "5 per 10 minutes")
    answers = [attempt(client, f"person{n}@example.ca").status_code for n in range(7)]

    assert answers[:5] == [200] * 5
    assert answers[5:] == [429, 429]
    other_client = client.post(
        "/auth/login",
        data={"email": "x@example.ca", "password": WRONG},
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    assert other_client.status_code == 200


def test_unknown_accounts_are_throttled_like_known_ones(client: Any, rate_limits: None) -> None:
    answers = [attempt(client, "nobody@example.ca").status_code for _ in range(11)]

    assert answers[:10] == [200] * 10
    assert answers[10] == 429
