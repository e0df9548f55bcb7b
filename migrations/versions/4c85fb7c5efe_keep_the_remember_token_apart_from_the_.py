"""keep the remember token apart from the session token

Revision ID: 4c85fb7c5efe
Revises: 5c1f0e7a9b3d
Create Date: 2026-12-01 20:10:38.370168

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c85fb7c5efe'
down_revision = '5c1f0e7a9b3d'
branch_labels = None
depends_on = None


def upgrade():
    # Rows already open keep remember_hash NULL: their remember cookies (which held the
    # session token itself) stop working and are deleted when next checked, so a copied
    # one cannot outlive this change. Their session cookies are left alone.
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remember_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_sessions_remember_hash'), ['remember_hash'])


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_sessions_remember_hash'), type_='unique')
        batch_op.drop_column('remember_hash')
