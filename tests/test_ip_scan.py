"""One visitor's whole address reaches no table, file, log, cookie, page, mail or limiter key."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.extensions import limiter
from jasperrec.networks import masked_address
from jasperrec.privacy.traffic import recorder_for
from tests import conftest
from tests import factories
from tests.conftest import PASSWORD
from tests.staff.conftest import totp_code

ADDRESSES = ("198.51.100.77", "2001:db8:85a3:1234:5678:8a2e:370:7334")
WRONG = "not the right password"
HELPDESK_FORM = {
    "subject": "Arena bench is broken",
    "description": "The third bench in the arena's change room wobbles.",
}


def forms_of(address: str) -> tuple[list[bytes], list[bytes], int]:
    """The address as text needles (lower case), as packed bytes, and as an integer."""
    ip = ipaddress.ip_address(address)
    packed = socket.inet_pton(socket.AF_INET if ip.version == 4 else socket.AF_INET6, address)
    texts = {str(ip), ip.exploded, str(int(ip)), packed.hex()}
    if ip.version == 6:
        texts.add(ip.exploded.replace(":", ""))
    for name in ("md5", "sha1", "sha256"):
        for text in (str(ip), ip.exploded):
            texts.add(hashlib.new(name, text.encode()).hexdigest())
    return [t.lower().encode() for t in texts], [packed], int(ip)


def hits(address: str, haystack: bytes, where: str) -> list[str]:
    """Name each form of the address found in a blob of text or bytes."""
    texts, binaries, _ = forms_of(address)
    lowered = haystack.lower()
    found = [f"{where}: {n.decode()}" for n in texts if n in lowered]
    return found + [f"{where}: packed bytes {b.hex()}" for b in binaries if b in haystack]


def as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8", "backslashreplace")


def database_hits(address: str) -> list[str]:
    """Search every column of every row in every table, texts, bytes and integers."""
    _, _, number = forms_of(address)
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            for column, value in zip(table.columns, row, strict=True):
                where = f"{table.name}.{column.name}"
                if isinstance(value, int) and value == number:
                    found.append(f"{where}: integer {value}")
                elif value is not None:
                    found += hits(address, as_bytes(value), where)
    return found


def database_text() -> str:
    return "\n".join(
        repr(tuple(row))
        for table in db.metadata.sorted_tables
        for row in db.session.execute(sa.select(table))
    )


def instance_hits(app: Flask, address: str) -> list[str]:
    """Search every file under the instance folder, byte for byte."""
    found = []
    for path in sorted(Path(app.instance_path).rglob("*")):
        if path.is_file():
            found += hits(address, path.read_bytes(), str(path))
    return found


def limiter_contents() -> bytes:
    """Every rate-limit key and value: Redis when the suite runs on it, memory otherwise."""
    if conftest.TEST_REDIS_URL:
        import redis

        connection = redis.Redis.from_url(conftest.TEST_REDIS_URL)
        chunks = []
        for key in connection.scan_iter("*"):
            chunks += [key, repr(connection.type(key)).encode(), connection.dump(key) or b""]
            kind = connection.type(key)
            if kind == b"string":
                chunks.append(connection.get(key) or b"")
            elif kind == b"zset":
                chunks.append(repr(connection.zrange(key, 0, -1, withscores=True)).encode())
            elif kind == b"list":
                chunks.append(repr(connection.lrange(key, 0, -1)).encode())
            elif kind == b"hash":
                chunks.append(repr(connection.hgetall(key)).encode())
        return b"\n".join(chunks)
    storage: Any = limiter.storage
    return repr((storage.storage, storage.events, storage.expirations)).encode()


def cookie_contents(app: Flask, client: Any) -> bytes:
    """The decoded session cookie and every cookie's raw value."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    chunks = []
    for cookie in client._cookies.values():
        chunks.append(cookie.value.encode())
        if cookie.key == app.config["SESSION_COOKIE_NAME"]:
            chunks.append(repr(serializer.loads(cookie.value)).encode())
    return b"\n".join(chunks)


@pytest.fixture
def broken_page(app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    """A page that fails with a server error, shown as production would show it."""

    def broken() -> str:
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "pages.accessibility", broken)
    monkeypatch.setattr(app, "testing", False)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    return "/accessibility"


class Visit:
    """Everything a visitor's browser was sent back."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.answers: list[bytes] = []

    def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        response = getattr(self.client, method)(path, **kwargs)
        self.answers.append(repr(response.headers).encode() + b"\n" + response.data)
        return response


def drive(app: Flask, client: Any, address: str, broken_page: str) -> Visit:
    """Sign in, fail, buy, file a request and hit errors, all from one address."""
    client.environ_base["REMOTE_ADDR"] = address
    visit = Visit(client)
    resident = factories.UserFactory(password=PASSWORD)
    product = factories.ProductFactory(merchandise=True, price_cents=4_000)
    for _ in range(3):
        visit("post", "/auth/login", data={"email": resident.email, "password": WRONG})
    visit("post", "/auth/login", data={"email": "nobody@example.ca", "password": WRONG})
    visit("post", "/auth/reset", data={"email": resident.email})
    signed_in = visit("post", "/auth/login", data={"email": resident.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    visit(
        "post",
        f"/store/passes-and-memberships/{product.slug}/add",
        data={f"p{product.id}-quantity": "1"},
    )
    to_payment = visit("post", "/store/checkout")
    assert to_payment.status_code == 303, to_payment.data
    assert visit("post", to_payment.location + "/pay").status_code in (302, 303)
    factories.CategoryFactory(slug="facilities")
    assert visit("post", "/helpdesk/new/facilities", data=HELPDESK_FORM).status_code == 302
    assert visit("get", "/no/such/page").status_code == 404
    assert visit("get", "/helpdesk/requests/2147483647").status_code == 404
    assert visit("get", broken_page).status_code == 500
    return visit


def drive_staff(client: Any, address: str) -> Visit:
    """A helpdesk agent signs in with two steps, works a request and searches, from one address."""
    client.environ_base["REMOTE_ADDR"] = address
    visit = Visit(client)
    department = factories.DepartmentFactory()
    agent = factories.StaffFactory(
        password=PASSWORD,
        roles=[Role.HELPDESK_AGENT],
        departments=[department],
        totp_secret=pyotp.random_base32(),
        mfa_enabled_at=utcnow(),
    )
    request = factories.ServiceRequestFactory(department=department)
    visit("post", "/auth/login", data={"email": agent.email, "password": WRONG})
    assert (
        visit("post", "/auth/login", data={"email": agent.email, "password": PASSWORD}).status_code
        == 302
    )
    visit("post", "/auth/two-step", data={"code": "000000"})
    assert visit("post", "/auth/two-step", data={"code": totp_code(agent)}).status_code == 302
    assert visit("get", "/staff/").status_code == 200
    assert visit("get", f"/staff/requests/{request.id}").status_code == 200
    reply = {"body": "We will fix the bench this week."}
    assert visit("post", f"/staff/requests/{request.id}/reply", data=reply).status_code == 302
    assert visit("get", "/staff/people?q=" + request.customer.last_name).status_code == 200
    assert visit("get", "/auth/sessions").status_code == 200
    return visit


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG):
        yield caplog


def scan(
    app: Flask, client: Any, address: str, visit: Visit, outbox: list[Any], logs: Any
) -> list[str]:
    """Write the access log, then search every place the address could have landed."""
    recorder = recorder_for(app)
    buffered = repr(list(recorder.buffer)).encode()
    assert recorder.flush(db.session.connection()) > 0
    db.session.commit()  # flush everything into the test's transaction before reading files
    text = logs.text + "\n".join(repr(r.__dict__) for r in logs.records)
    found = (
        database_hits(address)
        + instance_hits(app, address)
        + hits(address, text.encode(), "logs")
        + hits(address, limiter_contents(), "rate limits")
        + hits(address, cookie_contents(app, client), "cookies")
        + hits(address, b"\n".join(visit.answers), "responses")
        + hits(address, b"\n".join(m.as_bytes() for m in outbox), "mail")
        + hits(address, buffered, "access log buffer")
    )
    # The access log keeps the network, which the scan allows; so it did see this visitor.
    assert masked_address(address) in database_text()
    assert limiter_contents(), "the rate limiter recorded nothing: the scan would prove nothing"
    return found


@pytest.mark.parametrize("address", ADDRESSES, ids=["ipv4", "ipv6"])
def test_a_visitors_whole_address_is_stored_nowhere_in_any_form(
    app: Flask,
    client: Any,
    address: str,
    rate_limits: None,
    broken_page: str,
    outbox: list[Any],
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    recorder_for(app).buffer.clear()
    visit = drive(app, client, address, broken_page)
    assert scan(app, client, address, visit, outbox, debug_logs) == []


@pytest.mark.parametrize("address", ADDRESSES, ids=["ipv4", "ipv6"])
def test_a_staff_members_whole_address_is_stored_nowhere_in_any_form(
    app: Flask,
    client: Any,
    address: str,
    rate_limits: None,
    outbox: list[Any],
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    recorder_for(app).buffer.clear()
    visit = drive_staff(client, address)
    assert scan(app, client, address, visit, outbox, debug_logs) == []


@pytest.mark.parametrize("address", ADDRESSES, ids=["ipv4", "ipv6"])
@pytest.mark.parametrize(
    "blob",
    [
        lambda a: a.encode(),
        lambda a: a.upper().encode(),
        lambda a: ipaddress.ip_address(a).exploded.encode(),
        lambda a: str(int(ipaddress.ip_address(a))).encode(),
        lambda a: ipaddress.ip_address(a).packed,
        lambda a: ipaddress.ip_address(a).packed.hex().upper().encode(),
        lambda a: hashlib.sha256(a.encode()).hexdigest().encode(),
        lambda a: hashlib.sha1(a.encode()).hexdigest().encode(),  # noqa: S324
        lambda a: hashlib.md5(a.encode()).hexdigest().encode(),  # noqa: S324
    ],
    ids=["text", "upper", "exploded", "integer", "packed", "hex", "sha256", "sha1", "md5"],
)
def test_the_scan_finds_the_address_in_each_form(address: str, blob: Any) -> None:
    assert hits(address, b"before " + blob(address) + b" after", "sample")


def test_the_scan_allows_the_truncated_network() -> None:
    assert hits("198.51.100.77", b"198.51.100.0/24 c6336400", "sample") == []
    assert hits(ADDRESSES[1], b"2001:db8:85a3::/48", "sample") == []
