"""Who pays the resident fee: the household's address, against the municipality's list.

A household whose postal code or place is on STORE_RESIDENT_POSTAL_CODES or
STORE_RESIDENT_PLACES is resident; any other address pays the non-resident fee, and so
does an account with no address yet, which is told how to get the resident fee.
"""

from __future__ import annotations

import enum
import unicodedata

from flask import current_app

from jasperrec.auth.models import User

from .models import Program


class Residency(enum.StrEnum):
    """Which fee the household pays."""

    RESIDENT = "resident"
    NON_RESIDENT = "non-resident"
    NO_ADDRESS = "no address"


def _compact(postal_code: str) -> str:
    return postal_code.replace(" ", "").upper()


def _place(name: str) -> str:
    """Compare place names ignoring case, accents and spacing: "Jasper " is "jasper"."""
    bare = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in bare if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def residency_of(user: User) -> Residency:
    """Decide from the account holder's address; a listed code may be a prefix ("T0E")."""
    if not user.postal_code and not user.city:
        return Residency.NO_ADDRESS
    config = current_app.config
    if user.postal_code:
        code = _compact(user.postal_code)
        if any(code.startswith(_compact(p)) for p in config["STORE_RESIDENT_POSTAL_CODES"]):
            return Residency.RESIDENT
    if user.city and _place(user.city) in {_place(p) for p in config["STORE_RESIDENT_PLACES"]}:
        return Residency.RESIDENT
    return Residency.NON_RESIDENT


def fee_for(program: Program, residency: Residency) -> int:
    """The program's fee for this household, in cents: the resident fee only for residents."""
    if residency is Residency.RESIDENT or program.non_resident_price_cents is None:
        return program.price_cents
    return program.non_resident_price_cents
