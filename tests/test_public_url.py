"""Links in mail come from the configured public address, never from the request's Host."""

from __future__ import annotations

from typing import Any

import pytest

from jasperrec import create_app
from jasperrec.config import ConfigError
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
