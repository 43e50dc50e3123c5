"""``bloomr``: the maintainer's command. It parses, calls the library, prints; no logic of its own.

Examples::

    bloomr check                       # validate the whole corpus, every error at once
    bloomr index                       # validate, build a new generation, switch atomically
    bloomr index --update              # re-index only what changed
    bloomr withdraw audrey-consultante # gone at once, purged from every kept generation
    bloomr search "infirmiere" --region FR-BRE --json
    bloomr review                      # submissions and edits waiting for moderation
    bloomr accept 7                    # publish submission 7: corpus file, index updated
    bloomr insights --since 30d        # what youths searched and did not find (--json, --html FILE)
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from web.settings import Settings, settings_help
from search.errors import BloomrError, CorpusError
from search.french import NBSP, NNBSP, plural, quoted
from search.facet_specs import FACETS

Handler = Callable[[argparse.Namespace, Settings], int]


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        corpus=getattr(args, "corpus", None),
        index=getattr(args, "index", None),
        rome=getattr(args, "rome", None),
    )


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _size(n: int) -> str:
    for unit in ("o", "Ko", "Mo", "Go"):
        if n < 1024 or unit == "Go":
            return f"{n:,.0f} {unit}".replace(",", " ") if unit == "o" else f"{n:,.1f} {unit}".replace(",", " ")
        n = n / 1024  # type: ignore[assignment]
    return str(n)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the corpus: every problem as ``path:line: message — remedy``, then a summary.

    Example: bloomr check --corpus corpus
    """
    from indexer.corpus import format_summary, load_corpus, summarize

    report = load_corpus(settings.corpus, rome_dir=settings.rome)
    for problem in report.problems:
        _out(str(problem))
    summary = summarize(report)
    if report.problems:
        _out()
    _out("Corpus : " + format_summary(summary) + ".")
    if report.errors:
        _out(f"{plural(report.error_count, 'erreur')}, {plural(report.warning_count, 'avertissement')}.")
        return 1
    _out(f"Aucune erreur ({plural(report.warning_count, 'avertissement')}).")
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """Validate, build a new generation (or update the current one) and switch to it atomically.

    Example: bloomr index --corpus corpus --index var/index [--update]
    """
    from bloomr.progress import ProgressPrinter
    from indexer.pipeline import index_corpus

    try:
        built, report = index_corpus(
            settings.corpus,
            settings.index,
            rome_dir=settings.rome,
            update=args.update,
            progress=ProgressPrinter(),
            procs=args.procs,
        )
    except CorpusError as exc:
        for problem in exc.problems:
            _err(problem)
        raise
    for notice in report.warnings:
        if notice.field == "taxonomy":  # the shipped taxonomy stood in for a missing one
            _out(str(notice))
    _out(f"Génération {built.generation} en service ({settings.index}).")
    if args.update:
        _out(f"  ajoutés {built.added}, modifiés {built.changed}, retirés {built.removed}")
    _out(
        f"  indexés {built.indexed} · retirés ignorés {built.withdrawn_skipped} · avertissements {report.warning_count}"
        f" · durée {built.duration_s:.2f} s · {built.docs_per_s:,.0f} doc/s · taille {_size(built.size_bytes)}"
    )
    if built.previous:
        _out(f"  précédente conservée pour bloomr rollback : {built.previous}")
    if built.cleaned:
        _out(f"  nettoyé : {', '.join(built.cleaned)}")
    _purges(_volunteers(settings))
    return 0


def cmd_rollback(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the previous generation again. Example: bloomr rollback --index var/index"""
    from indexer.pipeline import rollback_index

    current, previous = rollback_index(settings.index)
    _out(f"Génération {current} de nouveau en service (la précédente, {previous}, reste disponible).")
    return 0


def cmd_withdraw(args: argparse.Namespace, settings: Settings) -> int:
    """Withdraw a testimonial at once and for good. Example: bloomr withdraw audrey-consultante"""
    from indexer.pipeline import withdraw
    from search.layout import LEDGER

    done = withdraw(settings.index, args.id, corpus_dir=settings.corpus)
    _out(f"Témoignage « {done.id} » retiré le {done.time}.")
    _out(f"  générations purgées : {', '.join(done.generations) or 'aucune'}")
    mark, json_mark = quoted("status: withdrawn"), quoted('"status": "withdrawn"')
    if done.corpus_file:
        _out(f"  fichier marqué {mark} (relu){NBSP}: {done.corpus_file}")
    elif done.corpus_problem is None:
        _out(f"  aucun fichier de {settings.corpus} ne le contient{NBSP}: rien à marquer")
    else:
        _err(f"bloomr{NBSP}: le fichier du corpus n’a pas pu être marqué {mark}{NBSP}: {done.corpus_problem}.")
        _err(f"  Le témoignage est retiré de cet index, et {LEDGER} l’écarte de ses reconstructions{NNBSP}; mais un"
             " index construit ailleurs depuis ce corpus le publierait de nouveau.")
        _err(f"  Remède{NBSP}: ajoutez vous-même la ligne {mark} à son en-tête (ou {json_mark}"
             " à son enregistrement JSON), puis vérifiez avec bloomr check.")
        return 1
    return 0


def _volunteers(settings: Settings) -> Any:
    from volunteers.config import Config
    from volunteers.mail import SmtpConfig
    from volunteers.store import Store

    return Config(
        store=Store(settings.volunteers_db), index_dir=settings.index, corpus_dir=settings.corpus,
        rome_dir=settings.rome, smtp=SmtpConfig.parse(settings.smtp_url), sender=settings.mail_from,
    )


def cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    """List the submissions and edits waiting for moderation, oldest first. Example: bloomr review --json"""
    from volunteers.moderation import review

    config = _volunteers(settings)
    waiting = review(config)
    queued = [p.testimonial_id for p in config.store.purges()]
    if args.json:
        _out(json.dumps({"pending": waiting, "queued_purges": queued}, ensure_ascii=False, indent=2))
        return 0
    if not waiting:
        _out("Rien à relire.")
    for item in waiting:
        kind = f"modification de {item['testimonial_id']}" if item["kind"] == "edit" else "nouveau"
        rome = f"{item['rome']} {item['rome_label']}" if item["rome"] else "fiche ROME à choisir (accept N --fiche CODE)"
        _out(f"n° {item['id']} · {item['sent'][:10]} · {kind} · {item['name']}, {item['profession']} · "
             f"{item['region']} ({item['country']}) · {item['words']} mots · {rome}")
    if waiting:
        _out(f"{plural(len(waiting), 'envoi')} à relire{NBSP}: bloomr show N, puis bloomr accept N ou bloomr reject N --reason \"…\".")
    if queued:
        _out(f"Retraits dont l’effacement attend le verrou de construction : {', '.join(queued)}.")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    """Show a waiting submission in full, in the corpus format (and what an edit changes). Example: bloomr show 7"""
    from volunteers.moderation import show

    item = show(_volunteers(settings), args.id)
    if args.json:
        _out(json.dumps(item, ensure_ascii=False, indent=2))
        return 0
    kind = f"modification de {item['testimonial_id']}" if item["kind"] == "edit" else "nouveau témoignage"
    _out(f"Envoi n° {item['id']} ({kind}), version {item['version']}, envoyée le {item['sent'][:10]}"
         f" · courriel : {'oui' if item['email'] else 'non'}")
    if item["rome"]:
        _out(f"Fiche ROME reconnue : {item['rome']} {item['rome_label']}")
    else:
        _out("Fiche ROME non reconnue : choisissez-la avec bloomr accept N --fiche CODE.")
    _out()
    _out(item["diff"] if item["diff"] else item["text"])
    return 0


def cmd_accept(args: argparse.Namespace, settings: Settings) -> int:
    """Publish a waiting submission: corpus file (validated), index updated. Example: bloomr accept 7 [--fiche M1805]"""
    from volunteers.moderation import accept
    from web.routes import path_for

    def url_for(doc_id: str) -> str:
        base = settings.public_url.rstrip("/")
        return f"{base}{path_for('testimonial', testimonial_id=doc_id)}" if base else ""

    config = _volunteers(settings)
    try:
        done = accept(config, args.id, rome=args.fiche, url_for=url_for)
    except CorpusError as exc:
        for problem in exc.problems:
            _err(problem)
        raise
    for problem in done.warnings:
        _out(str(problem))
    what = "Modification publiée" if done.edit else "Témoignage publié"
    _out(f"{what} : « {done.testimonial_id} » ({done.path}), génération {done.built.generation} en service.")
    if done.mailed is not None:
        _out("  courriel envoyé à la personne" if done.mailed else "  le courriel à la personne n’est pas parti (voir le journal)")
    _purges(config)
    return 0


def cmd_reject(args: argparse.Namespace, settings: Settings) -> int:
    """Refuse a waiting submission; the reason is shown to the volunteer. Example: bloomr reject 7 --reason "…" """
    from volunteers.moderation import reject

    mailed = reject(_volunteers(settings), args.id, reason=args.reason)
    _out(f"Envoi n° {args.id} refusé ; la raison s’affiche sur la page de gestion de la personne.")
    if mailed is not None:
        _out("  courriel envoyé à la personne" if mailed else "  le courriel à la personne n’est pas parti (voir le journal)")
    return 0


def _purges(config: Any) -> None:
    """Erase the withdrawals that waited for the build lock (a volunteer withdrew during a build)."""
    from volunteers.control import process_purges

    if not config.store.path.exists():
        return
    done = process_purges(config)
    if done:
        _out(f"  retraits effacés de l’index : {', '.join(done)}")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the website on http://HOST:PORT. Example: bloomr serve --port 8000"""
    import uvicorn

    from web.server import KEEP_ALIVE_S, GuardedH11Protocol

    os.environ["BLOOMR_INDEX"] = str(settings.index)
    os.environ["BLOOMR_CORPUS"] = str(settings.corpus)
    host = args.host or settings.host
    port = args.port or settings.port
    _out(f"Bloomr sur http://{host}:{port} (index {settings.index}) — Ctrl+C pour arrêter.")
    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers or settings.workers,
        log_level="warning",
        access_log=False,
        http=GuardedH11Protocol,  # a head deadline, a cap on idle connections, a French 400 (web/server.py)
        timeout_keep_alive=KEEP_ALIVE_S,  # idle sockets are capped by the guard; a short timer loses requests
        # No limit_concurrency: uvicorn counts open connections there, so idle sockets would turn
        # every visitor away; requests in progress are capped by web.security.GuardMiddleware.
        h11_max_incomplete_event_size=16 * 1024,
        server_header=False,
    )
    return 0


def _filters(args: argparse.Namespace) -> dict[str, list[str]]:
    return {spec.name: list(getattr(args, spec.name) or []) for spec in FACETS}


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    """Search like the website does. Example: bloomr search "ingenieur du son" --region FR-IDF --json"""
    from search.index import IndexHandle
    from search.query import search

    generation = IndexHandle(settings.index).current()
    results = search(
        generation, args.query, filters=_filters(args), sort=args.sort, page=args.page, page_size=args.page_size
    )
    data: dict[str, Any] = results.to_dict()
    if args.json:
        _out(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    relaxed = f" (recherche élargie{NBSP}: tous les mots ne sont pas présents)" if data["relaxed"] else ""
    _out(f"{plural(data['total'], 'résultat')} pour {quoted(data['query'])}{relaxed} — page {data['page']}")
    for hit in data["hits"]:
        _out(f"- {hit['id']} · {hit['name']}, {hit['profession']} · {hit['region']} · {hit['published']}")
        snippet = html.unescape(hit["snippet"].replace("<mark>", "[").replace("</mark>", "]"))
        _out(f"    [{hit['section']}] {snippet}")
    if data.get("suggestion"):
        _out(f"Vouliez-vous dire « {data['suggestion']} » ?")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Corpus coverage figures (sectors, fiches, regions, themes…). Example: bloomr stats --json"""
    from indexer.corpus import load_corpus
    from indexer.stats import coverage

    report = load_corpus(settings.corpus, rome_dir=settings.rome)
    figures = coverage(report.testimonials)
    if args.json:
        _out(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        for key, value in figures.items():
            _out(f"{key}: {value}")
    return 0


def cmd_themes(args: argparse.Namespace, settings: Settings) -> int:
    """Explain why each advice theme was given to a testimonial. Example: bloomr themes audrey-consultante"""
    from indexer.corpus import load_corpus
    from indexer.themes import explain

    report = load_corpus(settings.corpus, rome_dir=settings.rome)
    for t in report.testimonials:
        if t.id == args.id:
            declared = "déclarés" if t.themes_declared else "déduits du conseil"
            _out(f"{t.id} : thèmes {declared} : {', '.join(t.themes) or 'aucun'}")
            for line in explain(t.sections.conseils):
                _out("  " + line)
            return 0
    _err(f"Aucun témoignage « {args.id} » dans {settings.corpus}.")
    return 1


def cmd_insights(args: argparse.Namespace, settings: Settings) -> int:
    """What youths searched and did not find: the recruiting list, searches without result, coverage.

    Counts are aggregate (per day, no address, no user agent); words seen fewer than 5 times in
    the period are never shown. Example: bloomr insights --since 30d --html rapport.html
    """
    from insights.html import render_html
    from insights.period import period
    from insights.recorder import utc_today
    from insights.report import build_report
    from insights.store import Store
    from insights.text import render_text
    from search.index import IndexHandle

    since, until = period(args.since, args.until, today=utc_today())
    path = args.db or settings.insights_path
    generation = IndexHandle(settings.index).current()
    report = build_report(Store(path).totals(since, until), generation)
    if args.html:
        args.html.write_text(render_html(report), encoding="utf-8")
    if args.json:
        _out(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif args.html:
        searches = f"{report.searches:,}".replace(",", " ")
        _out(f"Rapport écrit dans {args.html} ({searches} recherches, {len(report.unmet)} métiers à recruter).")
    else:
        if not path.exists():
            _out(f"(aucune recherche enregistrée pour l’instant : {path} n’existe pas encore)")
        _out(render_text(report, top=args.top))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bloomr",
        description=__doc__,
        epilog=settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, *, corpus: bool = False, index: bool = False) -> argparse.ArgumentParser:
        doc = handler.__doc__ or ""
        p = sub.add_parser(name, help=doc.splitlines()[0], description=doc)
        if corpus:
            p.add_argument("--corpus", type=Path, help="corpus directory (BLOOMR_CORPUS)")
            p.add_argument("--rome", type=Path, help="ROME 4.0 CSV export directory (BLOOMR_ROME)")
        if index:
            p.add_argument("--index", type=Path, help="index directory (BLOOMR_INDEX)")
        p.set_defaults(handler=handler)
        return p

    add("check", cmd_check, corpus=True)
    p = add("index", cmd_index, corpus=True, index=True)
    p.add_argument("--update", action="store_true", help="re-index only added, changed or removed testimonials")
    p.add_argument("--procs", type=int, default=1, help="writer processes (2 halves a large build)")
    add("rollback", cmd_rollback, index=True)
    p = add("withdraw", cmd_withdraw, corpus=True, index=True)
    p.add_argument("id", help="testimonial id (file name without .md)")
    p = add("serve", cmd_serve, index=True)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int)
    p = add("search", cmd_search, index=True)
    p.add_argument("query", nargs="?", default="")
    for spec in FACETS:
        p.add_argument(f"--{spec.name}", action="append", metavar=spec.name.upper(), help=f"{spec.cli_help}; repeatable")
    p.add_argument("--sort", default="relevance", choices=("relevance", "recent", "random"))
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--page-size", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p = add("stats", cmd_stats, corpus=True)
    p.add_argument("--json", action="store_true")
    p = add("themes", cmd_themes, corpus=True)
    p.add_argument("id")
    p = add("insights", cmd_insights, index=True)
    p.add_argument("--since", default="30d", help="start: a duration (30d, 8w, 6m) or a date YYYY-MM-DD (default 30d)")
    p.add_argument("--until", help="last day included, YYYY-MM-DD (default today, UTC)")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.add_argument("--html", type=Path, metavar="FILE", help="write a one-page report with charts, for a coordinator")
    p.add_argument("--db", type=Path, help="demand database (BLOOMR_INSIGHTS_DB)")
    p.add_argument("--top", type=int, default=20, help="lines per list in the text report (default 20)")
    p = add("review", cmd_review, corpus=True, index=True)
    p.add_argument("--json", action="store_true")
    p = add("show", cmd_show, corpus=True, index=True)
    p.add_argument("id", type=int, help="submission number (bloomr review)")
    p.add_argument("--json", action="store_true")
    p = add("accept", cmd_accept, corpus=True, index=True)
    p.add_argument("id", type=int, help="submission number (bloomr review)")
    p.add_argument("--fiche", metavar="CODE", help="ROME fiche code when the profession is not recognised (M1805)")
    p = add("reject", cmd_reject, corpus=True, index=True)
    p.add_argument("id", type=int, help="submission number (bloomr review)")
    p.add_argument("--reason", required=True, help="why, in a sentence the volunteer will read")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings(args)
        code: int = args.handler(args, settings)
        return code
    except BloomrError as exc:
        _err(f"bloomr : {exc}")
        return 1
    except ValueError as exc:  # a malformed BLOOMR_* setting
        _err(f"bloomr : {exc}")
        return 2
    except KeyboardInterrupt:
        _err("bloomr : interrompu.")
        return 130
    except BrokenPipeError:  # output piped into head & co.: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
