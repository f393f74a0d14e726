"""Administrator commands: ``assessor user create|list|disable|enable``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask
from flask.cli import AppGroup

from assessor.services import accounts

user_cli = AppGroup("user", help="Manage consultant accounts.")


@user_cli.command("create")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, password_stdin: bool) -> None:
    """Create a consultant account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _account_errors():
        user = accounts.create(email, password)
    click.echo(f"created {user.email}")


@user_cli.command("list")
def list_users() -> None:
    """List the accounts."""
    for user in accounts.all_accounts():
        state = "active" if user.active else "disabled"
        click.echo(f"{user.email}\t{state}\t{user.created_at:%Y-%m-%d}")


@user_cli.command("disable")
@click.argument("email")
def disable_user(email: str) -> None:
    """Stop an account from signing in (its clients are kept)."""
    _set_active(email, False)


@user_cli.command("enable")
@click.argument("email")
def enable_user(email: str) -> None:
    """Let a disabled account sign in again."""
    _set_active(email, True)


@contextmanager
def _account_errors() -> Iterator[None]:
    """Turn a refused account change into its message and exit code 2, not a traceback."""
    try:
        yield
    except accounts.AccountError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)


def _set_active(email: str, active: bool) -> None:
    with _account_errors():
        user = accounts.set_active(email, active)
    click.echo(f"{user.email} {'enabled' if active else 'disabled'}")


def init_app(app: Flask) -> None:
    app.cli.add_command(user_cli)
