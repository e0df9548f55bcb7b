"""Helpdesk forms: syntax checks only; routing and deadlines live in the service."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import MultipleFileField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp

from jasperrec.auth.phones import PHONE

from .models import MESSAGE_MAX

SUBJECT_MAX = 200
DESCRIPTION_MAX = 5000
LOCATION_MAX = 200


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class NewRequestForm(FlaskForm):
    """Ask the municipality a question or report a problem, in a category already picked.

    The category's extra questions are added with `categories.forms.with_questions`.
    """

    subject = StringField(
        "Subject",
        validators=[
            DataRequired("Give your request a short subject."),
            Length(max=SUBJECT_MAX, message=f"Keep the subject to {SUBJECT_MAX} characters."),
        ],
    )
    description = TextAreaField(
        "How can we help?",
        validators=[
            DataRequired("Tell us what you need."),
            Length(
                max=DESCRIPTION_MAX,
                message=f"Keep the description to {DESCRIPTION_MAX} characters.",
            ),
        ],
    )

    photos = MultipleFileField(
        "Photos (optional)", render_kw={"accept": "image/jpeg,image/png,image/webp,image/heic"}
    )
    share_location = BooleanField("You may keep where my photos were taken")

    location_address = StringField(
        "Where is it? (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=LOCATION_MAX, message=f"Keep the place to {LOCATION_MAX} characters."),
        ],
    )


def _name_field(label: str) -> StringField:
    return StringField(
        f"{label} (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=100, message=f"Keep the {label.lower()} to 100 characters."),
        ],
    )


class VisitorRequestForm(NewRequestForm):
    """Ask without an account; everything about the visitor is optional."""

    first_name = _name_field("First name")
    last_name = _name_field("Last name")
    email = EmailField(
        "Email address (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=254, message="An email address can be at most 254 characters."),
            Email("Enter an email address like name@example.ca.", check_deliverability=False),
        ],
    )
    phone = StringField(
        "Phone (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=20, message="A phone number can be at most 20 characters."),
            Regexp(PHONE, message="Enter a 10-digit phone number, like 780-852-3356."),
        ],
    )


class MessageForm(FlaskForm):
    """Add a message to a request's conversation."""

    body = TextAreaField(
        "Your message",
        validators=[
            DataRequired("Write a message first."),
            Length(max=MESSAGE_MAX, message=f"Keep the message to {MESSAGE_MAX} characters."),
        ],
    )


def read_uploads(files: list[FileStorage] | None, max_bytes: int) -> list[tuple[str, bytes]]:
    """Return the chosen files as (name, content), reading at most one byte past the limit.

    The extra byte is enough for the service to tell that a file is too large. An empty
    file input sends one nameless part, which is no photo.
    """
    return [
        (upload.filename or "", upload.stream.read(max_bytes + 1))
        for upload in files or []
        if isinstance(upload, FileStorage) and upload.filename
    ]


class NotFixedForm(FlaskForm):
    """Tell us a resolved request is not fixed; what is still wrong is optional."""

    body = TextAreaField(
        "What is still wrong? (optional)",
        validators=[
            Optional(),
            Length(max=MESSAGE_MAX, message=f"Keep the message to {MESSAGE_MAX} characters."),
        ],
    )
