"""The demo's outbox: each message saved whole, and a console line that gives nothing away."""

from __future__ import annotations

import io
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from jasperrec.auth.service import send_reset_link
from jasperrec.mail import OutboxMailer

LINK = "http://127.0.0.1:5000/auth/confirm/eyJ1IjoxfQ.secret-token"


def confirmation() -> EmailMessage:
    message = EmailMessage()
    message["To"] = "priya.singh@example.ca"
    message["Subject"] = "Confirm your email address for JasperRec"
    message.set_content(f"Hello Priya,\n\nPlease confirm your address:\n\n{LINK}\n")
    return message


def test_the_outbox_console_line_masks_the_recipient_and_points_to_the_file(
    tmp_path: Path,
) -> None:
    stream = io.StringIO()

    OutboxMailer(tmp_path / "outbox", stream).send(confirmation())

    [saved] = (tmp_path / "outbox").glob("*.eml")
    assert stream.getvalue() == (
        f"Mail to p***@example.ca: 'Confirm your email address for JasperRec' saved to {saved}\n"
    )


def test_the_outbox_console_line_leaves_out_the_body_and_its_link(tmp_path: Path) -> None:
    stream = io.StringIO()

    OutboxMailer(tmp_path / "outbox", stream).send(confirmation())

    assert "secret-token" not in stream.getvalue()
    assert "Hello Priya" not in stream.getvalue()
    assert "priya.singh" not in stream.getvalue()


def test_the_outbox_file_holds_the_whole_message_under_its_subject(tmp_path: Path) -> None:
    OutboxMailer(tmp_path / "outbox", io.StringIO()).send(confirmation())

    [saved] = (tmp_path / "outbox").glob("*.eml")
    assert saved.name.endswith("-confirm-your-email-address-for-jasperrec.eml")
    assert "priya" not in saved.name
    message = BytesParser(policy=policy.default).parsebytes(saved.read_bytes())
    assert message["To"] == "priya.singh@example.ca"
    assert LINK in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_the_worker_renders_mail_with_no_request_to_hand(
    app: Flask, user: Any, outbox: list[EmailMessage], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in the demo and production: pages carry CSRF tokens, which need a request.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    send_reset_link(user.email, "auth/reset_password")

    assert [m["To"] for m in outbox] == [user.email]
