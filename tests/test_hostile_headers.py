"""Hostile request headers: a huge or undecodable User-Agent, a forwarded chain too long."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

from jasperrec import headers
from jasperrec import useragents
from jasperrec.auth.models import UserSession
from jasperrec.auth.sessions import describe_user_agent
from jasperrec.extensions import db
from jasperrec.extensions import limiter
from jasperrec.privacy.traffic import COLUMNS
from jasperrec.privacy.traffic import recorder_for
from tests.conftest import PASSWORD

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"
HUGE = FIREFOX + " " + "A" * 100_000
# A WSGI server hands header bytes over as latin-1 text: invalid UTF-8 arrives like this.
UNDECODABLE = (FIREFOX + " ").encode() + b"\xff\xfe\xc3\x28\xa0\xa1\x00\x1b[31m"
TRUSTED = "203.0.113.50"
SPOOFED_CHAIN = [f"192.0.2.{n}" for n in range(1, 10)]


def sessions_of(user: Any) -> list[UserSession]:
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)))


@pytest.mark.parametrize(
    "user_agent",
    [HUGE, UNDECODABLE.decode("latin-1"), "", "\x00" * 600],
    ids=["100-kb", "invalid-utf-8", "empty", "nul-bytes"],
)
def test_a_hostile_user_agent_signs_in_and_is_stored_only_as_a_short_family(
    client: Any, user: Any, user_agent: str
) -> None:
    environ = {"HTTP_USER_AGENT": user_agent}

    signed_in = client.post(
        "/auth/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base=environ,
    )
    listed = client.get("/auth/sessions", environ_base=environ)

    assert signed_in.status_code == 302
    assert listed.status_code == 200
    [record] = sessions_of(user)
    assert len(record.browser) <= 60
    assert len(record.os) <= 60
    assert "\x00" not in record.browser + record.os
    assert "AAAA" not in listed.get_data(as_text=True)


@pytest.mark.parametrize(
    "user_agent", [HUGE, UNDECODABLE.decode("latin-1")], ids=["100-kb", "invalid-utf-8"]
)
@pytest.mark.parametrize("path", ["/", "/store/", "/helpdesk/", "/no/such/page"])
def test_public_pages_answer_a_hostile_user_agent_normally(
    client: Any, user_agent: str, path: str
) -> None:
    response = client.get(path, environ_base={"HTTP_USER_AGENT": user_agent})

    assert response.status_code in (200, 404)
    assert b"AAAA" not in response.data


def test_the_user_agent_cache_keeps_only_the_first_512_characters() -> None:
    """Distinct 100 KB User-Agents must not each hold 100 KB in the parsing cache."""
    cache = useragents._describe
    describe_user_agent(FIREFOX + " " + "B" * 100_000)
    before = cache.cache_info().hits

    describe_user_agent(FIREFOX + " " + "B" * 99_999 + "C")

    assert cache.cache_info().hits == before + 1


@pytest.fixture
def behind_one_proxy(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve the suite's app as headers.init_app does with JASPERREC_PROXY_COUNT=1."""
    one = Flask(__name__)
    one.config.update(PROXY_COUNT=1, ENV="production")
    headers.init_app(one)
    fix = one.wsgi_app
    assert isinstance(fix, ProxyFix)
    monkeypatch.setattr(
        app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=fix.x_for, x_proto=fix.x_proto)
    )


def forwarded(*hops: str) -> dict[str, str]:
    return {"X-Forwarded-For": ", ".join(hops)}


def test_a_forwarded_chain_longer_than_the_proxies_yields_the_right_most_address(
    app: Flask, client: Any, behind_one_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []
    monkeypatch.setitem(
        app.view_functions, "pages.accessibility", lambda: seen.append(request.remote_addr) or "ok"
    )

    recorder = recorder_for(app)
    recorder.buffer.clear()

    response = client.get("/accessibility", headers=forwarded(*SPOOFED_CHAIN, TRUSTED))

    assert response.status_code == 200
    assert seen == [TRUSTED]
    [hit] = list(recorder.buffer)
    recorder.buffer.clear()
    assert dict(zip(COLUMNS, hit, strict=True))["network"] == "203.0.113.0/24"


def test_changing_the_spoofed_hops_does_not_escape_the_rate_limit(
    app: Flask,
    client: Any,
    behind_one_proxy: None,
    rate_limits: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "AUTH_CLIENT_LOGIN_LIMIT", "3 per 10 minutes")
    answers = [
        client.post(
            "/auth/login",
            data={"email": f"person{n}@example.ca", "password": "wrong password"},
            headers=forwarded(f"192.0.2.{n}", *SPOOFED_CHAIN, TRUSTED),
        ).status_code
        for n in range(5)
    ]
    other = client.post(
        "/auth/login",
        data={"email": "x@example.ca", "password": "wrong password"},
        headers=forwarded(*SPOOFED_CHAIN, "203.0.113.51"),
    )

    assert answers == [200, 200, 200, 429, 429]
    assert other.status_code == 200
    assert limiter.enabled


@pytest.mark.parametrize(
    "chain",
    ["not-an-address", " , , ", "1.2.3.4, " * 20_000, "2001:db8::1%eth0", "[::1]:80"],
    ids=["garbage", "empty-hops", "100-kb", "zone-id", "bracketed"],
)
def test_a_malformed_forwarded_chain_gets_an_ordinary_answer(
    client: Any, user: Any, behind_one_proxy: None, rate_limits: None, chain: str
) -> None:
    headers_ = {"X-Forwarded-For": chain}

    page = client.get("/", headers=headers_)
    sign_in = client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD}, headers=headers_
    )

    assert page.status_code == 200
    assert sign_in.status_code == 302
