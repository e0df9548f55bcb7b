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

from . import patterns

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


@functools.cache
def _common_spellings() -> frozenset[str]:
    """Spell the common passwords as patterns.look_alike reads them, so p@ssw0rd meets password."""
    return frozenset(patterns.look_alike(entry) for entry in common_passwords())


_PATTERN_REASONS = {
    "walk": "This password is mostly keys next to each other on the keyboard (like qwerty or "
    "1qaz2wsx), which is easy to guess. Choose another.",
    "sequence": "This password is mostly letters or digits in order (like abcdef or 98765), "
    "which is easy to guess. Choose another.",
    "run": "This password is mostly one character repeated, which is easy to guess. "
    "Choose another.",
}


def password_problem(password: str, context_words: Iterable[str] = ()) -> str | None:
    """Say why a password is too easy to guess, or return None when it is acceptable.

    Follows NIST SP 800-63B: length limits and a blocklist, with no composition rules. The
    blocklist covers common passwords, their look-alike spellings, and patterns that
    guessing tools try first: digits alone, keyboard walks, sequences, runs and repeats.
    """
    length = len(unicodedata.normalize("NFKC", password))
    if length < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few unrelated words make a good one."
    if length > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    folded = unicodedata.normalize("NFKC", password).casefold()
    # Ordered so that the reason shown names the most telling weakness.
    checks = (_common_problem, _digits_problem, _pattern_problem, _spelling_problem)
    for check in checks:
        problem = check(folded)
        if problem:
            return problem
    return _context_problem(folded, context_words) or _repeat_problem(folded)


def _common_problem(folded: str) -> str | None:
    """Reject a common password, alone or with digits and symbols around it."""
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded)
    if folded in common_passwords() or core in common_passwords():
        return "This password is on lists of commonly used passwords. Choose another."
    return None


def _digits_problem(folded: str) -> str | None:
    """Reject digits alone: dates, phone numbers and PINs are tried early, however long."""
    if patterns.is_digits_only(folded):
        return (
            "A password of digits alone is easy to guess, however long. "
            "A few unrelated words make a good one."
        )
    return None


def _pattern_problem(folded: str) -> str | None:
    """Reject passwords made mostly of keyboard walks, sequences or runs."""
    kind = patterns.dominant_pattern(folded) or patterns.dominant_pattern(_compact(folded))
    return _PATTERN_REASONS[kind] if kind else None


def _spelling_problem(folded: str) -> str | None:
    """Reject a common password spelled with look-alikes (p@ssw0rd), with extras around it."""
    spellings = _common_spellings()
    trimmed = patterns.cores(_compact(folded))
    if any(patterns.look_alike(core) in spellings for core in trimmed):
        return (
            "This is a common password with letters swapped for look-alike digits or symbols "
            "(like p@ssw0rd), which guessing tools try early. Choose another."
        )
    return None


def _repeat_problem(folded: str) -> str | None:
    """Reject one word said over and over, even with a few characters added or look-alikes."""
    compact = _compact(folded)
    if patterns.repeated_unit(compact) or patterns.repeated_unit(patterns.look_alike(compact)):
        return (
            "This password repeats the same word or pattern, perhaps with a few characters "
            "added, which is easy to guess. Choose another."
        )
    return None


def _compact(folded: str) -> str:
    """Drop the spaces, which change nothing for a guesser that tries words together."""
    return re.sub(r"\s+", "", folded)


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
