"""Encryption at rest for secrets the portal must read back, such as TOTP secrets.

Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package) both hides and
authenticates each value; the key lives in the configuration, never in the database, so a
stolen database or backup yields no usable authenticator secret. This is the only module
that imports `cryptography`.
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet
from flask import current_app

from jasperrec.config import ENV_PREFIX
from jasperrec.config import ConfigError


def encrypt(plaintext: str, keys: str) -> str:
    """Seal a value with the first of comma-separated Fernet keys; each call differs."""
    return _fernet(keys).encrypt(plaintext.encode()).decode()


def decrypt(token: str, keys: str) -> str:
    """Open a value sealed by `encrypt` with any of comma-separated Fernet keys.

    Listing a new key first and the old one after it is how a key is rotated: new values
    are sealed with the new key while the old one still opens what it sealed.

    :raises InvalidToken: when no key is the one it was sealed with, or the value was
        altered.
    """
    return _fernet(keys).decrypt(token.encode()).decode()


@functools.lru_cache(maxsize=8)
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",")])


class EncryptedString(sa.TypeDecorator[str]):
    """A string column stored encrypted under the key(s) in one config setting."""

    impl = sa.String
    cache_ok = True

    def __init__(self, length: int, *, setting: str) -> None:
        super().__init__(length)
        self.setting = setting

    def _key(self) -> str:
        return str(current_app.config[self.setting])

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> Any:
        """Encrypt on the way into the database."""
        return None if value is None else encrypt(value, self._key())

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> str | None:
        """Decrypt on the way out, saying which setting is wrong if the key does not fit."""
        if value is None:
            return None
        try:
            return decrypt(str(value), self._key())
        except InvalidToken:
            raise ConfigError(
                f"{ENV_PREFIX}_{self.setting} does not open the secrets stored in the database;"
                " it must include the key they were encrypted with."
            ) from None
