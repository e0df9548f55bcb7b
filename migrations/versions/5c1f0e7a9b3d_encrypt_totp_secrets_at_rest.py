"""encrypt totp secrets at rest

Revision ID: 5c1f0e7a9b3d
Revises: 7e4a9c2b5d18
Create Date: 2026-12-01 20:20:00.000000

The key is the app's AUTH_TOTP_KEY, read from the Flask app that `flask db upgrade` runs in
(Flask-Migrate's env.py works inside its app context), so production reads it from the
environment and the demo from its instance folder, exactly as the running portal does.
"""
import re

from alembic import op
import sqlalchemy as sa
from flask import current_app

from jasperrec.auth.encryption import decrypt
from jasperrec.auth.encryption import encrypt


# revision identifiers, used by Alembic.
revision = '5c1f0e7a9b3d'
down_revision = '7e4a9c2b5d18'
branch_labels = None
depends_on = None

# What pyotp.random_base32 and the demo make; a Fernet token always starts "gAAAA".
PLAIN_SECRET = re.compile(r"[A-Z2-7]+=*")

users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("totp_secret", sa.String),
)


def encrypt_plaintext_secrets(connection, key):
    """Encrypt every stored TOTP secret still in plain text; return how many."""
    rows = connection.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all()
    plain = [(id_, secret) for id_, secret in rows if PLAIN_SECRET.fullmatch(secret)]
    for id_, secret in plain:
        connection.execute(
            users.update().where(users.c.id == id_).values(totp_secret=encrypt(secret, key))
        )
    return len(plain)


def decrypt_secrets(connection, key):
    """Put every encrypted TOTP secret back in plain text; return how many."""
    rows = connection.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all()
    sealed = [(id_, token) for id_, token in rows if not PLAIN_SECRET.fullmatch(token)]
    for id_, token in sealed:
        connection.execute(
            users.update().where(users.c.id == id_).values(totp_secret=decrypt(token, key))
        )
    return len(sealed)


def upgrade():
    # A 32-character secret becomes a Fernet token of about 140 characters.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret',
               existing_type=sa.String(length=64),
               type_=sa.String(length=255),
               existing_nullable=True)
    encrypt_plaintext_secrets(op.get_bind(), current_app.config["AUTH_TOTP_KEY"])


def downgrade():
    decrypt_secrets(op.get_bind(), current_app.config["AUTH_TOTP_KEY"])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret',
               existing_type=sa.String(length=255),
               type_=sa.String(length=64),
               existing_nullable=True)
