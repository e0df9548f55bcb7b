"""Ask for a download, build it on the task queue, hand it over, and delete it when expired."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.mail import send_mail
from jasperrec.personal_data import collect
from jasperrec.tasks import crontab
from jasperrec.tasks import periodic_task
from jasperrec.tasks import task

from .archive import build_archive
from .errors import ExportExpiredError
from .errors import ExportInProgressError
from .errors import ExportNotFoundError
from .models import IN_PROGRESS
from .models import DataExport
from .models import ExportStatus
from .models import change_status
from .models import new_export

ON_ITS_WAY = "Your download is already being prepared. We will email you a link when it is ready."


def request_export(user: User, now: dt.datetime | None = None) -> DataExport:
    """Record a resident's request and queue the build; one at a time per resident.

    :raises ExportInProgressError:
    """
    now = now or utcnow()
    if find_export_in_progress(user) is not None:
        raise ExportInProgressError(ON_ITS_WAY)
    export = new_export(user, now)
    db.session.add(export)
    try:
        db.session.commit()
    except IntegrityError as exc:
        # Another request from the same resident won the race to the unique constraint.
        db.session.rollback()
        raise ExportInProgressError(ON_ITS_WAY) from exc
    build_export_task(export.id)
    return export


def find_export_in_progress(user: User) -> DataExport | None:
    """Return the resident's download that is still being prepared, if any."""
    query = sa.select(DataExport).where(
        DataExport.user_id == user.id, DataExport.status.in_(IN_PROGRESS)
    )
    return db.session.scalars(query).first()


def find_latest_export(user: User) -> DataExport | None:
    """Return the resident's most recent download, for their page to show its state."""
    query = (
        sa.select(DataExport)
        .where(DataExport.user_id == user.id)
        .order_by(DataExport.created_at.desc(), DataExport.id.desc())
    )
    return db.session.scalars(query.limit(1)).first()


def build_export(export_id: int) -> None:
    """Build a requested download, keep it for the link's lifetime and email the link."""
    now = utcnow()
    export = db.session.get(DataExport, export_id)
    if export is None or export.status is not ExportStatus.REQUESTED:
        return  # The queue may deliver a task twice; only a fresh request is built.
    change_status(export, ExportStatus.BUILDING, actor_id=None, now=now)
    user = export.user
    token = secrets.token_urlsafe(32)
    export.archive = build_archive(collect(user), resident_summary(user), now)
    export.size_bytes = len(export.archive)
    export.token_hash = token_hash(token)
    export.ready_at = now
    export.expires_at = now + dt.timedelta(hours=ttl_hours())
    change_status(export, ExportStatus.READY, actor_id=None, now=now)
    db.session.commit()
    send_mail(user.email, "privacy/export_ready", user=user, token=token, hours=ttl_hours())


def fail_export(export_id: int) -> None:
    """Mark a download that could not be built as failed, and tell the resident to ask again."""
    export = db.session.get(DataExport, export_id)
    if export is None or not export.is_in_progress:
        return
    change_status(export, ExportStatus.FAILED, actor_id=None, now=utcnow())
    db.session.commit()
    _tell_failed([export.user])


def _tell_failed(users: list[User]) -> None:
    """Email each resident whose download could not be built, so nobody waits in vain."""
    for user in users:
        send_mail(user.email, "privacy/export_failed", user=user)


def download_state(export: DataExport | None, now: dt.datetime | None = None) -> str | None:
    """Name what the resident's page says of their latest download: its link may be over."""
    if export is None:
        return None
    if export.is_in_progress:
        return "in progress"
    if export.status is ExportStatus.READY and export.is_expired_at(now or utcnow()):
        return ExportStatus.EXPIRED.value
    return export.status.value


def get_download_for(user: User, token: str, now: dt.datetime | None = None) -> DataExport:
    """Return the resident's download behind a link, with its archive loaded.

    :raises ExportNotFoundError: the link is no download of this resident's.
    :raises ExportExpiredError: the link's time is over.
    """
    query = (
        sa.select(DataExport)
        .options(undefer(DataExport.archive))
        .where(DataExport.token_hash == token_hash(token), DataExport.user_id == user.id)
    )
    export = db.session.scalars(query).first()
    if export is None:
        raise ExportNotFoundError("No such download.")
    if export.is_expired_at(now or utcnow()) or export.archive is None:
        raise ExportExpiredError("This download link has expired.")
    return export


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the archives whose links expired, and fail builds stuck past the link's life.

    Returns how many downloads changed.
    """
    now = now or utcnow()
    stale_before = now - dt.timedelta(hours=ttl_hours())
    query = sa.select(DataExport).where(
        sa.or_(
            sa.and_(DataExport.status == ExportStatus.READY, DataExport.expires_at <= now),
            sa.and_(DataExport.status.in_(IN_PROGRESS), DataExport.created_at <= stale_before),
        )
    )
    changed = list(db.session.scalars(query.with_for_update(skip_locked=True)))
    stuck = [export.user for export in changed if export.is_in_progress]
    for export in changed:
        to = ExportStatus.EXPIRED if export.status is ExportStatus.READY else ExportStatus.FAILED
        change_status(export, to, actor_id=None, now=now)
        export.archive = None
    db.session.commit()
    _tell_failed(stuck)
    return len(changed)


def resident_summary(user: User) -> dict[str, str | int]:
    """Name the resident the download is about, as its JSON document does."""
    return {
        "id": user.id,
        "email": user.email or "",
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def token_hash(token: str) -> str:
    """Hash a link's token; only the hash is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def ttl_hours() -> int:
    """Read how long a download link works."""
    return int(current_app.config["PRIVACY_EXPORT_TTL_HOURS"])


@task()
def build_export_task(export_id: int) -> None:
    """Build a download off the request path; a failure leaves the resident free to ask again."""
    try:
        build_export(export_id)
    except Exception:
        db.session.rollback()
        fail_export(export_id)
        raise


@periodic_task(crontab(minute="*/10"))
def purge_expired_task() -> None:
    """Delete expired archives every ten minutes."""
    purge_expired()
