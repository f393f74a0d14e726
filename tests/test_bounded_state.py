"""State the app keeps between requests stays bounded, whatever the requests say."""

from __future__ import annotations

import gc
import logging
import tracemalloc

from assessor.web.requestlog import LOGGER_NAME

from .web import start


def test_distinct_prefixes_and_hosts_leave_memory_flat(app, client, monkeypatch):
    # pytest keeps every log record it captures; the request log would be all that grows.
    monkeypatch.setattr(logging.getLogger(LOGGER_NAME), "disabled", True)
    token = start(client)
    pages = ["/", "/methodology", f"/a/{token}/step/1"]

    def visit(n: int) -> None:
        for page in pages:
            response = client.get(
                page,
                environ_overrides={"SCRIPT_NAME": f"/prefix{n}", "HTTP_HOST": f"host{n}.example"},
            )
            assert response.status_code == 200

    for n in range(200):  # warm: templates compiled, pools filled
        visit(n)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(200, 2200):
        visit(n)
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    # 6,000 requests with 2,000 prefixes and hosts: nothing is kept per prefix or host.
    assert grown < 1_000_000, f"memory grew by {grown:,} bytes"
