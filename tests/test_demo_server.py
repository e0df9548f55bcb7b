"""The demo as a newcomer runs it: `jasperrec demo --port N`, its links, its console and headers.

The request-log tests serve a tiny app in-process; the rest start the real `jasperrec demo`
in a subprocess, with a fresh instance folder, and talk to it over HTTP.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from jasperrec.demo_server import DemoRequestHandler
from jasperrec.demo_server import RouteOnlyFilter
from jasperrec.demo_server import masked_address
from tests.store.conftest import sign

TOKEN = "eyJ1IjoxfQ.aw8oNA.x4CjJ8bddQH5OTCxKNOV9p0PUI4"
PASSWORD = "lantern orchard velvet ocean"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# What Werkzeug's own log line starts with: the client's whole address.
FULL_ADDRESS = re.compile(r"127\.0\.0\.1 - -")
JASPERREC = Path(sys.executable).with_name("jasperrec")


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("fe80::1%eth0", "fe80::/48"),
        ("<local>", "-"),
    ],
)
def test_the_demo_log_keeps_only_the_clients_network(address: str, shown: str) -> None:
    assert masked_address(address) == shown


# The request handler, on a tiny app served in-process.


@pytest.fixture
def tiny_server() -> Iterator[str]:
    """Serve an app with one token-carrying route through the demo's request handler."""
    tiny = Flask(__name__)
    tiny.add_url_rule("/auth/reset/<token>", "reset", lambda token: "ok")
    tiny.add_url_rule("/auth/confirm/<token>", "confirm", lambda token: 1 / 0)
    tiny.logger.addFilter(RouteOnlyFilter())
    server = make_server("127.0.0.1", 0, tiny, threaded=True, request_handler=DemoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def get(address: str, target: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(address, timeout=5)
    connection.request("GET", target)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def raw(address: str, request_line: bytes) -> None:
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request_line + b"\r\n\r\n")
        sock.recv(1024)


def test_the_demo_log_names_the_route_and_never_the_token(
    tiny_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        get(tiny_server, f"/auth/reset/{TOKEN}?next=/secret-query")
        get(tiny_server, f"/no/such/page/{TOKEN}")

    assert "GET /auth/reset/<token> 200" in caplog.text
    assert "GET (no route) 404" in caplog.text
    assert TOKEN not in caplog.text
    assert "secret-query" not in caplog.text
    assert "127.0.0.0/24" in caplog.text
    assert not FULL_ADDRESS.search(caplog.text)


def test_the_demo_log_does_not_quote_a_malformed_request_line(
    tiny_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        raw(tiny_server, f"NONSENSE /auth/reset/{TOKEN}".encode())
        raw(tiny_server, f"GET /auth/reset/{TOKEN} HTTP/9.9".encode())

    assert "could not read a request" in caplog.text
    assert TOKEN not in caplog.text


def test_a_failing_page_is_logged_by_its_route_not_its_url(
    tiny_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = get(tiny_server, f"/auth/confirm/{TOKEN}")

    assert response.status == 500
    assert "Exception on /auth/confirm/<token> [GET]" in caplog.text
    assert "ZeroDivisionError" in caplog.text
    assert TOKEN not in caplog.text


def test_the_demo_server_names_no_versions(tiny_server: str) -> None:
    response = get(tiny_server, "/auth/reset/x")

    assert response.headers["Server"] == "JasperRec"


# The real `jasperrec demo`, in a subprocess.


@dataclass(frozen=True)
class Demo:
    """A running demo: where it answers, its instance folder and its console output."""

    url: str
    instance: Path
    console: Path

    def output(self) -> str:
        """What the demo has printed so far."""
        return self.console.read_text()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_env(instance: Path) -> dict[str, str]:
    """The caller's environment without its JasperRec settings, plus a fresh instance."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JASPERREC_")}
    return {
        **env,
        "PYTHONUNBUFFERED": "1",
        "JASPERREC_INSTANCE_PATH": str(instance),
        # Cheap hashing keeps seeding quick, as in the rest of the suite.
        "JASPERREC_AUTH_ARGON2_TIME_COST": "1",
        "JASPERREC_AUTH_ARGON2_MEMORY_KIB": "256",
    }


def wait_until_up(url: str, server: subprocess.Popen[bytes], console: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`jasperrec demo` exited:\n{console.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (loopback http)
        except OSError:
            time.sleep(0.2)
        else:
            return
    pytest.fail(f"`jasperrec demo` did not answer at {url}:\n{console.read_text()}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """Start `jasperrec demo --port N` as a newcomer would, on a free port."""
    instance = tmp_path_factory.mktemp("demo-instance")
    console = instance.parent / f"{instance.name}-console.txt"
    port = free_port()
    with console.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 (a fixed argument list)
            [str(JASPERREC), "demo", "--port", str(port)],
            env=demo_env(instance),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, server, console)
        yield Demo(url=url, instance=instance, console=console)
    finally:
        server.terminate()
        server.wait(timeout=30)


class Browser:
    """Pages and forms over plain HTTP, keeping cookies, as a browser would."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, url: str, data: dict[str, str] | None = None) -> tuple[str, str]:
        """Fetch a page (following redirects) and return its final URL and text."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        full = url if url.startswith("http") else self.demo.url + url
        with self.opener.open(full, data=body, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def submit(self, url: str, fields: dict[str, str]) -> tuple[str, str]:
        """Fill in the form on a page and post it back, CSRF token included."""
        _, page = self.open(url)
        match = CSRF_INPUT.search(page)
        assert match, f"No CSRF token on {url}"
        return self.open(url, {"csrf_token": match.group(1), **fields})


def newest_mail_to(outbox: Path, address: str, subject: str) -> EmailMessage:
    """Wait for the in-process worker to write a message, and read it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.eml"), reverse=True):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if message["To"] == address and subject in message["Subject"]:
                return message  # type: ignore[return-value]
        time.sleep(0.2)
    raise AssertionError(f"No mail to {address} about {subject!r} in {outbox}")


def link_in(message: EmailMessage, path: str) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    match = re.search(rf"https?://\S+{path}\S+", body.get_content())
    assert match, body.get_content()
    return match.group(0)


def test_a_newcomer_registers_confirms_from_the_outbox_and_signs_in(demo: Demo) -> None:
    browser = Browser(demo)
    email = "robin.tremblay@example.ca"
    browser.submit(
        "/auth/register",
        {
            "first_name": "Robin",
            "last_name": "Tremblay",
            "email": email,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )

    mail = newest_mail_to(demo.instance / "outbox", email, "Confirm your email")
    link = link_in(mail, "/auth/confirm/")
    assert link.startswith(f"{demo.url}/auth/confirm/"), link
    landed, page = browser.submit(link, {})
    assert landed == f"{demo.url}/auth/login"
    assert "your email address is confirmed" in page
    landed, page = browser.submit("/auth/login", {"email": email, "password": PASSWORD})
    assert landed == f"{demo.url}/auth/account"
    assert "My account" in page


def test_the_demo_console_shows_routes_and_networks_never_tokens_or_mail(demo: Demo) -> None:
    browser = Browser(demo)
    email = "alex.tremblay@example.ca"
    browser.submit("/auth/reset", {"email": email})
    mail = newest_mail_to(demo.instance / "outbox", email, "Choose a new password")
    link = link_in(mail, "/auth/reset/")
    browser.open(link)

    console = demo.output()
    token = link.rsplit("/", 1)[1]
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "GET /auth/reset/<token> 200" in console
    assert token not in console
    assert not FULL_ADDRESS.search(console)
    assert "127.0.0.0/24" in console
    assert "Mail to a***@example.ca: 'Choose a new password for JasperRec' saved to " in console
    assert not any(line.strip() in console for line in body.splitlines() if len(line) > 20)


def test_the_real_demo_sends_no_version_banner(demo: Demo) -> None:
    with urllib.request.urlopen(demo.url, timeout=5) as response:  # noqa: S310 (loopback http)
        server = response.headers["Server"]

    assert server == "JasperRec"
    assert "Werkzeug" not in server
    assert "Python" not in server


def test_the_demo_refuses_an_event_signed_with_the_old_public_secret(demo: Demo) -> None:
    body = b'{"id": "evt_1", "object": "event", "type": "ping", "data": {}}'
    request = urllib.request.Request(  # noqa: S310 (loopback http)
        f"{demo.url}/store/webhooks/stripe",
        data=body,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": sign(body, "whsec_jasperrec_demo_only"),
        },
    )

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310 (loopback http)

    refused.value.close()
    assert refused.value.code == 400
