"""`jasperrec mail-in`: the helpdesk's address, as the mail server pipes each message to it.

The exit status is what Postfix and Exim read (sysexits.h): 0 delivered (or deliberately
ignored), 65 bounce it to the sender with our reason, 75 keep it and try again later.
"""

from __future__ import annotations

import os
import sys
from typing import BinaryIO

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from jasperrec.extensions import db

from . import mailin
from .errors import MailRejectedError

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75


@click.command("mail-in")
@click.option(
    "--sender",
    default=None,
    help="The envelope sender; Postfix and Exim pass it as $SENDER, which is read by default.",
)
@with_appcontext
def mail_in_command(sender: str | None) -> None:
    """Read one email on standard input and file it with the helpdesk."""
    envelope = sender if sender is not None else os.environ.get("SENDER")
    code, line = deliver(sys.stdin.buffer, envelope)
    click.echo(line, err=code != EX_OK)
    sys.exit(code)


def deliver(stream: BinaryIO, envelope_sender: str | None) -> tuple[int, str]:
    """File what the stream holds; return the exit status and one line for the mail log."""
    raw = stream.read(mailin.max_bytes() + 1)
    try:
        delivery = mailin.receive(raw, envelope_sender)
    except MailRejectedError as exc:
        db.session.rollback()
        return EX_DATAERR, f"mail-in: not accepted: {exc}"
    except (SQLAlchemyError, OSError) as exc:
        db.session.rollback()
        current_app.logger.exception("mail-in could not file a message; the server will retry")
        return EX_TEMPFAIL, f"mail-in: temporary failure, try again later ({type(exc).__name__})"
    return EX_OK, f"mail-in: {delivery}"
