"""Shared fixtures: one migrated database per run, one rolled-back transaction per test."""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from jasperrec import create_app
from jasperrec import tasks
from jasperrec.extensions import db
from jasperrec.extensions import limiter
from jasperrec.mail import EXTENSION_KEY
from jasperrec.privacy.traffic import recorder_for
from tests import factories

TEST_DATABASE_URL = os.environ.get("JASPERREC_TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("JASPERREC_TEST_REDIS_URL")
PASSWORD = "correct horse battery staple"
# Settings for extra apps built in a test: no queue, no mail server, no Redis.
QUIET = {
    "TASKS_BACKEND": "immediate",
    "MAIL_BACKEND": "memory",
    "RATELIMIT_STORAGE_URI": "memory://",
    "SECRET_KEY": "another-key",
}


class IsolatedClient(FlaskClient):
    """Run each request in a fresh app context, as a real server would.

    Otherwise the request would reuse the test's app context, sharing `g` (and the
    signed-in user) between requests.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        response = contextvars.Context().run(super().open, *args, **kwargs)
        # Following a redirect re-enters open() inside the empty context: nothing to expire.
        if has_app_context():
            db.session.expire_all()
        return response


def _scratch_postgres(url: str, purpose: str = "run") -> str:
    """Make a database of this run's own beside the given one, so runs never collide."""
    base = sa.make_url(url)
    scratch = base.set(database=f"{base.database}_{purpose}_{os.getpid()}")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch.database}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{scratch.database}"')
    admin.dispose()
    return scratch.render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    scratch = sa.make_url(url)
    admin = sa.create_engine(scratch.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    url = TEST_DATABASE_URL or f"sqlite:///{instance / 'test.db'}"
    if url.startswith("postgresql"):
        url = _scratch_postgres(url)
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": url,
            "REDIS_URL": TEST_REDIS_URL,
            "RATELIMIT_STORAGE_URI": TEST_REDIS_URL or "memory://",
            "RATELIMIT_KEY_PREFIX": "jasperrec-test",
            "WTF_CSRF_ENABLED": False,
            "TASKS_BACKEND": "immediate",
            "MAIL_BACKEND": "memory",
            # Cheap hashing keeps the suite fast; bench/login.py measures the real parameters.
            "AUTH_ARGON2_TIME_COST": 1,
            "AUTH_ARGON2_MEMORY_KIB": 256,
            # A low lock threshold keeps lockout tests short; tests of the default read DEFAULTS.
            "AUTH_LOCKOUT_THRESHOLD": 10,
        }
    )
    app.test_client_class = IsolatedClient
    limiter.enabled = False
    with app.app_context():
        upgrade()
        db.session.configure(join_transaction_mode="create_savepoint")
    yield app
    with app.app_context():
        db.engine.dispose()
    if url.startswith("postgresql"):
        _drop_postgres(url)


@pytest.fixture(autouse=True)
def _transaction(app: Flask, request: pytest.FixtureRequest) -> Iterator[None]:
    """Swap the engine for one connection in a transaction that is rolled back afterwards.

    A test marked `commits` needs transactions of its own (several connections racing)
    and cleans up after itself instead.
    """
    if request.node.get_closest_marker("commits"):
        with app.app_context():
            yield
            db.session.remove()
        return
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection  # type: ignore[assignment]
        try:
            yield
        finally:
            db.session.remove()
            transaction.rollback()
            connection.close()
            engines[None] = engine


@pytest.fixture(autouse=True)
def outbox(app: Flask) -> list[EmailMessage]:
    """The messages sent during this test."""
    mailer = app.extensions[EXTENSION_KEY]
    mailer.outbox.clear()
    return mailer.outbox  # type: ignore[no-any-return]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def rate_limits(app: Flask) -> Iterator[None]:
    """Turn rate limits on for one test, with empty counters before and after."""
    limiter.reset()
    limiter.enabled = True
    yield
    limiter.enabled = False
    limiter.reset()


@pytest.fixture
def user() -> Any:
    return factories.UserFactory(password=PASSWORD)


@pytest.fixture
def log_in(client: FlaskClient) -> Callable[..., Any]:
    """Sign a user in through the real login view."""

    def do_log_in(who: Any, password: str = PASSWORD, remember: bool = False) -> Any:
        data = {"email": who.email, "password": password}
        if remember:
            data["remember"] = "y"
        return client.post("/auth/login", data=data)

    return do_log_in


@pytest.fixture
def other_app(app: Flask, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build extra apps, then point the shared extensions back at the suite's app."""

    def build(**overrides: Any) -> Flask:
        built = create_app({"INSTANCE_PATH": str(tmp_path), **QUIET, **overrides})
        # Its database has no tables: a background flush of the access log would fail later,
        # logging an error into whichever test runs then. Tests flush by hand.
        recorder_for(built).background = False
        return built

    yield build
    limiter.init_app(app)
    limiter.enabled = False
    tasks.init_app(app)


@pytest.fixture
def count_queries() -> Callable[[Callable[[], Any]], int]:
    """Count the SQL statements an action sends, to show a page or export stays bounded."""

    def count(action: Callable[[], Any]) -> int:
        seen: list[str] = []
        connection = db.engines[None]

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            seen.append(statement)

        sa.event.listen(connection, "before_cursor_execute", record)
        try:
            action()
        finally:
            sa.event.remove(connection, "before_cursor_execute", record)
        return len(seen)

    return count
