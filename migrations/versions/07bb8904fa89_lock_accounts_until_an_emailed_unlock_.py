"""lock accounts until an emailed unlock link is used

Revision ID: 07bb8904fa89
Revises: 4c85fb7c5efe
Create Date: 2026-12-01 20:05:15.118069

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '07bb8904fa89'
down_revision = '4c85fb7c5efe'
branch_labels = None
depends_on = None


# The old 15-minute cool-downs are simply dropped: each would have ended on its own by now,
# and the new lock only starts at a much higher failure count.
def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('unlock_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('locked_until')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('unlock_sent_at')
        batch_op.drop_column('locked_at')
