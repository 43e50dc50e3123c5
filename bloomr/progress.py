"""Progress display for long maintainer commands: a bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressPrinter:
    """``ProgressPrinter()(done, total)``: a bar with docs/s and ETA on a TTY, else a line every 10 %."""

    def __init__(self, stream: TextIO | None = None, *, label: str = "Indexation") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self._last_step = -1
        self._last_draw = 0.0

    def __call__(self, done: int, total: int) -> None:
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else 0.0
        if self.tty:
            now = time.perf_counter()
            if done < total and now - self._last_draw < 0.1:
                return
            self._last_draw = now
            width = 30
            filled = int(width * done / total) if total else width
            bar = "█" * filled + "·" * (width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{total} · {rate:,.0f} doc/s · reste {eta:,.0f} s ")
            if done >= total:
                self.stream.write("\n")
            self.stream.flush()
            return
        step = (10 * done // total) if total else 10
        if step != self._last_step or done == total:
            if step == self._last_step and done != total:
                return
            self._last_step = step
            self.stream.write(f"{self.label} : {done}/{total} ({rate:,.0f} doc/s, reste {eta:,.0f} s)\n")
            self.stream.flush()
