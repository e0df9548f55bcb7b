"""North American phone numbers as residents type them, and the one way they are stored."""

from __future__ import annotations

import re

PHONE = re.compile(r"^(?:\+?1[\s.-]?)?\(?([2-9]\d{2})\)?[\s.-]?([2-9]\d{2})[\s.-]?(\d{4})$")


def normalise_phone(value: str | None) -> str | None:
    """Store phone numbers one way: 780-852-3356."""
    match = PHONE.match(value or "")
    return "-".join(match.groups()) if match else None
