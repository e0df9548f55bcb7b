"""Links in mail come from the configured public address, never from the request's Host."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask import url_for

from jasperrec import create_app
from jasperrec.config import ConfigError
from jasperrec.config import follow_demo_address
from tests.test_foundation import PRODUCTION


def test_a_reset_link_ignores_a_forged_host_header(
    client: Any, user: Any, outbox: list[Any]
) -> None:
    client.post("/auth/reset", data={"email": user.email}, headers={"Host": "evil.example"})

    [message] = outbox
    body = message.get_body(("plain",)).get_content()
    assert "http://127.0.0.1:5000/auth/reset/" in body
    assert "evil.example" not in body


@pytest.mark.parametrize("url", ["rec.example.ca", "ftp://rec.example.ca", "https://"])
def test_a_malformed_public_url_stops_start_up(url: str, tmp_path: Any) -> None:
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app(
            {
                "PUBLIC_URL": url,
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "k",
                "TASKS_BACKEND": "immediate",
                "MAIL_BACKEND": "memory",
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )


def test_production_needs_its_own_public_url(tmp_path: Any) -> None:
    settings = {**PRODUCTION, "PUBLIC_URL": None, "INSTANCE_PATH": str(tmp_path)}

    with pytest.raises(ConfigError, match="JASPERREC_PUBLIC_URL"):
        create_app(settings)


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 5077, "http://127.0.0.1:5077/"),
        ("localhost", 8080, "http://localhost:8080/"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000/"),  # noqa: S104
        ("::", 8000, "http://[::1]:8000/"),
        ("::1", 5001, "http://[::1]:5001/"),
    ],
)
def test_the_demo_mails_links_to_the_address_it_serves_on(
    other_app: Callable[..., Flask], host: str, port: int, expected: str
) -> None:
    demo = other_app()

    assert follow_demo_address(demo.config, host, port) == expected
    with demo.app_context():
        assert url_for("auth.login", _external=True) == f"{expected}auth/login"


def test_a_configured_public_url_wins_over_the_demo_address(
    other_app: Callable[..., Flask],
) -> None:
    demo = other_app(PUBLIC_URL="https://rec.example.ca")

    assert follow_demo_address(demo.config, "127.0.0.1", 5077) == "https://rec.example.ca/"
    with demo.app_context():
        assert url_for("auth.login", _external=True) == "https://rec.example.ca/auth/login"
