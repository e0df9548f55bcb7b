"""Errors the account services raise for the views to present."""

from __future__ import annotations

from jasperrec.errors import JasperrecError


class InvalidCredentialsError(JasperrecError):
    """The email and password do not match an active account."""


class AccountLockedError(JasperrecError):
    """Too many failed checks: the account is locked until its emailed unlock link is used."""

    def __init__(self) -> None:
        super().__init__("locked until the unlock link is used")


class WeakPasswordError(JasperrecError):
    """The new password fails the password policy; the message says why."""


class WrongPasswordError(JasperrecError):
    """The current password given to confirm a change is wrong."""


class InvalidTokenError(JasperrecError):
    """An emailed link was tampered with, expired or already used."""


class EmailTakenError(JasperrecError):
    """Another account already uses this email address."""


class WrongCodeError(JasperrecError):
    """A one-time or recovery code was wrong, expired or already used."""


class StaffMfaRequiredError(JasperrecError):
    """Staff accounts cannot switch two-step sign-in off."""
