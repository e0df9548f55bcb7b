"""The household's upcoming registrations as an iCalendar file a phone's calendar imports.

One event series per registration and meeting pattern (most programs have one): the first
session still to come, repeated weekly on the pattern's days until its last day, less the
days it skips, in the municipality's time zone (with its VTIMEZONE), so the phone shows the
right hours on both sides of a daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import icalendar
from flask import current_app
from flask import url_for

from jasperrec.db import utcnow

from .models import ProgramMeeting
from .registrations import Enrolment
from .registrations import PersonRegistrations
from .registrations import local_today
from .registrations import local_zone
from .schedule import meeting_dates

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def registrations_ics(people: Sequence[PersonRegistrations]) -> bytes:
    """Write every upcoming registration of the household as one calendar file."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{current_app.config['MUNICIPALITY_NAME']}//JasperRec//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Recreation registrations")
    stamp = utcnow()
    today = local_today()
    for person in people:
        for enrolment in person.upcoming:
            for meeting in enrolment.program.meetings:
                days = [day for day in meeting_dates(meeting) if day >= today]
                if days:
                    calendar.add_component(_event(enrolment, meeting, days, stamp))
    calendar.add_missing_timezones()
    written: bytes = calendar.to_ical()
    return written


def _event(
    enrolment: Enrolment, meeting: ProgramMeeting, days: list[dt.date], stamp: dt.datetime
) -> icalendar.Event:
    """One meeting pattern's sessions from today on, as a weekly series (or a single event)."""
    program = enrolment.program
    zone = local_zone()
    event = icalendar.Event()
    domain = current_app.config["HELPDESK_REPLY_TO"].rpartition("@")[2] or "jasperrec.local"
    event.add("uid", f"registration-{enrolment.registration_id}-{meeting.id}@{domain}")
    event.add("dtstamp", stamp)
    event.add("summary", f"{program.name} ({enrolment.participant})")
    event.add("dtstart", dt.datetime.combine(days[0], meeting.start_time, zone))
    event.add("dtend", dt.datetime.combine(days[0], meeting.end_time, zone))
    event.add("location", program.facility)
    link = url_for("store.program", slug=program.slug, _external=True)
    status = "" if enrolment.is_confirmed else " Awaiting payment."
    event.add(
        "description",
        f"{enrolment.schedule}.{status} Order {enrolment.order_reference}. {link}",
    )
    if len(days) > 1:
        last = dt.datetime.combine(days[-1], meeting.end_time, zone).astimezone(dt.UTC)
        weekdays = sorted({int(d) for d in meeting.weekdays})
        byday = [BYDAY[d - 1] for d in weekdays]
        event.add("rrule", {"freq": "weekly", "byday": byday, "until": last})
        skipped = sorted(day for day in meeting.skipped if days[0] < day < days[-1])
        if skipped:
            event.add("exdate", [dt.datetime.combine(d, meeting.start_time, zone) for d in skipped])
    return event
