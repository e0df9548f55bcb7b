"""The skeleton: configuration, security headers, error pages, migrations, mail and the CLI."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade
from flask_migrate import upgrade

from jasperrec import create_app
from jasperrec.cli import seed_demo_command
from jasperrec.config import ConfigError
from jasperrec.extensions import db
from jasperrec.mail import OutboxMailer
from jasperrec.mail import SmtpMailer
from jasperrec.mail import build_message
from tests import conftest
from tests.conftest import QUIET

PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": "0123456789abcdef0123456789abcdef",
    "DATABASE_URL": "sqlite://",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "STRIPE_SECRET_KEY": "sk_test_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "AUTH_TOTP_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "PUBLIC_URL": "https://rec.example.ca",
    "TASKS_BACKEND": "immediate",
    "MAIL_BACKEND": "memory",
    "RATELIMIT_STORAGE_URI": "memory://",
}


def test_configuration_layers_apply_in_order(
    other_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.py").write_text(
        'MUNICIPALITY_NAME = "From the instance file"\nMUNICIPALITY_PHONE = "780-555-0100"\n'
        'BRAND_PORTAL_NAME = "From the instance file"\n'
    )
    monkeypatch.setenv("JASPERREC_MUNICIPALITY_PHONE", "780-555-0199")
    monkeypatch.setenv("JASPERREC_BRAND_PORTAL_NAME", "From the environment")

    made = other_app(BRAND_PORTAL_NAME="From the mapping")

    assert made.config["MUNICIPALITY_NAME"] == "From the instance file"
    assert made.config["MUNICIPALITY_PHONE"] == "780-555-0199"
    assert made.config["BRAND_PORTAL_NAME"] == "From the mapping"
    assert made.config["MUNICIPALITY_TIMEZONE"] == "America/Edmonton"


def test_the_instance_folder_comes_from_the_environment(
    other_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("JASPERREC_INSTANCE_PATH", str(elsewhere))

    made = create_app(QUIET)

    assert made.instance_path == str(elsewhere)
    assert made.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{elsewhere / 'jasperrec.db'}"
    other_app()  # leaves the shared extensions restored by the fixture


def test_another_town_shows_its_own_name(other_app: Callable[..., Flask]) -> None:
    made = other_app(MUNICIPALITY_NAME="Town of Hinton", MUNICIPALITY_PHONE="780-865-6000")

    page = made.test_client().get("/privacy").get_data(as_text=True)

    assert "Town of Hinton" in page
    assert "780-865-6000" in page
    assert "Municipality of Jasper" not in page


def test_demo_mode_is_the_default_and_says_so(app: Flask, client: Any) -> None:
    assert app.config["IS_DEMO"]
    assert app.config["MAIL_BACKEND"] == "memory"  # the suite's override of "outbox"
    assert b"Demo portal." in client.get("/").data


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "AUTH_TOTP_KEY",
    ],
)
def test_production_refuses_to_start_without_each_required_setting(
    missing: str, tmp_path: Path
) -> None:
    settings = {**PRODUCTION, missing: None, "INSTANCE_PATH": str(tmp_path)}

    with pytest.raises(ConfigError) as raised:
        create_app(settings)

    assert str(raised.value).count("JASPERREC_") == 1
    assert f"JASPERREC_{missing}" in str(raised.value)


@pytest.mark.parametrize(
    "key",
    ["k", "x" * 31, "é" * 15 + "x", b"\x00" * 31],
    ids=["one-letter", "31-ascii", "31-utf8-bytes-in-16-characters", "31-raw-bytes"],
)
def test_production_refuses_a_secret_key_shorter_than_32_bytes(
    key: str | bytes, tmp_path: Path
) -> None:
    settings = {**PRODUCTION, "SECRET_KEY": key, "INSTANCE_PATH": str(tmp_path)}

    with pytest.raises(ConfigError) as raised:
        create_app(settings)

    assert "JASPERREC_SECRET_KEY" in str(raised.value)
    assert "at least 32 bytes" in str(raised.value)


@pytest.mark.parametrize("key", ["x" * 32, "é" * 16, b"\x00" * 32])
def test_production_accepts_a_secret_key_of_32_bytes(
    key: str | bytes, other_app: Callable[..., Flask]
) -> None:
    made = other_app(**{**PRODUCTION, "SECRET_KEY": key})

    assert made.config["SECRET_KEY"] == key


def test_production_sets_secure_cookies_and_hsts(other_app: Callable[..., Flask]) -> None:
    made = other_app(**PRODUCTION)

    response = made.test_client().get("/", base_url="https://rec.example.ca")

    assert made.config["SESSION_COOKIE_SECURE"] is True
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert b"Demo portal." not in response.data


def test_every_response_carries_the_security_headers(client: Any) -> None:
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
        assert part in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_signed_in_pages_are_not_cached(client: Any, user: Any, log_in: Any) -> None:
    log_in(user)

    assert client.get("/auth/account").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("url", "status"), [("/no-such-page", 404), ("/auth/logout", 405)])
def test_errors_render_in_the_site_layout(client: Any, url: str, status: int) -> None:
    response = client.get(url)

    assert response.status_code == status
    assert b"Municipality of Jasper" in response.data
    assert f"Error {status}".encode() in response.data


def test_clients_that_ask_for_json_get_json_errors(client: Any) -> None:
    response = client.get("/no-such-page", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.json["error"]["status"] == 404


def test_a_500_rolls_back_and_shows_the_error_page(
    app: Flask, client: Any, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> str:
        db.session.execute(sa.text("UPDATE users SET first_name = 'Broken'"))
        raise RuntimeError("bug")

    monkeypatch.setitem(app.view_functions, "pages.accessibility", broken)
    monkeypatch.setattr(app, "testing", False)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    response = client.get("/accessibility")

    assert response.status_code == 500
    assert b"Nothing was saved" in response.data
    db.session.refresh(user)
    assert user.first_name != "Broken"


def test_a_form_without_its_csrf_token_is_refused(
    app: Flask, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post("/auth/register", data={"email": "new@example.ca"})

    assert response.status_code == 400
    assert b"CSRF" in response.data


def test_a_10_mb_form_body_is_refused_and_nothing_is_written(client: Any) -> None:
    response = client.post(
        "/auth/register",
        data={
            "first_name": "Big",
            "last_name": "Body",
            "email": "big@example.ca",
            "password": "x" * (10 * 1024 * 1024),
            "confirm": "x",
        },
    )

    assert response.status_code == 413
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("users"))) == 0


def _upgrade_check_downgrade(made: Flask) -> None:
    with made.app_context():
        upgrade()
        with db.engine.connect() as connection:
            # As `flask db check` compares: with the app's filters for engine-only indexes.
            opts = dict(made.extensions["migrate"].configure_args)
            context = MigrationContext.configure(connection, opts=opts)
            differences = compare_metadata(context, db.metadata)
        downgrade(revision="base")
        with db.engine.connect() as connection:
            left = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert differences == []
    assert left == set()


# SQLite cannot reflect expression indexes, so Alembic says it skips the PostgreSQL-only
# GIN index on the program search vector there; PostgreSQL compares it.
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index 'ix_programs_search'"
)
def test_migrations_build_the_models_schema_from_empty_and_tear_it_down(
    other_app: Callable[..., Flask], tmp_path: Path
) -> None:
    url = conftest.TEST_DATABASE_URL
    if url and url.startswith("postgresql"):
        scratch = conftest._scratch_postgres(url, "migrations")
        try:
            _upgrade_check_downgrade(other_app(DATABASE_URL=scratch))
        finally:
            conftest._drop_postgres(scratch)
    else:
        _upgrade_check_downgrade(other_app(DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}"))


@pytest.fixture
def smtp_server() -> Iterator[list[Any]]:
    """A real SMTP server on loopback that keeps what it receives."""
    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield [controller, received]
    finally:
        controller.stop()


def test_the_smtp_adapter_delivers_to_a_real_server(
    app: Flask, user: Any, smtp_server: list[Any]
) -> None:
    controller, received = smtp_server
    mailer = SmtpMailer(
        "127.0.0.1", controller.port, use_tls=False, username=None, password=None, timeout=5
    )
    with app.test_request_context():
        message = build_message(user.email, "auth/password_changed", user=user)

    mailer.send(message)

    deadline = time.monotonic() + 5
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)
    [envelope] = received
    assert envelope.rcpt_tos == [user.email]
    assert b"Your password was changed" in envelope.content


def test_the_demo_outbox_writes_eml_files_and_echoes_them(
    tmp_path: Path, user: Any, app: Flask
) -> None:
    import io

    stream = io.StringIO()
    mailer = OutboxMailer(tmp_path / "outbox", stream)
    message = EmailMessage()
    message["To"], message["Subject"] = user.email, "Hello"
    message.set_content("Body text")

    mailer.send(message)

    [saved] = list((tmp_path / "outbox").glob("*.eml"))
    assert b"Body text" in saved.read_bytes()
    assert "Hello" in stream.getvalue()


def test_seeding_the_demo_twice_changes_nothing_the_second_time(runner: Any) -> None:
    first = runner.invoke(seed_demo_command)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("users")))
    second = runner.invoke(seed_demo_command)

    assert first.exit_code == 0, first.output
    assert first.output == second.output
    assert "alex.tremblay@example.ca / demo-" in first.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("users"))) == count
