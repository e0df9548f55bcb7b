"""The staff request page shows the request's category and the resident's answers."""

from __future__ import annotations

from typing import Any

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.helpdesk.categories.models import RequestAnswer
from tests import factories


def test_staff_see_the_category_and_every_answer_escaped(
    client: Any, staff_log_in: Any, make_staff: Any, resident: Any, department: Any
) -> None:
    category = factories.CategoryFactory(name="Something broken", department=department)
    request = factories.ServiceRequestFactory(
        customer=resident, department=department, category=category
    )
    request.answers = [
        RequestAnswer(prompt="Could someone get hurt?", answer="Yes", position=0),
        RequestAnswer(prompt="Where exactly?", answer="<script>x</script>\nDoor 2", position=1),
    ]
    db.session.flush()
    staff_log_in(make_staff(Role.HELPDESK_AGENT))

    page = client.get(f"/staff/requests/{request.id}").get_data(as_text=True)

    assert "<dt>Category</dt><dd>Something broken</dd>" in page
    assert "<dt>Could someone get hurt?</dt>" in page
    assert "<dd>&lt;script&gt;x&lt;/script&gt;<br>Door 2</dd>" in page


def test_staff_see_when_nothing_routed_a_request(
    client: Any, staff_log_in: Any, make_staff: Any, resident: Any, department: Any
) -> None:
    request = factories.ServiceRequestFactory(customer=resident, department=department)
    staff_log_in(make_staff(Role.HELPDESK_AGENT))

    page = client.get(f"/staff/requests/{request.id}").get_data(as_text=True)

    assert "None (no category or keyword matched)" in page
