"""An assessment's PDF report: what goes into it, its cache, and several at once.

One place decides when a report is rendered and where it is kept. Reports are cached on
disk, keyed by everything that goes into them: the assessment's last change, the
language, the question bank's hash, branding, targets, peers, the baseline and the
renderer's own files. A hit is always the PDF a fresh render would give, and several
instances sharing nothing still agree: a miss only costs a render.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

from slugify import slugify

from assessor.data.models import Assessment, User
from assessor.domain.bank import Bank
from assessor.domain.peers import PeerBenchmark
from assessor.domain.report_input import Branding
from assessor.domain.resources import PACKAGE_DIR, static_dir, templates_dir
from assessor.pdf import batch, render
from assessor.services import assessments, exports

#: How many PDFs the cache keeps; the least recently written go first.
MAX_CACHED_REPORTS = 500


@cache
def renderer_fingerprint() -> str:
    """Hash the templates, stylesheet, fonts and catalogs a report is made from."""
    digest = hashlib.sha256()
    files = [
        *sorted(templates_dir().rglob("*.html")),
        *sorted((static_dir() / "css").glob("report.css")),
        *sorted((static_dir() / "fonts").glob("*.ttf")),
        *sorted((PACKAGE_DIR / "translations").rglob("*.po")),
    ]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(*parts: object) -> str:
    """Combine ``parts`` and the renderer's fingerprint into a file-safe key."""
    text = "|".join(str(p) for p in (*parts, renderer_fingerprint()))
    return hashlib.sha256(text.encode()).hexdigest()


class ReportCache:
    """At most ``max_files`` PDFs stored as ``<key>.pdf`` in ``directory``; writes are
    atomic renames, and each write prunes the oldest beyond the limit."""

    def __init__(self, directory: str | os.PathLike[str], max_files: int = MAX_CACHED_REPORTS):
        self.directory = Path(directory)
        self.max_files = max_files

    def get(self, key: str) -> bytes | None:
        try:
            return (self.directory / f"{key}.pdf").read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, pdf: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
        os.replace(temporary, self.directory / f"{key}.pdf")
        self._prune()

    def _prune(self) -> None:
        entries = []
        for path in self.directory.glob("*.pdf"):
            try:
                entries.append((path.stat().st_mtime, path))
            except FileNotFoundError:  # pruned by another worker meanwhile
                continue
        entries.sort()
        for _mtime, path in entries[: max(0, len(entries) - self.max_files)]:
            path.unlink(missing_ok=True)


def branding_of(consultant: User | None) -> Branding | None:
    """The consultant's firm, colour and logo, as the report shows them."""
    if consultant is None or not (consultant.firm_name or consultant.logo_png):
        return None
    logo = ""
    if consultant.logo_png:
        logo = "data:image/png;base64," + base64.b64encode(consultant.logo_png).decode("ascii")
    return Branding(
        firm_name=consultant.firm_name, accent=consultant.accent_color, logo_data_uri=logo
    )


def report_key(
    bank: Bank,
    assessment: Assessment,
    language: str,
    branding: Branding | None,
    peers: PeerBenchmark | None = None,
    earlier: Assessment | None = None,
) -> str:
    """The cache key of a report: everything that can change what it shows."""
    brand_key = ""
    if branding:
        brand_key = hashlib.sha256(
            f"{branding.firm_name}|{branding.accent}|{branding.logo_data_uri}".encode()
        ).hexdigest()
    notes_key = [(n.dimension_id, n.target_stage, n.notes) for n in assessment.notes]
    baseline_key = ""
    if earlier is not None:
        baseline_key = (
            earlier.id,
            earlier.updated_at.isoformat(),
            [(n.dimension_id, n.target_stage) for n in earlier.notes],
        )
    return cache_key(
        assessment.id,
        assessment.updated_at.isoformat(),
        language,
        bank.content_hash,
        brand_key,
        notes_key,
        repr(peers),
        baseline_key,
    )


def report_filename(assessment: Assessment, language: str) -> str:
    """The download's file name: the bank, the day of the last answer, the language."""
    day = assessment.updated_at.date().isoformat()
    return f"{slugify(assessment.bank_name) or 'assessment'}-{day}-{language}.pdf"


def report_pdf(
    bank: Bank,
    assessment: Assessment,
    language: str,
    consultant: User | None,
    cache: ReportCache,
    earlier: Assessment | None = None,
) -> tuple[str, bytes]:
    """Return the report's cache key and PDF, rendering it only if it changed.

    With ``earlier`` (an older assessment of the same client), the report shows the
    progress made since.
    """
    branding = branding_of(consultant)
    peers = assessments.peer_benchmark(bank, assessment)
    key = report_key(bank, assessment, language, branding, peers, earlier)
    body = cache.get(key)
    if body is None:
        data = assessments.report_input(bank, assessment, language, branding, peers, earlier)
        body = render.render_pdf(data)
        cache.put(key, body)
    return key, body


def pdfs_for(
    bank: Bank, items: list[Assessment], consultant: User, cache: ReportCache
) -> list[tuple[str, bytes]]:
    """Return ``(file name, PDF)`` for each assessment, in its client's report language.

    Cached reports are reused; the others are rendered in parallel by the batch renderer
    and cached for next time.
    """
    branding = branding_of(consultant)
    found: dict[int, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="assessor-zip-") as work_dir:
        work = Path(work_dir)
        jobs: dict[int, batch.Job] = {}
        keys: dict[int, str] = {}
        for assessment in items:
            language = assessment.client.report_language
            peers = assessments.peer_benchmark(bank, assessment)
            earlier = assessments.previous(assessment)
            key = report_key(bank, assessment, language, branding, peers, earlier)
            cached = cache.get(key)
            if cached is not None:
                found[assessment.id] = cached
                continue
            targets, notes = assessments.targets_and_notes(assessment)
            jobs[assessment.id] = batch.Job(
                answers=Path(f"assessment-{assessment.id}"),
                output=work / f"{assessment.id}.pdf",
                language=language,
                document=exports.answers_document(bank, assessment),
                branding=branding,
                targets=targets,
                notes=notes,
                peers=peers,
                baseline=assessments.baseline(bank, earlier) if earlier else None,
            )
            keys[assessment.id] = key
        if len(jobs) == 1:
            outcomes = [batch.render(next(iter(jobs.values())))]
        else:
            outcomes = list(batch.render_many(jobs.values())) if jobs else []
        by_output = {o.job.output: o for o in outcomes}
        for assessment_id, job in jobs.items():
            if not by_output[job.output].ok:
                raise RuntimeError("; ".join(by_output[job.output].errors))
            found[assessment_id] = job.output.read_bytes()
            cache.put(keys[assessment_id], found[assessment_id])
    return [(report_filename(a, a.client.report_language), found[a.id]) for a in items]
