"""The staff commands of the `jasperrec` script: create-staff, demo-code and seed-demo."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec import demo
from jasperrec.auth.models import Department
from jasperrec.auth.models import User
from jasperrec.cli import create_staff_command
from jasperrec.cli import demo_code_command
from jasperrec.cli import seed_demo_command
from jasperrec.extensions import db
from jasperrec.helpdesk.models import ServiceRequest

STRONG = "lantern orchard velvet ocean"
NAMES = ["--first-name", "Lee", "--last-name", "Park"]


def count(model: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)))


def create_staff(runner: Any, *args: str, password: str = STRONG, repeat: str | None = None) -> Any:
    """Run create-staff, typing the password and its confirmation at the prompts."""
    typed = f"{password}\n{password if repeat is None else repeat}\n"
    return runner.invoke(create_staff_command, args=list(args), input=typed)


def find(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_staff_prompts_twice_for_a_password_that_then_signs_in(
    app: Flask, runner: Any, client: Any
) -> None:
    result = create_staff(
        runner, "Lee@Jasper.example", "--role", "finance", "--role", "helpdesk agent", *NAMES
    )

    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    assert "Repeat for confirmation:" in result.output
    assert "Created staff account lee@jasper.example" in result.output
    lee = find("lee@jasper.example")
    assert lee.is_staff
    assert lee.role_names == {"finance", "helpdesk agent"}
    assert (lee.first_name, lee.last_name) == ("Lee", "Park")
    assert STRONG not in lee.password_hash
    client.post("/auth/login", data={"email": lee.email, "password": STRONG})
    assert client.get("/staff/").headers["Location"].endswith("/auth/two-step/setup")


def test_create_staff_creates_nothing_when_the_confirmation_differs(runner: Any) -> None:
    result = create_staff(
        runner, "lee@jasper.example", "--role", "finance", *NAMES, repeat="lantern orchard velvet"
    )

    assert result.exit_code != 0
    assert "do not match" in result.output
    assert count(User) == 0


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short words", "Use at least 15 characters."),
        ("password1234567", "commonly used passwords"),
        ("abababababababab", "repeats the same word or pattern"),
        ("jasper jasper pool 1", "the municipality's name"),
        ("lee park jasper lee", "your own name"),
    ],
)
def test_create_staff_rejects_a_weak_password_and_creates_nothing(
    runner: Any, password: str, message: str
) -> None:
    result = create_staff(
        runner,
        "lee@jasper.example",
        "--role",
        "finance",
        "--department",
        "Aquatics",
        *NAMES,
        password=password,
    )

    assert result.exit_code != 0
    assert message in result.output
    assert count(User) == 0
    assert count(Department) == 0


@pytest.mark.parametrize("role", ["mayor", "resident", ""])
def test_create_staff_rejects_a_role_that_is_not_a_staff_role(runner: Any, role: str) -> None:
    result = create_staff(runner, "lee@jasper.example", "--role", role, *NAMES)

    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output
    assert count(User) == 0


def test_create_staff_needs_at_least_one_role(runner: Any) -> None:
    result = create_staff(runner, "lee@jasper.example", *NAMES)

    assert result.exit_code == 2
    assert "Missing option '--role'" in result.output
    assert count(User) == 0


def test_create_staff_creates_missing_departments_and_reuses_existing_ones(
    runner: Any, department: Any
) -> None:
    result = create_staff(
        runner,
        "lee@jasper.example",
        "--role",
        "department lead",
        "--department",
        "Customer Service",
        "--department",
        "Aquatics",
        *NAMES,
    )

    assert result.exit_code == 0, result.output
    names = db.session.scalars(sa.select(Department.name).order_by(Department.name)).all()
    assert names == ["Aquatics", "Customer Service"]
    lee = find("lee@jasper.example")
    assert [d.name for d in lee.departments] == ["Aquatics", "Customer Service"]


def test_create_staff_refuses_a_taken_email(runner: Any, user: Any) -> None:
    db.session.commit()

    result = create_staff(
        runner, user.email.upper(), "--role", "finance", "--department", "Aquatics", *NAMES
    )

    assert result.exit_code == 1
    assert "An account already uses that email address." in result.output
    assert count(User) == 1
    assert not db.session.get(User, user.id).is_staff
    assert count(Department) == 0


def test_demo_code_prints_the_code_that_signs_a_demo_staff_member_in(
    runner: Any, client: Any
) -> None:
    assert runner.invoke(seed_demo_command).exit_code == 0
    email, *_ = demo.STAFF[0]
    client.post("/auth/login", data={"email": email, "password": demo.demo_password(email)})

    result = runner.invoke(demo_code_command, args=[email])

    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"\d{6}\n", result.output)
    client.post("/auth/two-step", data={"code": result.output.strip()})
    assert client.get("/staff/").status_code == 200


def test_demo_code_refuses_outside_demo_mode(
    app: Flask, runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IS_DEMO", False)

    result = runner.invoke(demo_code_command, args=[demo.STAFF[0][0]])

    assert result.exit_code == 1
    assert "Demo codes exist only in demo mode." in result.output
    assert not re.search(r"\d{6}", result.output)


def seeded() -> dict[str, Any]:
    staff = db.session.scalars(sa.select(User).where(User.is_staff.is_(True))).all()
    return {
        "users": count(User),
        "staff": sorted(u.email for u in staff),
        "staff with two-step": sum(u.is_mfa_enabled for u in staff),
        "departments": sorted(db.session.scalars(sa.select(Department.name))),
        "requests": count(ServiceRequest),
    }


def test_seed_demo_creates_staff_with_two_step_sign_in_departments_and_requests(
    runner: Any,
) -> None:
    result = runner.invoke(seed_demo_command)

    assert result.exit_code == 0, result.output
    state = seeded()
    assert state["staff"] == sorted(email for email, *_ in demo.STAFF)
    assert state["staff with two-step"] == len(demo.STAFF)
    assert set(state["departments"]) >= {d for *_, d in demo.STAFF}
    assert state["requests"] == len(demo.REQUESTS)
    for email, _first, _last, role, department in demo.STAFF:
        member = db.session.scalar(sa.select(User).where(User.email == email))
        assert member.role_names == {role.value}
        assert [d.name for d in member.departments] == [department]
    for email, *_ in demo.STAFF:
        assert email in result.output


def test_seed_demo_can_run_again_without_duplicating_anything(runner: Any) -> None:
    first = runner.invoke(seed_demo_command)
    before = seeded()

    again = runner.invoke(seed_demo_command)

    assert again.exit_code == 0, again.output
    assert seeded() == before
    assert again.output == first.output


def test_seed_demo_refuses_outside_demo_mode(
    app: Flask, runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IS_DEMO", False)

    result = runner.invoke(seed_demo_command)

    assert result.exit_code != 0
    assert count(User) == 0
