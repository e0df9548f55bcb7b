"""Guessable patterns in passwords: keyboard walks, sequences, repeats and look-alike spellings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

# Extra characters allowed around a repeated word ("letmeinletmein123") before it stops
# counting as a repeat.
MAX_AFFIX = 4
# Shortest stretch that counts as a keyboard walk or a sequence; runs count from three.
MIN_WALK = 4
MIN_SEQUENCE = 4
MIN_RUN = 3

# Characters people swap in for letters. 1, ! and | stand for either i or l, so l is read
# as i too and both spellings meet.
_LOOK_ALIKES = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "8": "b",
        "(": "c",
        "3": "e",
        "6": "g",
        "9": "g",
        "1": "i",
        "!": "i",
        "|": "i",
        "l": "i",
        "0": "o",
        "5": "s",
        "$": "s",
        "7": "t",
        "+": "t",
    }
)
# A US/UK QWERTY keyboard; shifted symbols are read as their unshifted keys first.
_ROWS = ("1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./")
_UNSHIFT = str.maketrans('~!@#$%^&*()_+{}|:"<>?', "`1234567890-=[]\\;',./")
_SEPARATORS = re.compile(r"[\s\-./,:_]+")


def _keyboard_lines() -> tuple[str, ...]:
    """List the rows, the columns (1qaz) and the other diagonals (zse4), both ways."""
    width = max(len(row) for row in _ROWS)
    columns = ["".join(row[c] for row in _ROWS if c < len(row)) for c in range(width)]
    diagonals = [
        "".join(row[c + 3 - r] for r, row in enumerate(_ROWS) if 0 <= c + 3 - r < len(row))[::-1]
        for c in range(-3, width)
    ]
    lines = [*_ROWS, *columns, *diagonals]
    return tuple(line for line in lines + [line[::-1] for line in lines] if len(line) >= MIN_WALK)


_KEYBOARD_LINES = _keyboard_lines()


def look_alike(text: str) -> str:
    """Spell look-alike digits and symbols as the letters they stand for (p@ssw0rd: password)."""
    return text.translate(_LOOK_ALIKES)


def cores(text: str) -> Iterator[str]:
    """Yield the text with every amount of leading and trailing non-letters taken off."""
    letters = [i for i, char in enumerate(text) if char.isalpha()]
    if not letters:
        return
    for start in range(letters[0] + 1):
        for end in range(letters[-1] + 1, len(text) + 1):
            yield text[start:end]


def is_digits_only(text: str) -> bool:
    """Tell whether the text is digits, perhaps split by spaces, dashes, dots or slashes."""
    bare = _SEPARATORS.sub("", text)
    return bool(bare) and bare.isdigit()


def repeated_unit(text: str) -> str | None:
    """Return the unit the text repeats, allowing a few extra characters at its ends."""
    for prefix in range(MAX_AFFIX + 1):
        for suffix in range(MAX_AFFIX + 1 - prefix):
            middle = text[prefix : len(text) - suffix]
            # The smallest rotation that maps a string onto itself is its repeating unit.
            period = (middle + middle).find(middle, 1)
            if len(middle) > 1 and period < len(middle):
                return middle[:period]
    return None


def dominant_pattern(text: str) -> str | None:
    """Name the pattern ("walk", "sequence" or "run") when simple patterns fill most of text.

    Returns the kind covering the most characters, or None when together they cover half
    of the text or less.
    """
    covered = {
        "walk": _walks(text.translate(_UNSHIFT)),
        "sequence": _sequences(text),
        "run": _runs(text),
    }
    if 2 * len(set().union(*covered.values())) <= len(text):
        return None
    return max(covered, key=lambda kind: len(covered[kind]))


def _walks(text: str) -> set[int]:
    """Return the positions on stretches that follow a line of keys."""
    covered: set[int] = set()
    for line in _KEYBOARD_LINES:
        after = dict(pairwise(line))
        covered |= _stretches([after.get(a) == b for a, b in pairwise(text)], MIN_WALK)
    return covered


def _sequences(text: str) -> set[int]:
    """Return the positions on ascending or descending stretches (abcd, 9876)."""
    covered: set[int] = set()
    for step in (1, -1):
        links = [a.isalnum() and b.isalnum() and ord(b) - ord(a) == step for a, b in pairwise(text)]
        covered |= _stretches(links, MIN_SEQUENCE)
    return covered


def _runs(text: str) -> set[int]:
    """Return the positions on runs of one character (aaa, !!!)."""
    return _stretches([a == b for a, b in pairwise(text)], MIN_RUN)


def _stretches(links: list[bool], minimum: int) -> set[int]:
    """Return the positions on stretches of at least minimum characters, each linked to the next.

    links[i] says whether character i links to character i + 1.
    """
    covered: set[int] = set()
    start = 0
    for end in range(len(links) + 1):
        if end == len(links) or not links[end]:
            if end + 1 - start >= minimum:
                covered.update(range(start, end + 1))
            start = end + 1
    return covered
