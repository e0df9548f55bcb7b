"""add request topic, description and due date

Revision ID: 3b7d2c1e9f40
Revises: d44562cb6be3
Create Date: 2026-11-25 00:39:27.346670

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7d2c1e9f40'
down_revision = 'd44562cb6be3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_column('due_at')
        batch_op.drop_column('description')
        batch_op.drop_column('topic')
