"""A resident's request for a download of their personal data, and its status history."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import deferred
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import User
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.db import utcnow
from jasperrec.extensions import db

from .errors import InvalidTransitionError


class ExportStatus(enum.StrEnum):
    """Where a download stands."""

    REQUESTED = "requested"
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"


# The only moves a download may make; service.change_status enforces them.
TRANSITIONS: dict[ExportStatus, frozenset[ExportStatus]] = {
    ExportStatus.REQUESTED: frozenset({ExportStatus.BUILDING, ExportStatus.FAILED}),
    ExportStatus.BUILDING: frozenset({ExportStatus.READY, ExportStatus.FAILED}),
    ExportStatus.READY: frozenset({ExportStatus.EXPIRED}),
    ExportStatus.FAILED: frozenset(),
    ExportStatus.EXPIRED: frozenset(),
}
IN_PROGRESS = frozenset({ExportStatus.REQUESTED, ExportStatus.BUILDING})


class DataExport(db.Model):  # type: ignore[name-defined,misc]
    """One download a resident asked for: its state, its secret link and, while valid, its ZIP."""

    __tablename__ = "privacy_exports"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Equal to user_id while the download is requested or building, else NULL: the unique
    # constraint lets each resident have one on its way, even when two requests race.
    in_progress_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[ExportStatus] = mapped_column(default=ExportStatus.REQUESTED)
    created_at: Mapped[created_at]
    status_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ready_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
    # SHA-256 of the random token in the emailed link; the token itself is never stored.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    size_bytes: Mapped[int | None]
    # The ZIP itself, until it expires. Deferred so listing downloads never loads it.
    archive: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    events: Mapped[list[DataExportEvent]] = relationship(
        back_populates="export",
        cascade="all, delete-orphan",
        order_by="(DataExportEvent.at, DataExportEvent.id)",
    )

    @property
    def is_in_progress(self) -> bool:
        """Tell whether the download is still on its way."""
        return self.status in IN_PROGRESS

    def is_expired_at(self, now: dt.datetime) -> bool:
        """Tell whether the link no longer works at the given time."""
        if self.status is ExportStatus.EXPIRED:
            return True
        return self.expires_at is not None and now >= self.expires_at


class DataExportEvent(db.Model):  # type: ignore[name-defined,misc]
    """One status change of a download: from, to, when, and who (None: the system)."""

    __tablename__ = "privacy_export_events"

    id: Mapped[intpk]
    export_id: Mapped[int] = mapped_column(
        sa.ForeignKey("privacy_exports.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[ExportStatus | None]
    to_status: Mapped[ExportStatus]
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    export: Mapped[DataExport] = relationship(back_populates="events")


def change_status(
    export: DataExport, to: ExportStatus, *, actor_id: int | None, now: dt.datetime
) -> None:
    """Move a download to another status, if the table allows it, and record the move.

    :raises InvalidTransitionError:
    """
    if to not in TRANSITIONS[export.status]:
        raise InvalidTransitionError(f"A {export.status} download cannot become {to}.")
    export.events.append(
        DataExportEvent(from_status=export.status, to_status=to, actor_id=actor_id, at=now)
    )
    export.status = to
    export.status_changed_at = now
    export.in_progress_user_id = export.user_id if to in IN_PROGRESS else None


def new_export(user: User, now: dt.datetime) -> DataExport:
    """Start a download for a resident, recording that they asked for it."""
    first = DataExportEvent(
        from_status=None, to_status=ExportStatus.REQUESTED, actor_id=user.id, at=now
    )
    return DataExport(
        user=user,
        user_id=user.id,
        status=ExportStatus.REQUESTED,
        in_progress_user_id=user.id,
        created_at=now,
        status_changed_at=now,
        events=[first],
    )
