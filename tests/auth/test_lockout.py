"""The account lock: it answers like an unknown address, spares the owner, and unlocks by link."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth import lockout
from jasperrec.auth import passwords
from jasperrec.auth import tokens
from jasperrec.auth.models import User
from jasperrec.config import DEFAULTS
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests.conftest import PASSWORD

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.23"
WRONG = "not the right password"
FIELD_ERROR = "The email address or password is not correct."


def attempt(client: Any, email: str, password: str = WRONG, address: str = ATTACKER) -> Any:
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def answer(response: Any, email: str) -> tuple[int, str]:
    """What a guesser sees: the status and the page, with the typed address blanked out."""
    return response.status_code, response.get_data(as_text=True).replace(email, "ADDRESS")


def unlock_path(message: Any) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/auth/unlock/\S+)", text).group(1)


def lock(app: Flask, client: Any, user: Any) -> None:
    for _ in range(int(app.config["AUTH_LOCKOUT_THRESHOLD"])):
        attempt(client, user.email)
    db.session.refresh(user)
    assert user.locked_at is not None


def test_every_failure_answers_a_real_and_an_unknown_address_alike(
    app: Flask, client: Any, user: Any, rate_limits: None
) -> None:
    tries = int(app.config["AUTH_LOCKOUT_THRESHOLD"]) + 2
    real = [answer(attempt(client, user.email), user.email) for _ in range(tries)]
    unknown = [
        answer(attempt(client, "nobody@example.ca"), "nobody@example.ca") for _ in range(tries)
    ]

    assert real == unknown
    assert [status for status, _ in real] == [200] * (tries - 2) + [429, 429]
    assert all(FIELD_ERROR in page for _, page in real[:-2])
    db.session.refresh(user)
    assert user.locked_at is not None


def test_a_wrong_password_on_a_locked_account_answers_like_an_unknown_address(
    app: Flask, client: Any, user: Any
) -> None:
    lock(app, client, user)

    locked = answer(attempt(client, user.email), user.email)
    unknown = answer(attempt(client, "nobody@example.ca"), "nobody@example.ca")

    assert locked == unknown
    assert locked[0] == 200
    assert FIELD_ERROR in locked[1]


def test_an_attackers_failures_below_the_lock_do_not_stop_the_owner_elsewhere(
    app: Flask, client: Any, user: Any, rate_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "AUTH_LOCKOUT_THRESHOLD", DEFAULTS["AUTH_LOCKOUT_THRESHOLD"])
    answers = [attempt(client, user.email).status_code for _ in range(12)]

    owner = attempt(app.test_client(), user.email, PASSWORD, address=OWNER)

    assert answers[-1] == 429
    assert owner.status_code == 302
    db.session.refresh(user)
    assert user.locked_at is None


def test_only_the_right_password_hears_of_the_lock_and_the_link_is_resent_at_most_every_15_minutes(
    app: Flask, client: Any, user: Any, outbox: list[Any]
) -> None:
    lock(app, client, user)
    at_once = attempt(client, user.email, PASSWORD)
    user.unlock_sent_at = utcnow() - dt.timedelta(minutes=16)
    db.session.commit()
    later = attempt(client, user.email, PASSWORD)
    again = attempt(client, user.email, PASSWORD)

    assert at_once.status_code == later.status_code == again.status_code == 429
    assert b"emailed the account's address a link that unlocks it" in later.data
    assert [m["To"] for m in outbox] == [user.email] * 2
    assert client.post(unlock_path(outbox[1])).status_code == 302


def test_the_lock_does_not_lift_by_itself(app: Flask, client: Any, user: Any) -> None:
    lock(app, client, user)
    user.locked_at = utcnow() - dt.timedelta(days=30)
    db.session.commit()

    assert attempt(client, user.email, PASSWORD).status_code == 429


def test_the_unlock_link_asks_first_then_works_once(
    app: Flask, client: Any, user: Any, outbox: list[Any]
) -> None:
    lock(app, client, user)
    path = unlock_path(outbox[-1])

    page = client.get(path)
    db.session.refresh(user)
    assert page.status_code == 200
    assert b"Unlock my account" in page.data
    assert user.locked_at is not None

    unlocked = client.post(path)
    reused = client.post(path)

    assert unlocked.status_code == 302
    assert unlocked.headers["Location"].endswith("/auth/login")
    assert reused.status_code == 400
    assert b"already used" in reused.data
    db.session.refresh(user)
    assert (user.locked_at, user.failed_login_count) == (None, 0)
    assert attempt(client, user.email, PASSWORD).status_code == 302


def test_an_unlock_link_from_an_earlier_lock_does_not_work(
    app: Flask, client: Any, user: Any, outbox: list[Any]
) -> None:
    lock(app, client, user)
    old_path = unlock_path(outbox[-1])
    client.post(old_path)
    lock(app, client, user)

    assert client.post(old_path).status_code == 400
    db.session.refresh(user)
    assert user.locked_at is not None


def test_the_unlock_page_is_not_stored(
    app: Flask, client: Any, user: Any, outbox: list[Any]
) -> None:
    lock(app, client, user)

    response = client.get(unlock_path(outbox[-1]))

    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("token", ["not-a-token", "x" * 300])
def test_a_bad_unlock_link_is_refused_clearly(client: Any, token: str) -> None:
    response = client.post(f"/auth/unlock/{token}")

    assert response.status_code == 400
    assert b"This link is not valid" in response.data


def test_a_password_reset_unlocks_the_account(app: Flask, client: Any, user: Any) -> None:
    lock(app, client, user)
    token = tokens.make_token(user, tokens.RESET_PASSWORD)
    new = "lantern orchard velvet ocean"
    client.post(f"/auth/reset/{token}", data={"password": new, "confirm": new})

    db.session.refresh(user)
    assert user.locked_at is None
    assert passwords.verify_password(user.password_hash, new)
    assert attempt(client, user.email, new).status_code == 302


def test_a_failure_counted_from_a_stale_copy_of_the_account_loses_no_other_failure(
    app: Flask, user: Any, outbox: list[Any]
) -> None:
    threshold = int(app.config["AUTH_LOCKOUT_THRESHOLD"])
    # Another worker counted failures after this request loaded the account.
    db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(failed_login_count=threshold - 1)
        .execution_options(synchronize_session=False)
    )
    assert user.failed_login_count == 0

    locked = lockout.count_failure(user)

    db.session.refresh(user)
    assert (locked, user.failed_login_count) == (True, threshold)
    assert user.locked_at is not None
    assert len(outbox) == 1


def test_failures_past_the_lock_do_not_lock_again_or_mail_again(
    app: Flask, user: Any, outbox: list[Any]
) -> None:
    for _ in range(int(app.config["AUTH_LOCKOUT_THRESHOLD"])):
        lockout.count_failure(user)
    db.session.refresh(user)
    first_lock = user.locked_at

    assert lockout.count_failure(user) is False
    db.session.refresh(user)
    assert user.locked_at == first_lock
    assert len(outbox) == 1
