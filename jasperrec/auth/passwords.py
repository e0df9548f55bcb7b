"""Password hashing (argon2id) and the password policy; the only module that imports argon2."""

from __future__ import annotations

import functools
import re
import secrets
import unicodedata
from collections.abc import Iterable
from importlib import resources

from argon2 import PasswordHasher
from argon2 import Type
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from flask import Flask
from flask import current_app

EXTENSION_KEY = "jasperrec.password_hasher"
MIN_LENGTH = 15
MAX_LENGTH = 128
# Left after the municipality's words, digits and symbols are taken out.
MIN_OWN_LETTERS = 8


def init_app(app: Flask) -> None:
    """Build the hasher from the configured argon2id parameters."""
    hasher = PasswordHasher(
        time_cost=int(app.config["AUTH_ARGON2_TIME_COST"]),
        memory_cost=int(app.config["AUTH_ARGON2_MEMORY_KIB"]),
        parallelism=int(app.config["AUTH_ARGON2_PARALLELISM"]),
        type=Type.ID,
    )
    app.extensions[EXTENSION_KEY] = _Hashing(hasher)


class _Hashing:
    """The app's hasher plus a dummy hash that makes unknown-account checks cost the same."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self.dummy_hash = hasher.hash(secrets.token_urlsafe(24))


def _hashing() -> _Hashing:
    return current_app.extensions[EXTENSION_KEY]  # type: ignore[no-any-return]


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hashing().hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, check against a dummy so the time taken is the same."""
    hashing = _hashing()
    try:
        return hashing.hasher.verify(password_hash or hashing.dummy_hash, password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a stored hash uses parameters older than the configured ones."""
    return _hashing().hasher.check_needs_rehash(password_hash)


@functools.cache
def common_passwords() -> frozenset[str]:
    """Load the shipped list of the most common passwords."""
    text = resources.files("jasperrec.auth").joinpath("data/common-passwords.txt").read_text()
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def password_problem(password: str, context_words: Iterable[str] = ()) -> str | None:
    """Say why a password is too easy to guess, or return None when it is acceptable.

    Follows NIST SP 800-63B: length limits and a blocklist, with no composition rules.
    """
    length = len(unicodedata.normalize("NFKC", password))
    if length < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few unrelated words make a good one."
    if length > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    folded = unicodedata.normalize("NFKC", password).casefold()
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded)
    blocklist = common_passwords()
    if folded in blocklist or core in blocklist:
        return "This password is on lists of commonly used passwords. Choose another."
    unit = _repeated_unit(re.sub(r"\s+", "", folded))
    if unit is not None and (len(unit) <= 4 or unit in blocklist):
        return "This password repeats a short or common pattern. Choose another."
    if _is_sequence(folded):
        return "This password is a simple sequence of characters. Choose another."
    return _context_problem(folded, context_words)


def _context_problem(folded: str, context_words: Iterable[str]) -> str | None:
    """Reject passwords built mostly from the municipality's or the person's own names."""
    remainder = folded
    for word in sorted({w.casefold() for w in context_words if len(w) >= 3}, key=len, reverse=True):
        remainder = remainder.replace(word, "")
    letters = re.sub(r"[\W\d_]+", "", remainder)
    if remainder != folded and len(letters) < MIN_OWN_LETTERS:
        return (
            "This password is made mostly of the municipality's name, facility names or your "
            "own name, which are easy to guess. Add words of your own."
        )
    return None


def _repeated_unit(text: str) -> str | None:
    """Return the shortest unit the text repeats at least twice, if it is one."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return None


def _is_sequence(text: str) -> bool:
    """Tell whether every character steps by the same amount from the last (abcd, 4321)."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return len(steps) == 1 and steps <= {-1, 1}
