"""The same two-step code sent twice at the same moment, on separate PostgreSQL connections.

Each racer reads the account first; a hook holds every racer at its first write until all
have read, so both always see the code as unused. Only the database can then pick one
winner, which is the point: a check-then-set in Python would let both through. SQLite
takes its write lock on the first read, so the race can only be run on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth import mfa
from jasperrec.auth.errors import WrongCodeError
from jasperrec.auth.models import RecoveryCode
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from tests import factories
from tests.conftest import TEST_DATABASE_URL
from tests.races import delete_committed
from tests.races import run_at_once

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.commits,
    pytest.mark.skipif(
        not (TEST_DATABASE_URL or "").startswith("postgresql"),
        reason="racing row locks needs PostgreSQL (JASPERREC_TEST_DATABASE_URL)",
    ),
]

EMAIL = "mfa-racer@example.ca"
CONSUMING_WRITES = ("UPDATE users SET totp_last_step", "UPDATE recovery_codes SET used_at")


@pytest.fixture
def racer(app: Flask) -> Iterator[tuple[int, str, list[str]]]:
    """A committed account with two-step sign-in on; deleted again afterwards."""
    user = factories.UserFactory(email=EMAIL)
    db.session.commit()
    secret = pyotp.random_base32()
    codes = mfa.enable_mfa(user, secret, pyotp.TOTP(secret).now())
    user_id = user.id
    db.session.remove()
    yield user_id, secret, codes
    delete_committed(
        sa.delete(RecoveryCode).where(RecoveryCode.user_id == user_id),
        sa.delete(User).where(User.id == user_id),
    )


def _race(app: Flask, user_id: int, code: str) -> list[str]:
    """Send the code for the user on two connections at once; say how each attempt ended."""

    def attempt() -> str:
        try:
            return mfa.check_second_factor(db.session.get(User, user_id), code)
        except WrongCodeError:
            return "refused"

    return sorted(run_at_once(app, attempt, [(), ()], hold_before=CONSUMING_WRITES))


def test_the_same_totp_code_sent_twice_at_once_signs_in_only_once(
    app: Flask, racer: tuple[int, str, list[str]]
) -> None:
    user_id, secret, _ = racer
    # Enrolment used the current step, so the next step's code is the unused one.
    code = pyotp.TOTP(secret).at(utcnow().timestamp() + mfa.TOTP_STEP_SECONDS)

    assert _race(app, user_id, code) == ["refused", "totp"]


def test_the_same_recovery_code_sent_twice_at_once_is_accepted_only_once(
    app: Flask, racer: tuple[int, str, list[str]]
) -> None:
    user_id, _, codes = racer

    assert _race(app, user_id, codes[0]) == ["recovery", "refused"]
    used = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_not(None))
    )
    assert used == 1
