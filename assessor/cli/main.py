"""The ``assessor`` command line: Flask's commands (``run``, ``db``, ...) plus the offline tools."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from assessor.domain.bank import BankError, load_bank
from assessor.domain.errors import ConfigurationError
from assessor.domain.locales import LANGUAGES
from assessor.pdf import batch


class AssessorGroup(click.Group):
    """The offline commands, plus Flask's (run, db, shell, routes), loaded only when asked for.

    Consultants run ``assessor report`` on laptops, many times a day: it should not pay for
    importing the web stack it does not use.
    """

    def _flask_group(self, ctx: click.Context) -> click.Group:
        from flask.cli import FlaskGroup, ScriptInfo

        from assessor import create_app

        if not isinstance(ctx.obj, ScriptInfo):
            ctx.obj = ScriptInfo(create_app=create_app)
        return FlaskGroup(add_version_option=False, load_dotenv=False)

    def list_commands(self, ctx: click.Context) -> list[str]:
        flask_commands = self._flask_group(ctx).list_commands(ctx)
        return sorted(set(super().list_commands(ctx)) | set(flask_commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or self._flask_group(ctx).get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        # `assessor db upgrade` against a database that is down: one line, not a traceback.
        try:
            return super().invoke(ctx)
        except ConfigurationError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=AssessorGroup)
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
    click.echo(
        f"valid: {len(bank.dimensions)} dimensions, {len(bank.questions)} questions, "
        f"{len(bank.languages)} languages ({', '.join(bank.languages)}), "
        f"version {bank.version}, hash {bank.short_hash}"
    )


@main.command()
@click.argument("answers", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The PDF to write; with --batch, the folder to write into.",
)
@click.option("--lang", type=click.Choice(LANGUAGES), help="Report language (default: the file's).")
@click.option(
    "--batch",
    "batch_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Render every *.yaml answers file in this folder, in parallel.",
)
@click.option("--html", is_flag=True, help="Write the HTML that would be printed, not the PDF.")
@click.option(
    "--bank",
    "bank_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Question bank to use (default: the shipped one).",
)
@click.option(
    "--jobs", type=click.IntRange(1, 64), help="Parallel workers (default: one per core)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, 3600, min_open=True),
    help="Seconds one report may take before it is stopped "
    f"(default: no limit for one report, {batch.DEFAULT_TIMEOUT} s each in a batch).",
)
def report(answers, output, lang, batch_dir, html, bank_path, jobs, timeout):
    """Render the report of an answers file (see examples/answers.yaml), or of a folder of them."""
    options = {"language": lang, "html": html, "bank_path": bank_path, "timeout": timeout}
    if (answers is None) == (batch_dir is None):
        raise click.UsageError("give either an ANSWERS file or --batch DIR")
    if answers is not None:
        outcome = batch.render(batch.Job(answers=answers, output=output, **options))
        _report_outcomes([outcome])
        click.echo(f"wrote {output}")
        return
    if not batch_dir.is_dir():
        raise click.UsageError(f"--batch: {batch_dir} is not a folder")
    todo = batch.jobs_for(batch_dir, output, **options)
    if not todo:
        raise click.UsageError(f"--batch: no *.yaml answers files in {batch_dir}")
    outcomes = []
    with click.progressbar(
        length=len(todo), label=f"Rendering {len(todo)} reports", file=sys.stderr
    ) as bar:
        for outcome in batch.render_many(todo, workers=jobs):
            outcomes.append(outcome)
            bar.update(1)
    _report_outcomes(outcomes)
    click.echo(f"wrote {len(outcomes)} reports to {output}")


@main.command()
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option(
    "--bank",
    "bank_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Question bank to use (default: the shipped one).",
)
def score(answers, as_json, bank_path):
    """Print the score, stage, areas and caps of an answers file (as `report` reads it)."""
    import json

    from assessor.domain.answersfile import AnswersFileError, load_answers

    try:
        bank = load_bank(bank_path)
        result = load_answers(answers, bank).result
    except (AnswersFileError, BankError) as exc:
        for error in exc.errors:
            click.echo(error, err=True)
        click.echo(f"{len(exc.errors)} error(s): nothing was scored.", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    of = f"of {len(bank.stages)}"
    click.echo(f"score: {result.points} / 100")
    click.echo(f"stage: {result.stage.id} ({result.stage_number} {of})")
    click.echo("dimensions:")
    for d in result.dimensions:
        shown = f"{d.points}, {d.stage.id}" if d.score is not None else "not applicable"
        click.echo(f"  {d.dimension.id}: {shown}")
    if not result.caps:
        click.echo(f"caps: none (the score alone reaches {result.uncapped_stage.id})")
    else:
        click.echo(f"caps (the score alone would reach {result.uncapped_stage.id}):")
    for cap in result.caps:
        if cap.kind == "critical":
            why = ", ".join(q.id for q in cap.questions)
            why += " scored 0 or unanswered" if cap.zero else f" scored below {cap.below:g}"
        else:
            why = f"{', '.join(d.id for d in cap.dimensions)} at {cap.area_stage.id}"
        click.echo(f"  {cap.kind}: at most {cap.stage.id} ({cap.stage_number} {of}): {why}")


def _report_outcomes(outcomes) -> None:
    """Print every failure with its messages; exit 2 if there was any."""
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        for error in outcome.errors:
            click.echo(error, err=True)
    if failed:
        click.echo(
            f"{len(failed)} of {len(outcomes)} report(s) failed; nothing was written for them.",
            err=True,
        )
        sys.exit(2)
