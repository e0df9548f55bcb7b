"""`jasperrec mail-in` as the mail server runs it: a message on stdin, an exit status back."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Department
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.helpdesk.cli import EX_DATAERR
from jasperrec.helpdesk.cli import EX_TEMPFAIL
from jasperrec.helpdesk.cli import mail_in_command
from jasperrec.helpdesk.models import RequestReferenceCounter
from jasperrec.helpdesk.models import ServiceRequest

from .test_mailin import count
from .test_mailin import email
from .test_mailin import fixture


def run(runner: Any, raw: bytes, **env: str) -> Any:
    return runner.invoke(mail_in_command, input=raw, env=env or None)


def test_a_filed_message_exits_zero_and_logs_its_reference(runner: Any) -> None:
    result = run(runner, email())
    assert result.exit_code == 0, result.output
    filed = db.session.scalars(sa.select(ServiceRequest)).one()
    assert result.stdout.strip() == f"mail-in: filed as a new request: {filed.reference}"


def test_a_robot_message_exits_zero_so_the_server_does_not_bounce_it(runner: Any) -> None:
    result = run(runner, fixture("auto_reply.eml"))
    assert result.exit_code == 0
    assert "ignored: sent automatically" in result.stdout
    assert count(ServiceRequest) == 0


def test_the_servers_sender_variable_marks_a_bounce(runner: Any) -> None:
    result = run(runner, email(), SENDER="")
    assert result.exit_code == 0
    assert "empty return path" in result.stdout
    assert count(ServiceRequest) == 0


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (fixture("no_sender.eml"), "no valid sender address"),
        (email() + b"x" * (30 * 1024 * 1024), "larger than 25 MB"),
    ],
)
def test_a_message_we_will_never_take_bounces(runner: Any, raw: bytes, why: str) -> None:
    result = run(runner, raw)
    assert result.exit_code == EX_DATAERR
    assert why in result.stderr
    assert count(ServiceRequest) == 0


def test_a_failure_on_our_side_asks_the_server_to_retry(
    app: Flask, runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the photo folder should be")
    monkeypatch.setitem(app.config, "HELPDESK_ATTACHMENTS_PATH", str(blocked / "photos"))
    result = run(runner, email(files=1))
    assert result.exit_code == EX_TEMPFAIL
    assert "temporary failure" in result.stderr
    assert count(ServiceRequest) == 0
    monkeypatch.undo()
    assert run(runner, email(files=1)).exit_code == 0
    assert count(ServiceRequest) == 1


@pytest.fixture
def committed_rows_removed() -> Iterator[None]:
    """Delete what the command committed: its request, contact, department and counter."""
    before = {model: set(db.session.scalars(sa.select(key))) for model, key in _KEYS.items()}
    db.session.rollback()
    yield
    db.session.rollback()
    db.session.execute(sa.delete(ServiceRequest))  # none are committed outside this test
    for model, key in _KEYS.items():
        db.session.execute(sa.delete(model).where(key.not_in(before[model])))
    db.session.commit()


_KEYS: dict[Any, Any] = {
    User: User.id,
    Department: Department.id,
    RequestReferenceCounter: RequestReferenceCounter.year,
}


@pytest.mark.commits
@pytest.mark.usefixtures("committed_rows_removed")
def test_the_installed_command_files_a_piped_message(app: Flask, tmp_path: Path) -> None:
    """The console script itself, fed on stdin the way a Postfix or Exim alias feeds it."""
    env = {
        **os.environ,
        "JASPERREC_INSTANCE_PATH": str(tmp_path),
        "JASPERREC_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "JASPERREC_SECRET_KEY": app.config["SECRET_KEY"],
        "JASPERREC_MAIL_BACKEND": "outbox",
        "JASPERREC_TASKS_BACKEND": "immediate",
        "SENDER": "robin.park@example.ca",
    }
    script = [str(Path(sys.executable).with_name("jasperrec")), "mail-in"]
    raw = email(message_id="<piped-1@example.ca>")
    done = subprocess.run(script, input=raw, env=env, capture_output=True, timeout=60)  # noqa: S603
    assert done.returncode == 0, done.stderr.decode()
    filed = db.session.scalars(sa.select(ServiceRequest)).one()
    assert filed.customer.email == "robin.park@example.ca"
    reference = filed.reference
    assert done.stdout.decode().strip().endswith(reference)
    db.session.rollback()  # on SQLite, a transaction holds the write lock the command needs
    again = subprocess.run(script, input=raw, env=env, capture_output=True, timeout=60)  # noqa: S603
    assert (again.returncode, again.stdout.decode().strip()) == (
        0,
        "mail-in: already received: <piped-1@example.ca>",
    )
    (sent,) = (tmp_path / "outbox").glob("*.eml")
    assert reference in sent.read_text()
