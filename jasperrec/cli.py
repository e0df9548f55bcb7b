"""The `jasperrec` command: Flask's CLI plus demo, seeding and the task worker."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup
from flask.cli import with_appcontext
from flask_migrate import upgrade

from . import demo as demo_data
from . import tasks


def _create_app():  # type: ignore[no-untyped-def]
    from . import create_app

    return create_app()


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Add demo residents and staff (safe to run again) and print their passwords."""
    for line in demo_data.seed():
        click.echo(line)


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
    upgrade()
    for line in demo_data.seed():
        click.echo(line)
    if not tasks.huey.immediate:
        tasks.start_in_process()
    click.echo(f"JasperRec demo portal: http://{host}:{port}/  (mail lands in instance/outbox/)")
    current_app.run(host=host, port=port, debug=False, use_reloader=False)


def main() -> None:
    """Entry point for the `jasperrec` console script."""
    cli = FlaskGroup(create_app=_create_app, help="JasperRec recreation portal.")
    for command in (seed_demo_command, worker_command, demo_command):
        cli.add_command(command)
    cli.main()
