"""The household's upcoming registrations as an iCalendar file a phone's calendar imports.

One event series per registration: the first session, repeated weekly on the program's
days until its last day, in the municipality's time zone (with its VTIMEZONE), so the
phone shows the right hours on both sides of a daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import icalendar
from flask import current_app
from flask import url_for

from jasperrec.db import utcnow

from .registrations import Enrolment
from .registrations import PersonRegistrations

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def registrations_ics(people: Sequence[PersonRegistrations]) -> bytes:
    """Write every upcoming registration of the household as one calendar file."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{current_app.config['MUNICIPALITY_NAME']}//JasperRec//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Recreation registrations")
    stamp = utcnow()
    for person in people:
        for enrolment in person.upcoming:
            if enrolment.sessions:
                calendar.add_component(_event(enrolment, stamp))
    calendar.add_missing_timezones()
    written: bytes = calendar.to_ical()
    return written


def _event(enrolment: Enrolment, stamp: dt.datetime) -> icalendar.Event:
    """One registration's sessions from today on, as a weekly series (or a single event)."""
    program = enrolment.program
    first = enrolment.sessions[0]
    event = icalendar.Event()
    domain = current_app.config["HELPDESK_REPLY_TO"].rpartition("@")[2] or "jasperrec.local"
    event.add("uid", f"registration-{enrolment.registration_id}@{domain}")
    event.add("dtstamp", stamp)
    event.add("summary", f"{program.name} ({enrolment.participant})")
    event.add("dtstart", first.starts_at)
    event.add("dtend", first.ends_at)
    event.add("location", first.place)
    link = url_for("store.program", slug=program.slug, _external=True)
    status = "" if enrolment.is_confirmed else " Awaiting payment."
    event.add(
        "description",
        f"{enrolment.schedule}.{status} Order {enrolment.order_reference}. {link}",
    )
    if len(enrolment.sessions) > 1:
        last = enrolment.sessions[-1].ends_at.astimezone(dt.UTC)
        days = sorted({int(d) for d in program.weekdays})
        event.add("rrule", {"freq": "weekly", "byday": [BYDAY[d - 1] for d in days], "until": last})
    return event
