"""list the residents a staff listing showed

A queue or search view is one audit entry; this table names the residents it showed.

Revision ID: 69e94d4738d2
Revises: 07bb8904fa89
Create Date: 2026-12-01 21:15:14.414119

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '69e94d4738d2'
down_revision = '07bb8904fa89'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entry_residents',
    sa.Column('audit_entry_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audit_entry_id'], ['audit_entries.id'], name=op.f('fk_audit_entry_residents_audit_entry_id_audit_entries')),
    sa.ForeignKeyConstraint(['resident_id'], ['users.id'], name=op.f('fk_audit_entry_residents_resident_id_users')),
    sa.PrimaryKeyConstraint('audit_entry_id', 'resident_id', name=op.f('pk_audit_entry_residents'))
    )
    with op.batch_alter_table('audit_entry_residents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_residents_resident_id'), ['resident_id'], unique=False)



def downgrade():
    with op.batch_alter_table('audit_entry_residents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_residents_resident_id'))

    op.drop_table('audit_entry_residents')
