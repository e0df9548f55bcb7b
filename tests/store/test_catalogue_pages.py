"""The program guide page: its filters in the URL, its pages, and its refusals of bad input."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from tests import factories


def test_the_filters_round_trip_in_the_form_and_the_page_links(app, client):
    for n in range(30):
        factories.ProgramFactory(
            name=f"Swim Level {n}", weekdays="2", facility="Jasper Aquatic Centre"
        )
    factories.ProgramFactory(name="Evening Skate", facility="Arena", weekdays="5")
    query = "q=swim&day=2&day=4&time=evening&facility=Jasper+Aquatic+Centre&age=7&category=aquatics"
    page = client.get(f"/store/programs?{query}").get_data(as_text=True)
    assert "30 programs" in page
    assert 'value="swim"' in page
    assert 'value="2" checked' in page or 'checked id="day-1"' in page or "checked" in page
    assert page.count(" checked") == 2
    assert '<option selected value="evening">' in page
    assert '<option selected value="Jasper Aquatic Centre">' in page
    assert '<option value="Arena">Arena</option>' in page
    assert "Page 1 of 2" in page
    link = html.unescape(page.split('rel="next" href="')[1].split('"')[0])
    assert link.startswith("/store/programs?")
    for part in ["q=swim", "day=2", "day=4", "time=evening", "age=7", "page=2"]:
        assert part in link
    second = client.get(link).get_data(as_text=True)
    assert "Page 2 of 2" in second
    assert "Swim Level" in second
    assert "Evening Skate" not in second


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("age=abc", "Not a valid integer value."),
        ("age=400", "Enter an age from 0 to 110."),
        ("time=noon", "Not a valid choice."),
        ("day=9", "is not a valid choice"),
        ("facility=Nowhere", "Not a valid choice."),
        ("q=%25_", "Search for a word or a number."),
        ("q=" + "a" * 101, "Search for at most 100 characters."),
    ],
)
def test_a_bad_filter_says_why_and_lists_every_program(app, client, query, message):
    factories.ProgramFactory(name="Swim Level 1", start_time=dt.time(9))
    factories.ProgramFactory(name="Learn to Skate", min_age=3, max_age=5)
    response = client.get(f"/store/programs?{query}&q2=x")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert message in page
    assert "We could not use a filter" in page
    assert "Swim Level 1" in page
    assert "Learn to Skate" in page


def test_a_page_number_that_is_not_a_number_shows_the_first_page(app, client):
    factories.ProgramFactory(name="Swim Level 1")
    response = client.get("/store/programs?page=abc")
    assert response.status_code == 200
    assert "Swim Level 1" in response.get_data(as_text=True)


def test_results_still_say_how_many_spaces_are_left(app, client):
    factories.ProgramFactory(name="Pottery Wheel", capacity=6)
    page = client.get("/store/programs?q=pottery").get_data(as_text=True)
    assert "6 of 6 left" in page


@pytest.mark.parametrize("count", [3, 40])
def test_the_guide_page_costs_the_same_queries_whatever_it_holds(app, client, count_queries, count):
    factories.ProgramFactory(name="Swim warm-up", weekdays="2", facility="Arena")
    baseline = count_queries(lambda: client.get("/store/programs?q=swim&day=2"))
    for n in range(count):
        factories.ProgramFactory(name=f"Swim {n}", weekdays="2", facility=f"Pool {n}")
    assert count_queries(lambda: client.get("/store/programs?q=swim&day=2")) == baseline
    # Facilities, sections, count, page, the page's meetings; the rest is the test
    # transaction's savepoint and its end.
    assert baseline <= 7
