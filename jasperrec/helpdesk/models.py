"""Service requests, each routed to a department's queue, and their conversations."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import Department
from jasperrec.auth.models import User
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.db import postgresql_index
from jasperrec.db import trigram_index
from jasperrec.db import utcnow
from jasperrec.extensions import db

from .categories.models import Category
from .categories.models import RequestAnswer

# The longest message either side may add to a request's conversation.
MESSAGE_MAX = 5000
# The columns the staff queue search looks inside (staff.queues._matches).
TRIGRAM_SEARCHED = ("reference", "subject", "description")


class Channel(enum.StrEnum):
    """How the request reached us."""

    WEB = "web"
    EMAIL = "email"
    PHONE = "phone"
    APP = "mobile app"


class RequestStatus(enum.StrEnum):
    """Where the request stands; only helpdesk.workflow.change_status moves it."""

    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in progress"
    WAITING = "waiting on resident"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Resolution(enum.StrEnum):
    """Why a request was resolved; staff choose one, and the resident sees it."""

    FIXED = "fixed"
    ANSWERED = "answered"
    NOT_OUR_JURISDICTION = "not our jurisdiction"
    DUPLICATE = "duplicate"
    COULD_NOT_REPRODUCE = "could not reproduce"


class EventKind(enum.StrEnum):
    """What one entry in a request's history records."""

    STATUS = "status"
    ASSIGNED = "assigned"
    TRANSFERRED = "transferred"
    ESCALATED = "escalated"


class ServiceRequest(db.Model):  # type: ignore[name-defined,misc]
    """A resident's request, in one department's queue and perhaps assigned to one person."""

    __tablename__ = "service_requests"
    __table_args__ = (
        # The queues: a department's or a person's requests in some statuses (staff.queues).
        # Each also serves its foreign key, as a single-column index would.
        sa.Index("ix_service_requests_department_id_status", "department_id", "status"),
        sa.Index("ix_service_requests_assignee_id_status", "assignee_id", "status"),
        # The customer's earlier requests beside a request, newest first (staff.casefile).
        sa.Index("ix_service_requests_customer_id_created_at", "customer_id", "created_at"),
        # The default queue order over requests not closed, read in order rather than sorted:
        # PostgreSQL only, as SQLite cannot tell that the queue's statuses fall inside it.
        postgresql_index(
            "ix_service_requests_open_due_at",
            "due_at",
            "id",
            postgresql_where=sa.text("status <> 'closed'"),
        ),
        # The queue search's ILIKE '%text%', on PostgreSQL only.
        *(trigram_index("service_requests", column) for column in TRIGRAM_SEARCHED),
    )

    id: Mapped[intpk]
    # The public reference, JR-YYYY-NNNNNN, numbered per local year by references.py.
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    # The resident, or the contact (a user with no password) who asked without an account.
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    channel: Mapped[Channel]
    subject: Mapped[str] = mapped_column(sa.String(200))
    # What the resident picked, or what a keyword rule matched; None when neither applied.
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[RequestStatus] = mapped_column(default=RequestStatus.NEW)
    created_at: Mapped[created_at]
    # The published service standard's deadline, set when the request arrives and moved
    # later only by the business time the clock spent paused (helpdesk.clock).
    due_at: Mapped[dt.datetime | None]
    # Start of the last business half-day before due_at: from then on the request is "due soon".
    due_soon_at: Mapped[dt.datetime | None]
    # The first public reply stops the clock for good.
    first_response_at: Mapped[dt.datetime | None]
    # Set while the request waits on the resident: the clock does not run.
    clock_paused_at: Mapped[dt.datetime | None]
    # When the department lead was told the request is overdue; they are told once.
    escalated_at: Mapped[dt.datetime | None]
    resolution: Mapped[Resolution | None]
    resolved_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    # SHA-256 of the private follow link's token given to a visitor without an account.
    follow_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Where the problem is, when the resident says (the mobile app sends its position).
    location_address: Mapped[str | None] = mapped_column(sa.String(200))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    # The device a mobile-app request came from; for staff diagnosing the app, never shown
    # on the resident's request pages (it is in their personal-data download).
    device_model: Mapped[str | None] = mapped_column(sa.String(100))
    device_os_version: Mapped[str | None] = mapped_column(sa.String(40))
    app_version: Mapped[str | None] = mapped_column(sa.String(40))
    install_id: Mapped[str | None] = mapped_column(sa.String(64))
    # The closed request this one takes up again: an emailed answer came too late to reopen it.
    follows_up_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("service_requests.id", ondelete="SET NULL"), index=True
    )

    customer: Mapped[User] = relationship(foreign_keys=[customer_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    department: Mapped[Department] = relationship()
    category: Mapped[Category | None] = relationship()
    follows_up: Mapped[ServiceRequest | None] = relationship(
        remote_side="ServiceRequest.id", foreign_keys=[follows_up_id]
    )
    answers: Mapped[list[RequestAnswer]] = relationship(
        cascade="all, delete-orphan",
        order_by="(RequestAnswer.position, RequestAnswer.id)",
    )
    messages: Mapped[list[ServiceRequestMessage]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="(ServiceRequestMessage.created_at, ServiceRequestMessage.id)",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    # Emails mail-in took into it, by Message-ID: a redelivery is known and adds nothing.
    inbound_emails: Mapped[list[InboundEmail]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="InboundEmail.id"
    )
    events: Mapped[list[ServiceRequestEvent]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(ServiceRequestEvent.created_at, ServiceRequestEvent.id)",
    )
    # Staff-only: never rendered on a resident page, mailed, or put in the resident's download.
    notes: Mapped[list[ServiceRequestNote]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(ServiceRequestNote.created_at, ServiceRequestNote.id)",
    )

    @property
    def is_open(self) -> bool:
        """Tell whether the request is still being worked on."""
        return self.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED)

    @property
    def is_clock_running(self) -> bool:
        """Tell whether the service-standard clock runs: open, unanswered and not paused.

        helpdesk.clock.running_clause is the same rule in SQL.
        """
        return (
            self.is_open
            and self.status is not RequestStatus.WAITING
            and self.first_response_at is None
            and self.clock_paused_at is None
            and self.due_at is not None
        )

    def is_overdue_at(self, now: dt.datetime) -> bool:
        """Tell whether the first answer is late: the clock runs and the answer-by time passed.

        An answered request is never overdue. helpdesk.clock.overdue_clause is the same in SQL.
        """
        return self.is_clock_running and self.due_at is not None and self.due_at <= now

    def is_due_soon_at(self, now: dt.datetime) -> bool:
        """Tell whether the first answer is due within the last business half-day."""
        if not self.is_clock_running or self.due_at is None or self.due_at <= now:
            return False
        return self.due_soon_at is not None and self.due_soon_at <= now

    @property
    def is_overdue(self) -> bool:
        """Tell whether the first answer is late now."""
        return self.is_overdue_at(utcnow())

    @property
    def is_due_soon(self) -> bool:
        """Tell whether the first answer is due within the last business half-day now."""
        return self.is_due_soon_at(utcnow())


class ServiceRequestMessage(db.Model):  # type: ignore[name-defined,misc]
    """One message in a request's conversation, from the resident or from staff."""

    __tablename__ = "service_request_messages"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_requests.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    # Staff messages are signed to residents with the author's first name and department.
    is_from_staff: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A staff reply's signature as sent, "First name, Department" of the request's department
    # when they belong to it, kept so it does not change when they move departments later.
    signed_as: Mapped[str | None] = mapped_column(sa.String(160))
    created_at: Mapped[created_at]

    request: Mapped[ServiceRequest] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()

    @property
    def signature(self) -> str:
        """How a staff message is signed to the resident (older replies: the author's label)."""
        return self.signed_as or self.author.staff_label


class Attachment(db.Model):  # type: ignore[name-defined,misc]
    """A photo sent with a request, re-encoded by us and kept under the instance folder."""

    __tablename__ = "service_request_attachments"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_requests.id", ondelete="CASCADE"), index=True
    )
    # The message it came with (an emailed reply), or None when it came with the request.
    message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("service_request_messages.id", ondelete="CASCADE"), index=True
    )
    # Random, and the only name the photo's URL uses, so no one can guess another's.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The file under HELPDESK_ATTACHMENTS_PATH; random too, never the sender's name.
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(130))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size_bytes: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    # True only when the resident let us keep where the photo was taken.
    has_location: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[created_at]

    request: Mapped[ServiceRequest] = relationship(back_populates="attachments")


class RequestReferenceCounter(db.Model):  # type: ignore[name-defined,misc]
    """The last reference number handed out in one local year."""

    __tablename__ = "request_reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int]


class ServiceRequestEvent(db.Model):  # type: ignore[name-defined,misc]
    """One change in a request's history: who (None for the system), when, from and to."""

    __tablename__ = "service_request_events"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_requests.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[EventKind]
    from_value: Mapped[str | None] = mapped_column(sa.String(120))
    to_value: Mapped[str | None] = mapped_column(sa.String(120))
    # Context staff need: a transfer's reason, a resolution code. Never shown to the resident.
    detail: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[created_at]

    actor: Mapped[User | None] = relationship()


class OutgoingMessageId(db.Model):  # type: ignore[name-defined,misc]
    """A Message-ID we put on mail about a request, so an answer to it finds the request."""

    __tablename__ = "service_request_message_ids"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_requests.id", ondelete="CASCADE"), index=True
    )
    # Without the angle brackets, exactly as generated.
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    created_at: Mapped[created_at]


class ClosureDay(db.Model):  # type: ignore[name-defined,misc]
    """A day the municipality closes its offices beyond the statutory holidays.

    closes_at None means closed all day; otherwise the offices close early at that local
    time (Christmas Eve afternoon). A yearly closure repeats on the same month and day.
    """

    __tablename__ = "closure_days"

    id: Mapped[intpk]
    day: Mapped[dt.date] = mapped_column(unique=True)
    closes_at: Mapped[dt.time | None]
    repeats_yearly: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    description: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[created_at]


class ServiceRequestNote(db.Model):  # type: ignore[name-defined,misc]
    """An internal note between staff on a request: never shown or sent to the resident."""

    __tablename__ = "service_request_notes"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_requests.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[created_at]

    author: Mapped[User] = relationship()


class InboundEmail(db.Model):  # type: ignore[name-defined,misc]
    """An email mail-in took into a request, by its Message-ID, so a redelivery adds nothing.

    Mail servers deliver again after a temporary failure they could not see end; the
    Message-ID is all that is kept here, the text is in the request's conversation.
    """

    __tablename__ = "helpdesk_inbound_emails"

    id: Mapped[intpk]
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("service_requests.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[created_at]
