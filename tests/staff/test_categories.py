"""Request categories in the console: who manages which, and the changes they make."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.helpdesk.categories import manage
from jasperrec.helpdesk.categories.errors import DepartmentNotManagedError
from jasperrec.helpdesk.categories.errors import DuplicateKeywordError
from jasperrec.helpdesk.categories.errors import TooManyError
from jasperrec.helpdesk.categories.models import Category
from jasperrec.helpdesk.categories.models import CategoryQuestion
from jasperrec.helpdesk.categories.models import QuestionKind
from jasperrec.helpdesk.categories.models import RequestAnswer
from tests import factories


@pytest.fixture
def lead(make_staff: Any, department: Any) -> Any:
    return make_staff(Role.DEPARTMENT_LEAD, departments=[department])


@pytest.fixture
def admin(make_staff: Any, other_department: Any) -> Any:
    return make_staff(Role.ADMINISTRATOR, departments=[other_department])


def details(department: Any, name: str = "Parks and trails", **changes: Any) -> Any:
    values = {
        "name": name,
        "description": "Trails.",
        "department_id": department.id,
        "is_public": True,
        "position": 3,
        **changes,
    }
    return manage.CategoryDetails(**values)


QUESTION = manage.QuestionDetails(
    prompt="Which trail?",
    help_text="",
    kind=QuestionKind.SINGLE_CHOICE,
    is_required=True,
    position=1,
    choices=("Pyramid", "Maligne"),
)


def test_a_lead_lists_only_their_departments_categories(
    lead: Any, department: Any, other_department: Any
) -> None:
    mine = factories.CategoryFactory(department=department)
    factories.CategoryFactory(department=other_department)

    assert manage.list_categories(lead, 1).items == [mine]


def test_an_administrator_lists_every_category_in_order(
    admin: Any, department: Any, other_department: Any
) -> None:
    second = factories.CategoryFactory(department=department, position=2)
    first = factories.CategoryFactory(department=other_department, position=1)

    assert manage.list_categories(admin, 1).items == [first, second]


def test_the_list_is_paginated(admin: Any) -> None:
    for _ in range(manage.PER_PAGE + 1):
        factories.CategoryFactory()

    first, second = manage.list_categories(admin, 1), manage.list_categories(admin, 2)

    assert (len(first.items), len(second.items), first.pages) == (manage.PER_PAGE, 1, 2)
    assert manage.list_categories(admin, 99).items == []


def test_a_lead_adds_a_category_in_their_department_with_a_slug_from_its_name(
    lead: Any, department: Any
) -> None:
    factories.CategoryFactory(slug="parcs-sentiers")

    made = manage.create_category(lead, details(department, name="  Parcs & Sentiers  "))

    assert (made.name, made.slug, made.department_id) == (
        "Parcs & Sentiers",
        "parcs-sentiers-2",
        department.id,
    )
    assert manage.create_category(lead, details(department, name="***")).slug == "category"


def test_a_lead_cannot_put_a_category_in_another_department(
    lead: Any, other_department: Any
) -> None:
    with pytest.raises(DepartmentNotManagedError):
        manage.create_category(lead, details(other_department))

    assert db.session.scalars(sa.select(Category)).all() == []


def test_a_lead_cannot_open_or_change_another_departments_category(
    lead: Any, department: Any, other_department: Any
) -> None:
    theirs = factories.CategoryFactory(department=other_department)
    question = factories.CategoryQuestionFactory(category=theirs)
    keyword = factories.CategoryKeywordFactory(category=theirs)

    with pytest.raises(NotFoundError):
        manage.get_category_for(lead, theirs.id)
    with pytest.raises(NotFoundError):
        manage.update_category(lead, theirs.id, details(department))
    with pytest.raises(NotFoundError):
        manage.add_question(lead, theirs.id, QUESTION)
    with pytest.raises(NotFoundError):
        manage.update_question(lead, question.id, QUESTION)
    with pytest.raises(NotFoundError):
        manage.delete_question(lead, question.id)
    with pytest.raises(NotFoundError):
        manage.add_keyword(lead, theirs.id, "trail", 10)
    with pytest.raises(NotFoundError):
        manage.delete_keyword(lead, keyword.id)


def test_an_update_keeps_the_slug_and_may_move_between_managed_departments(
    admin: Any, department: Any, other_department: Any
) -> None:
    category = factories.CategoryFactory(slug="old", department=department)

    manage.update_category(admin, category.id, details(other_department, name="New name"))

    assert (category.slug, category.name, category.department_id) == (
        "old",
        "New name",
        other_department.id,
    )


def test_questions_are_added_edited_and_removed_keeping_given_answers(
    lead: Any, department: Any
) -> None:
    category = factories.CategoryFactory(department=department)

    question = manage.add_question(lead, category.id, QUESTION)
    assert question.choices == ["Pyramid", "Maligne"]
    request = factories.ServiceRequestFactory(category=category)
    request.answers = [
        RequestAnswer(question_id=question.id, prompt="Which trail?", answer="Pyramid")
    ]
    db.session.flush()

    plain = manage.QuestionDetails("How long?", "", QuestionKind.NUMBER, False, 2, ("stale",))
    manage.update_question(lead, question.id, plain)
    assert (question.prompt, question.kind, question.choices) == (
        "How long?",
        QuestionKind.NUMBER,
        [],
    )

    assert manage.delete_question(lead, question.id) is category
    db.session.expire_all()
    assert db.session.get(CategoryQuestion, question.id) is None
    [kept] = db.session.get(type(request), request.id).answers
    assert (kept.prompt, kept.answer, kept.question_id) == ("Which trail?", "Pyramid", None)


def test_a_category_asks_at_most_the_maximum_of_questions(lead: Any, department: Any) -> None:
    category = factories.CategoryFactory(department=department)
    for _ in range(manage.MAX_QUESTIONS):
        factories.CategoryQuestionFactory(category=category)
    db.session.refresh(category)

    with pytest.raises(TooManyError):
        manage.add_question(lead, category.id, QUESTION)


def test_keywords_are_added_once_ignoring_case_accents_and_spacing(
    lead: Any, department: Any
) -> None:
    category = factories.CategoryFactory(department=department)

    keyword = manage.add_keyword(lead, category.id, "  out   of order ", 5)

    assert (keyword.phrase, keyword.priority) == ("out of order", 5)
    for again in ("Out of Order", "out of ordér"):
        with pytest.raises(DuplicateKeywordError):
            manage.add_keyword(lead, category.id, again, 9)
    assert manage.delete_keyword(lead, keyword.id) is category
    assert category.keywords == []


def test_a_category_has_at_most_the_maximum_of_keywords(lead: Any, department: Any) -> None:
    category = factories.CategoryFactory(department=department)
    for _ in range(manage.MAX_KEYWORDS):
        factories.CategoryKeywordFactory(category=category)
    db.session.refresh(category)

    with pytest.raises(TooManyError):
        manage.add_keyword(lead, category.id, "one more", 1)


def test_listing_takes_the_same_number_of_queries_for_more_categories(
    admin: Any, count_queries: Callable[..., int]
) -> None:
    def fill(n: int) -> None:
        for _ in range(n):
            category = factories.CategoryFactory()
            factories.CategoryQuestionFactory(category=category)
            factories.CategoryKeywordFactory(category=category)
        db.session.flush()
        db.session.expire_all()

    fill(2)
    few = count_queries(lambda: list(manage.list_categories(admin, 1).items))
    fill(10)
    assert count_queries(lambda: list(manage.list_categories(admin, 1).items)) == few
