"""products put on sale and withdrawn by staff, with who and when

Revision ID: d81f3b6c2a57
Revises: 68f95d16edd3
Create Date: 2026-12-02 05:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd81f3b6c2a57'
down_revision = '68f95d16edd3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'product_status_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('on_sale', sa.Boolean(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_product_status_changes_changed_by_id_users')),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_status_changes_product_id_products'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_product_status_changes')),
    )
    op.create_index(op.f('ix_product_status_changes_product_id'), 'product_status_changes', ['product_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_product_status_changes_product_id'), table_name='product_status_changes')
    op.drop_table('product_status_changes')
