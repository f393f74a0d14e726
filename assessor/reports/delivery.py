"""Several reports at once (the workspace's ZIP export): cached ones reused, others rendered
in parallel by the batch renderer and cached for next time."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .. import assessments, batch, exports
from ..bank import Bank
from ..models import Assessment, User
from .routes import branding_of, report_cache, report_filename, report_key


def pdfs_for(bank: Bank, items: list[Assessment], consultant: User) -> list[tuple[str, bytes]]:
    """Return ``(file name, PDF)`` for each assessment, in its client's report language."""
    branding = branding_of(consultant)
    cache = report_cache()
    found: dict[int, bytes] = {}
    jobs: dict[int, batch.Job] = {}
    keys: dict[int, str] = {}
    work = Path(tempfile.mkdtemp(prefix="assessor-zip-"))
    for assessment in items:
        language = assessment.client.report_language
        peers = assessments.peer_benchmark(bank, assessment)
        earlier = assessments.previous(assessment)
        key = report_key(assessment, language, branding, peers, earlier)
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
    files = []
    for assessment in items:
        if assessment.id in jobs:
            job = jobs[assessment.id]
            if not by_output[job.output].ok:
                raise RuntimeError("; ".join(by_output[job.output].errors))
            found[assessment.id] = job.output.read_bytes()
            cache.put(keys[assessment.id], found[assessment.id])
        files.append(
            (report_filename(assessment, assessment.client.report_language), found[assessment.id])
        )
    for leftover in work.iterdir():
        leftover.unlink()
    work.rmdir()
    return files
