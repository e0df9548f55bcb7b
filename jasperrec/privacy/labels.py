"""How a personal-data row's column names and values read on the resident's page."""

from __future__ import annotations

import datetime as dt

# Words a plain humanised key would get wrong.
SPECIAL = {"gst_cents": "GST", "operating_system": "Operating system"}


def column_label(key: str) -> str:
    """Turn a row's snake_case key into a heading: "total_cents" reads "Total"."""
    if key in SPECIAL:
        return SPECIAL[key]
    words = key.removesuffix("_cents").replace("_", " ")
    return words[:1].upper() + words[1:]


def from_iso(value: str) -> dt.datetime | dt.date | None:
    """Read back a row's ISO 8601 time or date for the time filters; None if it is neither."""
    try:
        if "T" in value:
            return dt.datetime.fromisoformat(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
