"""Two-step sign-in: TOTP enrolment and checks, and single-use recovery codes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import flag_modified

from jasperrec.db import utcnow
from jasperrec.extensions import db

from .errors import StaffMfaRequiredError
from .errors import WrongCodeError
from .errors import WrongPasswordError
from .models import RecoveryCode
from .models import User
from .passwords import verify_password

RECOVERY_CODE_COUNT = 10
TOTP_STEP_SECONDS = 30


@dataclasses.dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the secret as a QR code and as text."""

    secret: str
    uri: str
    qr_svg_data_uri: str


def new_secret() -> str:
    """Make a fresh TOTP secret (160 bits, base32) for enrolment."""
    return pyotp.random_base32(32)


def describe_enrolment(user: User, secret: str) -> Enrolment:
    """Build the provisioning URI and its QR code for an authenticator app."""
    issuer = str(current_app.config["BRAND_PORTAL_NAME"])
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)
    qr = segno.make(uri, error="m")
    return Enrolment(secret=secret, uri=uri, qr_svg_data_uri=qr.svg_data_uri(scale=5))


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """Return the time step a code belongs to, allowing one step of clock drift."""
    totp = pyotp.TOTP(secret)
    code = code.replace(" ", "")
    for drift in (0, -1, 1):
        moment = now + dt.timedelta(seconds=drift * TOTP_STEP_SECONDS)
        if hmac.compare_digest(totp.at(moment), code):
            return int(totp.timecode(moment))
    return None


def enable_mfa(user: User, secret: str, code: str) -> list[str]:
    """Switch on two-step sign-in once the person proves their app has the secret.

    Returns the recovery codes, which are shown once and stored only hashed.

    :raises WrongCodeError:
    """
    step = _matching_step(secret, code, utcnow())
    if step is None:
        raise WrongCodeError("That code is not right. Check the time on your phone and try again.")
    user.totp_secret = secret
    user.totp_last_step = step
    user.mfa_enabled_at = utcnow()
    codes = _replace_recovery_codes(user)
    db.session.commit()
    return codes


def regenerate_recovery_codes(user: User, password: str) -> list[str]:
    """Void the old recovery codes and issue ten new ones, once the password is confirmed.

    :raises WrongPasswordError:
    """
    if not verify_password(user.password_hash, password):
        raise WrongPasswordError("Your current password is not correct; no new codes were made.")
    codes = _replace_recovery_codes(user)
    db.session.commit()
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    db.session.flush()
    return codes


def _new_code() -> str:
    """Make a random 40-bit code, written as two groups of five for easy copying."""
    digits = secrets.token_hex(5)
    return f"{digits[:5]}-{digits[5:]}"


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace(" ", "").encode()).hexdigest()


def check_second_factor(user: User, code: str) -> str:
    """Accept a current TOTP code (once) or an unused recovery code; say which was used.

    :raises WrongCodeError:
    """
    if not user.is_mfa_enabled:
        raise WrongCodeError("Two-step sign-in is not set up for this account.")
    code = code.strip()
    step = _matching_step(user.totp_secret or "", code, utcnow())
    if step is not None and _claim_step(user, step):
        db.session.commit()
        return "totp"
    recovery_id = db.session.scalar(
        sa.select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery_id is None or not _claim_recovery_code(recovery_id):
        raise WrongCodeError("That code is not right, or it was already used.")
    db.session.commit()
    return "recovery"


def _claim_step(user: User, step: int) -> bool:
    """Record a time step as used unless it, or a later one, already was; flushes only.

    The condition is checked by the UPDATE itself, so of two requests racing with the same
    code (each having read the old step) exactly one changes the row: under PostgreSQL's
    read committed the second waits for the first's row lock, then re-checks and fails.
    """
    claimed = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def _claim_recovery_code(recovery_id: int) -> bool:
    """Mark a recovery code used unless another request just did; flushes only."""
    claimed = db.session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.id == recovery_id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def reencrypt_secrets() -> int:
    """Seal every stored TOTP secret again under the current key, so old keys can go.

    Returns how many secrets were rewritten.
    """
    users = db.session.scalars(sa.select(User).where(User.totp_secret.is_not(None))).all()
    for user in users:
        # The column type seals on write; marking the value changed makes it write again.
        flag_modified(user, "totp_secret")
    db.session.commit()
    return len(users)


def remaining_recovery_codes(user: User) -> int:
    """Count the recovery codes not yet used."""
    query = sa.select(sa.func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return int(db.session.scalar(query) or 0)


def disable_mfa(user: User, password: str) -> None:
    """Let a resident switch two-step sign-in off; staff must keep it.

    :raises WrongPasswordError:
    """
    if user.is_staff:
        raise StaffMfaRequiredError("Staff accounts must keep two-step sign-in.")
    if not verify_password(user.password_hash, password):
        raise WrongPasswordError("Your current password is not correct.")
    user.totp_secret = None
    user.mfa_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.commit()
