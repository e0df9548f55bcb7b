"""Signed, expiring, single-use tokens for email links: confirmation, reset, unlock, claim."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer

from jasperrec.extensions import db

from .errors import InvalidTokenError
from .models import User

CONFIRM_EMAIL = "confirm-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 (a token purpose, not a secret)
UNLOCK_ACCOUNT = "unlock-account"
CLAIM_CONTACT = "claim-contact"
USED_OR_EXPIRED = "This link was already used or is no longer valid."


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"jasperrec.{purpose}")  # type: ignore[arg-type]


def _state(user: User, purpose: str) -> str:
    """Fingerprint the account state a token is for, so using the token once voids it."""
    if purpose == CONFIRM_EMAIL:
        material = f"{user.email}|{user.email_confirmed_at}"
    elif purpose == UNLOCK_ACCOUNT:
        # Unlocking clears locked_at and a later lock sets a new one, so the link works once.
        material = f"{user.locked_at.timestamp() if user.locked_at else None}"
    elif purpose == CLAIM_CONTACT:
        # Each registration replaces the claim with a freshly salted hash, and finishing
        # one sets the account's password, so a link outlives neither.
        claimed = user.claim.password_hash if user.claim else None
        material = f"{user.email}|{user.password_hash}|{claimed}"
    else:
        material = f"{user.password_hash}|{user.last_login_at}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    """Sign a token naming the user and the account state it may change."""
    return _serializer(purpose).dumps({"u": user.id, "s": _state(user, purpose)})


def read_token(token: str, purpose: str, max_age_seconds: int) -> dict[str, Any]:
    """Return a token's payload, or raise InvalidTokenError when tampered with or expired.

    :raises InvalidTokenError:
    """
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise InvalidTokenError("This link has expired. Ask for a new one below.") from exc
    except BadSignature as exc:
        raise InvalidTokenError("This link is not valid. Check that it was copied whole.") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidTokenError("This link is not valid. Check that it was copied whole.")
    return payload


def token_matches(user: User, payload: dict[str, Any], purpose: str) -> bool:
    """Tell whether the account is still in the state the token was issued for."""
    return payload.get("s") == _state(user, purpose)


def user_for_token(token: str, purpose: str, max_age_seconds: int) -> User:
    """Return the account a link is for while the link is good and not yet used.

    :raises InvalidTokenError:
    """
    payload = read_token(token, purpose, max_age_seconds)
    user = db.session.get(User, payload["u"])
    if user is None or not token_matches(user, payload, purpose):
        raise InvalidTokenError(USED_OR_EXPIRED)
    return user
