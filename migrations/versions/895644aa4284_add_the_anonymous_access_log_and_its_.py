"""add the anonymous access log and its daily totals

Revision ID: 895644aa4284
Revises: 1e786a7e45af
Create Date: 2026-12-01 21:15:50.472942

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '895644aa4284'
down_revision = '1e786a7e45af'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('traffic_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('page_views', sa.Integer(), nullable=False),
    sa.Column('downloads', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('not_found', sa.Integer(), nullable=False),
    sa.Column('unique_visitors', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_traffic_days'))
    )
    op.create_table('traffic_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minute', sa.DateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('route', sa.String(length=200), nullable=False),
    sa.Column('status', sa.SmallInteger(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('is_download', sa.Boolean(), nullable=False),
    sa.Column('referrer_domain', sa.String(length=255), nullable=True),
    sa.Column('browser', sa.String(length=60), nullable=False),
    sa.Column('browser_major', sa.String(length=20), nullable=False),
    sa.Column('os', sa.String(length=60), nullable=False),
    sa.Column('device', sa.Enum('desktop', 'mobile', 'tablet', 'bot', name='deviceclass', native_enum=False, length=32), nullable=False),
    sa.Column('network', sa.String(length=50), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_traffic_hits'))
    )
    with op.batch_alter_table('traffic_hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_traffic_hits_minute'), ['minute'], unique=False)

    op.create_table('traffic_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('dimension', sa.Enum('section', 'route', 'download', 'browser', 'os', 'device', 'status', 'referrer', name='trafficdimension', native_enum=False, length=32), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['day'], ['traffic_days.day'], name=op.f('fk_traffic_counts_day_traffic_days'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_traffic_counts')),
    sa.UniqueConstraint('day', 'dimension', 'value', name=op.f('uq_traffic_counts_day'))
    )


def downgrade():
    op.drop_table('traffic_counts')
    with op.batch_alter_table('traffic_hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_traffic_hits_minute'))

    op.drop_table('traffic_hits')
    op.drop_table('traffic_days')
