"""turn helpdesk topics into categories with questions, keywords and answers

Each topic of HELPDESK_TOPICS (the app's configured one if it still sets the key, else the
built-in list the portal shipped with) becomes a category in its department, and each
existing request points at the category its topic named. A request whose topic no longer
had an entry gets a non-public category of that name in the request's own department.
A database with no accounts and no requests yet (a new installation, the test suite) has
no topics in use, so it starts with no categories: administrators add them in the console,
and the demo seeds its own. The downgrade writes the category slugs back as topics.

Revision ID: a7c3e1d5b920
Revises: 936071342a88
Create Date: 2026-12-01 22:55:00.000000

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = 'a7c3e1d5b920'
down_revision = '936071342a88'
branch_labels = None
depends_on = None

# HELPDESK_TOPICS as config.py held it before categories became data.
SHIPPED_TOPICS = {
    "programs": {"label": "Programs and registration", "department": "Recreation Programs"},
    "payments": {"label": "Passes, memberships, payments and refunds", "department": "Finance"},
    "facilities": {"label": "Facilities and bookings", "department": "Facilities"},
    "account": {"label": "My account and signing in", "department": "Customer Service"},
    "privacy": {
        "label": "My personal information and privacy",
        "department": "Legislative Services",
    },
    "other": {"label": "Something else", "department": "Customer Service"},
}

departments = sa.table(
    "departments", sa.column("id", sa.Integer), sa.column("slug"), sa.column("name")
)
categories = sa.table(
    "categories",
    sa.column("id", sa.Integer),
    sa.column("slug"),
    sa.column("name"),
    sa.column("description"),
    sa.column("department_id", sa.Integer),
    sa.column("is_public", sa.Boolean),
    sa.column("position", sa.Integer),
)
requests = sa.table(
    "service_requests",
    sa.column("id", sa.Integer),
    sa.column("topic"),
    sa.column("category_id", sa.Integer),
    sa.column("department_id", sa.Integer),
)


def configured_topics():
    """The topics to turn into categories: the app's own setting, if it still has one."""
    try:
        topics = current_app.config.get("HELPDESK_TOPICS")
    except RuntimeError:
        topics = None
    return topics or SHIPPED_TOPICS


def department_id(connection, name):
    """Find the department as auth.service.ensure_department names it, or add it."""
    slug = "-".join(name.lower().split())[:40]
    found = connection.execute(
        sa.select(departments.c.id).where(departments.c.slug == slug)
    ).scalar()
    if found is None:
        connection.execute(departments.insert().values(slug=slug, name=name.strip()[:100]))
        found = connection.execute(
            sa.select(departments.c.id).where(departments.c.slug == slug)
        ).scalar_one()
    return found


def in_use(connection):
    """Tell whether the portal has been used: any account or request exists."""
    users = sa.table("users", sa.column("id"))
    return any(
        connection.execute(sa.select(table.c.id).limit(1)).first() is not None
        for table in (users, requests)
    )


def topics_to_categories(connection, topics):
    """Add a category per topic, then point every request at its topic's category."""
    for position, (key, topic) in enumerate(topics.items()):
        connection.execute(
            categories.insert().values(
                slug=key[:40],
                name=str(topic["label"])[:100],
                description="",
                department_id=department_id(connection, str(topic["department"])),
                is_public=True,
                position=position,
            )
        )
    known = set(connection.execute(sa.select(categories.c.slug)).scalars())
    orphans = connection.execute(
        sa.select(requests.c.topic, sa.func.min(requests.c.department_id))
        .where(requests.c.topic.is_not(None), requests.c.topic.not_in(known))
        .group_by(requests.c.topic)
    ).all()
    for position, (key, department) in enumerate(orphans, start=len(topics)):
        connection.execute(
            categories.insert().values(
                slug=key,
                name=key.replace("-", " ").replace("_", " ").capitalize(),
                description="",
                department_id=department,
                is_public=False,
                position=position,
            )
        )
    category_of_topic = (
        sa.select(categories.c.id).where(categories.c.slug == requests.c.topic).scalar_subquery()
    )
    connection.execute(
        requests.update().where(requests.c.topic.is_not(None)).values(category_id=category_of_topic)
    )


def upgrade():
    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('is_public', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_categories_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('slug', name=op.f('uq_categories_slug'))
    )
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_categories_department_id'), ['department_id'], unique=False)

    op.create_table('category_keywords',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('phrase', sa.String(length=100), nullable=False),
    sa.Column('priority', sa.Integer(), server_default='100', nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_category_keywords_category_id_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_keywords')),
    sa.UniqueConstraint('category_id', 'phrase', name=op.f('uq_category_keywords_category_id'))
    )
    with op.batch_alter_table('category_keywords', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_keywords_category_id'), ['category_id'], unique=False)

    op.create_table('category_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('prompt', sa.String(length=200), nullable=False),
    sa.Column('help_text', sa.String(length=300), server_default='', nullable=False),
    sa.Column('kind', sa.Enum('short text', 'long text', 'number', 'yes/no', 'single choice', 'multiple choice', name='questionkind', native_enum=False, length=32), nullable=False),
    sa.Column('is_required', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_category_questions_category_id_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_questions'))
    )
    with op.batch_alter_table('category_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_questions_category_id'), ['category_id'], unique=False)

    op.create_table('request_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('prompt', sa.String(length=200), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['category_questions.id'], name=op.f('fk_request_answers_question_id_category_questions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_request_answers_request_id_service_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_answers'))
    )
    with op.batch_alter_table('request_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_answers_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_answers_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category_id', sa.Integer(), nullable=True))

    if in_use(op.get_bind()):
        topics_to_categories(op.get_bind(), configured_topics())

    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_requests_category_id'), ['category_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_service_requests_category_id_categories'), 'categories', ['category_id'], ['id'])
        batch_op.drop_column('topic')


def downgrade():
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.String(length=40), nullable=True))

    slug_of_category = (
        sa.select(categories.c.slug).where(categories.c.id == requests.c.category_id).scalar_subquery()
    )
    op.get_bind().execute(
        requests.update().where(requests.c.category_id.is_not(None)).values(topic=slug_of_category)
    )

    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_service_requests_category_id_categories'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_service_requests_category_id'))
        batch_op.drop_column('category_id')

    with op.batch_alter_table('request_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_answers_request_id'))
        batch_op.drop_index(batch_op.f('ix_request_answers_question_id'))

    op.drop_table('request_answers')
    with op.batch_alter_table('category_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_questions_category_id'))

    op.drop_table('category_questions')
    with op.batch_alter_table('category_keywords', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_keywords_category_id'))

    op.drop_table('category_keywords')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_categories_department_id'))

    op.drop_table('categories')
