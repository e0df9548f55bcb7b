"""Alembic environment: runs migrations against the Flask app's database."""

import logging
import warnings
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]

# SQLite cannot reflect expression indexes, and Alembic says so for each one it skips; the
# only ones are PostgreSQL's (jasperrec.db.postgresql_index), which SQLite never gets.
warnings.filterwarnings(
    "ignore",
    message="autogenerate skipping metadata-specified expression-based index .*; dialect 'sqlite'",
)


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it."""
    url = str(migrate_ext.db.engine.url.render_as_string(hide_password=False))
    context.configure(
        url=url,
        target_metadata=migrate_ext.db.metadata,
        literal_binds=True,
        **migrate_ext.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection."""

    def skip_empty(context, revision, directives):  # noqa: ANN001
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(migrate_ext.configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty)
    with migrate_ext.db.engine.connect() as connection:
        # SQLite changes a column by rebuilding its table; with foreign keys enforced,
        # dropping the old users table would fail, or cascade-delete sessions and
        # households. Switch them off around the migrations (outside any transaction, the
        # only place SQLite allows it) and check every key before committing instead.
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection, target_metadata=migrate_ext.db.metadata, **conf_args
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                connection.rollback()  # end the check's read, so the pragma below applies
                if broken:
                    raise RuntimeError(f"a migration left rows pointing at missing rows: {broken}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
