"""The program guide's filters and keyword search, one page of results at a time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from jasperrec.db import utcnow
from jasperrec.extensions import db

from .models import PROGRAM_SEARCH_VECTOR
from .models import SEARCH_CONFIGURATION
from .models import Program
from .models import ProgramCategory
from .models import ProgramMeeting
from .models import TimeOfDay
from .service import ProgramListing
from .service import listing_query
from .service import local_today
from .service import to_listing

PER_PAGE = 24
# Letters and digits only: punctuation, quotes, % and _ never reach a query's syntax.
_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 8
NOON = dt.time(12)
FIVE_PM = dt.time(17)
# How far ahead the home page announces registration opening.
OPENING_SOON = dt.timedelta(days=14)
# SQLite's full-text index of programs, kept in step by the search migration's triggers.
_FTS = sa.table("programs_fts", sa.column("rowid", sa.Integer))


@dataclasses.dataclass(frozen=True)
class ProgramFilters:
    """What a resident narrowed the guide by; empty fields do not narrow it."""

    category: str | None = None  # a category's slug
    age: int | None = None
    weekdays: frozenset[int] = frozenset()
    time_of_day: TimeOfDay | None = None
    facility: str | None = None
    keyword: str = ""


@dataclasses.dataclass(frozen=True)
class ProgramPage:
    """One page of the guide and where it sits among the rest."""

    listings: list[ProgramListing]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the results fill; at least one, even when empty."""
        return max(math.ceil(self.total / self.per_page), 1)


def search_terms(keyword: str) -> list[str]:
    """Split a keyword search into the words it looks for, lower-cased."""
    return _WORD.findall(keyword.lower())[:MAX_TERMS]


def _meets(*conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """Some meeting of the program satisfies every condition."""
    return sa.exists().where(ProgramMeeting.program_id == Program.id, *conditions)


def _filtered(filters: ProgramFilters) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = [Program.ends_on >= local_today()]
    if filters.category:
        slug = sa.select(ProgramCategory.id).where(ProgramCategory.slug == filters.category)
        conditions.append(Program.category_id == slug.scalar_subquery())
    if filters.age is not None:
        conditions.append(sa.or_(Program.min_age.is_(None), Program.min_age <= filters.age))
        conditions.append(sa.or_(Program.max_age.is_(None), Program.max_age >= filters.age))
    if filters.weekdays:
        # weekdays holds ISO digits ("24"), so a digit's LIKE has no wildcard to escape.
        days = sorted(filters.weekdays)
        conditions.append(_meets(sa.or_(*(ProgramMeeting.weekdays.contains(str(d)) for d in days))))
    starts = ProgramMeeting.start_time
    if filters.time_of_day is TimeOfDay.MORNING:
        conditions.append(_meets(starts < NOON))
    elif filters.time_of_day is TimeOfDay.AFTERNOON:
        conditions.append(_meets(starts >= NOON, starts < FIVE_PM))
    elif filters.time_of_day is TimeOfDay.EVENING:
        conditions.append(_meets(starts >= FIVE_PM))
    if filters.facility:
        conditions.append(Program.facility == filters.facility)
    return conditions


def _hits(terms: list[str]) -> sa.Subquery:
    """Select the programs with every term, the last also as a word's start, ranked best first.

    The last term is a prefix so "pott" finds pottery as the resident types; the others
    are whole words (stemmed: swim finds swimming).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        words = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
        query = sa.func.to_tsquery(sa.text(f"'{SEARCH_CONFIGURATION}'"), words)
        rank = -sa.func.ts_rank(PROGRAM_SEARCH_VECTOR, query)
        return (
            sa.select(Program.id, rank.label("rank"))
            .where(PROGRAM_SEARCH_VECTOR.op("@@")(query))
            .subquery("hits")
        )
    # Each term quoted, so FTS5 reads AND, OR, NEAR and the like as plain words.
    match = " ".join([*(f'"{term}"' for term in terms[:-1]), f'"{terms[-1]}"*'])
    table: sa.ColumnClause[Any] = sa.literal_column("programs_fts")
    bm25 = sa.func.bm25(table, 10.0, 4.0, 1.0)  # name, summary, description; lower is better
    return (
        sa.select(_FTS.c.rowid.label("id"), bm25.label("rank"))
        .where(table.op("MATCH")(match))
        .subquery("hits")
    )


def list_programs(
    filters: ProgramFilters | None = None, page: int = 1, per_page: int = PER_PAGE
) -> ProgramPage:
    """Return a page of the programs that have not ended, best match or soonest first.

    Three queries whatever the guide's size: the count, the page with its spaces left, and
    the page's meetings.
    """
    filters = filters or ProgramFilters()
    conditions = _filtered(filters)
    count = sa.select(sa.func.count(Program.id)).where(Program.is_published.is_(True))
    query = listing_query()
    order: list[Any] = [Program.starts_on, Program.name, Program.id]
    terms = search_terms(filters.keyword)
    if terms:
        hits = _hits(terms)
        count = count.join(hits, hits.c.id == Program.id)
        query = query.join(hits, hits.c.id == Program.id)
        order.insert(0, hits.c.rank)
    total = int(db.session.scalar(count.where(*conditions)) or 0)
    page = min(max(page, 1), max(math.ceil(total / per_page), 1))
    query = query.where(*conditions).order_by(*order)
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    now = utcnow()
    listings = [to_listing(program, spaces, now) for program, spaces in rows]
    return ProgramPage(listings, total, page, per_page)


def _taking_registrations(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Registration is open now; rules.window says the same of one program."""
    return sa.and_(
        Program.cancelled_at.is_(None),
        sa.or_(Program.registration_opens_at.is_(None), Program.registration_opens_at <= now),
        sa.or_(
            Program.registration_closes_at > now,
            sa.and_(Program.registration_closes_at.is_(None), Program.starts_on > local_today()),
        ),
    )


def open_now(limit: int = 6) -> list[ProgramListing]:
    """The soonest programs taking registrations with a space left, for the home page."""
    now = utcnow()
    query = listing_query()
    spaces = list(query.selected_columns)[-1]  # the spaces left, after the program's own columns
    query = (
        query.where(_taking_registrations(now), spaces > 0)
        .order_by(Program.starts_on, Program.name, Program.id)
        .limit(limit)
    )
    return [to_listing(program, left, now) for program, left in db.session.execute(query)]


def opening_soon(limit: int = 6, within: dt.timedelta = OPENING_SOON) -> list[ProgramListing]:
    """The programs whose registration opens in the coming days, soonest first."""
    now = utcnow()
    opens = Program.registration_opens_at
    query = (
        listing_query()
        .where(Program.cancelled_at.is_(None), opens > now, opens <= now + within)
        .order_by(opens, Program.name, Program.id)
        .limit(limit)
    )
    return [to_listing(program, left, now) for program, left in db.session.execute(query)]


def list_facilities() -> Sequence[str]:
    """Return the facilities of the programs on offer, for the guide's facility filter."""
    query = (
        sa.select(Program.facility)
        .where(Program.is_published.is_(True), Program.ends_on >= local_today())
        .distinct()
        .order_by(Program.facility)
    )
    return db.session.scalars(query).all()


def list_categories() -> Sequence[ProgramCategory]:
    """Return the guide's sections in alphabetical order, for its section filter."""
    return db.session.scalars(sa.select(ProgramCategory).order_by(ProgramCategory.name)).all()
