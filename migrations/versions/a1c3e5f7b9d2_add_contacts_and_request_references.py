"""add contacts, request references, the visitor follow link, location and device

Contacts are users with no password (and perhaps no email). Every existing request gets
its JR-YYYY-NNNNNN reference, numbered per local year in the order the requests arrived,
and the counters carry on from there.

Revision ID: a1c3e5f7b9d2
Revises: a7c3e1d5b920
Create Date: 2026-12-01 22:50:00.000000

"""

import datetime as dt
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a1c3e5f7b9d2"
down_revision = "a7c3e1d5b920"
branch_labels = None
depends_on = None

# The municipality's zone when references were introduced: a request's year is local.
ZONE = ZoneInfo("America/Edmonton")


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=True)
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)

    op.create_table(
        "contact_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_contact_claims_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_claims")),
        sa.UniqueConstraint("user_id", name=op.f("uq_contact_claims_user_id")),
    )
    op.create_table(
        "request_reference_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_request_reference_counters")),
    )
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("follow_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("location_address", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("device_model", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("device_os_version", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("app_version", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("install_id", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_service_requests_follow_token_hash"), ["follow_token_hash"]
        )

    _backfill_references()

    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.alter_column("reference", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_service_requests_reference"), ["reference"]
        )


def _backfill_references():
    requests = sa.table(
        "service_requests",
        sa.column("id", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("reference", sa.String),
    )
    counters = sa.table(
        "request_reference_counters",
        sa.column("year", sa.Integer),
        sa.column("last_number", sa.Integer),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(requests.c.id, requests.c.created_at).order_by(
            requests.c.created_at, requests.c.id
        )
    ).all()
    last = {}
    for row in rows:
        created = row.created_at
        if created.tzinfo is None:  # SQLite hands back the stored UTC time without a zone
            created = created.replace(tzinfo=dt.timezone.utc)
        year = created.astimezone(ZONE).year
        last[year] = last.get(year, 0) + 1
        connection.execute(
            requests.update()
            .where(requests.c.id == row.id)
            .values(reference=f"JR-{year}-{last[year]:06d}")
        )
    if last:
        op.bulk_insert(counters, [{"year": y, "last_number": n} for y, n in last.items()])


def downgrade():
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_service_requests_reference"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("uq_service_requests_follow_token_hash"), type_="unique"
        )
        batch_op.drop_column("install_id")
        batch_op.drop_column("app_version")
        batch_op.drop_column("device_os_version")
        batch_op.drop_column("device_model")
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
        batch_op.drop_column("location_address")
        batch_op.drop_column("follow_token_hash")
        batch_op.drop_column("reference")

    op.drop_table("request_reference_counters")
    op.drop_table("contact_claims")
    # Contacts have no password or email to restore; they cannot survive a downgrade.
    op.execute("DELETE FROM users WHERE password_hash IS NULL OR email IS NULL")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=False)
