"""The demo's helpdesk requests carry the answer-by date of the published standard."""

from __future__ import annotations

import sqlalchemy as sa

from jasperrec import demo
from jasperrec.cli import seed_demo_command
from jasperrec.extensions import db
from jasperrec.helpdesk import standards
from jasperrec.helpdesk.models import ServiceRequest


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
