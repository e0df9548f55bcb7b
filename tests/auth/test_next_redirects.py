"""After sign-in, two-step sign-in and re-authentication, ?next= leads only to this site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pyotp
import pytest

from jasperrec.db import utcnow
from tests import factories
from tests.conftest import PASSWORD
from tests.staff.conftest import totp_code

ACCOUNT = "/auth/account"

# What the browser would make of each once the server has sent it back in Location.
OFF_SITE = [
    pytest.param("//evil.example", id="protocol-relative"),
    pytest.param("/\t/evil.example", id="tab-between-slashes"),
    pytest.param("/\n/evil.example", id="newline-between-slashes"),
    pytest.param("/\r\n/evil.example", id="crlf-between-slashes"),
    pytest.param("\t//evil.example", id="leading-tab"),
    pytest.param(" //evil.example", id="leading-space"),
    pytest.param("/\x00/evil.example", id="nul-between-slashes"),
    pytest.param("/\u3000/evil.example", id="ideographic-space"),
    pytest.param("/\u200b/evil.example", id="zero-width-space"),
    pytest.param("/\\evil.example", id="slash-backslash"),
    pytest.param("\\\\evil.example", id="two-backslashes"),
    pytest.param("/\t\\evil.example", id="tab-then-backslash"),
    pytest.param("https://evil.example/", id="absolute-url"),
    pytest.param("https:evil.example", id="scheme-without-slashes"),
    pytest.param("javascript:alert(1)", id="javascript-scheme"),
    pytest.param("//[evil.example", id="unparseable-host"),
    pytest.param("%2F%2Fevil.example", id="double-encoded-slashes"),
    pytest.param("evil.example", id="no-leading-slash"),
    pytest.param("", id="empty"),
]
# Raw query strings, for encodings a browser or a crafted link might send.
OFF_SITE_ENCODED = [
    pytest.param("next=%2F%09%2Fevil.example", id="encoded-tab"),
    pytest.param("next=%2F%0A%2Fevil.example", id="encoded-newline"),
    pytest.param("next=%2F%5Cevil.example", id="encoded-backslash"),
    pytest.param("next=%2F%2Fevil.example", id="encoded-slashes"),
    pytest.param("next=/%E3%80%80/evil.example", id="encoded-ideographic-space"),
    pytest.param("next=https%3A%2F%2Fevil.example", id="encoded-absolute-url"),
]


def _with_mfa() -> Any:
    return factories.UserFactory(
        password=PASSWORD, totp_secret=pyotp.random_base32(), mfa_enabled_at=utcnow()
    )


def _log_in(client: Any, user: Any, query: str) -> Any:
    return client.post(f"/auth/login?{query}", data={"email": user.email, "password": PASSWORD})


def _two_step(client: Any, query: str) -> Any:
    user = _with_mfa()
    step = _log_in(client, user, query)
    assert step.status_code == 302
    return client.post(step.headers["Location"], data={"code": totp_code(user)})


def _reauthenticate(client: Any, user: Any, query: str) -> Any:
    _log_in(client, user, "")
    return client.post(f"/auth/reauthenticate?{query}", data={"password": PASSWORD})


def _query(value: str) -> str:
    return urlencode({"next": value})


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_follows_next_off_the_site(client: Any, user: Any, target: str) -> None:
    response = _log_in(client, user, _query(target))

    assert response.status_code == 302
    assert response.headers["Location"] == ACCOUNT


@pytest.mark.parametrize("query", OFF_SITE_ENCODED)
def test_sign_in_never_follows_an_encoded_next_off_the_site(
    client: Any, user: Any, query: str
) -> None:
    response = _log_in(client, user, query)

    assert response.status_code == 302
    assert response.headers["Location"] == ACCOUNT


@pytest.mark.parametrize("target", OFF_SITE)
def test_two_step_sign_in_never_follows_next_off_the_site(client: Any, target: str) -> None:
    response = _two_step(client, _query(target))

    assert response.status_code == 302
    assert response.headers["Location"] == ACCOUNT


@pytest.mark.parametrize("query", OFF_SITE_ENCODED)
def test_two_step_sign_in_never_follows_an_encoded_next_off_the_site(
    client: Any, query: str
) -> None:
    response = _two_step(client, query)

    assert response.status_code == 302
    assert response.headers["Location"] == ACCOUNT


@pytest.mark.parametrize("target", OFF_SITE)
def test_reauthentication_never_follows_next_off_the_site(
    client: Any, user: Any, target: str
) -> None:
    response = _reauthenticate(client, user, _query(target))

    assert response.status_code == 302
    assert response.headers["Location"] == ACCOUNT


@pytest.mark.parametrize("query", OFF_SITE_ENCODED)
def test_reauthentication_never_follows_an_encoded_next_off_the_site(
    client: Any, user: Any, query: str
) -> None:
    response = _reauthenticate(client, user, query)

    assert response.status_code == 302
    assert response.headers["Location"] == ACCOUNT


@pytest.mark.parametrize(
    ("target", "followed"),
    [
        ("/store/cart", "/store/cart"),
        ("/helpdesk/?page=2", "/helpdesk/?page=2"),
        ("/store/cart\n", "/store/cart"),
    ],
)
def test_each_sign_in_path_follows_next_to_a_page_on_this_site(
    app: Any, user: Any, target: str, followed: str
) -> None:
    query = _query(target)

    assert _log_in(app.test_client(), user, query).headers["Location"] == followed
    assert _two_step(app.test_client(), query).headers["Location"] == followed
    assert _reauthenticate(app.test_client(), user, query).headers["Location"] == followed
