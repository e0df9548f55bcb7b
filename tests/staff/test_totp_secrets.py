"""TOTP secrets encrypted at rest: the stored value, the key setting, and the migration."""

from __future__ import annotations

import base64
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade
from flask_migrate import upgrade

from jasperrec import create_app
from jasperrec.auth import mfa
from jasperrec.auth.encryption import decrypt
from jasperrec.auth.models import User
from jasperrec.config import ConfigError
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests import factories
from tests.conftest import QUIET

VERSIONS = Path(__file__).parents[2] / "migrations" / "versions"
MIGRATION = next(VERSIONS.glob("5c1f0e7a9b3d_*.py"))
BEFORE = "7e4a9c2b5d18"


def stored_secret(user_id: int) -> str:
    """The totp_secret column exactly as the database holds it."""
    query = sa.text("SELECT totp_secret FROM users WHERE id = :id")
    return str(db.session.execute(query, {"id": user_id}).scalar_one())


def migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("encrypt_totp_secrets", MIGRATION)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_database_holds_the_totp_secret_encrypted_not_in_base32(app: Flask) -> None:
    user = factories.UserFactory()
    secret = mfa.new_secret()
    mfa.enable_mfa(user, secret, pyotp.TOTP(secret).now())

    stored = stored_secret(user.id)

    assert secret not in stored
    assert not stored.isupper()
    assert decrypt(stored, app.config["AUTH_TOTP_KEY"]) == secret


def test_a_code_from_the_plaintext_secret_still_verifies_after_a_round_trip() -> None:
    secret = pyotp.random_base32()
    user = factories.UserFactory(totp_secret=secret, mfa_enabled_at=utcnow())
    db.session.commit()
    db.session.expire_all()

    assert mfa.check_second_factor(user, pyotp.TOTP(secret).now()) == "totp"


def test_reading_secrets_with_another_key_names_the_setting(app: Flask) -> None:
    user = factories.UserFactory(totp_secret=pyotp.random_base32(), mfa_enabled_at=utcnow())
    db.session.flush()
    db.session.expire_all()
    key = app.config["AUTH_TOTP_KEY"]
    app.config["AUTH_TOTP_KEY"] = new_key()
    try:
        with pytest.raises(ConfigError, match="JASPERREC_AUTH_TOTP_KEY"):
            db.session.get(User, user.id).totp_secret  # noqa: B018 (the load is the test)
    finally:
        app.config["AUTH_TOTP_KEY"] = key


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.mark.parametrize(
    "key",
    [
        "short",
        "x" * 44,
        base64.urlsafe_b64encode(b"k" * 31).decode(),
        base64.urlsafe_b64encode(b"k" * 32).decode() + ",short",
    ],
    ids=["short", "not-base64", "31-bytes", "good-then-bad"],
)
def test_a_malformed_totp_key_stops_start_up_with_a_clear_message(key: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="JASPERREC_AUTH_TOTP_KEY must be 32 random bytes"):
        create_app({**QUIET, "INSTANCE_PATH": str(tmp_path), "AUTH_TOTP_KEY": key})


def test_with_a_new_key_listed_first_old_secrets_still_open_and_new_ones_use_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = app.config["AUTH_TOTP_KEY"], new_key()
    earlier, later = pyotp.random_base32(), pyotp.random_base32()
    before = factories.UserFactory(totp_secret=earlier, mfa_enabled_at=utcnow())
    db.session.flush()
    monkeypatch.setitem(app.config, "AUTH_TOTP_KEY", f"{new},{old}")
    after = factories.UserFactory(totp_secret=later, mfa_enabled_at=utcnow())
    db.session.flush()
    db.session.expire_all()

    assert db.session.get(User, before.id).totp_secret == earlier
    assert decrypt(stored_secret(after.id), new) == later


def test_reencrypting_the_secrets_lets_the_old_key_be_dropped(
    app: Flask, runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = app.config["AUTH_TOTP_KEY"], new_key()
    secret = pyotp.random_base32()
    user = factories.UserFactory(totp_secret=secret, mfa_enabled_at=utcnow())
    db.session.flush()
    monkeypatch.setitem(app.config, "AUTH_TOTP_KEY", f"{new},{old}")

    result = runner.invoke(args=["auth", "reencrypt-totp-secrets"])

    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 TOTP secret(s)" in result.output
    monkeypatch.setitem(app.config, "AUTH_TOTP_KEY", new)
    db.session.expire_all()
    assert decrypt(stored_secret(user.id), new) == secret
    assert mfa.check_second_factor(db.session.get(User, user.id), pyotp.TOTP(secret).now())


def test_the_demo_makes_a_totp_key_in_its_instance_folder_and_keeps_it(
    other_app: Callable[..., Flask], tmp_path: Path
) -> None:
    first = other_app().config["AUTH_TOTP_KEY"]
    again = other_app().config["AUTH_TOTP_KEY"]

    key_file = tmp_path / "totp_key"
    assert first == again == key_file.read_text()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(base64.urlsafe_b64decode(first)) == 32


def test_the_migration_encrypts_existing_plaintext_secrets_and_the_downgrade_restores_them(
    other_app: Callable[..., Flask], tmp_path: Path
) -> None:
    made = other_app(DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}")
    secret = pyotp.random_base32()
    columns = ("email", "password_hash", "first_name", "last_name", "totp_secret")
    users = sa.table("users", *(sa.column(name) for name in columns))
    with made.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(
                users.insert().values(
                    email="plain@example.ca",
                    password_hash="not-a-hash",  # noqa: S106
                    first_name="Plain",
                    last_name="Text",
                    totp_secret=secret,
                )
            )

        upgrade()
        with db.engine.connect() as connection:
            after = connection.execute(sa.select(users.c.totp_secret)).scalar_one()
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            restored = connection.execute(sa.select(users.c.totp_secret)).scalar_one()
        key = made.config["AUTH_TOTP_KEY"]
        db.engine.dispose()

    assert after != secret
    assert decrypt(after, key) == secret
    assert restored == secret


def test_the_migration_data_step_leaves_encrypted_and_empty_secrets_alone(app: Flask) -> None:
    key = app.config["AUTH_TOTP_KEY"]
    plain, sealed = pyotp.random_base32(), pyotp.random_base32()
    ids = [
        factories.UserFactory(totp_secret=sealed).id,
        factories.UserFactory(totp_secret=None).id,
        factories.UserFactory().id,
    ]
    db.session.flush()
    connection = db.session.connection()
    connection.execute(
        sa.text("UPDATE users SET totp_secret = :s WHERE id = :id"), {"s": plain, "id": ids[2]}
    )
    before = stored_secret(ids[0])

    changed = migration().encrypt_plaintext_secrets(connection, key)

    assert changed == 1
    assert stored_secret(ids[0]) == before
    assert decrypt(stored_secret(ids[2]), key) == plain
    assert (
        db.session.execute(
            sa.text("SELECT totp_secret FROM users WHERE id = :id"), {"id": ids[1]}
        ).scalar_one()
        is None
    )
