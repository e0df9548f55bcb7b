"""The demo's coordinator runs the demo programs, and its households name emergency contacts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from jasperrec import demo
from jasperrec.auth.models import EmergencyContact
from jasperrec.auth.models import User
from jasperrec.cli import seed_demo_command
from jasperrec.extensions import db
from jasperrec.store.coordinators import list_coordinators
from jasperrec.store.demo_season import SEASON
from jasperrec.store.models import Program


def test_the_demo_coordinator_coordinates_every_demo_program_once(runner: Any) -> None:
    runner.invoke(seed_demo_command)
    runner.invoke(seed_demo_command)

    slugs = [spec.slug for spec in SEASON]
    for program in db.session.scalars(sa.select(Program).where(Program.slug.in_(slugs))):
        assert [c.email for c in list_coordinators(program.id)] == [demo.DEMO_COORDINATOR]


def test_the_demo_households_have_emergency_contacts(runner: Any) -> None:
    runner.invoke(seed_demo_command)

    for email, (name, _phone, _relation) in demo.EMERGENCY_CONTACTS.items():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        contact = db.session.scalar(
            sa.select(EmergencyContact).where(EmergencyContact.user_id == user.id)
        )
        assert contact.name == name
