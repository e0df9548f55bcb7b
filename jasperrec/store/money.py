"""Money as residents read it."""

from __future__ import annotations


def money(cents: int) -> str:
    """Format integer cents as dollars, the way receipts print them: $1,234.50."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"
