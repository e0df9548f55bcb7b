"""The program guide's filters, keyword search and pages, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from jasperrec.extensions import db
from jasperrec.store import catalogue
from jasperrec.store.catalogue import ProgramFilters
from jasperrec.store.models import TimeOfDay
from tests import factories


def _ids(filters: ProgramFilters) -> set[int]:
    return {listing.program.id for listing in catalogue.list_programs(filters).listings}


def _names(keyword: str) -> list[str]:
    page = catalogue.list_programs(ProgramFilters(keyword=keyword))
    return [listing.program.name for listing in page.listings]


@pytest.mark.parametrize(
    ("days", "shown"),
    [({2}, True), ({4}, True), ({1, 4}, True), ({1, 3}, False), ({7}, False)],
)
def test_a_program_is_found_by_any_day_it_meets_on(app, days, shown):
    program = factories.ProgramFactory(weekdays="24")
    assert (program.id in _ids(ProgramFilters(weekdays=frozenset(days)))) is shown


@pytest.mark.parametrize(
    ("starts", "time_of_day"),
    [
        (dt.time(6, 30), TimeOfDay.MORNING),
        (dt.time(11, 59), TimeOfDay.MORNING),
        (dt.time(12, 0), TimeOfDay.AFTERNOON),
        (dt.time(16, 59), TimeOfDay.AFTERNOON),
        (dt.time(17, 0), TimeOfDay.EVENING),
        (dt.time(19, 30), TimeOfDay.EVENING),
    ],
)
def test_the_time_of_day_goes_by_the_start_time(app, starts, time_of_day):
    program = factories.ProgramFactory(start_time=starts, end_time=dt.time(23, 0))
    for choice in TimeOfDay:
        assert (program.id in _ids(ProgramFilters(time_of_day=choice))) is (choice is time_of_day)


def test_the_facility_filter_and_its_choices_come_from_programs_on_offer(app):
    pool = factories.ProgramFactory(facility="Jasper Aquatic Centre")
    arena = factories.ProgramFactory(facility="Jasper Activity Centre Arena")
    factories.ProgramFactory(facility="Closed Hall", is_published=False)
    assert _ids(ProgramFilters(facility="Jasper Activity Centre Arena")) == {arena.id}
    assert pool.id not in _ids(ProgramFilters(facility="Jasper Activity Centre Arena"))
    assert catalogue.list_facilities() == [
        "Jasper Activity Centre Arena",
        "Jasper Aquatic Centre",
    ]


def test_filters_combine(app):
    wanted = factories.ProgramFactory(weekdays="6", start_time=dt.time(9), name="Saturday Swim")
    factories.ProgramFactory(weekdays="6", start_time=dt.time(18), name="Saturday Swim Night")
    factories.ProgramFactory(weekdays="1", start_time=dt.time(9), name="Monday Swim")
    filters = ProgramFilters(
        weekdays=frozenset({6}), time_of_day=TimeOfDay.MORNING, keyword="swim", age=8
    )
    assert _ids(filters) == {wanted.id}


def test_a_keyword_ranks_a_match_in_the_name_above_one_in_the_description(app):
    today = dt.date.today()
    factories.ProgramFactory(
        name="Family Art Afternoon",
        description="Paint, print and try the pottery wheel together.",
        starts_on=today + dt.timedelta(days=5),
    )
    factories.ProgramFactory(name="Pottery for Beginners", starts_on=today + dt.timedelta(days=50))
    factories.ProgramFactory(name="Learn to Skate")
    assert _names("pottery") == ["Pottery for Beginners", "Family Art Afternoon"]


def test_a_keyword_finds_other_forms_of_a_word_and_the_start_of_the_last_one(app):
    factories.ProgramFactory(name="Swimming Lessons", summary="In the pool.", description="Fun.")
    factories.ProgramFactory(name="Pottery Wheel", summary="Clay.", description="Fun.")
    assert _names("swim") == ["Swimming Lessons"]
    assert _names("pott") == ["Pottery Wheel"]
    assert _names("lessons swimming") == ["Swimming Lessons"]
    assert _names("swimming clay") == []


@pytest.mark.parametrize(
    "keyword", ['"swim', "swim'", "swim*", "(swim)", "swim: -", "swim & | !", "{swim}^", "sw\\"]
)
def test_punctuation_and_quotes_are_not_query_syntax(app, keyword):
    factories.ProgramFactory(name="Swim Level 3")
    assert _names(keyword) == ["Swim Level 3"]


@pytest.mark.parametrize("keyword", ["swim OR skate", "NOT swim", "NEAR(swim skate)", "OR"])
def test_query_operators_are_searched_as_words_not_obeyed(app, keyword):
    factories.ProgramFactory(name="Swim Level 3")
    factories.ProgramFactory(name="Learn to Skate")
    assert "Learn to Skate" not in _names(keyword)


@pytest.mark.parametrize("keyword", ["sw%m", "sw_m", "%", "_"])
def test_percent_and_underscore_are_not_wildcards(app, keyword):
    factories.ProgramFactory(name="Swim Level 3")
    page = catalogue.list_programs(ProgramFilters(keyword=keyword))
    assert [listing.program.name for listing in page.listings] == (
        [] if catalogue.search_terms(keyword) else ["Swim Level 3"]
    )


def test_the_search_follows_a_renamed_program(app):
    program = factories.ProgramFactory(name="Aquafit", summary="Water.", description="Water.")
    program.name = "Pickleball"
    db.session.flush()
    assert _names("pickleball") == ["Pickleball"]
    assert _names("aquafit") == []


def test_the_guide_is_paged_and_a_page_past_the_end_shows_the_last(app):
    for n in range(5):
        factories.ProgramFactory(
            name=f"Camp Week {n}", starts_on=dt.date.today() + dt.timedelta(20 + n)
        )
    first = catalogue.list_programs(page=1, per_page=2)
    last = catalogue.list_programs(page=99, per_page=2)
    assert (first.total, first.pages, first.page) == (5, 3, 1)
    assert [x.program.name for x in first.listings] == ["Camp Week 0", "Camp Week 1"]
    assert (last.page, [x.program.name for x in last.listings]) == (3, ["Camp Week 4"])


@pytest.mark.parametrize("count", [1, 30])
def test_a_search_page_costs_three_queries_whatever_the_guide_holds(app, count_queries, count):
    for _ in range(count):
        factories.ProgramFactory(name="Swim Level", weekdays="135")
    filters = ProgramFilters(keyword="swim", weekdays=frozenset({1}), age=7)
    pages: list[catalogue.ProgramPage] = []
    # The count, the page, and the page's meetings.
    assert count_queries(lambda: pages.append(catalogue.list_programs(filters))) == 3
    assert pages[0].total == count


def test_the_keyword_search_reads_its_index(app):
    """PostgreSQL plans the search on the GIN index; SQLite matches in its FTS5 table."""
    factories.ProgramFactory(name="Swim Level 3")
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, *args):
        statements.append((statement, parameters))

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        catalogue.list_programs(ProgramFilters(keyword="swim"))
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
    statement, parameters = statements[-2]  # the page; its meetings are loaded after it
    if connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        plan = "\n".join(row[0] for row in rows)
        assert "ix_programs_search" in plan, plan
    else:
        assert "programs_fts MATCH" in statement
