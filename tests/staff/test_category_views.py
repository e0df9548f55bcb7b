"""The console's category pages: status codes, messages, scope and bounded queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.helpdesk.categories.models import Category
from jasperrec.helpdesk.categories.models import CategoryKeyword
from jasperrec.helpdesk.categories.models import CategoryQuestion
from jasperrec.helpdesk.categories.models import QuestionKind
from tests import factories


@pytest.fixture
def lead(make_staff: Any, department: Any, staff_log_in: Any) -> Any:
    lead = make_staff(Role.DEPARTMENT_LEAD, departments=[department])
    staff_log_in(lead)
    return lead


@pytest.fixture
def category(department: Any) -> Any:
    return factories.CategoryFactory(name="Parks and trails", slug="parks", department=department)


def category_form(department: Any, **changes: Any) -> dict[str, Any]:
    return {
        "name": "Snow and ice",
        "description": "Icy entrances.",
        "department_id": str(department.id),
        "is_public": "y",
        "position": "4",
        **changes,
    }


def question_form(**changes: Any) -> dict[str, Any]:
    return {
        "prompt": "Which entrance?",
        "help_text": "",
        "kind": QuestionKind.SINGLE_CHOICE.value,
        "choices": "North\n\n  South  \n",
        "is_required": "y",
        "position": "1",
        **changes,
    }


def test_the_console_names_the_categories_page_to_leads_and_administrators(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    for role, shown in [
        (Role.DEPARTMENT_LEAD, True),
        (Role.ADMINISTRATOR, True),
        (Role.HELPDESK_AGENT, False),
    ]:
        staff_log_in(make_staff(role))
        page = client.get("/staff/").get_data(as_text=True)
        assert ('href="/staff/categories"' in page) is shown, role


def test_the_list_shows_the_leads_categories_with_counts_and_keywords(
    client: Any, lead: Any, category: Any, other_department: Any
) -> None:
    factories.CategoryQuestionFactory(category=category)
    for phrase in ("trail", "sentier"):
        factories.CategoryKeywordFactory(category=category, phrase=phrase)
    factories.CategoryFactory(name="Other department's", department=other_department)

    page = client.get("/staff/categories").get_data(as_text=True)

    assert f'href="/staff/categories/{category.id}"' in page
    assert '<span class="cell-label">Keywords: </span>trail, sentier' in page
    assert '<span class="cell-label">Questions: </span>1' in page
    assert "Other department" not in page


def test_the_list_pages_and_keeps_its_query_count_flat(
    client: Any, lead: Any, department: Any, count_queries: Callable[..., int]
) -> None:
    def fill(n: int) -> None:
        for _ in range(n):
            made = factories.CategoryFactory(department=department)
            factories.CategoryQuestionFactory(category=made)
            factories.CategoryKeywordFactory(category=made)
        db.session.flush()

    fill(2)
    few = count_queries(lambda: client.get("/staff/categories"))
    fill(30)
    many = count_queries(lambda: client.get("/staff/categories"))
    page = client.get("/staff/categories").get_data(as_text=True)
    second = client.get("/staff/categories?page=2").get_data(as_text=True)

    assert many == few
    assert "Page 1 of 2 (32 in all)" in page
    assert 'href="/staff/categories?page=2"' in page
    assert 'href="/staff/categories?page=1"' in second
    assert client.get("/staff/categories?page=9").status_code == 200


def test_a_lead_adds_a_category_and_lands_on_its_page(
    client: Any, lead: Any, department: Any
) -> None:
    response = client.post("/staff/categories/new", data=category_form(department))

    made = db.session.scalars(sa.select(Category)).one()
    assert response.headers["Location"] == f"/staff/categories/{made.id}"
    assert (made.name, made.slug, made.is_public, made.position) == (
        "Snow and ice",
        "snow-and-ice",
        True,
        4,
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Snow and ice” is added." in page
    assert 'href="/helpdesk/new/snow-and-ice"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Give the category a name."),
        ("name", "x" * 101, "Keep the name to 100 characters."),
        ("position", "soon", "Use a number from 0 to 9999."),
        ("department_id", "999999", "Not a valid choice"),
    ],
)
def test_a_bad_category_form_says_why_and_writes_nothing(
    client: Any, lead: Any, department: Any, field: str, value: str, message: str
) -> None:
    response = client.post(
        "/staff/categories/new", data=category_form(department, **{field: value})
    )

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Category)).all() == []


def test_a_lead_cannot_choose_another_department(
    client: Any, lead: Any, department: Any, other_department: Any
) -> None:
    page = client.get("/staff/categories/new").get_data(as_text=True)
    response = client.post("/staff/categories/new", data=category_form(other_department))

    assert other_department.name not in page
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Category)).all() == []


def test_another_departments_category_is_404_everywhere(
    client: Any, lead: Any, other_department: Any
) -> None:
    theirs = factories.CategoryFactory(department=other_department)
    question = factories.CategoryQuestionFactory(category=theirs)
    keyword = factories.CategoryKeywordFactory(category=theirs)

    assert client.get(f"/staff/categories/{theirs.id}").status_code == 404
    assert (
        client.post(f"/staff/categories/{theirs.id}/questions", data=question_form()).status_code
        == 404
    )
    assert (
        client.post(
            f"/staff/categories/{theirs.id}/keywords", data={"phrase": "x", "priority": "1"}
        ).status_code
        == 404
    )
    assert client.get(f"/staff/categories/questions/{question.id}").status_code == 404
    assert client.post(f"/staff/categories/questions/{question.id}/delete").status_code == 404
    assert client.post(f"/staff/categories/keywords/{keyword.id}/delete").status_code == 404


def test_saving_a_category_changes_it_and_a_bad_save_shows_the_page_again(
    client: Any, lead: Any, department: Any, category: Any
) -> None:
    saved = client.post(
        f"/staff/categories/{category.id}", data=category_form(department, is_public="")
    )
    bad = client.post(f"/staff/categories/{category.id}", data=category_form(department, name=""))

    assert saved.headers["Location"] == f"/staff/categories/{category.id}"
    assert (category.name, category.is_public, category.slug) == ("Snow and ice", False, "parks")
    assert bad.status_code == 400
    assert "Give the category a name." in bad.get_data(as_text=True)


def test_questions_are_added_edited_and_removed_from_the_category_page(
    client: Any, lead: Any, category: Any
) -> None:
    added = client.post(f"/staff/categories/{category.id}/questions", data=question_form())
    question = db.session.scalars(sa.select(CategoryQuestion)).one()
    edit_page = client.get(f"/staff/categories/questions/{question.id}").get_data(as_text=True)
    edited = client.post(
        f"/staff/categories/questions/{question.id}",
        data=question_form(prompt="How icy?", kind="yes/no", is_required=""),
    )
    removed = client.post(f"/staff/categories/questions/{question.id}/delete")

    assert added.headers["Location"] == f"/staff/categories/{category.id}"
    assert "North\nSouth</textarea>" in edit_page
    assert edited.headers["Location"] == f"/staff/categories/{category.id}"
    assert removed.headers["Location"] == f"/staff/categories/{category.id}"
    assert db.session.scalars(sa.select(CategoryQuestion)).all() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prompt": ""}, "Write the question."),
        ({"choices": "Only one"}, "Give from 2 to 20 options, one a line."),
        ({"choices": "A\na"}, "Give each option once."),
        ({"choices": "A\n" + "b" * 101}, "Keep each option to 100 characters."),
        ({"kind": "essay"}, "Not a valid choice"),
        ({"position": "-1"}, "Use a number from 0 to 999."),
    ],
)
def test_a_bad_question_says_why_and_writes_nothing(
    client: Any, lead: Any, category: Any, changes: dict[str, str], message: str
) -> None:
    response = client.post(
        f"/staff/categories/{category.id}/questions", data=question_form(**changes)
    )

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(CategoryQuestion)).all() == []


def test_an_edit_with_a_bad_question_shows_the_form_again(
    client: Any, lead: Any, category: Any
) -> None:
    question = factories.CategoryQuestionFactory(category=category, prompt="Kept")

    response = client.post(
        f"/staff/categories/questions/{question.id}", data=question_form(prompt="")
    )

    assert response.status_code == 400
    assert "Write the question." in response.get_data(as_text=True)
    assert question.prompt == "Kept"


def test_the_question_limit_is_shown_beside_the_form(
    client: Any, lead: Any, category: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jasperrec.helpdesk.categories.manage.MAX_QUESTIONS", 0)

    response = client.post(f"/staff/categories/{category.id}/questions", data=question_form())

    assert response.status_code == 400
    assert "A category may ask at most 0 questions." in response.get_data(as_text=True)


def test_keywords_are_added_refused_twice_and_removed(
    client: Any, lead: Any, category: Any
) -> None:
    added = client.post(
        f"/staff/categories/{category.id}/keywords", data={"phrase": "Sentier", "priority": "5"}
    )
    again = client.post(
        f"/staff/categories/{category.id}/keywords", data={"phrase": "sentiér", "priority": "5"}
    )
    bad = client.post(
        f"/staff/categories/{category.id}/keywords", data={"phrase": "!!", "priority": "0"}
    )
    keyword = db.session.scalars(sa.select(CategoryKeyword)).one()
    page = client.get(f"/staff/categories/{category.id}").get_data(as_text=True)
    removed = client.post(f"/staff/categories/keywords/{keyword.id}/delete")

    assert added.headers["Location"] == f"/staff/categories/{category.id}"
    assert again.status_code == 400
    assert "This category already routes on “sentiér”." in again.get_data(as_text=True)
    bad_page = bad.get_data(as_text=True)
    assert "Use at least one letter or digit." in bad_page
    assert "Use a number from 1 (tried first) to 1000." in bad_page
    assert '<span class="cell-label">Word or phrase: </span>Sentier' in page
    assert removed.headers["Location"] == f"/staff/categories/{category.id}"
    assert db.session.scalars(sa.select(CategoryKeyword)).all() == []
