"""The ``assessor`` command line: Flask's commands (``run``, ``db``, ...) plus the offline tools."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup

from .bank import BankError, load_bank


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Assess the maturity of a bank's social-media strategy."""


@main.command(with_appcontext=False)
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def validate(path: Path | None) -> None:
    """Check a question bank (default: the shipped questions.yaml)."""
    try:
        bank = load_bank(path)
    except BankError as exc:
        for error in exc.errors:
            click.echo(error, err=True)
        click.echo(f"{len(exc.errors)} error(s): the question bank is invalid.", err=True)
        sys.exit(2)
    click.echo(
        f"valid: {len(bank.dimensions)} dimensions, {len(bank.questions)} questions, "
        f"{len(bank.languages)} languages ({', '.join(bank.languages)}), "
        f"version {bank.version}, hash {bank.short_hash}"
    )
