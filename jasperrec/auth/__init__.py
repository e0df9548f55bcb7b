"""Accounts: registration, confirmation, secure sign-in with server-side sessions,
password policy and reset, the resident's profile and household.

Every other feature builds on the User model and the sessions kept here.
"""

from flask import Flask

from . import cli
from . import cookies
from . import passwords
from .views import bp

bp.cli.add_command(cli.reencrypt_totp_secrets_command)


def init_app(app: Flask) -> None:
    """Set up password hashing and the session loaders."""
    passwords.init_app(app)
    cookies.init_app(app)


__all__ = ["bp", "init_app"]
