"""Staff accounts: made by administrators or the CLI, audited role changes, deactivation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.auth.models import UserSession
from jasperrec.cli import create_staff_command
from jasperrec.cli import demo_code_command
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AuditEntry
from tests import factories
from tests.staff.conftest import totp_code

STRONG = "lantern orchard velvet ocean"


def test_a_fresh_database_has_no_accounts_at_all() -> None:
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_an_administrator_creates_staff_who_are_invited_by_email(
    client: Any, make_staff: Any, staff_log_in: Any, department: Any, outbox: list[Any]
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    staff_log_in(admin)

    response = client.post(
        "/staff/accounts/new",
        data={
            "first_name": "Pat",
            "last_name": "Kim",
            "email": "pat.kim@jasper.example",
            "roles": ["helpdesk agent", "finance"],
            "departments": [str(department.id)],
        },
    )

    assert response.status_code == 302
    pat = db.session.scalar(sa.select(User).where(User.email == "pat.kim@jasper.example"))
    assert pat.is_staff
    assert pat.role_names == {"helpdesk agent", "finance"}
    assert [d.name for d in pat.departments] == ["Customer Service"]
    assert [m["Subject"] for m in outbox] == ["Your JasperRec staff account"]
    assert "/auth/reset/" in outbox[0].get_body(("plain",)).get_content()
    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert (entry.kind, entry.staff_id, entry.resident_id) == (
        AccessKind.STAFF_ACCOUNT,
        admin.id,
        pat.id,
    )


def test_a_taken_email_is_refused(
    client: Any, make_staff: Any, staff_log_in: Any, user: Any
) -> None:
    staff_log_in(make_staff(Role.ADMINISTRATOR))

    response = client.post(
        "/staff/accounts/new",
        data={
            "first_name": "Pat",
            "last_name": "Kim",
            "email": user.email,
            "roles": ["finance"],
        },
    )

    assert b"An account already uses that email address." in response.data
    assert not db.session.get(User, user.id).is_staff


def test_role_changes_are_audited_with_before_and_after(
    client: Any, make_staff: Any, staff_log_in: Any, department: Any
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(admin)

    client.post(
        f"/staff/accounts/{agent.id}/roles",
        data={"roles": ["helpdesk agent", "department lead"], "departments": [str(department.id)]},
    )

    db.session.refresh(agent)
    assert agent.role_names == {"helpdesk agent", "department lead"}
    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert entry.kind is AccessKind.ROLE_CHANGE
    assert "roles: helpdesk agent;" in entry.detail
    assert "-> roles: department lead, helpdesk agent;" in entry.detail


def test_administrators_cannot_drop_their_own_role_or_deactivate_themselves(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    staff_log_in(admin)

    roles = client.post(f"/staff/accounts/{admin.id}/roles", data={"roles": ["finance"]})
    client.post(f"/staff/accounts/{admin.id}/deactivate")

    assert b"You cannot remove your own administrator role." in roles.data
    db.session.refresh(admin)
    assert admin.is_active
    assert admin.role_names == {"administrator"}


def test_role_changes_need_a_recent_password_and_code(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(admin)
    db.session.execute(
        sa.update(UserSession).values(reauthenticated_at=utcnow() - dt.timedelta(minutes=6))
    )
    db.session.commit()
    url = f"/staff/accounts/{agent.id}/roles"

    asked = client.get(url)
    assert "/auth/reauthenticate" in asked.headers["Location"]
    wrong = client.post(asked.headers["Location"], data={"password": STRONG, "code": "1"})
    assert b"Your password is not correct." in wrong.data
    assert client.get(url).status_code == 302

    db.session.refresh(admin)
    done = client.post(
        asked.headers["Location"],
        data={"password": "correct horse battery staple", "code": totp_code(admin)},
    )
    assert done.headers["Location"].endswith(url)
    assert client.get(url).status_code == 200


def make_stale(admin: Any) -> None:
    """Push the administrator's last proof of identity past the re-authentication window."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == admin.id)
        .values(reauthenticated_at=utcnow() - dt.timedelta(minutes=6))
    )
    db.session.commit()


@pytest.mark.parametrize(("action", "active_before"), [("deactivate", True), ("reactivate", False)])
def test_deactivating_or_reactivating_needs_a_recent_password_and_code(
    action: str, active_before: bool, client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    agent = make_staff(Role.HELPDESK_AGENT)
    agent.is_active = active_before
    db.session.commit()
    staff_log_in(admin)
    make_stale(admin)
    url = f"/staff/accounts/{agent.id}/{action}"

    asked = client.post(url)

    assert "/auth/reauthenticate" in asked.headers["Location"]
    db.session.refresh(agent)
    assert agent.is_active is active_before
    assert db.session.scalars(sa.select(AuditEntry)).all() == []

    db.session.refresh(admin)
    done = client.post(
        asked.headers["Location"],
        data={"password": "correct horse battery staple", "code": totp_code(admin)},
    )
    assert done.headers["Location"].rstrip("?").endswith(url)
    confirm = client.get(done.headers["Location"])
    assert confirm.status_code == 200
    assert f"{action.capitalize()} {agent.first_name}</button>" in confirm.get_data(as_text=True)
    db.session.refresh(agent)
    assert agent.is_active is active_before

    assert client.post(url).headers["Location"].endswith("/staff/accounts")
    db.session.refresh(agent)
    assert agent.is_active is not active_before
    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert (entry.staff_id, entry.resident_id, entry.detail) == (admin.id, agent.id, f"{action}d")


def test_a_confirmation_without_its_token_changes_nothing(
    app: Flask, client: Any, make_staff: Any, staff_log_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post(f"/staff/accounts/{agent.id}/deactivate")

    assert response.status_code == 400
    db.session.refresh(agent)
    assert agent.is_active


def test_deactivating_a_staff_member_ends_their_sessions_at_once(
    app: Flask, client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    agent = make_staff(Role.HELPDESK_AGENT)
    agent_client = app.test_client()
    staff_log_in(agent, agent_client)
    staff_log_in(admin)

    client.post(f"/staff/accounts/{agent.id}/deactivate")

    assert agent_client.get("/staff/").status_code == 302
    live = db.session.scalars(
        sa.select(UserSession).where(
            UserSession.user_id == agent.id, UserSession.ended_at.is_(None)
        )
    ).all()
    assert live == []


def test_the_staff_list_shows_roles_departments_last_sign_in_and_two_step_state(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    staff_log_in(make_staff(Role.ADMINISTRATOR))
    factories.StaffFactory(first_name="Noel", roles=[Role.FINANCE])

    page = client.get("/staff/accounts").get_data(as_text=True)

    assert "Noel" in page
    assert "finance" in page
    assert "Customer Service" in page
    assert "Never" in page
    assert "Not set up" in page
    assert "On" in page


def test_create_staff_from_the_command_line(runner: Any) -> None:
    result = runner.invoke(
        create_staff_command,
        [
            "lee@jasper.example",
            "--role",
            "finance",
            "--role",
            "helpdesk agent",
            "--department",
            "Finance",
            "--first-name",
            "Lee",
            "--last-name",
            "Park",
        ],
        input=f"{STRONG}\n{STRONG}\n",
    )

    assert result.exit_code == 0, result.output
    lee = db.session.scalar(sa.select(User).where(User.email == "lee@jasper.example"))
    assert lee.is_staff
    assert lee.role_names == {"finance", "helpdesk agent"}
    assert [d.name for d in lee.departments] == ["Finance"]
    assert not lee.is_mfa_enabled


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--role", "finance"], "jasperjasperjasper1", "municipality"),
        (["--role", "mayor"], STRONG, "Invalid value"),
    ],
)
def test_create_staff_refuses_bad_input_and_creates_nothing(
    runner: Any, args: list[str], password: str, message: str
) -> None:
    result = runner.invoke(
        create_staff_command,
        [
            "lee@jasper.example",
            *args,
            "--first-name",
            "Lee",
            "--last-name",
            "Park",
        ],
        input=f"{password}\n{password}\n",
    )

    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(User)) is None


def test_demo_codes_exist_only_in_demo_mode(
    app: Flask, runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = runner.invoke(demo_code_command, ["jordan.agent@example.ca"])
    assert code.exit_code == 0
    assert code.output.strip().isdigit()

    monkeypatch.setitem(app.config, "IS_DEMO", False)
    refused = runner.invoke(demo_code_command, ["jordan.agent@example.ca"])
    assert refused.exit_code != 0


def test_seeding_demo_data_outside_demo_mode_is_a_one_line_refusal(
    app: Flask, runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jasperrec.cli import seed_demo_command

    monkeypatch.setitem(app.config, "IS_DEMO", False)

    result = runner.invoke(seed_demo_command)

    assert result.exit_code != 0
    assert "Error: Demo data is only for demo mode" in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(sa.select(User)) is None
