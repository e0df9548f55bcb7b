"""programs run by staff: categories, meetings, registration window, prerequisites

Revision ID: c7e3a1f09d42
Revises: b5e2c7d91f04
Create Date: 2026-12-02 05:00:00.000000

Categories become a table staff keep (seeded with the guide's five sections); each
program's single weekly pattern becomes its first meeting; programs gain an instructor,
a minimum number of participants, a level, staff approval, registration opening and
closing times and a cancellation record. Rebuilding the programs table on SQLite drops
the keyword search's triggers, so they are created again here.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'c7e3a1f09d42'
down_revision = 'b5e2c7d91f04'
branch_labels = None
depends_on = None

CATEGORIES = (
    ('aquatics', 'Aquatics', 'aquatics'),
    ('day-camps', 'Day camps', 'day camps'),
    ('fitness', 'Fitness', 'fitness'),
    ('skating', 'Skating', 'skating'),
    ('arts-and-culture', 'Arts and culture', 'arts and culture'),
)
COLUMNS = "name, summary, description"
ADD = f"INSERT INTO programs_fts(rowid, {COLUMNS}) VALUES (new.id, new.name, new.summary, new.description);"
REMOVE = (
    f"INSERT INTO programs_fts(programs_fts, rowid, {COLUMNS}) "
    "VALUES ('delete', old.id, old.name, old.summary, old.description);"
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER programs_fts_insert AFTER INSERT ON programs BEGIN {ADD} END",
    f"CREATE TRIGGER programs_fts_delete AFTER DELETE ON programs BEGIN {REMOVE} END",
    f"CREATE TRIGGER programs_fts_update AFTER UPDATE OF {COLUMNS} ON programs "
    f"BEGIN {REMOVE} {ADD} END",
)


def _triggers_again():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('programs_fts_insert', 'programs_fts_delete', 'programs_fts_update'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        op.execute("INSERT INTO programs_fts(programs_fts) VALUES ('rebuild')")


def upgrade():
    categories = op.create_table(
        'program_categories',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_program_categories')),
        sa.UniqueConstraint('name', name=op.f('uq_program_categories_name')),
        sa.UniqueConstraint('slug', name=op.f('uq_program_categories_slug')),
    )
    op.bulk_insert(categories, [{'id': n, 'slug': slug, 'name': name} for n, (slug, name, _) in enumerate(CATEGORIES, 1)])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("SELECT setval(pg_get_serial_sequence('program_categories', 'id'), 5)")
    meetings = op.create_table(
        'program_meetings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('weekdays', sa.String(length=7), nullable=False),
        sa.Column('start_time', sa.Time(), nullable=False),
        sa.Column('end_time', sa.Time(), nullable=False),
        sa.Column('skipped_dates', sa.JSON(), nullable=False),
        sa.CheckConstraint('end_time > start_time', name=op.f('ck_program_meetings_ends_after_it_starts')),
        sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_program_meetings_ends_after_start')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_program_meetings_program_id_programs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_program_meetings')),
    )
    op.create_index(op.f('ix_program_meetings_program_id'), 'program_meetings', ['program_id'], unique=False)
    bind = op.get_bind()
    rows = bind.execute(sa.text('SELECT id, starts_on, ends_on, weekdays, start_time, end_time FROM programs')).all()
    if rows:
        op.bulk_insert(meetings, [
            {'program_id': r.id, 'starts_on': r.starts_on, 'ends_on': r.ends_on, 'weekdays': r.weekdays,
             'start_time': r.start_time, 'end_time': r.end_time, 'skipped_dates': []}
            for r in rows
        ])
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('instructor', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('registration_opens_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('registration_closes_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('min_participants', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('requires_approval', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancellation_reason', sa.String(length=500), nullable=True))
    for n, (_, _, old) in enumerate(CATEGORIES, 1):
        bind.execute(sa.text('UPDATE programs SET category_id = :id WHERE category = :old'), {'id': n, 'old': old})
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.alter_column('category_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index('ix_programs_category')
        batch_op.create_index(batch_op.f('ix_programs_category_id'), ['category_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_programs_category_id_program_categories'), 'program_categories', ['category_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_programs_min_participants_in_range'),
            'min_participants IS NULL OR min_participants BETWEEN 1 AND capacity',
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_programs_registration_closes_after_it_opens'),
            'registration_closes_at IS NULL OR registration_opens_at IS NULL'
            ' OR registration_closes_at > registration_opens_at',
        )
        batch_op.drop_column('category')
        batch_op.drop_column('weekdays')
        batch_op.drop_column('start_time')
        batch_op.drop_column('end_time')
    _triggers_again()
    op.create_table(
        'program_prerequisites',
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('required_program_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('program_id <> required_program_id', name=op.f('ck_program_prerequisites_not_itself')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_program_prerequisites_program_id_programs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['required_program_id'], ['programs.id'], name=op.f('fk_program_prerequisites_required_program_id_programs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('program_id', 'required_program_id', name=op.f('pk_program_prerequisites')),
    )
    op.create_index(op.f('ix_program_prerequisites_required_program_id'), 'program_prerequisites', ['required_program_id'], unique=False)
    op.create_table(
        'program_status_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('from_status', sa.Enum('draft', 'published', 'cancelled', name='programstatus', native_enum=False, length=32), nullable=False),
        sa.Column('to_status', sa.Enum('draft', 'published', 'cancelled', name='programstatus', native_enum=False, length=32), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_program_status_changes_changed_by_id_users')),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_program_status_changes_program_id_programs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_program_status_changes')),
    )
    op.create_index(op.f('ix_program_status_changes_program_id'), 'program_status_changes', ['program_id'], unique=False)
    op.create_table(
        'program_approvals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('household_member_id', sa.Integer(), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=False),
        sa.Column('approved_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_program_approvals_approved_by_id_users')),
        sa.ForeignKeyConstraint(['household_member_id'], ['household_members.id'], name=op.f('fk_program_approvals_household_member_id_household_members'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_program_approvals_program_id_programs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_program_approvals_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_program_approvals')),
    )
    op.create_index(op.f('ix_program_approvals_program_id'), 'program_approvals', ['program_id'], unique=False)
    op.create_index(op.f('ix_program_approvals_user_id'), 'program_approvals', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_program_approvals_user_id'), table_name='program_approvals')
    op.drop_index(op.f('ix_program_approvals_program_id'), table_name='program_approvals')
    op.drop_table('program_approvals')
    op.drop_index(op.f('ix_program_status_changes_program_id'), table_name='program_status_changes')
    op.drop_table('program_status_changes')
    op.drop_index(op.f('ix_program_prerequisites_required_program_id'), table_name='program_prerequisites')
    op.drop_table('program_prerequisites')
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('weekdays', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('start_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('end_time', sa.Time(), nullable=True))
    bind = op.get_bind()
    for n, (_, _, old) in enumerate(CATEGORIES, 1):
        bind.execute(sa.text('UPDATE programs SET category = :old WHERE category_id = :id'), {'id': n, 'old': old})
    # A program keeps its first meeting's pattern; later meetings and skipped days are lost.
    bind.execute(sa.text(
        'UPDATE programs SET weekdays = m.weekdays, start_time = m.start_time, end_time = m.end_time '
        'FROM (SELECT program_id, weekdays, start_time, end_time, '
        'ROW_NUMBER() OVER (PARTITION BY program_id ORDER BY starts_on, start_time, id) AS n '
        'FROM program_meetings) AS m WHERE m.program_id = programs.id AND m.n = 1'
    ))
    bind.execute(sa.text(
        "UPDATE programs SET category = COALESCE(category, 'fitness'), weekdays = COALESCE(weekdays, '1'), "
        "start_time = COALESCE(start_time, '09:00:00'), end_time = COALESCE(end_time, '10:00:00')"
    ))
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.alter_column('category', existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column('weekdays', existing_type=sa.String(length=7), nullable=False)
        batch_op.alter_column('start_time', existing_type=sa.Time(), nullable=False)
        batch_op.alter_column('end_time', existing_type=sa.Time(), nullable=False)
        batch_op.drop_constraint(batch_op.f('ck_programs_registration_closes_after_it_opens'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_programs_min_participants_in_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_programs_category_id_program_categories'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_programs_category_id'))
        batch_op.create_index('ix_programs_category', ['category'], unique=False)
        for column in ('cancellation_reason', 'cancelled_at', 'requires_approval', 'level',
                       'min_participants', 'registration_closes_at', 'registration_opens_at', 'instructor',
                       'category_id'):
            batch_op.drop_column(column)
    _triggers_again()
    op.drop_index(op.f('ix_program_meetings_program_id'), table_name='program_meetings')
    op.drop_table('program_meetings')
    op.drop_table('program_categories')
