"""`bloomr` as a maintainer runs it: real subprocesses, real files, exit codes and messages."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from bloomr.progress import ProgressPrinter
from search.french import NBSP, NNBSP

DATA = Path(__file__).resolve().parent / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"

HIT_KEYS = {"id", "name", "profession", "rome", "sector", "country", "region", "themes", "published", "score",
            "section", "snippet"}
FACETS = {"sector", "profession", "country", "region", "theme"}


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BLOOMR_")}
    return subprocess.run(
        [sys.executable, "-m", "bloomr.cli", *args],
        capture_output=True, text=True, timeout=120, env={**clean, **(env or {})}, cwd=cwd,
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("cli") / "index"
    done = run("index", "--corpus", str(GOOD), "--index", str(index_dir))
    assert done.returncode == 0, done.stderr
    return index_dir


def test_check_a_good_corpus_exits_0_with_a_summary() -> None:
    done = run("check", "--corpus", str(GOOD))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "Corpus : 9 témoignages (8 publiés, 1 retiré), 7 fiches ROME, 4 secteurs, 4 pays, 8 régions, 10 thèmes.",
        "Aucune erreur (0\u00a0avertissement).",
    ]


def test_check_a_bad_corpus_lists_every_error_as_path_line_and_exits_1(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(GOOD, corpus)
    chosen = ("unknown-region.md", "bad-date.md", "missing-field.md", "bad-records.jsonl")
    for name in chosen:
        shutil.copy(BAD / name, corpus / "testimonials" / name)
    done = run("check", "--corpus", str(corpus))
    assert done.returncode == 1
    problems = [line for line in done.stdout.splitlines() if re.match(r"^\S+:\d+: ", line)]
    for name in chosen:  # all of them at once, not the first
        assert any(line.startswith(f"{corpus / 'testimonials' / name}:") for line in problems), name
    assert any("Bretange" in line and "Bretagne" in line for line in problems)  # remedy: did you mean
    assert re.search(r"^\d+\u00a0erreurs?, \d+\u00a0avertissements?\.$", done.stdout, re.MULTILINE)
    assert "Traceback" not in done.stderr


def test_index_refuses_a_bad_corpus_and_prints_the_problems(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(GOOD, corpus)
    shutil.copy(BAD / "unknown-region.md", corpus / "testimonials")
    done = run("index", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert done.returncode == 1
    assert "unknown-region.md:" in done.stderr and "rien n’a été construit" in done.stderr
    assert not (tmp_path / "index" / "current").exists()


def test_search_json_has_the_shape_of_issue_5(index: Path) -> None:
    done = run("search", "infirmiere", "--index", str(index), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {"query", "total", "page", "page_size", "sort", "hits", "facets", "suggestion", "suggestion_total",
            "relaxed", "without_filter"} <= set(data)
    assert (data["query"], data["page"], data["page_size"], data["sort"]) == ("infirmiere", 1, 10, "relevance")
    assert data["total"] == 2 and {h["id"] for h in data["hits"]} == {"benedicte-infirmiere", "jerome-infirmier"}
    for hit in data["hits"]:
        assert HIT_KEYS <= set(hit)
        assert hit["section"] in {"metier", "parcours", "passion", "conseils"}
        assert "<mark>" in hit["snippet"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", hit["published"])
        assert isinstance(hit["themes"], list)
    assert set(data["facets"]) == FACETS
    for values in data["facets"].values():
        for value in values:
            assert {"value", "label", "count", "selected"} <= set(value)
    regions = {v["value"]: v for v in data["facets"]["region"]}
    assert regions["FR-BRE"]["count"] == 1 and regions["FR-BRE"]["parent"] == "FR"
    assert regions["FR-BRE"]["label"] == "Bretagne" and regions["FR-BRE"]["selected"] is False


def test_search_json_with_a_filter(index: Path) -> None:
    done = run("search", "infirmiere", "--region", "FR-BRE", "--index", str(index), "--json")
    data = json.loads(done.stdout)
    assert [h["id"] for h in data["hits"]] == ["benedicte-infirmiere"]
    selected = [v for v in data["facets"]["region"] if v["selected"]]
    assert [v["value"] for v in selected] == ["FR-BRE"]
    assert {(r["facet"], r["value"]) for r in data["without_filter"]} == {("region", "FR-BRE")}


def test_search_as_text(index: Path) -> None:
    done = run("search", "boulanger", "--index", str(index))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "1\u00a0résultat pour «\u00a0boulanger\u00a0» — page 1"
    assert lines[1].startswith("- moussa-boulanger · Moussa, Boulanger")


def test_search_without_an_index_says_how_to_build_it(tmp_path: Path) -> None:
    done = run("search", "x", "--index", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "bloomr index" in done.stderr and "Traceback" not in done.stderr


def test_themes_explains_inferred_and_declared_themes() -> None:
    inferred = run("themes", "moussa-boulanger", "--corpus", str(GOOD))
    assert inferred.returncode == 0, inferred.stderr
    lines = inferred.stdout.splitlines()
    assert lines[0] == "moussa-boulanger : thèmes déduits du conseil : alternance"
    assert lines[1] == "  alternance : score 4 (seuil 2) — retenu ; indices : « alternance », « apprentissage »"
    declared = run("themes", "audrey-consultante", "--corpus", str(GOOD))
    assert declared.stdout.splitlines()[0] == "audrey-consultante : thèmes déclarés : reseau, entreprendre"
    unknown = run("themes", "personne", "--corpus", str(GOOD))
    assert unknown.returncode == 1 and "personne" in unknown.stderr


def test_stats_json() -> None:
    done = run("stats", "--json", "--corpus", str(GOOD))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["testimonials"], data["published"], data["withdrawn"], data["fiches"]) == (9, 8, 1, 7)
    assert data["sectors"] == {"D": 1, "E": 1, "J": 3, "M": 3}
    assert data["metropolitan_regions"] == ["FR-20R", "FR-ARA", "FR-BRE", "FR-IDF"]
    assert data["overseas_regions"] == ["FR-974"]
    assert data["outside_france"] == 3
    assert data["titles"] == {"epicene": 1, "feminine": 4, "inclusive": 1, "masculine": 2}
    assert data["themes_declared"] == 6 and data["themes_declared_share"] == 0.75
    assert data["dates"][0] < data["dates"][1]
    text = run("stats", "--corpus", str(GOOD))
    assert "testimonials: 9" in text.stdout.splitlines()


@pytest.mark.parametrize(("name", "value"), [("BLOOMR_PORT", "huit mille"), ("BLOOMR_DEBUG", "peut-être"), ("BLOOMR_WORKERS", "2.5")])
def test_a_malformed_setting_is_named_and_exits_2(name: str, value: str) -> None:
    done = run("check", "--corpus", str(GOOD), env={name: value})
    assert done.returncode == 2
    assert done.stderr.startswith(f"bloomr : {name} : valeur « {value} » invalide")
    assert "retirez-la" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_settings_come_from_the_environment(index: Path) -> None:
    done = run("search", "boulanger", "--json", env={"BLOOMR_INDEX": str(index)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 1


def test_help_lists_every_verb_and_the_settings() -> None:
    done = run("--help")
    assert done.returncode == 0
    for word in ("check", "index", "rollback", "withdraw", "search", "stats", "themes", "BLOOMR_INDEX", "BLOOMR_PORT"):
        assert word in done.stdout


def test_progress_is_plain_lines_when_not_a_terminal() -> None:
    stream = StringIO()
    progress = ProgressPrinter(stream)
    for done in range(1, 101):
        progress(done, 100)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11  # 1 %, then every 10 %
    assert all(re.fullmatch(r"Indexation : \d+/100 \([\d,]+ doc/s, reste [\d,]+ s\)", line) for line in lines)
    assert lines[-1].startswith("Indexation : 100/100")


def test_progress_is_a_bar_on_a_terminal() -> None:
    master, slave = pty.openpty()
    chunks: list[bytes] = []
    try:
        with open(slave, "w", encoding="utf-8") as terminal:  # closes the terminal side when done
            progress = ProgressPrinter(terminal)
            assert progress.tty
            progress(1, 3)
            progress(3, 3)
        while True:  # everything written is buffered in the pty: read it to the end
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal side is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    shown = b"".join(chunks).decode("utf-8")
    assert "\r" in shown and "█" in shown and "doc/s" in shown and "reste" in shown
    assert "3/3" in shown


# --- an empty corpus, a corpus without taxonomy (issue 13) -------------------------------------

def test_an_empty_corpus_is_refused_by_check_and_index_naming_the_files_at_its_root(tmp_path: Path) -> None:
    """A .jsonl left at the corpus root passed check (« Aucune erreur ») and broke index in Whoosh."""
    corpus = tmp_path / "corpus"
    shutil.copytree(GOOD / "taxonomy", corpus / "taxonomy")
    (corpus / "testimonials").mkdir()
    shutil.copy(GOOD / "testimonials" / "bulk.jsonl", corpus / "bulk.jsonl")
    checked = run("check", "--corpus", str(corpus))
    assert checked.returncode == 1, checked.stdout
    expected = (
        f"{corpus / 'testimonials'}:1: aucun témoignage dans ce dossier — ajoutez-y des fichiers .md ou .jsonl{NNBSP};"
        f" bulk.jsonl est à la racine du corpus ({corpus}){NBSP}: déplacez-le dans {corpus / 'testimonials'}/"
    )
    assert expected in checked.stdout.splitlines()
    assert "Aucune erreur" not in checked.stdout
    indexed = run("index", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert indexed.returncode == 1
    assert expected in indexed.stderr.splitlines() and "rien n’a été construit" in indexed.stderr
    assert "NotImplementedError" not in indexed.stderr and "Traceback" not in indexed.stderr
    assert not (tmp_path / "index" / "current").exists()


def test_a_corpus_of_withdrawn_testimonials_only_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(GOOD / "taxonomy", corpus / "taxonomy")
    (corpus / "testimonials").mkdir()
    shutil.copy(GOOD / "testimonials" / "xavier-developpeur-retire.md", corpus / "testimonials")
    checked = run("check", "--corpus", str(corpus))
    assert checked.returncode == 1
    assert f"{corpus / 'testimonials'}:1: aucun témoignage publié dans ce dossier (1{NBSP}retiré)" in checked.stdout


def test_a_corpus_without_taxonomy_uses_the_shipped_one_and_says_so(tmp_path: Path) -> None:
    """``--corpus DIR`` without ``taxonomy/`` was refused; the repository's taxonomy is used instead."""
    corpus = tmp_path / "corpus"
    (corpus / "testimonials").mkdir(parents=True)
    shutil.copy(GOOD / "testimonials" / "moussa-boulanger.md", corpus / "testimonials")  # valid under both taxonomies
    shipped = Path(__file__).resolve().parent.parent / "corpus" / "taxonomy"
    notice = (  # « attention : » is the prefix every warning has had so far
        f"{corpus / 'taxonomy'}:1: attention : pas de dossier taxonomy/ dans ce corpus{NBSP}: taxonomie livrée utilisée"
        f" ({shipped}) — ajoutez {corpus / 'taxonomy'}/ pour en utiliser une autre"
    )
    checked = run("check", "--corpus", str(corpus), cwd=tmp_path)  # another working directory: found from the code
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert notice in checked.stdout.splitlines()
    indexed = run("index", "--corpus", str(corpus), "--index", str(tmp_path / "index"), cwd=tmp_path)
    assert indexed.returncode == 0, indexed.stderr
    assert notice in indexed.stdout.splitlines()
    assert (tmp_path / "index" / "current").exists()
