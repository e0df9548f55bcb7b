"""The session cookie holds no value derived from the visitor's address or browser."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from flask import Flask
from flask_login.utils import _create_identifier

from jasperrec.db import utcnow
from tests import factories
from tests.conftest import PASSWORD
from tests.staff.conftest import totp_code

DOMAIN = "127.0.0.1"
VISITOR = {
    "headers": {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Firefox/131.0"},
    "environ_base": {"REMOTE_ADDR": "203.0.113.9"},
}


def session_contents(app: Flask, client: Any) -> dict[str, Any]:
    cookie = client.get_cookie("jasperrec_session", domain=DOMAIN)
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    contents: dict[str, Any] = serializer.loads(cookie.value)
    return contents


def flask_login_identifier(app: Flask) -> str:
    with app.test_request_context(**VISITOR):
        return _create_identifier()


def sign_in_with_password(client: Any) -> None:
    user = factories.UserFactory(password=PASSWORD)
    data = {"email": user.email, "password": PASSWORD}
    assert client.post("/auth/login", data=data, **VISITOR).status_code == 302


def sign_in_with_a_code(client: Any) -> None:
    user = factories.UserFactory(
        password=PASSWORD, totp_secret=pyotp.random_base32(), mfa_enabled_at=utcnow()
    )
    data = {"email": user.email, "password": PASSWORD}
    client.post("/auth/login", data=data, **VISITOR)
    assert client.post("/auth/two-step", data={"code": totp_code(user)}, **VISITOR).status_code
    assert client.get("/auth/account", **VISITOR).status_code == 200


def sign_in_with_the_remember_cookie(client: Any) -> None:
    user = factories.UserFactory(password=PASSWORD)
    data = {"email": user.email, "password": PASSWORD, "remember": "y"}
    client.post("/auth/login", data=data, **VISITOR)
    client.delete_cookie("jasperrec_session", domain=DOMAIN)
    assert client.get("/auth/account", **VISITOR).status_code == 200


@pytest.mark.parametrize(
    "sign_in",
    [sign_in_with_password, sign_in_with_a_code, sign_in_with_the_remember_cookie],
    ids=["password", "two-step", "remember-cookie"],
)
def test_the_session_cookie_carries_no_address_derived_value(
    app: Flask, client: Any, sign_in: Any
) -> None:
    sign_in(client)

    contents = session_contents(app, client)
    assert "_user_id" in contents
    assert "_id" not in contents
    assert flask_login_identifier(app) not in contents.values()
