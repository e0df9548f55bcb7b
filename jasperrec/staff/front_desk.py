"""The front desk: look up a pass code where the staff member is, and record a visit on it.

Every code typed or scanned is logged, known or not, so guessing shows; a known code shows
the holder's name, a read of personal information that goes into the access audit too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from jasperrec import dates
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store import entitlements
from jasperrec.store.models import DeskAction
from jasperrec.store.models import DeskCheck
from jasperrec.store.models import DeskOutcome
from jasperrec.store.models import Entitlement

from . import audit
from .models import AccessKind
from .models import AccessPurpose

# Room for the code as typed in the log; a scanner glitch or a paste can be any length.
TYPED_MAX = 40


@dataclasses.dataclass(frozen=True)
class DeskAnswer:
    """What the desk is told about a code, copied before the log entry commits."""

    typed: str
    outcome: DeskOutcome
    code: str | None = None
    holder_name: str | None = None
    product_name: str | None = None
    facility: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    visits_left: int | None = None
    visits_total: int | None = None

    @property
    def is_valid(self) -> bool:
        """Tell whether the holder may go in."""
        return self.outcome.is_valid

    @property
    def reason(self) -> str:
        """Say plainly what the outcome means, for the staff member to tell the holder."""
        return {
            DeskOutcome.VALID: "Valid: the holder may go in.",
            DeskOutcome.VISIT_RECORDED: "Visit recorded: the holder may go in.",
            DeskOutcome.UNKNOWN: "No pass or membership has this code. Check it and try again.",
            DeskOutcome.NOT_STARTED: f"Not valid yet: it starts on {_day(self.valid_from)}.",
            DeskOutcome.EXPIRED: f"Expired on {_day(self.valid_until)}.",
            DeskOutcome.NO_VISITS_LEFT: "No visits left on this card.",
            DeskOutcome.OTHER_FACILITY: f"Valid only at {self.facility}.",
        }[self.outcome]


def _day(value: dt.date | None) -> str:
    return dates.day(value) if value is not None else ""


def _printable(typed: str) -> str:
    shown = "".join(ch if ch.isprintable() else " " for ch in typed).strip()
    return shown[:TYPED_MAX]


def _answer(typed: str, outcome: DeskOutcome, found: Entitlement | None) -> DeskAnswer:
    if found is None:
        return DeskAnswer(typed=typed, outcome=outcome)
    return DeskAnswer(
        typed=typed,
        outcome=outcome,
        code=found.printed_code,
        holder_name=found.holder_name,
        product_name=found.product_name,
        facility=found.facility,
        valid_from=found.valid_from,
        valid_until=found.valid_until,
        visits_left=found.visits_left,
        visits_total=found.visits_total,
    )


def _log(
    staff: User,
    facility: str,
    typed: str,
    action: DeskAction,
    outcome: DeskOutcome,
    found: Entitlement | None,
) -> None:
    db.session.add(
        DeskCheck(
            staff_id=staff.id,
            facility=facility,
            code_typed=typed,
            action=action,
            outcome=outcome,
            entitlement_id=found.id if found else None,
        )
    )
    if found is not None:
        holder = db.session.get_one(User, found.user_id)
        audit.record_access(
            staff,
            holder,
            AccessKind.ENTITLEMENT,
            AccessPurpose.FRONT_DESK,
            record_type="entitlement",
            record_id=found.id,
            detail=f"{action.value} at {facility}: {outcome.value}"[:255],
        )
    db.session.flush()


def look_up(staff: User, facility: str, typed: str) -> DeskAnswer:
    """Say whose a code is and whether it admits them at the facility today; log the check."""
    typed = _printable(typed)
    found = entitlements.find_by_code(typed)
    outcome = DeskOutcome.UNKNOWN
    if found is not None:
        outcome = entitlements.refusal(found, facility, entitlements.today()) or DeskOutcome.VALID
    answer = _answer(typed, outcome, found)
    _log(staff, facility, typed, DeskAction.LOOK_UP, outcome, found)
    db.session.commit()
    return answer


def record_visit(staff: User, facility: str, typed: str) -> DeskAnswer:
    """Record one visit on the code if it admits its holder here today; log the attempt.

    Validity is checked again in the same statement that counts the visit, so what was
    valid at the look-up but used up since at another desk is refused.
    """
    typed = _printable(typed)
    found = entitlements.find_by_code(typed)
    outcome = DeskOutcome.UNKNOWN
    if found is not None:
        outcome = entitlements.use_visit(found, facility, staff, entitlements.today())
    answer = _answer(typed, outcome, found)
    _log(staff, facility, typed, DeskAction.RECORD_VISIT, outcome, found)
    db.session.commit()
    return answer


def list_facilities() -> list[str]:
    """The facilities a desk may be at."""
    return list(entitlements.list_facilities())
