"""The production access log: the client's network and the route rule, nothing else of note."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from gunicorn.config import Config
from werkzeug.test import EnvironBuilder

from jasperrec import gunicorn_conf

TOKEN = "eyJ1IjoxfQ.secret-token"
SPOOFED = "192.0.2.200"


def production_config(**overrides: Any) -> Config:
    """Load the module as `gunicorn -c python:jasperrec.gunicorn_conf` does."""
    config = Config()
    for name in ("accesslog", "access_log_format", "logger_class", "post_worker_init"):
        config.set(name, getattr(gunicorn_conf, name))
    for name, value in overrides.items():
        config.set(name, value)
    return config


def served(app: Flask, path: str, address: str) -> dict[str, Any]:
    """The environ of a request the app has answered, as gunicorn holds it afterwards."""
    environ = EnvironBuilder(
        path=path,
        environ_base={"REMOTE_ADDR": address},
        headers={"User-Agent": "Firefox/131.0", "Referer": f"https://x.ca/auth/reset/{TOKEN}"},
    ).get_environ()
    environ["RAW_URI"] = path
    b"".join(app.wsgi_app(environ, lambda *args: None))
    return environ


def access_line(app: Flask, config: Config, environ: dict[str, Any]) -> str:
    """Format one request through the configured logger class, in a started worker."""
    logger = config.logger_class(config)
    config.post_worker_init(SimpleNamespace(log=logger, wsgi=app))
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("Set-Cookie", "s=1")])
    request = SimpleNamespace(headers=[("X-Forwarded-For", f"{SPOOFED}, 10.0.0.1")])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=12))
    line: str = config.access_log_format % logger.atoms_wrapper_class(atoms)
    return line


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("198.51.100.77", "198.51.100.0/24"),
        ("2001:db8:85a3:1234:5678:8a2e:370:7334", "2001:db8:85a3::/48"),
    ],
)
def test_the_production_access_log_names_the_network_and_the_route_only(
    app: Flask, address: str, network: str
) -> None:
    environ = served(app, f"/auth/reset/{TOKEN}?next=/secret-query", address)

    line = access_line(app, production_config(), environ)

    assert line.startswith(f"{network} [")
    assert '"GET /auth/reset/<token> HTTP/1.1" 200 512 12ms' in line
    for secret in (address, TOKEN, "secret-query", "Firefox"):
        assert secret not in line


def test_an_operators_extra_atoms_are_blanked(app: Flask) -> None:
    environ = served(app, f"/auth/reset/{TOKEN}?q=1", "198.51.100.77")
    risky = (
        "%(U)s %(q)s %(f)s %(a)s %(u)s %({x-forwarded-for}i)s %({remote_addr}e)s %({set-cookie}o)s"
    )

    line = access_line(app, production_config(access_log_format=risky), environ)

    assert line == "/auth/reset/<token> - - - - - - -"


def test_a_request_no_route_matched_is_logged_without_its_path(app: Flask) -> None:
    environ = served(app, f"/no/such/{TOKEN}", "198.51.100.77")

    line = access_line(app, production_config(), environ)

    assert '"GET (no route) HTTP/1.1"' in line
    assert TOKEN not in line


def test_the_config_module_selects_the_network_only_logger() -> None:
    assert production_config().logger_class is gunicorn_conf.NetworkOnlyLogger
    assert production_config().post_worker_init is gunicorn_conf.post_worker_init
    assert production_config().accesslog == "-"


def test_a_coarser_access_log_prefix_applies_to_gunicorns_log_too(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PRIVACY_TRAFFIC_IPV4_PREFIX", 16)
    environ = served(app, "/", "198.51.100.77")

    line = access_line(app, production_config(), environ)

    assert line.startswith("198.51.0.0/16 [")
