"""The migration that turns the configured HELPDESK_TOPICS into categories, and back."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade
from flask_migrate import upgrade

from jasperrec.extensions import db
from tests import conftest

VERSIONS = Path(__file__).parents[2] / "migrations" / "versions"
PATH = VERSIONS / "a7c3e1d5b920_turn_helpdesk_topics_into_categories.py"
SPEC = importlib.util.spec_from_file_location("topics_to_categories", PATH)
assert SPEC is not None
assert SPEC.loader is not None
MIGRATION = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(MIGRATION)
BEFORE, REVISION = MIGRATION.down_revision, MIGRATION.revision

users = sa.table(
    "users", *(sa.column(c) for c in ("id", "email", "password_hash", "first_name", "last_name"))
)
departments = sa.table("departments", sa.column("id"), sa.column("slug"), sa.column("name"))
categories = sa.table(
    "categories",
    *(sa.column(c) for c in ("id", "slug", "name", "department_id", "is_public", "position")),
)


def service_requests(*extra: str) -> Any:
    columns = ("id", "customer_id", "department_id", "channel", "subject", "status", *extra)
    return sa.table("service_requests", *(sa.column(c) for c in columns))


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """A database of the test's own, on PostgreSQL when the suite runs there."""
    url = conftest.TEST_DATABASE_URL
    if url and url.startswith("postgresql"):
        scratch = conftest._scratch_postgres(url, "categories")
        yield scratch
        conftest._drop_postgres(scratch)
    else:
        yield f"sqlite:///{tmp_path / 'm.db'}"


def fill_before(connection: sa.Connection) -> dict[str, int]:
    """A portal in use before categories: Finance exists, three requests with topics."""
    connection.execute(
        users.insert().values(
            id=1, email="a@example.ca", password_hash="x", first_name="A", last_name="B"
        )
    )
    connection.execute(departments.insert().values(id=7, slug="finance", name="Finance"))
    connection.execute(departments.insert().values(id=8, slug="bylaw", name="Bylaw"))
    rows = [(1, 7, "payments"), (2, 8, "parking"), (3, 7, None)]
    for request_id, department_id, topic in rows:
        connection.execute(
            service_requests("topic")
            .insert()
            .values(
                id=request_id,
                customer_id=1,
                department_id=department_id,
                channel="web",
                subject="Help",
                status="new",
                topic=topic,
            )
        )
    return {"finance": 7, "bylaw": 8}


def migrate(app: Flask, action: Callable[[sa.Connection], Any]) -> Any:
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            action(connection)
        upgrade(revision=REVISION)
        after = service_requests("category_id")
        with db.engine.connect() as connection:
            found = {
                "categories": connection.execute(
                    sa.select(
                        categories.c.slug,
                        categories.c.name,
                        categories.c.department_id,
                        categories.c.is_public,
                    ).order_by(categories.c.position)
                ).all(),
                "requests": connection.execute(
                    sa.select(after.c.id, categories.c.slug)
                    .select_from(after)
                    .outerjoin(categories, categories.c.id == after.c.category_id)
                    .order_by(after.c.id)
                ).all(),
                "departments": connection.execute(
                    sa.select(departments.c.slug, departments.c.id)
                ).all(),
            }
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            before = service_requests("topic")
            found["topics"] = connection.execute(
                sa.select(before.c.topic).order_by(before.c.id)
            ).all()
            found["tables"] = set(sa.inspect(connection).get_table_names())
        db.engine.dispose()
    return found


def test_each_shipped_topic_becomes_a_category_and_requests_keep_theirs(
    other_app: Callable[..., Flask], scratch_url: str
) -> None:
    found = migrate(other_app(DATABASE_URL=scratch_url), fill_before)

    departments_by_slug = dict(found["departments"])
    assert len(departments_by_slug) == len(found["departments"])
    slugs = [(slug, name, is_public) for slug, name, _, is_public in found["categories"]]
    assert slugs == [
        ("programs", "Programs and registration", True),
        ("payments", "Passes, memberships, payments and refunds", True),
        ("facilities", "Facilities and bookings", True),
        ("account", "My account and signing in", True),
        ("privacy", "My personal information and privacy", True),
        ("other", "Something else", True),
        ("parking", "Parking", False),
    ]
    department_of = {slug: department for slug, _, department, _ in found["categories"]}
    assert department_of["payments"] == departments_by_slug["finance"] == 7
    assert department_of["parking"] == 8
    assert department_of["account"] == department_of["other"]
    assert department_of["account"] == departments_by_slug["customer-service"]
    assert found["requests"] == [(1, "payments"), (2, "parking"), (3, None)]
    assert found["topics"] == [("payments",), ("parking",), (None,)]
    assert not {"categories", "category_questions", "request_answers"} & found["tables"]


def test_topics_still_set_in_the_instance_config_are_the_ones_converted(
    other_app: Callable[..., Flask], scratch_url: str
) -> None:
    topics = {"payments": {"label": "Money matters", "department": "Treasury"}}
    made = other_app(DATABASE_URL=scratch_url, HELPDESK_TOPICS=topics)

    found = migrate(made, fill_before)

    names = [(slug, name) for slug, name, _, _ in found["categories"]]
    assert names == [("payments", "Money matters"), ("parking", "Parking")]
    assert "treasury" in dict(found["departments"])
    assert found["requests"] == [(1, "payments"), (2, "parking"), (3, None)]


def test_a_new_installation_starts_with_no_categories(
    other_app: Callable[..., Flask], scratch_url: str
) -> None:
    found = migrate(other_app(DATABASE_URL=scratch_url), lambda connection: None)

    assert found["categories"] == []
    assert found["departments"] == []
