"""Extension instances, created unbound and attached to the app in create_app."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from flask import request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from .db import Base
from .db import include_migration_name
from .db import include_migration_object
from .db import render_migration_item


def keyed_hash(value: str, purpose: str) -> str:
    """Hash a value with the app's secret so stored keys never hold it in the clear."""
    key = f"{current_app.secret_key!s}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """Identify a client for rate limits by a keyed hash of its address, never the address."""
    return "client:" + keyed_hash(request.remote_addr or "unknown", "client")


db = SQLAlchemy(model_class=Base)
# Batch mode lets SQLite alter tables; compare_type makes `flask db check` see type drift.
migrate = Migrate(
    render_as_batch=True,
    compare_type=True,
    render_item=render_migration_item,
    include_object=include_migration_object,
    include_name=include_migration_name,
)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=client_key)
