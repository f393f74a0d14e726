"""Simulated respondents: many at once, each a browser going through the whole quiz.

Each one fetches every form, sends its CSRF token and cookies back, picks a random option
for every question and follows the redirects, with no think time. What the server
acknowledged (the redirect after a POST) is recorded, so that the test can hold the
database to it: every acknowledged answer saved, nothing else, nothing twice.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HIDDEN_DIMENSION = re.compile(r'name="dimension" type="hidden" value="([^"]*)"')
RADIO = re.compile(r'<input[^>]* name="([^"]+)" type="radio" value="([^"]*)"')

#: Generous: the server is shared with the driver and other work on a 2-core machine, and
#: a timeout would be counted as a failure of the server.
REQUEST_TIMEOUT = 120


class Interrupted(Exception):
    """The connection failed (the server was killed); the respondent stops here."""


@dataclass
class Tally:
    """What all respondents saw, for the test's assertions."""

    statuses: Counter = field(default_factory=Counter)
    acknowledged_pages: int = 0
    transport_errors: int = 0


@dataclass
class Respondent:
    """One bank manager, identified by a seed so that a failed run can be replayed."""

    seed: int
    tally: Tally
    token: str | None = None
    #: Answers the server acknowledged, by question id, as form values ("0.25", "na").
    acknowledged: dict[str, str] = field(default_factory=dict)
    #: A page sent but not acknowledged (the server died): it may or may not be saved.
    in_doubt: dict[str, str] = field(default_factory=dict)
    finished: bool = False

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    async def run(self, base_url: str) -> None:
        """Start (unless started before) or resume, and answer every page to the review."""
        async with httpx.AsyncClient(
            base_url=base_url, timeout=REQUEST_TIMEOUT, follow_redirects=False
        ) as client:
            self.client = client
            try:
                if self.token is None:
                    location = await self._start()
                else:
                    location = await self.resume_location()
                while not location.endswith("/review"):
                    location = await self._answer_page(location)
                await self._get(f"/a/{self.token}/results")
                self.finished = True
            except Interrupted:
                pass
            finally:
                self.client = None

    async def resume_location(self) -> str:
        """Follow the resume link and return where it leads (a step, or the review)."""
        response = await self._get(f"/a/{self.token}", expect=302)
        return urlparse(response.headers["location"]).path

    async def _start(self) -> str:
        page = await self._get("/start")
        response = await self._post(
            "/start",
            {"csrf_token": _one(CSRF, page.text), "bank_name": f"Load Bank {self.seed}"},
        )
        self.token = urlparse(response.headers["location"]).path.split("/")[2]
        return await self.resume_location()

    async def _answer_page(self, path: str) -> str:
        page = await self._get(path)
        options: dict[str, list[str]] = {}
        for name, value in RADIO.findall(page.text):
            options.setdefault(name, []).append(value)
        answers = {qid: self.rng.choice(values) for qid, values in options.items()}
        data = {
            "csrf_token": _one(CSRF, page.text),
            "dimension": _one(HIDDEN_DIMENSION, page.text),
            "nav": "next",
            **answers,
        }
        self.in_doubt = answers
        response = await self._post(path, data)
        self.acknowledged.update(answers)
        self.in_doubt = {}
        self.tally.acknowledged_pages += 1
        return urlparse(response.headers["location"]).path

    async def _get(self, path: str, expect: int = 200) -> httpx.Response:
        return await self._send("GET", path, expect)

    async def _post(self, path: str, data: dict) -> httpx.Response:
        return await self._send("POST", path, 302, data)

    async def _send(self, method: str, path: str, expect: int, data=None) -> httpx.Response:
        try:
            response = await self.client.request(method, path, data=data)
        except httpx.TransportError as exc:
            self.tally.transport_errors += 1
            raise Interrupted from exc
        self.tally.statuses[response.status_code] += 1
        if response.status_code != expect:
            raise AssertionError(
                f"{method} {path} answered {response.status_code}, expected {expect}: "
                f"{response.text[:300]}"
            )
        return response


def _one(pattern: re.Pattern, text: str) -> str:
    match = pattern.search(text)
    assert match, f"no {pattern.pattern!r} in the page"
    return match.group(1)


async def run_all(respondents: list[Respondent], base_url: str, timeout: float) -> None:
    """Run the respondents at once; fail if they are not all done in ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        await asyncio.gather(*(r.run(base_url) for r in respondents))
