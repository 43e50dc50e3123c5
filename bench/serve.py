"""Serving figures: ``bloomr serve`` in a subprocess on 127.0.0.1, driven by ``wrk``.

``measure(index_dir, paths, words=…, filters=…, duration=60, users=20)`` starts the server,
requests every path of the query mix once (so that every worker has opened the generation and
warmed its caches), reads the RSS of the server's process tree, then runs ``wrk`` with
``users`` connections on HTML results pages — the popular ``paths`` and a long tail of searches
composed from ``words`` and ``filters`` (``bench.load``) — and returns::

    {"serve_rss_mb": 310.5, "page_p50_ms": 21.0, "page_p95_ms": 80.2, "page_p99_ms": 140.9,
     "page_rps": 180.3, "requests": 10818, "errors": 0, "workers": 2, "duration_s": 60,
     "unique_share": 0.38, "cache_hit_rate": 0.55}

``available()`` says why serving cannot be measured (no web app yet, no wrk), or None.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import load

def available() -> str | None:
    """None when serving can be measured, else the reason it cannot."""
    probe = subprocess.run([sys.executable, "-c", "from web.app import create_app"], capture_output=True, text=True)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        return f"web.app does not import yet ({last})"
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install wrk)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_memory_mb(pid: int) -> dict[str, float]:
    """Memory of a process and all its descendants, from /proc: ``rss`` (the sum of their RSS, which
    counts the index pages every worker maps once per worker), ``pss`` (shared pages divided among the
    processes sharing them: the tree's real footprint) and ``anon`` (private memory: caches, objects)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    totals = {"rss": 0, "pss": 0, "anon": 0}
    fields = {"Rss:": "rss", "Pss:": "pss", "Anonymous:": "anon"}
    stack = [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/smaps_rollup", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    name = line.split(maxsplit=1)[0] if line.strip() else ""
                    if name in fields:
                        totals[fields[name]] += int(line.split()[1])
        except OSError:
            continue
    return {key: kb / 1024 for key, kb in totals.items()}


def _bloomr() -> list[str]:
    script = Path(sys.executable).parent / "bloomr"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from bloomr.cli import main; raise SystemExit(main())"]


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"bloomr serve exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"bloomr serve did not answer /healthz within {timeout:.0f} s")


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def measure(index_dir: Path, paths: Sequence[str], *, words: Sequence[str], filters: Sequence[str],
            duration: int = 60, users: int = 20, workers: int = 2, threads: int = 1) -> dict[str, Any]:
    """Start the server, warm it with the mix, read its RSS, load it with wrk; stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, BLOOMR_INDEX=str(index_dir))
    proc = subprocess.Popen(
        [*_bloomr(), "serve", "--index", str(index_dir), "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        _wait_ready(base, proc)
        warm_errors = 0
        # Each worker must see the mix: uvicorn spreads connections, so go around a few times.
        for _ in range(max(2, workers * 2)):
            warm_errors += sum(1 for p in paths if _get(base + p) != 200)
        memory = tree_memory_mb(proc.pid)
        script = Path(tempfile.mkdtemp(prefix="bloomr-wrk-")) / "mix.lua"
        script.write_text(load.script(paths, words, filters), encoding="utf-8")
        run = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{users}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), base],
            capture_output=True, text=True, check=False,
        )
        line = next((x for x in run.stdout.splitlines() if x.startswith("BENCHJSON ")), None)
        if line is None:
            raise RuntimeError(f"wrk gave no figures: {run.stdout[-500:]} {run.stderr[-500:]}")
        figures = json.loads(line[len("BENCHJSON "):])
        after = tree_memory_mb(proc.pid)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
    errors = sum(int(figures[k]) for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "serve_rss_mb": round(memory["rss"], 1),
        "serve_rss_after_load_mb": round(after["rss"], 1),
        "serve_pss_mb": round(memory["pss"], 1),
        "serve_pss_after_load_mb": round(after["pss"], 1),
        "serve_private_after_load_mb": round(after["anon"], 1),
        "page_p50_ms": round(figures["p50_us"] / 1000, 1),
        "page_p95_ms": round(figures["p95_us"] / 1000, 1),
        "page_p99_ms": round(figures["p99_us"] / 1000, 1),
        "page_rps": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        "requests": int(figures["requests"]),
        "errors": errors + warm_errors,
        "error_kinds": {k: int(figures[k]) for k in ("connect", "read", "write", "status", "timeout")},
        "workers": workers,
        "users": users,
        "duration_s": duration,
        "unique_share": round(int(figures["unique"]) / max(int(figures["requests"]), 1), 3),
        "cache_hit_rate": round(int(figures["hits"]) / max(int(figures["hits"]) + int(figures["misses"]), 1), 3),
    }
