"""Routing on arrival: the picked category, keyword rules by priority, the default department."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from jasperrec.helpdesk import routing
from tests import factories


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("pool", "The POOL is cold", True),
        ("pool", "The pool's heater is off.", True),
        ("pool", "Our carpool leaves early", False),
        ("pool", "pools", False),
        ("tree", "A tree fell on the street", True),
        ("tree", "The street is icy", False),
        ("piscine", "La Piscine est fermée", True),
        ("fermee", "La piscine est FERMÉE!", True),
        ("fermée", "la piscine est fermee", True),
        ("brisé", "Le banc est BRISE", True),
        ("out of order", "The dryer is out   of\norder again", True),
        ("out of order", "out of the order book", False),
        ("two-step", "My two-step code fails", True),
        ("two-step", "my twostep code", False),
        ("c++", "I teach C++ lessons", True),
        ("a.b", "axb", False),
        ("   ", "anything at all", False),
        ("straße", "Die STRASSE ist gesperrt", True),
    ],
)
def test_keywords_match_whole_words_ignoring_case_and_accents(
    phrase: str, text: str, found: bool
) -> None:
    assert routing.matches(phrase, text) is found


def test_a_picked_category_decides_whatever_the_text_says(app: Flask) -> None:
    picked = factories.CategoryFactory()
    factories.CategoryKeywordFactory(phrase="refund", priority=1)

    assert routing.route(picked, "I want a refund") == (picked, picked.department)


def test_without_a_category_the_first_keyword_rule_by_priority_wins(app: Flask) -> None:
    leaks = factories.CategoryKeywordFactory(phrase="leak", priority=5)
    factories.CategoryKeywordFactory(phrase="pool", priority=50)
    factories.CategoryKeywordFactory(phrase="pool", priority=50, category=leaks.category)

    category, department = routing.route(None, "There is a leak by the pool")

    assert category is leaks.category
    assert department is leaks.category.department


def test_equal_priorities_go_to_the_older_rule(app: Flask) -> None:
    older = factories.CategoryKeywordFactory(phrase="arena", priority=10)
    factories.CategoryKeywordFactory(phrase="ice", priority=10)

    assert routing.route(None, "Ice at the arena")[0] is older.category


def test_a_keyword_rule_routes_to_a_category_residents_cannot_pick(app: Flask) -> None:
    internal = factories.CategoryFactory(is_public=False)
    factories.CategoryKeywordFactory(phrase="bylaw", category=internal)

    assert routing.route(None, "A bylaw complaint") == (internal, internal.department)


def test_with_no_category_and_no_match_the_default_department_receives_it(app: Flask) -> None:
    factories.CategoryKeywordFactory(phrase="pool")
    default = factories.DepartmentFactory(name="Customer Service", slug="customer-service")

    assert routing.route(None, "Hello, a general question") == (None, default)


def test_the_default_department_is_created_if_missing(app: Flask, monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "HELPDESK_DEFAULT_DEPARTMENT", "Front Desk")

    category, department = routing.route(None, "")

    assert category is None
    assert (department.name, department.slug) == ("Front Desk", "front-desk")
