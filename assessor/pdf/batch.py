"""Render reports from answers files, one at a time or many in parallel.

A batch runs in a process pool: WeasyPrint holds the GIL, so processes are what use every
core. Workers come from a fork server that has already imported the renderer, so each one
starts warm. Workers are recycled to bound their memory: a batch runs in rounds of
``recycle_after`` reports per worker, each round in a fresh pool. (Not with
``max_tasks_per_child``: it makes Python 3.11-3.13's pool hang for good once a worker
retires with work still queued, CPython gh-115634.) The renderer itself no longer grows
with each report (see ``render.write_pdf``), so recycling is a bound, not a crutch.
WeasyPrint has no timeout of its own, so each render runs under a ``SIGALRM`` deadline and
a runaway one is stopped and reported.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from assessor.domain.answersfile import AnswersFileError, from_mapping, load_answers
from assessor.domain.bank import Bank, load_bank
from assessor.domain.peers import PeerBenchmark
from assessor.domain.report_input import Baseline, Branding

#: Seconds one report may take before it is stopped.
DEFAULT_TIMEOUT = 60
#: Reports a worker renders before it is replaced. A round ends with the slowest worker,
#: leaving the others idle for part of one report: with 50, that is about 1% of a batch.
RECYCLE_AFTER = 50


@dataclass(frozen=True)
class Job:
    """One report to render to ``output``: from an answers file, or from its content."""

    answers: Path
    output: Path
    language: str | None = None
    html: bool = False
    bank_path: Path | None = None
    timeout: int = DEFAULT_TIMEOUT
    #: The answers file's content, when it comes from the database rather than a file
    #: (``answers`` then only names it in messages).
    document: dict | None = None
    branding: Branding | None = None
    targets: dict | None = None
    notes: dict | None = None
    peers: PeerBenchmark | None = None
    baseline: Baseline | None = None


@dataclass(frozen=True)
class Outcome:
    job: Job
    ok: bool
    #: What went wrong, one line per problem (empty when ``ok``).
    errors: tuple[str, ...] = ()
    #: The process that rendered it.
    worker: int = 0


class RenderTimeout(Exception):
    """A render ran past its deadline."""


@cache
def _bank(path: Path | None) -> Bank:
    return load_bank(path)


def render(job: Job) -> Outcome:
    """Render one job; never raises for a bad file, a bad bank or a timeout."""
    from assessor.domain.bank import BankError
    from assessor.pdf.render import render_html, write_pdf

    def expire(_signum, _frame):
        raise RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(job.timeout)
    try:
        bank = _bank(job.bank_path)
        if job.document is None:
            data = load_answers(job.answers, bank, language=job.language)
        else:
            data = from_mapping(job.document, bank, str(job.answers), language=job.language)
        if job.branding or job.targets is not None or job.peers or job.baseline:
            data = replace(
                data,
                branding=job.branding,
                targets=job.targets,
                notes=job.notes or {},
                peers=job.peers,
                baseline=job.baseline,
            )
        html = render_html(data)
        body = html.encode("utf-8") if job.html else write_pdf(html)
        _write_atomically(job.output, body)
        return Outcome(job, True, worker=os.getpid())
    except (AnswersFileError, BankError) as exc:
        return Outcome(job, False, tuple(exc.errors), os.getpid())
    except RenderTimeout:
        return Outcome(job, False, (f"{job.answers}: stopped after {job.timeout} s",), os.getpid())
    except OSError as exc:
        return Outcome(job, False, (f"{job.output}: cannot write: {exc.strerror}",), os.getpid())
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _write_atomically(path: Path, body: bytes) -> None:
    """Write ``body`` so that ``path`` is either the whole report or untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def jobs_for(directory: Path, output_dir: Path, **options) -> list[Job]:
    """One job per ``*.yaml``/``*.yml`` file in ``directory``, writing into ``output_dir``."""
    suffix = ".html" if options.get("html") else ".pdf"
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [Job(answers=f, output=output_dir / (f.stem + suffix), **options) for f in files]


def _warm_up() -> None:
    """Import what every render needs when a worker starts, not during its first report."""
    import weasyprint  # noqa: F401


def render_many(
    jobs: Iterable[Job], *, workers: int | None = None, recycle_after: int = RECYCLE_AFTER
) -> Iterator[Outcome]:
    """Render ``jobs`` across ``workers`` processes (default: one per core), as they finish.

    Workers are replaced every ``workers * recycle_after`` reports (``recycle_after`` each
    when they share the work evenly): the jobs run in rounds that size, each round in a
    pool of fresh workers.
    """
    jobs = list(jobs)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["assessor.pdf.batch"])
    round_size = workers * max(1, recycle_after)
    for start in range(0, len(jobs), round_size):
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_warm_up
        ) as pool:
            futures = {pool.submit(render, job): job for job in jobs[start : start + round_size]}
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as exc:  # a worker died (killed, out of memory): report it
                    job = futures[future]
                    outcome = Outcome(job, False, (f"{job.answers}: {exc}",))
                yield outcome
