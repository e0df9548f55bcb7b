"""Accounts: registration, confirmation, secure sign-in with server-side sessions,
password policy and reset, the resident's profile and household.

Every other feature builds on the User model and the sessions kept here.
"""

from flask import Flask

from jasperrec.personal_data import register

from . import cli
from . import cookies
from . import passwords
from .personal_data import AuthData
from .views import bp

bp.cli.add_command(cli.reencrypt_totp_secrets_command)


def init_app(app: Flask) -> None:
    """Set up password hashing, the session loaders and the account's personal-data provider."""
    passwords.init_app(app)
    cookies.init_app(app)
    register(app, AuthData())


__all__ = ["bp", "init_app"]
