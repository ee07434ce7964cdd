"""`flask --app wsgi course ...`: commands for operators."""

import sys

import click
from flask.cli import AppGroup

from .extensions import db
from .models import Role
from .services import accounts, content_io, demo

course_cli = AppGroup("course", help="Social Rounds administration.")


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
    try:
        user = accounts.create_user(email, name, password, _roles(roles), department)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")


@course_cli.command("load-content")
def load_content():
    """Load the shipped curriculum; running it again changes only what changed."""
    try:
        report = content_io.load_curriculum()
    except content_io.ContentError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Curriculum: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged."
    )


@course_cli.command("demo-accounts")
def demo_accounts():
    """Create the demo accounts (password rounds-demo) where they do not exist yet."""
    created = demo.create_demo_accounts()
    click.echo(f"Demo accounts: {created} created.")
