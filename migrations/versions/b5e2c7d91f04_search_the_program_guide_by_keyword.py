"""search the program guide by keyword

Revision ID: b5e2c7d91f04
Revises: f714f56fbe45
Create Date: 2026-12-02 03:05:00.000000

PostgreSQL gets a GIN index on the weighted tsvector that jasperrec.store.models
PROGRAM_SEARCH_VECTOR declares, so a search reads the index rather than every program.
SQLite gets an FTS5 table over the programs' name, summary and description (external
content: it stores only the index) and triggers that keep it in step with every insert,
update and delete; no model maps it, and jasperrec.db.include_migration_name keeps it out
of `flask db check`. A later migration that rebuilds the programs table on SQLite (batch
mode) drops these triggers and must create them again; the search tests would fail.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5e2c7d91f04'
down_revision = 'f714f56fbe45'
branch_labels = None
depends_on = None

SEARCH_VECTOR = (
    "((setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', summary), 'B'))"
    " || setweight(to_tsvector('english', description), 'C'))"
)
COLUMNS = "name, summary, description"
ADD = f"INSERT INTO programs_fts(rowid, {COLUMNS}) VALUES (new.id, new.name, new.summary, new.description);"
REMOVE = (
    f"INSERT INTO programs_fts(programs_fts, rowid, {COLUMNS}) "
    "VALUES ('delete', old.id, old.name, old.summary, old.description);"
)
SQLITE_UPGRADE = (
    f"CREATE VIRTUAL TABLE programs_fts USING fts5({COLUMNS}, content='programs', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER programs_fts_insert AFTER INSERT ON programs BEGIN {ADD} END",
    f"CREATE TRIGGER programs_fts_delete AFTER DELETE ON programs BEGIN {REMOVE} END",
    f"CREATE TRIGGER programs_fts_update AFTER UPDATE OF {COLUMNS} ON programs "
    f"BEGIN {REMOVE} {ADD} END",
    "INSERT INTO programs_fts(programs_fts) VALUES ('rebuild')",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER programs_fts_update",
    "DROP TRIGGER programs_fts_delete",
    "DROP TRIGGER programs_fts_insert",
    "DROP TABLE programs_fts",
)


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index(
            'ix_programs_search',
            'programs',
            [sa.text(SEARCH_VECTOR)],
            unique=False,
            postgresql_using='gin',
        )
    else:
        for statement in SQLITE_UPGRADE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_programs_search', table_name='programs')
    else:
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
