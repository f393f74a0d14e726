"""Render reports from answers files, one at a time or many in parallel.

WeasyPrint has no timeout of its own and holds the GIL, so a report with a time limit is
rendered in a child process of its own, which is killed at the deadline: the limit works
from any thread (a web worker's included) and needs no signal. The children come from a
fork server that has already imported the renderer, so each starts warm, and each report
gets a fresh process, which also bounds memory. A batch keeps ``workers`` children busy
at once, one per core by default. Without a limit, :func:`render` runs in the caller's
process (a single report from the command line starts no other process).
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from assessor.domain.answersfile import AnswersFileError, from_mapping, load_answers
from assessor.domain.bank import Bank, load_bank
from assessor.domain.peers import PeerBenchmark
from assessor.domain.report_input import Baseline, Branding

#: Seconds one report of a batch may take before it is stopped.
DEFAULT_TIMEOUT = 60


@dataclass(frozen=True)
class Job:
    """One report to render to ``output``: from an answers file, or from its content."""

    answers: Path
    output: Path
    language: str | None = None
    html: bool = False
    bank_path: Path | None = None
    #: Seconds before the render is stopped; ``None``: no limit, rendered in this process.
    timeout: float | None = None
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


@cache
def _bank(path: Path | None) -> Bank:
    return load_bank(path)


def render(job: Job) -> Outcome:
    """Render one job; never raises for a bad file, a bad bank or a timeout.

    With ``job.timeout``, the render runs in a child process that is killed at the deadline.
    """
    if job.timeout is None:
        return _render_here(job)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["assessor.pdf.batch", "weasyprint"])
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_render_into, args=(job, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if receiver.poll(job.timeout):
            return receiver.recv()
        return Outcome(job, False, (f"{job.answers}: stopped after {job.timeout:g} s",), child.pid)
    except EOFError:  # the child died without an answer (killed, out of memory)
        return Outcome(job, False, (f"{job.answers}: the renderer stopped unexpectedly",))
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _render_into(job: Job, sender) -> None:
    sender.send(_render_here(job))
    sender.close()


def _render_here(job: Job) -> Outcome:
    from assessor.domain.bank import BankError
    from assessor.pdf.render import render_html, write_pdf

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
    except OSError as exc:
        return Outcome(job, False, (f"{job.output}: cannot write: {exc.strerror}",), os.getpid())


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


def render_many(jobs: Iterable[Job], *, workers: int | None = None) -> Iterator[Outcome]:
    """Render ``jobs`` with ``workers`` at once (default: one per core), as they finish.

    Each report runs in a fresh child process under its time limit (``DEFAULT_TIMEOUT``
    when the job sets none); the threads here only wait for them.
    """
    jobs = [
        job if job.timeout is not None else replace(job, timeout=DEFAULT_TIMEOUT) for job in jobs
    ]
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(render, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()
