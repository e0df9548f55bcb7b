"""Ending a session keeps the message meant for the next page."""

from __future__ import annotations

from typing import Any

from jasperrec.auth import tokens
from tests.conftest import PASSWORD


def test_signing_out_shows_that_you_are_signed_out(client: Any, user: Any, log_in: Any) -> None:
    log_in(user)

    page = client.post("/auth/logout", follow_redirects=True)

    assert b"You are signed out." in page.data
    assert b"Signed in as" not in page.data


def test_a_password_reset_says_the_password_changed(app: Any, client: Any, user: Any) -> None:
    with app.test_request_context():
        token = tokens.make_token(user, tokens.RESET_PASSWORD)
    new = "a different " + PASSWORD
    page = client.post(
        f"/auth/reset/{token}", data={"password": new, "confirm": new}, follow_redirects=True
    )

    assert b"Your password is changed. Sign in with the new one." in page.data
