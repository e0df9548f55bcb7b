"""The anonymous access log: what one request leaves behind, and nothing more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask import Response
from flask.testing import FlaskClient

from jasperrec import useragents
from jasperrec.networks import masked_address
from jasperrec.privacy import traffic as traffic_module
from jasperrec.privacy.models import TrafficHit
from jasperrec.privacy.traffic import describe_user_agent
from jasperrec.privacy.traffic import is_download
from jasperrec.privacy.traffic import referrer_domain
from jasperrec.useragents import DeviceClass

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
IPAD = IPHONE.replace("iPhone; CPU iPhone OS", "iPad; CPU OS")
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/119.0 Safari/537.36"
)
GOOGLEBOT = "Googlebot/2.1 (+http://www.google.com/bot.html)"
Hits = Callable[[], list[TrafficHit]]


def test_a_request_is_logged_by_its_route_rule_never_its_path_or_query(
    client: FlaskClient, logged_hits: Hits
) -> None:
    client.get("/auth/reset/secret-token-123?utm=mail", headers={"User-Agent": FIREFOX})
    client.get("/no/such/page?q=secret", headers={"User-Agent": FIREFOX})
    first, second = logged_hits()
    assert (first.method, first.route) == ("GET", "/auth/reset/<token>")
    assert (second.route, second.status) == ("(no route)", 404)
    stored = " ".join(str(v) for hit in (first, second) for v in vars(hit).values())
    assert "secret" not in stored
    assert "utm" not in stored


def test_a_logged_request_keeps_the_minute_status_size_and_browser(
    client: FlaskClient, logged_hits: Hits
) -> None:
    response = client.get("/", headers={"User-Agent": FIREFOX})
    (hit,) = logged_hits()
    now = dt.datetime.now(dt.UTC)
    assert (hit.minute.second, hit.minute.microsecond) == (0, 0)
    assert now - hit.minute < dt.timedelta(minutes=2)
    assert hit.status == response.status_code
    assert hit.size == len(response.data) > 0
    assert (hit.browser, hit.browser_major, hit.os, hit.device) == (
        "Firefox",
        "128",
        "Ubuntu" if hit.os == "Ubuntu" else "Linux",
        DeviceClass.DESKTOP,
    )
    assert hit.is_download is False


def test_the_log_has_no_column_that_could_join_it_to_a_person(app: Flask) -> None:
    columns = set(TrafficHit.__table__.columns.keys())
    assert columns == {
        "id",
        "minute",
        "method",
        "route",
        "status",
        "size",
        "is_download",
        "referrer_domain",
        "browser",
        "browser_major",
        "os",
        "device",
        "network",
    }
    assert not TrafficHit.__table__.foreign_keys


def test_a_signed_in_request_leaves_no_user_session_or_cookie_in_the_log(
    client: FlaskClient, log_in: Any, user: Any, logged_hits: Hits
) -> None:
    log_in(user)
    client.get("/auth/account", headers={"User-Agent": FIREFOX})
    cookies = [c.value for c in client._cookies.values()]  # type: ignore[attr-defined]
    for hit in logged_hits():
        stored = " ".join(str(v) for v in vars(hit).values())
        assert user.email not in stored
        assert not any(cookie and cookie in stored for cookie in cookies)


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
    ],
)
def test_the_client_address_is_stored_only_as_its_network(
    client: FlaskClient, logged_hits: Hits, address: str, network: str
) -> None:
    client.get("/", environ_base={"REMOTE_ADDR": address})
    (hit,) = logged_hits()
    assert hit.network == network


def test_the_network_can_be_made_coarser_but_never_finer() -> None:
    assert masked_address("203.0.113.77", ipv4_prefix=16) == "203.0.0.0/16"
    assert masked_address("2001:db8:abcd:12::1", ipv6_prefix=32) == "2001:db8::/32"
    assert masked_address("203.0.113.77", ipv4_prefix=32) == "203.0.113.0/24"
    assert masked_address("2001:db8:abcd:12::1", ipv6_prefix=128) == "2001:db8:abcd::/48"


def test_the_configured_prefixes_apply_to_the_log(other_app: Callable[..., Flask]) -> None:
    coarse = other_app(PRIVACY_TRAFFIC_IPV4_PREFIX=16, PRIVACY_TRAFFIC_IPV6_PREFIX=32)
    recorder = traffic_module.recorder_for(coarse)
    recorder.background = False
    client = coarse.test_client()
    client.get("/", environ_base={"REMOTE_ADDR": "203.0.113.77"})
    client.get("/", environ_base={"REMOTE_ADDR": "2001:db8:abcd:12::1"})
    assert [hit[-1] for hit in recorder.buffer] == ["203.0.0.0/16", "2001:db8::/32"]


@pytest.mark.parametrize(
    ("referrer", "domain"),
    [
        ("https://www.google.ca/search?q=swimming+lessons", "www.google.ca"),
        ("http://localhost/store/programs", None),
        ("", None),
        ("not a url", None),
    ],
)
def test_only_the_referring_sites_domain_is_kept(
    client: FlaskClient, logged_hits: Hits, referrer: str, domain: str | None
) -> None:
    client.get("/", headers={"Referer": referrer}, base_url="http://localhost")
    (hit,) = logged_hits()
    assert hit.referrer_domain == domain


def test_a_link_from_our_own_site_has_no_referrer() -> None:
    assert referrer_domain("https://rec.example.ca/store", "rec.example.ca:443") is None
    assert referrer_domain("https://rec.example.ca/store", "other.example.ca") == "rec.example.ca"


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (FIREFOX, ("Firefox", "128", DeviceClass.DESKTOP)),
        (IPHONE, ("Mobile Safari", "17", DeviceClass.MOBILE)),
        (IPAD, ("Mobile Safari", "17", DeviceClass.TABLET)),
        (ANDROID_TABLET, ("Chrome", "119", DeviceClass.TABLET)),
        (GOOGLEBOT, ("Googlebot", "2", DeviceClass.BOT)),
        ("", ("Other", "", DeviceClass.DESKTOP)),
    ],
)
def test_the_user_agent_is_reduced_to_browser_version_and_device_class(
    user_agent: str, expected: tuple[str, str, DeviceClass]
) -> None:
    browser, major, _, device = describe_user_agent(user_agent)
    assert (browser, major, device) == expected


def test_the_user_agent_is_cut_short_before_it_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = useragents.parse

    def spy(header: str) -> Any:
        seen.append(len(header))
        return real(header)

    monkeypatch.setattr(useragents, "parse", spy)
    useragents._describe.cache_clear()
    describe_user_agent(FIREFOX + "x" * 100_000)
    assert seen == [useragents.MAX_CHARS]


def test_the_raw_user_agent_is_not_stored(client: FlaskClient, logged_hits: Hits) -> None:
    client.get("/", headers={"User-Agent": FIREFOX})
    (hit,) = logged_hits()
    assert "Gecko" not in " ".join(str(v) for v in vars(hit).values())


@pytest.mark.parametrize(
    ("response", "download"),
    [
        (Response("<p>hi</p>", mimetype="text/html"), False),
        (Response("{}", mimetype="application/json"), False),
        (Response("a,b", mimetype="text/csv"), True),
        (Response(b"%PDF", mimetype="application/pdf"), True),
        (
            Response("x", mimetype="text/plain", headers={"Content-Disposition": "attachment"}),
            True,
        ),
    ],
)
def test_attachments_and_documents_are_flagged_as_downloads(
    response: Response, download: bool
) -> None:
    assert is_download(response) is download


def test_the_log_can_be_switched_off(other_app: Callable[..., Flask]) -> None:
    quiet = other_app(PRIVACY_TRAFFIC_ENABLED=False)
    quiet.test_client().get("/")
    assert not traffic_module.recorder_for(quiet).buffer


def test_the_log_is_on_by_default(other_app: Callable[..., Flask]) -> None:
    logging_app = other_app()
    recorder = traffic_module.recorder_for(logging_app)
    recorder.background = False
    logging_app.test_client().get("/")
    assert len(recorder.buffer) == 1
