"""index the queues, the search and the customer history for 100,000 requests

Revision ID: 44a12f02ca0a
Revises: ce6d5e656b19
Create Date: 2026-12-02 02:06:12.159162

The queues filter by department or assignee and by status, and the request page lists the
customer's requests newest first: composite indexes replace the single-column ones they
start with. On PostgreSQL a partial index holds the requests not closed in the default
queue order (answer-by time), and the queue search's ILIKE '%text%' gets pg_trgm GIN
indexes where this role may install the extension; without them the search still works,
reading every request in scope. The downgrade leaves pg_trgm installed: other schemas may
use it, and it costs nothing unused. bench/helpdesk.py measures the pages.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '44a12f02ca0a'
down_revision = 'ce6d5e656b19'
branch_labels = None
depends_on = None

# As jasperrec.helpdesk.models.TRIGRAM_SEARCHED and jasperrec.db.trigram_index name them.
TRIGRAM_SEARCHED = ("reference", "subject", "description")


def _trigram_extension() -> bool:
    """Install pg_trgm unless present; tell whether it is there (a role may lack the right)."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return False
    return True


def upgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_index('ix_service_requests_assignee_id_status', ['assignee_id', 'status'], unique=False)
        batch_op.create_index('ix_service_requests_customer_id_created_at', ['customer_id', 'created_at'], unique=False)
        batch_op.create_index('ix_service_requests_department_id_status', ['department_id', 'status'], unique=False)
        batch_op.drop_index(batch_op.f('ix_service_requests_assignee_id'))
        batch_op.drop_index(batch_op.f('ix_service_requests_customer_id'))
        batch_op.drop_index(batch_op.f('ix_service_requests_department_id'))
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index(
            'ix_service_requests_open_due_at',
            'service_requests',
            ['due_at', 'id'],
            unique=False,
            postgresql_where=sa.text("status <> 'closed'"),
        )
    if _trigram_extension():
        for column in TRIGRAM_SEARCHED:
            op.create_index(
                f'ix_service_requests_{column}_trgm',
                'service_requests',
                [column],
                unique=False,
                postgresql_using='gin',
                postgresql_ops={column: 'gin_trgm_ops'},
            )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for column in TRIGRAM_SEARCHED:
            op.execute(f'DROP INDEX IF EXISTS ix_service_requests_{column}_trgm')
        op.drop_index('ix_service_requests_open_due_at', table_name='service_requests')
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_requests_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_requests_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_requests_assignee_id'), ['assignee_id'], unique=False)
        batch_op.drop_index('ix_service_requests_department_id_status')
        batch_op.drop_index('ix_service_requests_customer_id_created_at')
        batch_op.drop_index('ix_service_requests_assignee_id_status')
