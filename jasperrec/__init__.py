"""JasperRec: recreation portal, helpdesk and privacy centre for a municipality."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import auth
from . import config
from . import converters
from . import errors
from . import extensions
from . import headers
from . import helpdesk
from . import mail
from . import pages
from . import privacy
from . import staff
from . import store
from . import tasks

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the portal: defaults, instance file, JASPERREC_* environment, then overrides."""
    overrides = dict(overrides or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or config.instance_path_from_env()
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(config.ENV_PREFIX)
    app.config.from_mapping(overrides)
    config.finalise(app)
    converters.init_app(app)
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(ROOT / "migrations"))
    extensions.login_manager.init_app(app)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    tasks.init_app(app)
    mail.init_app(app)
    headers.init_app(app)
    for feature in (pages, auth, staff, helpdesk, store, privacy):
        if hasattr(feature, "init_app"):
            feature.init_app(app)
        app.register_blueprint(feature.bp)
    errors.register_error_handlers(app)
    return app
