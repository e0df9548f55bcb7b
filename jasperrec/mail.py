"""Outbound mail: one adapter per transport, and the queued task that delivers."""

from __future__ import annotations

import re
import smtplib
import sys
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from typing import Protocol

from flask import Flask
from flask import current_app
from flask import render_template

from .db import utcnow
from .extensions import db
from .tasks import task

EXTENSION_KEY = "jasperrec.mailer"


class Mailer(Protocol):
    """What every mail transport offers: send one finished message."""

    def send(self, message: EmailMessage) -> None:
        """Hand the message to the transport."""


class SmtpMailer:
    """Send through an SMTP server, as production does."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        use_tls: bool,
        username: str | None,
        password: str | None,
        timeout: float,
    ) -> None:
        self.host, self.port, self.use_tls = host, port, use_tls
        self.username, self.password, self.timeout = username, password, timeout

    def send(self, message: EmailMessage) -> None:
        """Open a connection, authenticate if configured, and send."""
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


class OutboxMailer:
    """Save each message as an .eml file and say so on the console: the demo needs no server.

    The console line masks the recipient and leaves out the body, whose links carry
    sign-in tokens; the file holds the whole message.
    """

    def __init__(self, directory: Path, stream: Any = None) -> None:
        self.directory = directory
        self.stream = stream

    def send(self, message: EmailMessage) -> None:
        """Keep the message where a demo user can open it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        subject = str(message["Subject"])
        path = self.directory / f"{stamp}-{_slug(subject)}.eml"
        path.write_bytes(message.as_bytes(policy=policy.SMTP))
        recipients = ", ".join(_masked(address) for _, address in getaddresses([message["To"]]))
        out = self.stream or sys.stderr
        out.write(f"Mail to {recipients}: {subject!r} saved to {_shown(path)}\n")


class MemoryMailer:
    """Collect messages in a list for tests to read."""

    def __init__(self) -> None:
        self.outbox: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        """Append the message to the outbox."""
        self.outbox.append(message)


def init_app(app: Flask) -> None:
    """Choose the mail transport the configuration names."""
    backend = app.config["MAIL_BACKEND"]
    mailer: Mailer
    if backend == "smtp":
        mailer = SmtpMailer(
            app.config["MAIL_SERVER"],
            int(app.config["MAIL_PORT"]),
            use_tls=bool(app.config["MAIL_USE_TLS"]),
            username=app.config["MAIL_USERNAME"],
            password=app.config["MAIL_PASSWORD"],
            timeout=float(app.config["MAIL_TIMEOUT_SECONDS"]),
        )
    elif backend == "outbox":
        mailer = OutboxMailer(Path(app.instance_path) / "outbox")
    elif backend == "memory":
        mailer = MemoryMailer()
    else:
        raise ValueError(f"Unknown MAIL_BACKEND {backend!r}; use smtp, outbox or memory.")
    app.extensions[EXTENSION_KEY] = mailer


def build_message(
    to: str, template: str, *, headers: Mapping[str, str] | None = None, **context: Any
) -> EmailMessage:
    """Render emails/<template>.txt and .html into one message.

    Extra headers (a Message-ID of our own, Reply-To, In-Reply-To, References) replace
    the defaults.
    """
    extra = dict(headers or {})
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Message-ID"] = extra.pop("Message-ID", None) or make_msgid(domain="jasperrec.local")
    for name, value in extra.items():
        message[name] = value
    message["Subject"] = render_template(f"emails/{template}.subject.txt", **context).strip()
    message.set_content(render_template(f"emails/{template}.txt", **context))
    message.add_alternative(render_template(f"emails/{template}.html", **context), subtype="html")
    return message


class UncommittedMailError(RuntimeError):
    """Mail was sent while the database session still held unsaved changes."""


def send_mail(
    to: str | None,
    template: str,
    *,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> None:
    """Render a message now and queue its delivery; only after the transaction commits.

    A message about a change that then rolls back would be a lie, so refuse to send while
    the session holds unsaved changes. With no address (a contact who gave none, such as a
    caller), there is no one to write to and nothing is sent.

    :raises UncommittedMailError:
    """
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise UncommittedMailError("Commit the transaction before sending mail about it.")
    if to is None:
        return
    message = build_message(to, template, headers=headers, **context)
    deliver(message.as_bytes(policy=policy.SMTP))


@task(retries=5, retry_delay=60)
def deliver(raw: bytes) -> None:
    """Send a rendered message through the configured transport, retrying if it is down."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    current_app.extensions[EXTENSION_KEY].send(message)


def _slug(text: str) -> str:
    """Make a subject safe and readable in a file name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _masked(address: str) -> str:
    """Keep an address's first letter and domain: enough to tell demo users apart."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "***"


def _shown(path: Path) -> Path:
    """Show a path relative to the working directory when it lies inside it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
