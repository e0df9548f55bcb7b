"""Turn a resident's kinds of personal data into a ZIP: one JSON document, one CSV per kind."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from jasperrec.personal_data import Kind

# Bump when the JSON document changes shape; docs/personal-data-export.schema.json follows.
SCHEMA_VERSION = "1.2"
DOCUMENT_NAME = "personal-data.json"
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,62}")

Cell = str | int | bool | None


def build_archive(
    kinds: Sequence[Kind], resident: dict[str, Any], generated_at: dt.datetime
) -> bytes:
    """Return the ZIP's bytes for these kinds, described as the resident's at that time."""
    _check_keys(kinds)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        document = build_document(kinds, resident, generated_at)
        archive.writestr(DOCUMENT_NAME, json.dumps(document, ensure_ascii=False, indent=2))
        for kind in kinds:
            archive.writestr(f"{kind.key}.csv", kind_csv(kind))
    return buffer.getvalue()


def build_document(
    kinds: Sequence[Kind], resident: dict[str, Any], generated_at: dt.datetime
) -> dict[str, Any]:
    """Describe every kind, with why, how long and under which law, and its rows."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "resident": resident,
        "kinds": [
            {
                "key": kind.key,
                "title": kind.title,
                "purpose": kind.purpose,
                "retention": kind.retention,
                "authority": kind.authority,
                "sensitive": kind.sensitive,
                "file": f"{kind.key}.csv",
                "columns": columns(kind.rows),
                "rows": [dict(row) for row in kind.rows],
            }
            for kind in kinds
        ],
    }


def kind_csv(kind: Kind) -> str:
    """Write one kind's rows as CSV, every cell safe to open in a spreadsheet."""
    header = columns(kind.rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    for row in kind.rows:
        writer.writerow([neutralise(row.get(name)) for name in header])
    return out.getvalue()


def columns(rows: Sequence[dict[str, Cell]]) -> list[str]:
    """List every column the rows use, in the order they first appear."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def neutralise(value: Cell) -> str:
    """Render a cell as text, quoting a leading formula character so it stays text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _check_keys(kinds: Sequence[Kind]) -> None:
    """Refuse a key that is no safe file name, or one used twice: both are provider bugs."""
    keys = [kind.key for kind in kinds]
    bad = [key for key in keys if not _KEY.fullmatch(key)]
    if bad or len(set(keys)) != len(keys):
        raise ValueError(f"Kind keys must be unique snake_case names: {keys!r}")
