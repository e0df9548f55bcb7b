"""keep order status history, delayed payments and late refunds

Every change of an order's status is recorded (from, to, who, why, when); an order can be
refunded because its payment came after the hold lapsed and the space was gone; an order
paid by a delayed method keeps its hold; the late refund's processor id is kept.

Revision ID: 9b54a8dbbce1
Revises: d81f3b6c2a57
Create Date: 2026-12-02 05:32:38.856370

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b54a8dbbce1'
down_revision = 'd81f3b6c2a57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('awaiting payment', 'paid', 'cancelled', 'expired', 'refunded, paid too late', name='orderstatus', native_enum=False, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('awaiting payment', 'paid', 'cancelled', 'expired', 'refunded, paid too late', name='orderstatus', native_enum=False, length=32), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_order_status_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_status_changes_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_status_changes'))
    )
    with op.batch_alter_table('order_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_status_changes_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_payment_delayed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('late_refund_id', sa.String(length=255), nullable=True))



def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('late_refund_id')
        batch_op.drop_column('is_payment_delayed')

    with op.batch_alter_table('order_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_status_changes_order_id'))

    op.drop_table('order_status_changes')
