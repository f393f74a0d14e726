"""Report rendering speed and memory, each measured side by side with its floor in one run.

    make bench            # or: .venv/bin/python bench/bench_report.py

1. the app's render (template + locked-down fetcher + WeasyPrint) against bare WeasyPrint
   printing the same HTML: target overhead at most 15%;
2. `assessor report` on one answers file, cold, against Chromium's --print-to-pdf of the
   same HTML (when /usr/bin/chromium exists): target at most 1.0x;
3. `assessor report --batch` on 20 files against 20 sequential Chromium prints: target at
   least 3x faster;
4. the resident memory of one process after 200 renders against after 20: target growth
   <= 10%; and, for information, the peak of the batch workers;
5. the workspace's ZIP export of 20 clients' reports (cold cache) against 20 sequential
   Chromium prints: the batch target, at least 3x faster.

Rows 2 and 3 are followed by WeasyPrint's own floor for the same words: the report's text
as unstyled paragraphs (no stylesheet, no tables, no fonts of ours), printed by a bare
`python -c "import weasyprint ..."`, cold, and 20 of them across the same worker count.
No stylesheet or code of ours can make the report faster than that, so when the floor
itself misses a target against Chromium, the target is out of WeasyPrint's reach for
this much text on this machine.

BENCH_RENDERS (default 200) and BENCH_BATCH (default 20) scale parts 3 to 5 down for a
quick look.
"""

from __future__ import annotations

import logging
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "answers.yaml"
ASSESSOR = Path(sys.executable).with_name("assessor")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]
RENDERS = int(os.environ.get("BENCH_RENDERS", "200"))
BATCH = int(os.environ.get("BENCH_BATCH", "20"))


def timed_side_by_side(*fns, repeat: int = 5) -> list[float]:
    """Median wall time of each of ``fns`` over ``repeat`` rounds, after one warm-up each.

    The runs alternate (a, b, a, b, ...), so a machine that gets busier or cooler during
    the measurement weighs on every contender alike.
    """
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, samples in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    return [statistics.median(samples) for samples in times]


def run(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - start


def chromium_print(html: Path, pdf: Path, profile: Path) -> float:
    return run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ]
    )


def row(name: str, ours: float, floor: float, unit: str, target: str, ok: bool) -> None:
    ratio = ours / floor if floor else float("nan")
    print(
        f"{name:<44} {ours:>9.3f} {floor:>9.3f} {unit:<3} {ratio:>7.2f}x  {target:<14} "
        f"{'met' if ok else 'NOT met'}"
    )


def main() -> None:
    import weasyprint

    from assessor.domain.answersfile import load_answers
    from assessor.domain.bank import load_bank
    from assessor.pdf import render

    data = load_answers(EXAMPLE, load_bank())
    html = render.render_html(data)
    work = Path(tempfile.mkdtemp(prefix="assessor-bench-"))
    print(f"{'measure':<44} {'ours':>9} {'floor':>9}     {'ratio':>8}  {'target':<14} result")

    app, bare = timed_side_by_side(
        lambda: render.render_pdf(data),
        lambda: weasyprint.HTML(string=html, base_url=render.BASE_URL).write_pdf(),
    )
    row("1. render, app vs bare WeasyPrint", app, bare, "s", "<= 1.15x", app <= 1.15 * bare)

    # Next to a copy of the package's static files, so that Chromium prints the same
    # document: the HTML links its stylesheet and fonts relative to that folder.
    shutil.copytree(render.static_dir(), work, dirs_exist_ok=True)
    html_file = work / "report.html"
    html_file.write_text(html, encoding="utf-8")
    have_chromium = Path(CHROMIUM).exists()
    cold = statistics.median(
        run([str(ASSESSOR), "report", str(EXAMPLE), "-o", str(work / "cli.pdf")]) for _ in range(3)
    )
    if have_chromium:
        chrome = statistics.median(
            chromium_print(html_file, work / f"c{i}.pdf", work / f"profile{i}") for i in range(3)
        )
        row(
            "2. assessor report (cold) vs Chromium print",
            cold,
            chrome,
            "s",
            "<= 1.0x",
            cold <= chrome,
        )
        plain_file = work / "plain.html"
        plain_file.write_text(plain_paragraphs(html), encoding="utf-8")
        plain_cold = statistics.median(
            plain_print(plain_file, work / "plain.pdf") for _ in range(3)
        )
        reference(
            "   WeasyPrint floor: same words, unstyled",
            plain_cold,
            chrome,
            "vs Chromium",
        )
    else:
        print(f"2. assessor report (cold): {cold:.3f} s; no Chromium at {CHROMIUM} to compare")

    batch_in = work / "batch"
    batch_in.mkdir()
    for n in range(BATCH):
        text = EXAMPLE.read_text(encoding="utf-8").replace("Żółkiewce", f"Żółkiewce {n}")
        (batch_in / f"bank{n:02}.yaml").write_text(text, encoding="utf-8")
    batch = run([str(ASSESSOR), "report", "--batch", str(batch_in), "-o", str(work / "out")])
    if have_chromium:
        sequential = sum(
            chromium_print(html_file, work / f"s{i}.pdf", work / f"seq{i}") for i in range(BATCH)
        )
        # Here the ratio is Chromium's time over ours: how many times faster the batch is.
        ratio_row = f"3. --batch {BATCH} vs {BATCH} sequential Chromium"
        print(
            f"{ratio_row:<44} {batch:>9.3f} {sequential:>9.3f} s   "
            f"{sequential / batch:>7.2f}x  {'>= 3x faster':<14} "
            f"{'met' if sequential >= 3 * batch else 'NOT met'}"
        )
        plain_batch = plain_prints_in_parallel(plain_file, work / "plain-batch", BATCH)
        print(
            f"{'   WeasyPrint floor: same words, unstyled':<44} {plain_batch:>9.3f} "
            f"{sequential:>9.3f} s   {sequential / plain_batch:>7.2f}x  (reference: the "
            "renderer's own limit)"
        )
    else:
        print(f"3. --batch {BATCH}: {batch:.3f} s; no Chromium to compare")

    probe = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(EXAMPLE), str(RENDERS)],
        check=True,
        capture_output=True,
        text=True,
    )
    early, late = (int(x) for x in probe.stdout.split())
    row(
        f"4. one process, RSS after {RENDERS} vs 20 renders",
        late / 1024,
        early / 1024,
        "MB",
        "<= 1.10x",
        late <= 1.10 * early,
    )
    pool_early = worker_peak_rss(EXAMPLE, min(20, RENDERS), work / "mem20")
    pool_late = worker_peak_rss(EXAMPLE, RENDERS, work / "mem")
    print(
        f"   (batch workers: peak "
        f"{pool_late / 1024:.0f} MB over {RENDERS} renders, {pool_early / 1024:.0f} MB over 20)"
    )

    if have_chromium:
        zipped = zip_export_time(BATCH, work / "zip")
        ratio_row = f"5. ZIP export of {BATCH} vs {BATCH} sequential Chromium"
        print(
            f"{ratio_row:<44} {zipped:>9.3f} {sequential:>9.3f} s   "
            f"{sequential / zipped:>7.2f}x  {'>= 3x faster':<14} "
            f"{'met' if sequential >= 3 * zipped else 'NOT met'}"
        )
    print(
        f"(cores: {os.cpu_count()}; Python {sys.version.split()[0]}; "
        f"WeasyPrint {weasyprint.__version__}; peak RSS of this process "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)"
    )
    shutil.rmtree(work, ignore_errors=True)


def reference(name: str, ours: float, floor: float, against: str) -> None:
    """A row that is not a target: what the renderer alone does, for comparison."""
    print(
        f"{name:<44} {ours:>9.3f} {floor:>9.3f} s   {ours / floor:>7.2f}x  "
        f"(reference: the renderer's own limit, {against})"
    )


#: Block-level closing tags: each ends one paragraph of the unstyled floor document.
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|dt|dd|figcaption|caption)>", re.IGNORECASE)


def plain_paragraphs(report_html: str) -> str:
    """The words of ``report_html`` as unstyled paragraphs: WeasyPrint's floor for them."""
    body = report_html.split("<body", 1)[-1]
    body = re.sub(r"<(style|svg)\b.*?</\1>", " ", body, flags=re.DOTALL | re.IGNORECASE)
    paragraphs = []
    for chunk in _BLOCK_END.split(body):
        text = " ".join(re.sub(r"<[^>]+>", " ", chunk).split())
        if text:
            paragraphs.append(f"<p>{text}</p>")
    return "<!doctype html><html><body>" + "\n".join(paragraphs) + "</body></html>"


PLAIN_PRINT = "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"


def plain_print(html: Path, pdf: Path) -> float:
    """A cold ``python -c`` that imports WeasyPrint and prints ``html``: its floor, cold."""
    return run([sys.executable, "-c", PLAIN_PRINT, str(html), str(pdf)])


def _bare_print(html: Path, pdf: Path) -> None:
    import weasyprint

    weasyprint.HTML(filename=html).write_pdf(pdf)


def plain_prints_in_parallel(html: Path, out: Path, count: int) -> float:
    """``count`` plain prints across one process per core, WeasyPrint already imported.

    Forked from this process, which has imported WeasyPrint: the workers start warm, which
    makes this floor lower than anything a batch that starts its own workers can reach.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    out.mkdir()
    start = time.perf_counter()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context) as pool:
        list(pool.map(_bare_print, [html] * count, [out / f"{n}.pdf" for n in range(count)]))
    return time.perf_counter() - start


def worker_peak_rss(example: Path, renders: int, out: Path) -> int:
    """Highest resident size (kB) any batch worker reaches while rendering ``renders`` reports."""
    import threading

    from assessor.pdf import batch

    jobs = [batch.Job(answers=example, output=out / f"{n}.pdf") for n in range(renders)]
    peak = 0
    done = threading.Event()

    def sample() -> None:
        # Workers are forked by the fork server, itself our child: watch every descendant.
        nonlocal peak
        while not done.is_set():
            parents, rss = {}, {}
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    text = status.read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
                pid = int(status.parent.name)
                parents[pid] = int(fields["PPid"])
                if "VmRSS" in fields:
                    rss[pid] = int(fields["VmRSS"].split()[0])
            for pid, size in rss.items():
                ancestor = parents.get(pid)
                while ancestor and ancestor != os.getpid():
                    ancestor = parents.get(ancestor)
                if ancestor == os.getpid():
                    peak = max(peak, size)
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    outcomes = list(batch.render_many(jobs))
    done.set()
    sampler.join()
    assert all(o.ok for o in outcomes), [o.errors for o in outcomes if not o.ok]
    shutil.rmtree(out, ignore_errors=True)
    return peak


def zip_export_time(clients: int, instance: Path) -> float:
    """Seconds the workspace takes to answer a ZIP export of ``clients`` reports, none cached."""
    from flask_migrate import upgrade

    from assessor import create_app
    from assessor.domain.answersfile import load_answers
    from assessor.services import accounts
    from assessor.web.quiz.forms import value_key

    instance.mkdir(parents=True)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-" + "0" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'bench.db'}",
            "REPORT_CACHE_DIR": str(instance / "cache"),
            "WTF_CSRF_ENABLED": False,
        }
    )
    # The seeding's hundreds of requests would drown the figures in request-log lines.
    logging.getLogger("assessor-requests").setLevel(logging.WARNING)
    client = app.test_client()
    with app.app_context():
        upgrade()
        accounts.create("bench@firm.example", "bench password 123")
        answers = load_answers(EXAMPLE, app.extensions["assessor.domain.bank"]).answers
    client.post("/login", data={"email": "bench@firm.example", "password": "bench password 123"})
    bank = app.extensions["assessor.domain.bank"]
    for n in range(clients):
        made = client.post(
            "/workspace/clients/new", data={"name": f"Bank {n}", "report_language": "pl"}
        )
        client_id = made.location.rstrip("/").rsplit("/", 1)[1]
        started = client.post(f"/workspace/clients/{client_id}/assessments")
        page = client.get(started.location).get_data(as_text=True)
        token = page.split("/a/", 1)[1][:43]
        for step, dimension in enumerate(bank.dimensions, start=1):
            data = {q.id: value_key(answers[q.id]) for q in dimension.questions if q.id in answers}
            saved = client.post(f"/a/{token}/step/{step}", data={**data, "dimension": dimension.id})
            assert saved.status_code == 302, f"step {step} not saved: {saved.status_code}"
    start = time.perf_counter()
    response = client.post("/workspace/export.zip")
    elapsed = time.perf_counter() - start
    assert response.status_code == 200 and response.mimetype == "application/zip"
    return elapsed


MEMORY_PROBE = """
import sys
from pathlib import Path
from assessor.pdf import render
from assessor.domain.answersfile import load_answers
from assessor.domain.bank import load_bank

def rss_kb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

data = load_answers(sys.argv[1], load_bank())
renders = int(sys.argv[2])
early = None
for n in range(1, renders + 1):
    render.render_pdf(data)
    if n == min(20, renders):
        early = rss_kb()
print(early, rss_kb())
"""

if __name__ == "__main__":
    main()
