"""Command-line commands: migrations, backup and restore, demo data, reminders, prune."""
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import backup as backups
from . import schema

db_cli = AppGroup("db", help="Database schema, backup and restore.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply database migrations."""
    schema.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("Database is up to date.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_command(message: str) -> None:
    """Autogenerate a migration from model changes."""
    schema.make_revision(current_app.config["DATABASE_URL"], message)


@db_cli.command("backup")
@click.argument("target", type=click.Path(path_type=Path))
def backup_command(target: Path) -> None:
    """Write a consistent backup to TARGET (SQLite: a database file; PostgreSQL: pg_dump -Fc)."""
    backups.backup(current_app.config["DATABASE_URL"], target, current_app.config["PG_BIN"])
    click.echo(f"Backup written to {target}.")


@db_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.confirmation_option(prompt="This replaces every row in the database. Continue?")
def restore_command(source: Path) -> None:
    """Replace the database with the backup in SOURCE."""
    backups.restore(current_app.config["DATABASE_URL"], source, current_app.config["PG_BIN"])
    click.echo("Database restored.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load a demo family with two children, ladders and weeks of practices."""
    from .db import get_session
    from .services import demo_data

    summary = demo_data.seed(get_session())
    click.echo(summary)


@click.command("prune")
@with_appcontext
def prune_command() -> None:
    """Delete now what is no longer kept (the reminder scheduler also does it daily)."""
    from .db import get_session
    from .services import retention

    counts = retention.prune_until_done(get_session(), current_app.config)
    click.echo("Pruned: " + ", ".join(f"{kind.replace('_', ' ')} {n}"
                                       for kind, n in counts.items()) + ".")


reminders_cli = AppGroup("reminders", help="Send due reminders.")


@reminders_cli.command("tick")
def reminders_tick_command() -> None:
    """Run one dispatch pass and send the email and push it leaves."""
    from . import scheduler

    counts, sent = scheduler.tick(current_app._get_current_object())
    click.echo(f"claimed {counts.claimed}, sent {counts.sent}, missed {counts.missed}, "
               f"skipped {counts.skipped}, not needed {counts.not_needed}; "
               f"email/push sent {sent.sent}, failed {sent.failed}.")


@reminders_cli.command("run")
def reminders_run_command() -> None:
    """Run the reminder scheduler in this process until SIGTERM or Ctrl+C."""
    from . import scheduler

    scheduler.stop_in_process()  # never two schedulers in one process
    # On a stop signal the pass in progress finishes what it holds and hands back the rest
    # (scheduler.py); the command then returns, and the process exits with status 0.
    scheduler.run_until_signalled(
        current_app._get_current_object(),
        started=lambda: click.echo("Reminder scheduler running; Ctrl+C to stop."))
    click.echo("Reminder scheduler stopped.")


def init_app(app: Flask) -> None:
    """Register the CLI commands."""
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(prune_command)
    app.cli.add_command(reminders_cli)
