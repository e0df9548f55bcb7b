"""Public request references, JR-YYYY-NNNNNN, numbered per local year without gaps or twins."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from jasperrec.db import utcnow
from jasperrec.extensions import db

from .models import RequestReferenceCounter
from .models import ServiceRequest


def format_reference(year: int, number: int) -> str:
    """Write a reference the way residents quote it."""
    return f"JR-{year}-{number:06d}"


def next_reference(session: Session, received: dt.datetime) -> str:
    """Take the next reference for a request received at this time, in the session's transaction.

    One INSERT ... ON CONFLICT DO UPDATE ... RETURNING both creates a new year's counter and
    advances an existing one, so the database serialises concurrent requests on the
    counter's row: no two get the same number, and a rolled-back request gives its number
    back. The row stays locked until the transaction ends, so requests are given their
    reference as they are flushed, just before the commit.
    """
    year = received.astimezone(ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])).year
    connection = session.connection()
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = RequestReferenceCounter.__table__
    statement = (
        insert(table)
        .values(year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=[table.c.year], set_={"last_number": table.c.last_number + 1}
        )
        .returning(table.c.last_number)
    )
    number = connection.execute(statement).scalar_one()
    return format_reference(year, int(number))


def listen() -> None:
    """Number new requests as they are flushed; once per process, however many apps."""
    if not sa.event.contains(db.session, "before_flush", _give_references):
        sa.event.listen(db.session, "before_flush", _give_references)


def _give_references(session: Session, context: Any, instances: Any) -> None:
    """Give every new request its reference, whichever channel or service created it."""
    for instance in session.new:
        if isinstance(instance, ServiceRequest) and instance.reference is None:
            instance.reference = next_reference(session, instance.created_at or utcnow())
