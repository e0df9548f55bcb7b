"""A program's roster as CSV for a spreadsheet: audited, notes as the page shows them."""

from __future__ import annotations

import csv
import io

from jasperrec.auth.models import User
from jasperrec.extensions import db

from .models import AccessKind
from .rosters import NOTES_WITHHELD
from .rosters import Roster
from .rosters import load_roster
from .rosters import record_roster

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_roster(staff: User, program_id: int) -> str:
    """Return a program's roster as CSV, as the viewer may see it, and audit the export.

    :raises NotFoundError:
    """
    roster = load_roster(staff, program_id)
    record_roster(staff, roster, AccessKind.EXPORT, "roster CSV export")
    db.session.commit()
    return roster_csv(roster)


def roster_csv(roster: Roster) -> str:
    """Write a roster as CSV, each text cell kept from being read as a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "participant",
            "age on start date",
            "account holder",
            "phone",
            "email",
            "emergency contact",
            "emergency phone",
            "emergency relationship",
            "medical or allergy notes",
        ]
    )
    for p in roster.participants:
        notes = p.medical_notes or "" if roster.shows_notes else NOTES_WITHHELD
        writer.writerow(
            [
                cell(p.name),
                "" if p.age_on_start is None else p.age_on_start,
                cell(p.account_holder),
                cell(p.phone),
                cell(p.email),
                cell(p.emergency_name),
                cell(p.emergency_phone),
                cell(p.emergency_relation),
                cell(notes),
            ]
        )
    return out.getvalue()


def cell(text: str | None) -> str:
    """Render a text cell, quoting a leading formula character so it stays text."""
    value = text or ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
