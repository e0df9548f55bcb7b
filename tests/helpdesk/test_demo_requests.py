"""The demo's helpdesk requests carry the answer-by date of the published standard."""

from __future__ import annotations

import sqlalchemy as sa

from jasperrec import demo
from jasperrec.cli import seed_demo_command
from jasperrec.extensions import db
from jasperrec.helpdesk import standards
from jasperrec.helpdesk.categories.demo import CATEGORIES
from jasperrec.helpdesk.categories.models import Category
from jasperrec.helpdesk.categories.models import QuestionKind
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.helpdesk.routing import route


def test_demo_requests_are_due_by_the_service_standard(runner):
    assert runner.invoke(seed_demo_command).exit_code == 0
    subjects = [subject for *_, subject, _description in demo.REQUESTS]
    requests = db.session.scalars(
        sa.select(ServiceRequest).where(ServiceRequest.subject.in_(subjects))
    ).all()
    assert len(requests) == len(demo.REQUESTS)
    for request in requests:
        assert request.description
        assert request.due_at == standards.due_at(request.created_at, request.channel)


def test_the_demo_seeds_categories_with_questions_and_keywords_once(runner):
    assert runner.invoke(seed_demo_command).exit_code == 0
    assert runner.invoke(seed_demo_command).exit_code == 0

    seeded = db.session.scalars(sa.select(Category).order_by(Category.position)).all()
    assert [c.slug for c in seeded] == list(CATEGORIES)
    kinds = {q.kind for c in seeded for q in c.questions}
    assert kinds == set(QuestionKind)
    for category in seeded:
        assert category.description
        assert category.is_public
        expected = CATEGORIES[category.slug]
        assert len(category.questions) == len(expected["questions"])
        assert len(category.keywords) == len(expected["keywords"])
        for question in category.questions:
            assert bool(question.choices) is question.kind.has_choices
    facility = db.session.scalar(
        sa.select(ServiceRequest).where(
            ServiceRequest.subject == "Booking the arena for a birthday"
        )
    )
    assert facility.category.slug == "facilities"


def test_the_demo_keywords_route_everyday_text(runner):
    assert runner.invoke(seed_demo_command).exit_code == 0

    assert route(None, "The change room tap is LEAKING")[0].slug == "repairs"
    assert route(None, "Le sentier est fermé")[0].slug == "parks"
    # Swim lessons (priority 10) wins over refund (priority 10, added later).
    assert route(None, "A refund for swim lessons")[0].slug == "programs"
    assert route(None, "I was charged twice")[0].slug == "payments"
    assert route(None, "Hello there") == (None, route(None, "")[1])
