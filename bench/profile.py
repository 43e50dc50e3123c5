"""Profile the results-page search path (top-10 + every facet count) on the query mix.

    python -m bench.profile --docs 10000            # builds var/bench/profile-10000 once, then profiles
    python -m bench.profile --index var/bench/10000/index --repeat 20
    python -m bench.profile --docs 10000 --pages    # whole results pages through the app, cache off

``--pages`` asks the site itself (in process, through its ASGI app, page cache disabled so every
page is built) and prints the CPU milliseconds a page costs before the tree.

Uses pyinstrument (``pip install pyinstrument``) and prints its text tree; ``--html FILE``
writes the interactive report as well.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.__main__ import MIX, WORKDIR, whoosh_full
from bench.generate import default_rome_dir


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--index", type=Path, help="an existing index directory (else one is built)")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--pages", action="store_true", help="whole results pages through the app, not only the search")
    parser.add_argument("--rome", type=Path, default=default_rome_dir())
    args = parser.parse_args(argv)
    try:
        from pyinstrument import Profiler
    except ModuleNotFoundError:
        raise SystemExit("bench.profile: pyinstrument is missing — pip install pyinstrument") from None
    from search.index import IndexHandle

    index_dir = args.index or WORKDIR / f"profile-{args.docs}"
    if not (index_dir / "current").exists():
        command = [sys.executable, "-m", "bench.build", "--docs", str(args.docs), "--index", str(index_dir), "--procs", "2"]
        if args.rome is not None:
            command += ["--rome", str(args.rome)]
        print(f"building {index_dir}…", file=sys.stderr)
        subprocess.run(command, check=True)
    if args.pages:
        run = pages(index_dir)
    else:
        generation = IndexHandle(index_dir).current()
        run = lambda: [whoosh_full(generation, q) for q in MIX]  # noqa: E731
    run()  # first runs build the per-generation caches; profile the steady state
    profiler = Profiler(interval=0.0005)
    cpu = time.process_time()
    profiler.start()
    for _ in range(args.repeat):
        run()
    profiler.stop()
    cpu = time.process_time() - cpu
    what = "results page" if args.pages else "search (top-10 + facets)"
    print(f"{what}: {cpu / (args.repeat * len(MIX)) * 1000:.1f} ms of CPU each, mean over {args.repeat} × {len(MIX)} "
          f"queries of the mix (profiler on)\n")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html is not None:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    return 0


def pages(index_dir: Path) -> Callable[[], None]:
    """Every query of the mix's results page from the site's own view, in this thread (a profiler
    sees one thread; the middleware only adds headers), page cache off: each page is built."""
    from urllib.parse import urlsplit

    from starlette.requests import Request
    from starlette.testclient import TestClient

    from web import views
    from web.app import create_app
    from web.pagecache import PageCache
    from web.settings import Settings

    app = create_app(Settings(index=index_dir, insights_db=None))
    TestClient(app).__enter__()  # the lifespan opens the index; the process ends with the profile
    app.state.pages = PageCache(budget=0)  # nothing kept: each page is built, as on a cache miss

    def request(path: str) -> Request:
        parts = urlsplit(path)
        return Request({
            "type": "http", "method": "GET", "path": parts.path, "raw_path": parts.path.encode(), "root_path": "",
            "query_string": parts.query.encode(), "scheme": "http", "server": ("127.0.0.1", 80),
            "client": ("127.0.0.1", 50000), "app": app, "http_version": "1.1",
            "headers": [(b"host", b"127.0.0.1"), (b"accept-encoding", b"gzip"), (b"user-agent", b"Mozilla/5.0 bench")],
        })

    def run() -> None:
        for q in MIX:
            response = views.results(request(q.path()))
            assert response.status_code == 200, (q.label, response.status_code)

    return run


if __name__ == "__main__":
    sys.exit(main())
