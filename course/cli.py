"""`flask --app wsgi course ...`: commands for operators."""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from flask import current_app
from flask.cli import AppGroup

from . import config
from .database import refresh_statistics
from .extensions import db
from .models import Role
from .services import accounts, content_io, curriculum, demo, past_completions, staff_import
from .services import demo_org as generator
from .services.import_files import ImportFileError
from .services.refusal import RefusalError

T = TypeVar("T")

course_cli = AppGroup("course", help="Social Rounds administration.")


def _committed(change: Callable[[], T]) -> T:
    """Run a service and commit: each command is one unit of work. A refusal, or a content
    file's problems, end the command with the message and nothing written."""
    try:
        outcome = change()
    except (RefusalError, content_io.ContentError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    return outcome


def _statistics_refreshed() -> None:
    """After a bulk change: the planner's statistics, in their own transaction."""
    refresh_statistics()
    db.session.commit()


def _roles(value: str) -> set[Role]:
    try:
        return {Role(part.strip()) for part in value.split(",") if part.strip()}
    except ValueError:
        raise click.BadParameter(
            f"use a comma-separated list of: {', '.join(r.value for r in Role)}"
        ) from None


@course_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--roles", default="learner", show_default=True, help="Comma-separated roles.")
@click.option("--department", default=None, help="Department name (created if new).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email, name, roles, department, password_stdin):
    """Create an account. The password is prompted for, or read from stdin; never argv."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = _committed(
        lambda: accounts.create_user(email, name, password, _roles(roles), department)
    )
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")


@course_cli.command("load-content")
def load_content():
    """Load the shipped curriculum: new modules are created, a changed file becomes a new
    published version, and a module edited in the studio is left alone (said per module)."""
    report = _committed(curriculum.load_curriculum)
    _statistics_refreshed()
    for slug, why in report.kept.items():
        click.echo(f"{slug}: left alone, {why}.")
    click.echo(
        f"Curriculum: {len(report.created)} created, {len(report.updated)} updated to a new "
        f"version, {len(report.unchanged)} unchanged, {len(report.kept)} left alone."
    )


_ALLOW_PRODUCTION = click.option(
    "--on-production",
    is_flag=True,
    help="Run even though the settings look like a real deployment (a staging copy).",
)


def _refuse_on_production(allowed: bool) -> None:
    """Demo data has a published password (rounds-demo), admin included: never on a real
    deployment unless asked for by name."""
    if not allowed and config.is_production(current_app.config):
        raise click.ClickException(
            "These settings look like a real deployment (HTTPS, EXTERNAL_URL or TRUSTED_HOSTS "
            "is set), and demo accounts have a published password. Refusing; "
            "add --on-production if this really is a test copy."
        )


@course_cli.command("demo-accounts")
@_ALLOW_PRODUCTION
def demo_accounts(on_production):
    """Create the demo accounts (password rounds-demo) where they do not exist yet."""
    _refuse_on_production(on_production)
    created = _committed(demo.create_demo_accounts)
    click.echo(f"Demo accounts: {created} created.")


@course_cli.command("set-manager")
@click.argument("email")
@click.argument("departments", nargs=-1, required=True)
def set_manager(email, departments):
    """Make EMAIL the manager of exactly these DEPARTMENTS (created if new)."""
    user = _committed(lambda: accounts.set_manager(email, list(departments)))
    names = ", ".join(sorted(d.name for d in user.managed_departments))
    click.echo(f"{user.email} manages: {names}.")


@course_cli.command("demo-org")
@click.option("--learners", type=click.IntRange(1, 1_000_000), default=1000, show_default=True)
@click.option("--departments", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@_ALLOW_PRODUCTION
def demo_org(learners, departments, seed, on_production):
    """Generate a demo organisation of N learners with random progress (for benchmarks)."""
    _refuse_on_production(on_production)
    report = _committed(lambda: generator.generate(learners, departments, seed=seed))
    _statistics_refreshed()
    click.echo(
        f"Demo organisation: {report['learners']} learners in {report['departments']} "
        f"departments, {report['assignments']} assignments, {report['progress']} progress rows, "
        f"manager {report['manager']} (password {demo.DEMO_PASSWORD})."
    )


@course_cli.command("import-users")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option(
    "--deactivate-missing",
    is_flag=True,
    help="Deactivate active people with an employee id who are not in the file (never admins).",
)
@click.option(
    "--deactivate-limit",
    type=click.IntRange(0, 100),
    default=None,
    help="Safety stop: the most people (percent of those with an employee id) that "
    "--deactivate-missing may deactivate; default IMPORT_DEACTIVATE_LIMIT_PERCENT.",
)
def import_users(file, dry_run, deactivate_missing, deactivate_limit):
    """Create and update accounts from a staff file (CSV or XLSX), e.g. a nightly HR feed.

    Rows are matched by employee id, else email; refused rows are listed (row, column,
    reason) and left out; a file that cannot be imported as a whole changes nothing and
    exits with status 1.
    """
    _run_import(
        file,
        dry_run,
        lambda name, data: staff_import.preview(
            staff_import.read_file(name, data),
            deactivate_missing=deactivate_missing,
            deactivate_limit_percent=deactivate_limit,
        ),
        staff_import.count,
        lambda plan, name, data: staff_import.store(plan, name, data, None, deactivate_missing),
        staff_import.apply,
        "staff import",
    )


@course_cli.command("import-completions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
def import_completions(file, dry_run):
    """Record completions done outside the app from a file (CSV or XLSX).

    Columns: employee_id or email, module (short name or title), completed_on (YYYY-MM-DD),
    source, note. Each is shown as "imported" with its source, satisfies the assignment and
    starts the recertification clock; none yields a certificate. Refused rows are listed
    (row, column, reason) and left out; a file that cannot be imported as a whole changes
    nothing and exits with status 1.
    """
    _run_import(
        file,
        dry_run,
        lambda name, data: past_completions.preview(past_completions.read_file(name, data)),
        past_completions.count,
        lambda plan, name, data: past_completions.store(plan, name, data, None),
        past_completions.apply,
        "completions import",
    )


def _run_import(file, dry_run, make_plan, count, keep, apply, what: str) -> None:
    """Read, preview, list refusals; then (unless a dry run) store and apply the plan."""
    path = Path(file)
    data = path.read_bytes()
    try:
        plan = make_plan(path.name, data)
    except ImportFileError as error:
        raise click.ClickException(f"{path.name}: {error}") from None
    for refusal in plan.refusals:
        click.echo(f"row {refusal['row']}, {refusal['column']}: {refusal['reason']}", err=True)
    if plan.unknown_columns:
        click.echo(f"Columns not imported (unknown): {', '.join(plan.unknown_columns)}", err=True)
    figures = ", ".join(f"{value} {name}" for name, value in count(plan).items())
    if getattr(plan, "stopped", None):
        raise click.ClickException(plan.stopped)
    if dry_run:
        click.echo(f"Dry run, nothing changed: {figures}.")
        return
    record = keep(plan, path.name, data)
    _committed(lambda: apply(record, None))
    _statistics_refreshed()
    click.echo(f"Imported as {what} #{record.id}: {figures}.")


@course_cli.command("optimize")
def optimize():
    """Refresh the query planner's statistics (also done by migrations, load-content,
    import-users, demo-org and the daily send-reminders)."""
    _statistics_refreshed()
    click.echo("Planner statistics refreshed.")
