"""``make soak``: load and soak on 127.0.0.1, with an index rebuild and switch in the middle.

``bloomr serve --workers 2`` on an index of the shipped corpus (built into a temporary directory),
then an asyncio + httpx load generator: a ramp of 5 -> 10 -> 20 -> 40 users, then 20 users for
10 minutes; halfway through the steady phase ``bloomr index`` rebuilds and switches the index.
Each user sends requests back to back with this mix: 70 % simple searches, 20 % facets and paging,
5 % JSON API, 5 % hostile requests (which must get a 4xx).

It prints, per phase and overall: requests, 5xx, unexpected statuses, connection errors,
p50/p95/p99 latency, and the server's RSS growth (all worker processes) from the end of the ramp
to the end. Pass: 0 5xx, 0 connection errors, p95 < 300 ms and p99 < 800 ms at 20 users, RSS growth
< 10 %; the exit status is 1 otherwise. Only loopback, always bounded in time::

    python -m bench.soak                                  # the full soak (about 11 minutes)
    python -m bench.soak --step-seconds 10 --steady-seconds 80   # a 2-minute version
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass
class Phase:
    name: str
    users: int
    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    server_errors: int = 0
    unexpected: int = 0
    connection_errors: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (Linux /proc)."""
    total = 0
    stack = [pid]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def bloomr(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bloomr.cli", *args], capture_output=True, text=True, **kwargs)


class Mix:
    """Builds the requests of the mix from the served facets (no corpus content hard-coded)."""

    def __init__(self, facets: dict[str, Any], seed: int) -> None:
        self.rng = random.Random(seed)
        self.values = {name: [v["value"] for v in facet["values"] if v["count"]] for name, facet in facets["facets"].items()}
        words: set[str] = set()
        for facet in ("profession", "sector", "theme"):
            for value in facets["facets"][facet]["values"]:
                words.update(w.strip("(),.’'").lower() for w in value["label"].split() if len(w) > 3)
        self.words = sorted(w for w in words if w.isalpha()) or ["infirmier"]
        self.words += ["infirmiere", "boulanger", "developpeur", "enseignant", "conseils", "reconversion", "infi", "ensei"]

    def query(self) -> str:
        return " ".join(self.rng.sample(self.words, k=self.rng.choice((1, 1, 1, 2, 2, 3))))

    def pick(self) -> tuple[str, str, str, dict[str, Any], tuple[int, ...]]:
        """(kind, method, path, params, accepted statuses)."""
        roll = self.rng.random()
        if roll < 0.70:
            return "search", "GET", "/recherche", {"q": self.query()}, (200,)
        if roll < 0.90:
            facet = self.rng.choice([f for f in ("sector", "region", "theme", "country", "profession") if self.values.get(f)])
            params: dict[str, Any] = {facet: self.rng.choice(self.values[facet])}
            if self.rng.random() < 0.5:
                params["q"] = self.query()
            params["page"] = self.rng.choice((1, 1, 2, 3))
            if self.rng.random() < 0.3:
                params["sort"] = self.rng.choice(("recent", "random", "relevance"))
            # a random order without its seed is sent to the URL that carries one (issue 15)
            return "facets", "GET", "/recherche", params, (303,) if params.get("sort") == "random" else (200,)
        if roll < 0.95:
            path = self.rng.choice(("/api/search", "/api/search", "/api/suggest", "/api/facets"))
            params = {"q": self.query()} if path != "/api/facets" else {}
            if path == "/api/suggest":
                params = {"q": self.query()[:4]}
            return "api", "GET", path, params, (200,)
        hostile = self.rng.choice(
            [
                ("GET", "/recherche", {"q": "x" * 900}, (400,)),
                ("GET", "/recherche", {"page": "abc"}, (400,)),
                ("GET", "/api/search", {"page_size": str(10**9)}, (400,)),
                ("GET", "/recherche", {"sector": ["A"] * 200}, (400,)),
                ("POST", "/recherche", {}, (405,)),
                ("GET", "/static/%2e%2e/%2e%2e/etc/passwd", {}, (404, 400)),
                ("GET", "/temoignages/nobody-at-all", {}, (404,)),
            ]
        )
        method, path, params, accepted = hostile
        return "hostile", method, path, params, accepted


async def user(client: httpx.AsyncClient, mix: Mix, phase_of: list[Phase], stop_at: float) -> None:
    while time.monotonic() < stop_at:
        phase = phase_of[0]
        kind, method, path, params, accepted = mix.pick()
        started = time.perf_counter()
        try:
            response = await client.request(method, path, params=params)
            elapsed = time.perf_counter() - started
        except httpx.HTTPError as exc:
            phase.connection_errors += 1
            if phase.connection_errors <= 5:  # always shown: the examples of statuses must not hide them
                phase.examples.insert(0, f"{type(exc).__name__} ({exc}) on {method} {path} {params}"[:300])
            continue
        phase.requests += 1
        phase.by_kind[kind] = phase.by_kind.get(kind, 0) + 1
        phase.latencies.append(elapsed)
        if response.status_code >= 500:
            phase.server_errors += 1
        if response.status_code not in accepted:
            phase.unexpected += 1
            if len(phase.examples) < 5:
                phase.examples.append(f"{response.status_code} on {method} {path} {params}"[:200])


async def run_phase(base: str, mix: Mix, phase: Phase, seconds: float, *, during: Any = None) -> Any:
    limits = httpx.Limits(max_connections=phase.users, max_keepalive_connections=phase.users)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        stop_at = time.monotonic() + seconds
        holder = [phase]
        tasks = [asyncio.create_task(user(client, mix, holder, stop_at)) for _ in range(phase.users)]
        result = None
        if during is not None:
            result = await during(holder)
        await asyncio.gather(*tasks)
        return result


def report(phases: list[Phase], rss: tuple[int, int], rebuild: str) -> bool:
    print()
    print(f"{'phase':<22}{'users':>6}{'requests':>10}{'req/s':>8}{'5xx':>6}{'unexp':>7}{'conn':>6}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for phase in phases:
        duration = getattr(phase, "seconds", 0) or 1
        print(f"{phase.name:<22}{phase.users:>6}{phase.requests:>10}{phase.requests / duration:>8.0f}"
              f"{phase.server_errors:>6}{phase.unexpected:>7}{phase.connection_errors:>6}"
              f"{phase.percentile(50):>9.1f}{phase.percentile(95):>9.1f}{phase.percentile(99):>9.1f}")
        for example in phase.examples:
            print(f"    e.g. {example}")
    total_5xx = sum(p.server_errors for p in phases)
    total_conn = sum(p.connection_errors for p in phases)
    total_unexpected = sum(p.unexpected for p in phases)
    at20 = Phase("20 users", 20)
    for phase in phases:
        if phase.users == 20:
            at20.latencies.extend(phase.latencies)
    before, after = rss
    growth = (after - before) / before * 100 if before else float("nan")
    kinds: dict[str, int] = {}
    for phase in phases:
        for kind, n in phase.by_kind.items():
            kinds[kind] = kinds.get(kind, 0) + n
    total = sum(kinds.values()) or 1
    print()
    print("mix: " + ", ".join(f"{k} {n / total * 100:.1f} %" for k, n in sorted(kinds.items())))
    print(f"rebuild: {rebuild}")
    print(f"RSS (server, all workers): {before / 1024:.1f} MiB after the ramp -> {after / 1024:.1f} MiB at the end "
          f"({growth:+.1f} %)")
    checks = [
        ("0 5xx", total_5xx == 0, f"{total_5xx}"),
        ("0 connection errors", total_conn == 0, f"{total_conn}"),
        ("p95 < 300 ms at 20 users", at20.percentile(95) < 300, f"{at20.percentile(95):.1f} ms"),
        ("p99 < 800 ms at 20 users", at20.percentile(99) < 800, f"{at20.percentile(99):.1f} ms"),
        ("RSS growth < 10 %", growth < 10, f"{growth:+.1f} %"),
    ]
    print(f"unexpected statuses (not 5xx): {total_unexpected}")
    for name, ok, value in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {value}")
    return all(ok for _, ok, _ in checks)


async def soak(args: argparse.Namespace, base: str, server_pid: int, index: Path) -> tuple[list[Phase], tuple[int, int], str]:
    async with httpx.AsyncClient(base_url=base, timeout=30.0) as client:
        facets = (await client.get("/api/facets")).json()
    mix = Mix(facets, args.seed)
    phases: list[Phase] = []
    for users in args.ramp:
        phase = Phase(f"ramp {users}", users)
        phase.seconds = args.step_seconds  # type: ignore[attr-defined]
        print(f"-- {phase.name} users for {args.step_seconds} s", flush=True)
        await run_phase(base, mix, phase, args.step_seconds)
        phases.append(phase)
    rss_before = rss_kb(server_pid)
    first = Phase(f"steady {args.steady_users} (1/2)", args.steady_users)
    second = Phase(f"steady {args.steady_users} (2/2)", args.steady_users)
    first.seconds = second.seconds = args.steady_seconds / 2  # type: ignore[attr-defined]
    rebuild_note = "skipped (--no-rebuild)"

    async def rebuild_in_the_middle(holder: list[Phase]) -> str:
        await asyncio.sleep(args.steady_seconds / 2)  # the soak's own clock, not a test
        holder[0] = second
        if args.no_rebuild:
            return rebuild_note
        async with httpx.AsyncClient(base_url=base, timeout=30.0) as probe:
            old = (await probe.get("/healthz")).json()["generation"]
            started = time.perf_counter()
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bloomr.cli", "index", "--corpus", str(args.corpus), "--index", str(index),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            out, err = await proc.communicate()
            took = time.perf_counter() - started
            new = (await probe.get("/healthz")).json()["generation"]
        if proc.returncode != 0:
            return f"FAILED ({proc.returncode}): {err.decode(errors='replace')[-300:]}"
        return f"{old} -> {new} in {took:.1f} s under load ({'switched' if new != old else 'NOT switched'})"

    print(f"-- steady {args.steady_users} users for {args.steady_seconds} s, rebuild at half-time", flush=True)
    rebuild_note = await run_phase(base, mix, first, args.steady_seconds, during=rebuild_in_the_middle)
    phases += [first, second]
    rss_after = rss_kb(server_pid)
    return phases, (rss_before, rss_after), rebuild_note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="corpus to index and serve")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--ramp", type=lambda s: [int(x) for x in s.split(",")], default=[5, 10, 20, 40])
    parser.add_argument("--step-seconds", type=float, default=30, help="duration of each ramp step")
    parser.add_argument("--steady-users", type=int, default=20)
    parser.add_argument("--steady-seconds", type=float, default=600)
    parser.add_argument("--no-rebuild", action="store_true", help="no index rebuild in the middle")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bloomr-soak-"))
    os.chmod(work, 0o755)
    index = work / "index"
    built = bloomr("index", "--corpus", str(args.corpus), "--index", str(index), timeout=600)
    if built.returncode != 0:
        print(built.stdout, built.stderr, file=sys.stderr)
        return 2
    port = args.port or free_port()
    base = f"http://{HOST}:{port}"
    log = open(work / "server.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "bloomr.cli", "serve", "--index", str(index), "--host", HOST, "--port", str(port),
         "--workers", str(args.workers)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                print((work / "server.log").read_text(errors="replace"), file=sys.stderr)
                return 2
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        print(f"bloomr serve --workers {args.workers} on {base}, index {index} "
              f"({httpx.get(f'{base}/healthz').json()['count']} testimonials)", flush=True)
        phases, rss, rebuild = asyncio.run(soak(args, base, server.pid, index))
        ok = report(phases, rss, rebuild)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
