"""Run the app under a real gunicorn on a free loopback port, for the load and crash tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

#: How long gunicorn may take to answer its first /healthz.
START_TIMEOUT = 60


def free_port() -> int:
    """A port nobody listens on right now (the kernel's pick for port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn --preload "assessor:create_app()"`` with the production settings.

    It runs in its own process group, so :meth:`kill` can SIGKILL the master and every
    worker at once, as a power cut or the OOM killer would.
    """

    def __init__(self, database_url: str, workdir: Path, workers: int = 2, port: int = 0):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "gunicorn.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "load-test-secret-" + "0" * 32,
            "ASSESSOR_REPORT_CACHE_DIR": str(workdir / "report-cache"),
            # Plain HTTP on loopback: a Secure cookie would never come back from the driver.
            "ASSESSOR_SESSION_COOKIE_SECURE": "false",
        }
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--preload",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--graceful-timeout",
            "5",
            "assessor:create_app()",
        ]

    def start(self) -> Gunicorn:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited on start:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz in {START_TIMEOUT}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the master and all its workers: no shutdown, no cleanup."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM), and kill whatever is left after a while."""
        if self.process is None:
            return
        self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # workers left behind, if any
        self.process.wait(timeout=30)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
