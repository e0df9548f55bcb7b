"""Pages that carry a token or a half-finished sign-in are never cached, signed in or not."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from jasperrec.auth import tokens
from jasperrec.db import utcnow
from tests import factories
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    ("path", "purpose"),
    [("/auth/reset/{}", tokens.RESET_PASSWORD), ("/auth/confirm/{}", tokens.CONFIRM_EMAIL)],
)
def test_a_link_page_with_a_good_token_is_not_stored_for_anyone(
    client: Any, user: Any, path: str, purpose: str
) -> None:
    response = client.get(path.format(tokens.make_token(user, purpose)))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/auth/reset/not-a-token", "/auth/confirm/not-a-token"])
def test_a_link_page_with_a_bad_token_is_not_stored_either(client: Any, path: str) -> None:
    response = client.get(path)

    assert response.headers["Cache-Control"] == "no-store"


def test_the_two_step_code_page_is_not_stored(client: Any) -> None:
    user = factories.UserFactory(
        password=PASSWORD, totp_secret=pyotp.random_base32(), mfa_enabled_at=utcnow()
    )
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})

    response = client.get("/auth/two-step")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_an_ordinary_public_page_may_still_be_cached(client: Any) -> None:
    response = client.get("/auth/login")

    assert "no-store" not in response.headers.get("Cache-Control", "")
