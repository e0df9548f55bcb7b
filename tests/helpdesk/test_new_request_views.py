"""The resident's two-step request form: pick a category, then answer its questions."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.extensions import db
from jasperrec.helpdesk.categories.models import QuestionKind as K
from jasperrec.helpdesk.models import ServiceRequest
from tests import factories

FORM = {
    "subject": "Arena bench is broken",
    "description": "The third bench in the arena's change room wobbles.",
}


def stored_requests() -> list[ServiceRequest]:
    return list(db.session.scalars(sa.select(ServiceRequest)))


@pytest.fixture
def facilities() -> Any:
    department = factories.DepartmentFactory(name="Facilities", slug="facilities")
    category = factories.CategoryFactory(
        slug="facilities",
        name="Facilities and bookings",
        description="Booking the arena.\nOpening hours.",
        department=department,
        position=2,
    )
    questions = [
        ("Which facility?", K.SINGLE_CHOICE, True, ["Arena", "Aquatic Centre"]),
        ("Could someone get hurt?", K.YES_NO, True, []),
        ("How many people?", K.NUMBER, False, []),
        ("Where exactly?", K.LONG_TEXT, False, []),
        ("Room name", K.SHORT_TEXT, False, []),
        ("What is affected?", K.MULTIPLE_CHOICE, False, ["Bench", "Door", "Lights"]),
    ]
    for position, (prompt, kind, required, choices) in enumerate(questions):
        factories.CategoryQuestionFactory(
            category=category,
            prompt=prompt,
            kind=kind,
            is_required=required,
            choices=choices,
            position=position,
            help_text=f"Hint for {prompt}",
        )
    db.session.refresh(category)
    return category


def field(category: Any, prompt: str) -> str:
    return next(f"question_{q.id}" for q in category.questions if q.prompt == prompt)


def answered(category: Any, **extra: Any) -> dict[str, Any]:
    return {
        **FORM,
        field(category, "Which facility?"): "Arena",
        field(category, "Could someone get hurt?"): "no",
        **extra,
    }


def test_new_request_needs_sign_in(client: Any, facilities: Any) -> None:
    for path in ("/helpdesk/new", "/helpdesk/new/facilities"):
        response = client.get(path)

        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_the_first_step_lists_public_categories_in_order_with_their_descriptions(
    client: Any, log_in: Any, resident: Any, facilities: Any
) -> None:
    factories.CategoryFactory(name="Hidden internal", is_public=False)
    factories.CategoryFactory(slug="programs", name="Programs", position=1)
    log_in(resident)

    page = client.get("/helpdesk/new").get_data(as_text=True)

    assert 'href="/helpdesk/new/facilities"' in page
    assert page.index("Programs") < page.index("Facilities and bookings")
    assert "Booking the arena." in page
    assert "Hidden internal" not in page


def test_with_no_public_category_the_first_step_points_to_the_phone(
    app: Flask, client: Any, log_in: Any, resident: Any
) -> None:
    log_in(resident)

    page = client.get("/helpdesk/new").get_data(as_text=True)

    assert "Online requests are not open right now" in page
    assert app.config["MUNICIPALITY_PHONE"] in page


def test_the_second_step_shows_the_description_and_each_question_by_kind(
    client: Any, log_in: Any, resident: Any, facilities: Any
) -> None:
    log_in(resident)

    page = client.get("/helpdesk/new/facilities").get_data(as_text=True)

    assert "Booking the arena.<br>Opening hours." in page
    assert "Facilities answers within 3 business days" in page
    assert '<legend>Which facility? <span class="required">(required)</span></legend>' in page
    assert 'type="radio"' in page
    assert 'value="Arena"' in page
    assert 'type="checkbox"' in page
    assert 'value="Lights"' in page
    assert "<textarea" in page
    assert "Hint for Where exactly?" in page
    assert "How many people?</label>" in page
    assert page.index("Which facility?") < page.index("What is affected?")


@pytest.mark.parametrize("slug", ["parking", "internal"])
def test_an_unknown_or_internal_category_is_404(
    client: Any, log_in: Any, resident: Any, slug: str
) -> None:
    factories.CategoryFactory(slug="internal", is_public=False)
    log_in(resident)

    assert client.get(f"/helpdesk/new/{slug}").status_code == 404
    assert client.post(f"/helpdesk/new/{slug}", data=FORM).status_code == 404
    assert stored_requests() == []


def test_new_request_files_it_with_answers_and_redirects_with_reference_and_due_date(
    app: Flask,
    client: Any,
    log_in: Any,
    resident: Any,
    facilities: Any,
    outbox: list[EmailMessage],
) -> None:
    log_in(resident)
    extra = {
        field(facilities, "How many people?"): "12",
        field(facilities, "What is affected?"): ["Bench", "Lights"],
        field(facilities, "Room name"): "<b>Change room 3</b>",
    }

    response = client.post("/helpdesk/new/facilities", data=answered(facilities, **extra))

    [opened] = stored_requests()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/helpdesk/requests/{opened.id}"
    assert opened.department.name == "Facilities"
    assert opened.category is facilities
    assert [(a.prompt, a.answer) for a in opened.answers] == [
        ("Which facility?", "Arena"),
        ("Could someone get hurt?", "No"),
        ("How many people?", "12"),
        ("Room name", "<b>Change room 3</b>"),
        ("What is affected?", "Bench\nLights"),
    ]
    assert len(outbox) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    due = app.jinja_env.filters["local_time"](opened.due_at)
    said = f"Your reference is {opened.reference}; Facilities will answer by {due}"
    assert said in page
    assert "m.." not in page  # a time ending "p.m." closes the sentence itself
    assert "<dt>Topic</dt><dd>Facilities and bookings</dd>" in page
    assert "<dt>Could someone get hurt?</dt>" in page
    assert "<dd>Bench<br>Lights</dd>" in page
    assert "&lt;b&gt;Change room 3&lt;/b&gt;" in page


@pytest.mark.parametrize(
    ("prompt", "value", "message"),
    [
        ("Which facility?", None, "Choose an answer to “Which facility?”."),
        ("Which facility?", "Library", "Choose from the answers listed."),
        ("Could someone get hurt?", None, "Choose an answer to “Could someone get hurt?”."),
        ("Could someone get hurt?", "maybe", "Choose from the answers listed."),
        ("How many people?", "a dozen", "Enter a number, such as 3 or 2.5."),
        ("How many people?", "1e9", "Enter a number, such as 3 or 2.5."),
        ("Room name", "x" * 201, "Keep this to 200 characters."),
        ("Where exactly?", "x" * 2001, "Keep this to 2000 characters."),
        ("What is affected?", ["Bench", "Roof"], "Choose from the answers listed."),
    ],
)
def test_answers_are_checked_by_kind_with_a_clear_message_and_nothing_is_written(
    client: Any,
    log_in: Any,
    resident: Any,
    facilities: Any,
    outbox: list[EmailMessage],
    prompt: str,
    value: Any,
    message: str,
) -> None:
    log_in(resident)
    data = answered(facilities)
    name = field(facilities, prompt)
    data.pop(name, None)
    if value is not None:
        data[name] = value

    response = client.post("/helpdesk/new/facilities", data=data)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{name}-error"' in page
    assert message in page
    assert stored_requests() == []
    assert outbox == []


def test_a_required_multiple_choice_needs_a_tick(
    client: Any, log_in: Any, resident: Any, facilities: Any
) -> None:
    question = facilities.questions[-1]
    question.is_required = True
    db.session.flush()
    log_in(resident)

    page = client.post("/helpdesk/new/facilities", data=answered(facilities)).get_data(as_text=True)

    assert "Tick at least one answer to “What is affected?”." in page
    assert stored_requests() == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("subject", "", "Give your request a short subject."),
        ("subject", "x" * 201, "Keep the subject to 200 characters."),
        ("description", "  ", "Tell us what you need."),
        ("description", "x" * 5001, "Keep the description to 5000 characters."),
    ],
)
def test_new_request_with_bad_text_shows_the_message_and_writes_nothing(
    client: Any,
    log_in: Any,
    resident: Any,
    facilities: Any,
    outbox: list[EmailMessage],
    name: str,
    value: str,
    message: str,
) -> None:
    log_in(resident)

    response = client.post("/helpdesk/new/facilities", data={**answered(facilities), name: value})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{name}-error"' in page
    assert message in page
    assert stored_requests() == []
    assert outbox == []


def test_new_request_is_rate_limited(
    app: Flask,
    client: Any,
    log_in: Any,
    resident: Any,
    facilities: Any,
    rate_limits: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "HELPDESK_REQUEST_LIMIT", "2 per hour")
    log_in(resident)

    statuses = [
        client.post("/helpdesk/new/facilities", data=answered(facilities)).status_code
        for _ in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert len(stored_requests()) == 2
