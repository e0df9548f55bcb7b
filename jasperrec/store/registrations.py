"""What the household is registered in, and when: per person, every session, past and upcoming.

A parent plans a week from this page, so it lists each session's date, time and place,
not just the program's name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db

from .models import OrderLine
from .models import Program
from .models import Registration
from .models import RegistrationStatus
from .schedule import describe_schedule
from .schedule import meeting_dates

# Held spaces wait for a payment; cancelled ones are no registration at all.
SHOWN = (RegistrationStatus.CONFIRMED, RegistrationStatus.HELD)


@dataclasses.dataclass(frozen=True)
class Session:
    """One meeting of a program, in local time."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str


@dataclasses.dataclass(frozen=True)
class Enrolment:
    """One person's registration in one program, with the sessions that concern them."""

    registration_id: int
    participant: str
    program: Program
    schedule: str
    is_confirmed: bool
    order_id: int
    order_reference: str
    # Upcoming: the sessions from today on; past: every session.
    sessions: tuple[Session, ...]


@dataclasses.dataclass(frozen=True)
class PersonRegistrations:
    """Everything one person of the household is registered in."""

    name: str
    is_account_holder: bool
    upcoming: list[Enrolment]
    past: list[Enrolment]


def local_zone() -> ZoneInfo:
    """The municipality's time zone, in which programs meet."""
    return ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in the municipality, which decides what is past."""
    return (now or utcnow()).astimezone(local_zone()).date()


def sessions_of(program: Program, since: dt.date | None = None) -> tuple[Session, ...]:
    """The program's sessions in date order, from `since` on when given, in local time."""
    zone = local_zone()
    sessions = [
        Session(
            starts_at=dt.datetime.combine(day, meeting.start_time, zone),
            ends_at=dt.datetime.combine(day, meeting.end_time, zone),
            place=program.facility,
        )
        for meeting in program.meetings
        for day in meeting_dates(meeting)
        if since is None or day >= since
    ]
    return tuple(sorted(sessions, key=lambda session: session.starts_at))


def _registrations(user: User) -> Sequence[Registration]:
    query = (
        sa.select(Registration)
        .options(
            selectinload(Registration.program),
            selectinload(Registration.household_member),
            selectinload(Registration.order_line).selectinload(OrderLine.order),
        )
        .join(Registration.program)
        .where(Registration.user_id == user.id, Registration.status.in_(SHOWN))
        .order_by(Program.starts_on, Program.name, Registration.id)
    )
    return db.session.scalars(query).all()


def list_registrations(user: User, today: dt.date | None = None) -> list[PersonRegistrations]:
    """Return the household's registrations by person: the account holder, then each member.

    A program is upcoming until its last day has passed.
    """
    today = today or local_today()
    people: dict[int | None, PersonRegistrations] = {
        None: PersonRegistrations(user.full_name, True, [], [])
    }
    for member in sorted(user.household, key=lambda m: (m.first_name, m.id)):
        people[member.id] = PersonRegistrations(member.full_name, False, [], [])
    for registration in _registrations(user):
        person = people.get(registration.household_member_id)
        if person is None:  # a member since removed: their registration still stands
            former = registration.household_member
            name = former.full_name if former else user.full_name
            person = people[registration.household_member_id] = PersonRegistrations(
                name, False, [], []
            )
        program = registration.program
        upcoming = program.ends_on >= today
        order = registration.order_line.order
        enrolment = Enrolment(
            registration_id=registration.id,
            participant=person.name,
            program=program,
            schedule=describe_schedule(program),
            is_confirmed=registration.status is RegistrationStatus.CONFIRMED,
            order_id=order.id,
            order_reference=order.reference,
            sessions=sessions_of(program, today if upcoming else None),
        )
        (person.upcoming if upcoming else person.past).append(enrolment)
    for person in people.values():
        person.past.reverse()  # the most recent first
    return list(people.values())
