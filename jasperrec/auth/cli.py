"""Account commands: `flask auth ...`."""

from __future__ import annotations

import click

from . import mfa


@click.command("reencrypt-totp-secrets")
def reencrypt_totp_secrets_command() -> None:
    """Seal every TOTP secret under the first key in AUTH_TOTP_KEY, to retire the others."""
    count = mfa.reencrypt_secrets()
    click.echo(f"Re-encrypted {count} TOTP secret(s) under the first key of AUTH_TOTP_KEY.")
