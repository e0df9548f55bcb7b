"""add request topic, description, due date and messages

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

    op.create_table('service_request_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('is_from_staff', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_service_request_messages_author_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_service_request_messages_request_id_service_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request_messages'))
    )
    with op.batch_alter_table('service_request_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_messages_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_messages_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('service_request_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_messages_request_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_messages_author_id'))

    op.drop_table('service_request_messages')
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_column('due_at')
        batch_op.drop_column('description')
        batch_op.drop_column('topic')
