"""The helpdesk's part in a resident's personal data: requests and whole conversations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk.categories.models import RequestAnswer
from jasperrec.helpdesk.models import InboundEmail
from jasperrec.helpdesk.models import ServiceRequestMessage
from jasperrec.helpdesk.personal_data import HelpdeskData
from jasperrec.privacy.export.archive import build_document
from jasperrec.privacy.export.service import resident_summary
from tests import factories
from tests.privacy.test_export_schema import VALIDATOR


def kinds_by_key(user: Any) -> dict[str, Any]:
    return {kind.key: kind for kind in HelpdeskData().export(user)}


def conversation(user: Any, agent: Any) -> Any:
    request = factories.ServiceRequestFactory(customer=user, subject="Pool hours")
    db.session.add_all(
        [
            ServiceRequestMessage(request=request, author=user, body="When does it open?"),
            ServiceRequestMessage(
                request=request, author=agent, body="At six.", is_from_staff=True
            ),
        ]
    )
    db.session.flush()
    return request


def test_requests_and_their_whole_conversation_are_two_kinds_joined_by_reference(
    user: Any,
) -> None:
    department = factories.DepartmentFactory(name="Aquatics")
    agent = factories.StaffFactory(
        first_name="Mina", roles=[Role.HELPDESK_AGENT], departments=[department]
    )
    request = conversation(user, agent)
    conversation(factories.UserFactory(), agent)
    kinds = kinds_by_key(user)
    (row,) = kinds["helpdesk_requests"].rows
    assert row["request_reference"] == request.reference
    assert row["subject"] == "Pool hours"
    messages = kinds["helpdesk_messages"].rows
    assert [(m["from"], m["message"]) for m in messages] == [
        ("You", "When does it open?"),
        ("Mina, Aquatics", "At six."),
    ]
    assert {m["request_reference"] for m in messages} == {request.reference}


def test_staff_are_named_by_first_name_and_department_only(user: Any) -> None:
    agent = factories.StaffFactory(first_name="Mina", last_name="Quiet-Surname")
    request = conversation(user, agent)
    request.assignee = agent
    db.session.flush()
    text = repr([kind.rows for kind in HelpdeskData().export(user)])
    assert "Quiet-Surname" not in text
    assert agent.email not in text


def test_the_number_of_queries_does_not_grow_with_requests(
    user: Any, count_queries: Callable[..., int]
) -> None:
    agent = factories.StaffFactory(departments=[factories.DepartmentFactory()])
    conversation(user, agent).assignee = agent
    db.session.flush()
    db.session.expire_all()
    few = count_queries(lambda: HelpdeskData().export(user))
    for _ in range(4):
        other = factories.StaffFactory(departments=[factories.DepartmentFactory()])
        conversation(user, other).assignee = other
    db.session.flush()
    db.session.expire_all()
    assert count_queries(lambda: HelpdeskData().export(user)) == few


def test_the_answers_to_a_categorys_questions_are_a_kind_of_their_own(user: Any) -> None:
    category = factories.CategoryFactory(name="Parks and trails")
    request = factories.ServiceRequestFactory(customer=user, category=category)
    request.answers = [
        RequestAnswer(prompt="Where exactly?", answer="Pyramid Lake trail", position=0),
        RequestAnswer(prompt="What is it about?", answer="Trail\nSigns", position=1),
    ]
    theirs = factories.ServiceRequestFactory(customer=factories.UserFactory())
    theirs.answers = [RequestAnswer(prompt="Secret?", answer="Not yours")]
    db.session.flush()

    kinds = kinds_by_key(user)

    (row,) = kinds["helpdesk_requests"].rows
    assert row["category"] == "Parks and trails"
    assert row["topic"] == category.slug
    assert list(kinds["helpdesk_answers"].rows) == [
        {
            "request_reference": request.reference,
            "question": "Where exactly?",
            "answer": "Pyramid Lake trail",
        },
        {
            "request_reference": request.reference,
            "question": "What is it about?",
            "answer": "Trail\nSigns",
        },
    ]


def test_the_answers_kind_matches_the_published_schema_and_a_bad_row_does_not(user: Any) -> None:
    request = factories.ServiceRequestFactory(customer=user, category=factories.CategoryFactory())
    request.answers = [RequestAnswer(prompt="How many?", answer="3")]
    db.session.flush()
    document = build_document(HelpdeskData().export(user), resident_summary(user), utcnow())

    VALIDATOR.validate(document)
    answers = next(k for k in document["kinds"] if k["key"] == "helpdesk_answers")
    answers["rows"][0]["answer"] = 3
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(document)


def test_the_location_and_the_apps_device_details_are_in_the_residents_own_copy(
    user: Any,
) -> None:
    factories.ServiceRequestFactory(
        customer=user,
        location_address="Connaught Dr & Hazel Ave",
        latitude=52.8737,
        longitude=-118.0814,
        device_model="Pixel 8",
        device_os_version="Android 15",
        app_version="1.4.2",
        install_id="3f1c-install",
    )

    (row,) = kinds_by_key(user)["helpdesk_requests"].rows

    assert row["location_address"] == "Connaught Dr & Hazel Ave"
    assert (row["latitude"], row["longitude"]) == ("52.8737", "-118.0814")
    assert (row["device_model"], row["device_os_version"]) == ("Pixel 8", "Android 15")
    assert (row["app_version"], row["app_install_id"]) == ("1.4.2", "3f1c-install")


def test_emailed_requests_give_their_message_ids_and_the_request_they_follow_up(
    user: Any,
) -> None:
    old = factories.ServiceRequestFactory(customer=user, subject="Gate")
    new = factories.ServiceRequestFactory(customer=user, subject="Gate again", follows_up=old)
    db.session.add(InboundEmail(message_id="<m-1@example.ca>", request_id=new.id))
    db.session.add(
        InboundEmail(
            message_id="<theirs@example.ca>",
            request_id=conversation(factories.UserFactory(), user).id,
        )
    )
    db.session.flush()
    kinds = kinds_by_key(user)
    rows = {r["request_reference"]: r for r in kinds["helpdesk_requests"].rows}
    assert rows[new.reference]["follows_up_reference"] == old.reference
    assert rows[old.reference]["follows_up_reference"] is None
    (email,) = kinds["helpdesk_emails"].rows
    assert (email["request_reference"], email["message_id"]) == (new.reference, "<m-1@example.ca>")
