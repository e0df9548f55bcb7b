"""The municipality's own closure days, as administrators keep them in the console.

Whole days and early closings (Christmas Eve afternoon), once or every year; the business
calendar (helpdesk.standards) reads them for every new answer-by time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa

from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from .errors import ClosureExistsError
from .models import ClosureDay

PER_PAGE = 50
# Yearly closures are stored in this (leap) year, so 29 February can repeat too.
YEARLY = 2000


@dataclasses.dataclass(frozen=True)
class ClosurePage:
    """One page of closures, yearly ones first, then by date."""

    closures: Sequence[ClosureDay]
    page: int
    has_next: bool


def list_closures(page: int = 1) -> ClosurePage:
    """Return a page of closure days, in one query however many there are."""
    page = max(page, 1)
    query = (
        sa.select(ClosureDay)
        .order_by(ClosureDay.repeats_yearly.desc(), ClosureDay.day, ClosureDay.id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE + 1)
    )
    rows = db.session.scalars(query).all()
    return ClosurePage(rows[:PER_PAGE], page, len(rows) > PER_PAGE)


def add_closure(
    day: dt.date,
    description: str,
    *,
    closes_at: dt.time | None = None,
    repeats_yearly: bool = False,
) -> ClosureDay:
    """Add a closure; a yearly one is kept on its month and day.

    :raises ClosureExistsError:
    """
    if repeats_yearly:
        day = day.replace(year=YEARLY)
    if db.session.scalar(sa.select(ClosureDay.id).where(ClosureDay.day == day)) is not None:
        raise ClosureExistsError(f"There is already a closure on {day:%-d %B}.")
    closure = ClosureDay(
        day=day,
        closes_at=closes_at,
        repeats_yearly=repeats_yearly,
        description=description.strip(),
    )
    db.session.add(closure)
    db.session.commit()
    return closure


def remove_closure(closure_id: int) -> str:
    """Delete a closure and return what it was; answer-by times already set keep theirs.

    :raises NotFoundError:
    """
    closure = db.session.get(ClosureDay, closure_id)
    if closure is None:
        raise NotFoundError()
    description = closure.description
    db.session.delete(closure)
    db.session.commit()
    return description
