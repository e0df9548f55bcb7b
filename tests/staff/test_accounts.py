"""Staff accounts: made only by administrators, invited by email, listed, audited."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.auth.models import StaffRole
from jasperrec.auth.models import User
from jasperrec.auth.permissions import STAFF_ROLES
from jasperrec.extensions import db
from jasperrec.pages.views import local_time
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from tests import factories
from tests.conftest import PASSWORD
from tests.staff.conftest import live_sessions

STRONG = "lantern orchard velvet ocean"
NOT_ADMINISTRATORS = [role for role in STAFF_ROLES if role is not Role.ADMINISTRATOR]


def count(model: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)))


def new_staff_form(email: str = "pat.kim@jasper.example", **extra: Any) -> dict[str, Any]:
    return {"first_name": "Pat", "last_name": "Kim", "email": email, **extra}


def staff_rows(page: str) -> dict[str, list[str]]:
    """The staff table's rows as cell texts, keyed by the email shown in the first cell."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        if cells:
            rows[cells[0].split()[-1]] = cells
    return rows


def test_no_accounts_exist_after_migrations() -> None:
    assert count(User) == 0
    assert count(StaffRole) == 0


def test_registering_never_makes_a_staff_account(client: Any) -> None:
    response = client.post(
        "/auth/register",
        data={
            "first_name": "Robin",
            "last_name": "Ames",
            "email": "robin@example.ca",
            "password": STRONG,
            "confirm": STRONG,
            "is_staff": "y",
            "roles": ["administrator"],
        },
    )

    assert response.status_code == 302
    robin = db.session.scalar(sa.select(User).where(User.email == "robin@example.ca"))
    assert not robin.is_staff
    assert robin.roles == []
    client.post("/auth/login", data={"email": robin.email, "password": STRONG})
    assert client.get("/staff/").status_code == 403


def test_an_administrator_creates_a_staff_account_and_it_is_invited_by_email(
    app: Flask,
    client: Any,
    make_staff: Any,
    staff_log_in: Any,
    department: Any,
    other_department: Any,
    outbox: list[Any],
) -> None:
    staff_log_in(make_staff(Role.ADMINISTRATOR))

    response = client.post(
        "/staff/accounts/new",
        data=new_staff_form(
            roles=["helpdesk agent", "finance"],
            departments=[str(department.id), str(other_department.id)],
        ),
        follow_redirects=True,
    )

    assert "Pat has been emailed a link to choose a password." in response.get_data(as_text=True)
    pat = db.session.scalar(sa.select(User).where(User.email == "pat.kim@jasper.example"))
    assert pat.is_staff
    assert pat.is_active
    assert pat.role_names == {"helpdesk agent", "finance"}
    assert {d.name for d in pat.departments} == {"Customer Service", "Facilities"}
    assert not pat.is_mfa_enabled
    [invitation] = outbox
    assert invitation["To"] == "pat.kim@jasper.example"
    assert "staff account" in invitation["Subject"]
    link = re.search(
        r"https?://\S+(/auth/reset/\S+)", invitation.get_body(("plain",)).get_content()
    )

    pat_browser = app.test_client()
    choose = pat_browser.post(link.group(1), data={"password": STRONG, "confirm": STRONG})
    assert choose.headers["Location"].endswith("/auth/login")
    assert (
        pat_browser.post(link.group(1), data={"password": STRONG, "confirm": STRONG}).status_code
        == 400
    )
    pat_browser.post("/auth/login", data={"email": pat.email, "password": STRONG})
    assert pat_browser.get("/staff/").headers["Location"].endswith("/auth/two-step/setup")


def test_an_invited_account_cannot_sign_in_before_choosing_a_password(
    app: Flask, client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    staff_log_in(make_staff(Role.ADMINISTRATOR))
    client.post("/staff/accounts/new", data=new_staff_form(roles=["finance"]))
    pat = db.session.scalar(sa.select(User).where(User.email == "pat.kim@jasper.example"))

    for guess in ["!invited", "invited", PASSWORD]:
        stranger = app.test_client()
        response = stranger.post("/auth/login", data={"email": pat.email, "password": guess})
        assert "The email address or password is not correct." in response.get_data(as_text=True)
    assert live_sessions(pat) == []


@pytest.mark.parametrize("variant", [str, str.upper, lambda e: f"  {e.title()} "])
@pytest.mark.parametrize("owner", ["resident", "staff"])
def test_a_taken_email_is_refused_with_a_message_and_nothing_is_created(
    client: Any,
    make_staff: Any,
    staff_log_in: Any,
    outbox: list[Any],
    variant: Any,
    owner: str,
) -> None:
    staff_log_in(make_staff(Role.ADMINISTRATOR))
    taken = factories.UserFactory() if owner == "resident" else make_staff(Role.FINANCE)
    before = (count(User), count(StaffRole), count(AuditEntry))

    response = client.post(
        "/staff/accounts/new", data=new_staff_form(variant(taken.email), roles=["finance"])
    )

    assert response.status_code == 200
    assert "An account already uses that email address." in response.get_data(as_text=True)
    assert (count(User), count(StaffRole), count(AuditEntry)) == before
    assert db.session.get(User, taken.id).is_staff is (owner == "staff")
    assert outbox == []


def test_the_console_lists_staff_with_roles_departments_last_sign_in_and_two_step_state(
    client: Any, make_staff: Any, staff_log_in: Any, other_department: Any
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    staff_log_in(admin)
    noel = make_staff(Role.FINANCE, departments=[other_department], mfa=False)
    noel.roles.append(StaffRole(role=Role.HELPDESK_AGENT))
    resident = factories.UserFactory()
    db.session.commit()

    page = client.get("/staff/accounts").get_data(as_text=True)

    rows = staff_rows(page)
    admin = db.session.get(User, admin.id)
    assert rows[admin.email][1:5] == [
        "administrator",
        "Customer Service",
        local_time(admin.last_login_at),
        "On",
    ]
    assert rows[noel.email][1:5] == ["finance, helpdesk agent", "Facilities", "Never", "Not set up"]
    assert resident.email not in page


def test_role_changes_are_audited_with_before_and_after(
    client: Any, make_staff: Any, staff_log_in: Any, other_department: Any
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(admin)

    response = client.post(
        f"/staff/accounts/{agent.id}/roles",
        data={"roles": ["helpdesk agent", "department lead"], "departments": [other_department.id]},
    )

    assert response.status_code == 302
    agent = db.session.get(User, agent.id)
    assert agent.role_names == {"helpdesk agent", "department lead"}
    assert [d.name for d in agent.departments] == ["Facilities"]
    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert (entry.kind, entry.purpose) == (AccessKind.ROLE_CHANGE, AccessPurpose.ADMINISTRATION)
    assert (entry.staff_id, entry.resident_id) == (admin.id, agent.id)
    before, after = entry.detail.split(" -> ")
    assert "helpdesk agent" in before
    assert "department lead" not in before
    assert "Customer Service" in before
    assert "department lead" in after
    assert "helpdesk agent" in after
    assert "Facilities" in after
    assert "Customer Service" not in after


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [(["finance"], False), (["administrator", "finance"], True)],
    ids=["dropping administrator", "adding a role"],
)
def test_an_administrator_cannot_remove_their_own_administrator_role(
    client: Any, make_staff: Any, staff_log_in: Any, roles: list[str], allowed: bool
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    staff_log_in(admin)

    response = client.post(f"/staff/accounts/{admin.id}/roles", data={"roles": roles})

    refusal = "You cannot remove your own administrator role."
    assert (refusal in response.get_data(as_text=True)) is not allowed
    admin = db.session.get(User, admin.id)
    assert "administrator" in admin.role_names
    assert (admin.role_names == set(roles)) is allowed
    changes = sa.select(AuditEntry).where(AuditEntry.kind == AccessKind.ROLE_CHANGE)
    assert bool(db.session.scalars(changes).all()) is allowed


def test_an_administrator_cannot_deactivate_themselves(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    staff_log_in(admin)

    response = client.post(f"/staff/accounts/{admin.id}/deactivate", follow_redirects=True)

    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).is_active
    assert len(live_sessions(admin)) == 1
    assert client.get("/staff/").status_code == 200


def management_requests(agent: Any, department: Any) -> list[tuple[str, str, dict[str, Any]]]:
    roles = f"/staff/accounts/{agent.id}/roles"
    return [
        ("GET", "/staff/accounts/new", {}),
        ("POST", "/staff/accounts/new", new_staff_form(roles=["administrator"])),
        ("GET", roles, {}),
        ("POST", roles, {"roles": ["administrator"], "departments": [department.id]}),
        ("POST", f"/staff/accounts/{agent.id}/deactivate", {}),
    ]


@pytest.mark.parametrize("role", [*NOT_ADMINISTRATORS, Role.RESIDENT])
def test_only_administrators_may_create_staff_or_change_roles(
    client: Any,
    make_staff: Any,
    staff_log_in: Any,
    log_in: Any,
    department: Any,
    role: Role,
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    if role is Role.RESIDENT:
        log_in(factories.UserFactory(password=PASSWORD))
    else:
        staff_log_in(make_staff(role))
    before = count(User)

    answers = [
        client.open(path, method=method, data=data).status_code
        for method, path, data in management_requests(agent, department)
    ]

    assert answers == [403] * len(answers)
    assert count(User) == before
    agent = db.session.get(User, agent.id)
    assert agent.role_names == {"helpdesk agent"}
    assert agent.is_active
    assert count(AuditEntry) == 0


def test_an_administrator_may_create_staff_and_change_roles(
    client: Any, make_staff: Any, staff_log_in: Any, department: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(make_staff(Role.ADMINISTRATOR))

    answers = [
        client.open(path, method=method, data=data).status_code
        for method, path, data in management_requests(agent, department)
    ]

    assert answers == [200, 302, 200, 302, 302]
    agent = db.session.get(User, agent.id)
    assert agent.role_names == {"administrator"}
    assert not agent.is_active
