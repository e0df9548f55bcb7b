"""Every table that holds a reference to a person is answered for by a personal-data provider.

A table counts when it is users or household_members, has a foreign key to either, or has
a foreign key to a table that counts (order_lines belongs to a person through orders). A new
table that points at a person therefore fails here until a provider claims it, or it is
added below with the reason it is not personal data.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from jasperrec import personal_data
from jasperrec.extensions import db

PEOPLE = frozenset({"users", "household_members"})
# Tables that reach a person but deliberately are not in the resident's personal data.
NOT_PERSONAL: dict[str, str] = {
    # None yet: every table that reaches a person is exported by its feature.
}


def tables_reaching_a_person(metadata: sa.MetaData) -> set[str]:
    """Return the tables that are, or point (directly or through parents) at, a person."""
    reaching = set(PEOPLE)
    grew = True
    while grew:
        grew = False
        for table in metadata.tables.values():
            if table.name in reaching:
                continue
            if any(fk.column.table.name in reaching for fk in table.foreign_keys):
                reaching.add(table.name)
                grew = True
    return reaching


def claimed_tables(app: Flask) -> set[str]:
    return {table for p in personal_data.providers(app) for table in p.tables}


def test_every_table_reaching_a_person_is_claimed_by_a_provider_or_allowed(app: Flask) -> None:
    missing = tables_reaching_a_person(db.metadata) - claimed_tables(app) - set(NOT_PERSONAL)
    assert not missing, f"no personal-data provider covers: {sorted(missing)}"


def test_every_table_a_provider_claims_exists(app: Flask) -> None:
    unknown = claimed_tables(app) - set(db.metadata.tables)
    assert not unknown, f"providers claim tables that do not exist: {sorted(unknown)}"


def test_no_table_is_claimed_by_two_providers(app: Flask) -> None:
    seen: dict[str, str] = {}
    for provider in personal_data.providers(app):
        for table in provider.tables:
            assert table not in seen, f"{table} claimed by {seen[table]} and {provider.name}"
            seen[table] = provider.name


def test_the_allow_list_names_only_tables_that_reach_a_person(app: Flask) -> None:
    assert set(NOT_PERSONAL) <= tables_reaching_a_person(db.metadata)
    assert not set(NOT_PERSONAL) & claimed_tables(app)


def test_a_new_table_pointing_at_a_person_is_found() -> None:
    metadata = sa.MetaData()
    sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("household_members", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "refunds",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.ForeignKey("users.id")),
    )
    sa.Table(
        "refund_notes",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("refund_id", sa.ForeignKey("refunds.id")),
    )
    sa.Table("programs", metadata, sa.Column("id", sa.Integer, primary_key=True))
    assert tables_reaching_a_person(metadata) == {
        "users",
        "household_members",
        "refunds",
        "refund_notes",
    }
