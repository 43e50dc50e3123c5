"""One uvicorn process serving the app, for the tests that need real HTTP on 127.0.0.1.

Its output is drained by a thread for as long as it runs: a pipe nobody reads fills at 64 KB, and
a server blocked writing its log stops answering, so a test would wait on it forever. The log
stays readable (``log()``) for the tests that check what the server wrote.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTED = "Application startup complete"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Uvicorn:
    """``uvicorn web.app:create_app`` as ``bloomr serve`` runs it, with ``env`` added to this environment."""

    def __init__(self, env: dict[str, str], *, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._lines: list[str] = []
        self._started = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--no-access-log"],
            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self._reader = threading.Thread(target=self._drain, name=f"uvicorn-{self.port}-log", daemon=True)
        self._reader.start()
        if not self._started.wait(START_TIMEOUT_S) or self.process.poll() is not None:
            self.kill()
            pytest.fail(f"uvicorn did not start within {START_TIMEOUT_S:.0f} s:\n{self.log()}")

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)
            if STARTED in line:
                self._started.set()
        self._started.set()  # it ended: whoever waits finds out from poll()

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return "".join(self._lines)

    def stop(self) -> int:
        """SIGTERM (the lifespan runs its shutdown), SIGKILL if it is still there after 30 s; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
        self._closed()
        return self.process.returncode

    def kill(self) -> int:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=STOP_TIMEOUT_S)
        self._closed()
        return self.process.returncode

    def _closed(self) -> None:
        self._reader.join(timeout=STOP_TIMEOUT_S)  # it has read to the end of the log
        assert self.process.stdout is not None
        self.process.stdout.close()
