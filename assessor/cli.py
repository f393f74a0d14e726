"""The ``assessor`` command line: the Flask commands plus the offline tools."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .bank import BankError, load_bank


@click.group()
def main() -> None:
    """Assess the maturity of a bank's social-media strategy."""


@main.command()
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
    questions = len(bank.questions)
    click.echo(
        f"valid: {len(bank.dimensions)} dimensions, {questions} questions, "
        f"{len(bank.languages)} languages ({', '.join(bank.languages)}), "
        f"version {bank.version}, hash {bank.short_hash}"
    )
