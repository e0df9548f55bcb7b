"""The queues' category filter: one category, or the requests nothing routed."""

from __future__ import annotations

from typing import Any

import pytest

from jasperrec.auth.models import Role
from jasperrec.staff import queues
from tests import factories


@pytest.fixture
def agent(make_staff: Any) -> Any:
    return make_staff(Role.HELPDESK_AGENT)


def listing(agent: Any, **filters: Any) -> list[str]:
    found = queues.list_queue(agent, queues.QueueFilter(**filters))
    return sorted(r.subject for r in found.rows)


def test_the_queue_narrows_to_a_category_or_to_requests_without_one(
    agent: Any, department: Any
) -> None:
    leaks, parks = factories.CategoryFactory(), factories.CategoryFactory()
    factories.ServiceRequestFactory(department=department, subject="Leak", category=leaks)
    factories.ServiceRequestFactory(department=department, subject="Trail", category=parks)
    factories.ServiceRequestFactory(department=department, subject="Hello")

    assert listing(agent, category_id=leaks.id) == ["Leak"]
    assert listing(agent, uncategorised=True) == ["Hello"]
    assert listing(agent) == ["Hello", "Leak", "Trail"]


def test_the_queues_page_offers_every_category_and_keeps_the_choice_in_the_url(
    client: Any, staff_log_in: Any, agent: Any, department: Any
) -> None:
    internal = factories.CategoryFactory(name="Bylaw (internal)", is_public=False)
    factories.ServiceRequestFactory(department=department, subject="Barking dog", category=internal)
    factories.ServiceRequestFactory(department=department, subject="Pool hours")
    staff_log_in(agent)

    page = client.get(f"/staff/queues?category={internal.id}").get_data(as_text=True)
    none = client.get("/staff/queues?category=none").get_data(as_text=True)

    assert f'<option selected value="{internal.id}">Bylaw (internal)</option>' in page
    assert "Barking dog" in page
    assert "Pool hours" not in page
    assert "Pool hours" in none
    assert "Barking dog" not in none
