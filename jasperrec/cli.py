"""The `jasperrec` command: Flask's CLI plus demo, seeding and the task worker."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup
from flask.cli import with_appcontext
from flask_migrate import upgrade

from . import demo as demo_data
from . import demo_server
from . import tasks
from .auth.errors import EmailTakenError
from .auth.errors import WeakPasswordError
from .auth.models import Role
from .auth.permissions import STAFF_ROLES
from .auth.service import ensure_department
from .config import follow_demo_address
from .extensions import db
from .helpdesk.cli import mail_in_command
from .staff import accounts


def _create_app():  # type: ignore[no-untyped-def]
    from . import create_app

    return create_app()


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Add demo residents and staff (safe to run again) and print their passwords."""
    try:
        lines = list(demo_data.seed())
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in lines:
        click.echo(line)


@click.command("create-staff")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in STAFF_ROLES]),
    help="Repeat for several roles.",
)
@click.option("--department", "departments", multiple=True, help="Department name; repeatable.")
@click.option("--first-name", prompt=True)
@click.option("--last-name", prompt=True)
@click.password_option(help="Prompted for, with confirmation, when not given.")
@with_appcontext
def create_staff_command(
    email: str,
    roles: tuple[str, ...],
    departments: tuple[str, ...],
    first_name: str,
    last_name: str,
    password: str,
) -> None:
    """Create a staff account; it must set up two-step sign-in at its first sign-in."""
    department_ids = frozenset(ensure_department(name).id for name in departments)
    details = accounts.NewStaff(
        email=email,
        first_name=first_name,
        last_name=last_name,
        roles=frozenset(Role(r) for r in roles),
        department_ids=department_ids,
    )
    try:
        user = accounts.create_staff(None, details, password=password)
    except (EmailTakenError, WeakPasswordError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created staff account {user.email} ({', '.join(sorted(roles))}).")


@click.command("demo-code")
@click.argument("email")
@with_appcontext
def demo_code_command(email: str) -> None:
    """Print a demo staff member's current two-step code (demo mode only)."""
    try:
        click.echo(demo_data.current_demo_code(email))
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run the task queue consumer, with its periodic tasks (mail, purges, reminders)."""
    consumer = tasks.huey.create_consumer(workers=workers, periodic=True)
    consumer.run()


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def demo_command(host: str, port: int) -> None:
    """Migrate, seed the demo data, start a worker in-process and serve the portal."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # Before anything is queued: a mailed link must reach the port this demo serves on.
    public_url = follow_demo_address(app.config, host, port)
    upgrade()
    for line in demo_data.seed():
        click.echo(line)
    if not tasks.huey.immediate:
        tasks.start_in_process()
    outbox = Path(app.instance_path) / "outbox"
    click.echo(f"JasperRec demo portal: {public_url}  (mail is saved in {outbox})")
    if host in ("0.0.0.0", "::") and not app.config.get("PUBLIC_URL"):  # noqa: S104
        click.echo("Links in mail open on this machine; for others set JASPERREC_PUBLIC_URL.")
    # Flask's app.run() refuses to start inside its own CLI, so serve with Werkzeug directly.
    demo_server.serve(app, host, port)


def main() -> None:
    """Entry point for the `jasperrec` console script."""
    cli = FlaskGroup(create_app=_create_app, help="JasperRec recreation portal.")
    for command in (
        seed_demo_command,
        worker_command,
        demo_command,
        create_staff_command,
        demo_code_command,
        mail_in_command,
    ):
        cli.add_command(command)
    cli.main()
