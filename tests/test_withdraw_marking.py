"""`bloomr withdraw` marks the corpus file `status: withdrawn` through the front-matter parser (issue 13).

Text edits failed on files a maintainer may well write: a quoted ``"status"`` key got a second
``status`` (the next build refused the duplicate), a front matter closed by ``...`` was left
unchanged while the CLI said it was marked, or the line landed in « Mon métier ». Each case here
starts from an index built from the good corpus, rewrites Moussa's file in one such way, withdraws
him, then checks the file as the loader reads it, byte for byte outside the status, and that a
fresh index built from that corpus (no ledger) does not publish him again.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.corpus import load_corpus
from indexer.frontmatter import FrontMatterError, parse_front_matter, with_field
from indexer.pipeline import index_corpus, withdraw
from search.errors import Gone
from search.documents import get_testimonial
from search.index import IndexHandle

ID = "moussa-boulanger"
JSONL_ID = "yasmine-comptable"

Edit = Callable[[str], str]


def head_and_body(text: str) -> tuple[str, str]:
    """Front matter (with its delimiters) and body of Moussa's file, split on its closing line."""
    lines = text.splitlines(keepends=True)
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    return "".join(lines[: end + 1]), "".join(lines[end + 1 :])


CASES: dict[str, Edit] = {
    "quoted key": lambda t: t.replace("published: 2018", '"status": published\npublished: 2018'),
    "single-quoted key, space before the colon": lambda t: t.replace("published: 2018", "'status' : published\npublished: 2018"),
    "closed by ...": lambda t: t.replace("2018-01-08\n---\n", "2018-01-08\n...\n").replace(
        "## Mon parcours", "---\n\n## Mon parcours"  # a thematic break in the body: not the closing line
    ),
    "comments": lambda t: t.replace("published: 2018-01-08", "# status: draft\npublished: 2018-01-08\nstatus: published  # relu"),
    "CRLF": lambda t: t.replace("\n", "\r\n").replace("published: 2018", "status: published\r\npublished: 2018"),
    "CRLF, no status": lambda t: t.replace("\n", "\r\n"),
    "no status": lambda t: t,
    "two status keys (left by the former withdraw)": lambda t: t.replace(
        "published: 2018-01-08\n", 'published: 2018-01-08\n"status": published\nstatus: withdrawn\n'
    ),
    "status as a folded block": lambda t: t.replace("published: 2018", "status: >\n  published\npublished: 2018"),
    "flow mapping": lambda t: t.replace(
        "name: Moussa\nprofession: Boulanger\nregion: Dakar\ncountry: SN\npublished: 2018-01-08\n",
        "{name: Moussa, profession: Boulanger, region: Dakar, country: SN, published: 2018-01-08}\n",
    ),
    "indented mapping": lambda t: t.replace("\nname:", "\n  name:").replace("\nprofession:", "\n  profession:")
    .replace("\nregion:", "\n  region:").replace("\ncountry:", "\n  country:").replace("\npublished:", "\n  published:"),
}


@pytest.fixture
def indexed(good_corpus: Path, tmp_path: Path) -> tuple[Path, Path]:
    index_dir = tmp_path / "index"
    index_corpus(good_corpus, index_dir)
    return good_corpus, index_dir


def assert_not_published_by_a_fresh_index(corpus: Path, tmp_path: Path, doc_id: str) -> None:
    report = load_corpus(corpus)
    assert report.ok, [str(p) for p in report.errors]
    assert next(t for t in report.testimonials if t.id == doc_id).withdrawn
    fresh = tmp_path / "fresh-index"  # no withdrawals.log: only the corpus file can keep it out
    index_corpus(corpus, fresh)
    generation = IndexHandle(fresh).current()
    assert doc_id not in generation.docnum
    with pytest.raises(Gone):
        get_testimonial(generation, doc_id)


@pytest.mark.parametrize("edit", list(CASES.values()), ids=list(CASES))
def test_the_file_ends_with_exactly_one_status_withdrawn(indexed: tuple[Path, Path], tmp_path: Path, edit: Edit) -> None:
    corpus, index_dir = indexed
    path = corpus / "testimonials" / f"{ID}.md"
    before = edit(path.read_bytes().decode("utf-8"))
    path.write_bytes(before.encode("utf-8"))
    done = withdraw(index_dir, ID, corpus_dir=corpus)
    assert (done.corpus_file, done.corpus_problem) == (str(path), None)
    after = path.read_bytes().decode("utf-8")
    front = parse_front_matter(after)  # refuses a duplicate key: one status only
    assert front.fields["status"].value == "withdrawn"
    assert {k: f.value for k, f in front.fields.items() if k != "status"} == {
        "name": "Moussa", "profession": "Boulanger", "region": "Dakar", "country": "SN", "published": "2018-01-08",
    }
    assert head_and_body(after)[1] == head_and_body(before)[1]  # the body, byte for byte
    assert set(re.findall(r"\r?\n", after)) == set(re.findall(r"\r?\n", before))  # its line endings kept
    assert_not_published_by_a_fresh_index(corpus, tmp_path, ID)


def test_comments_and_other_lines_are_kept(indexed: tuple[Path, Path]) -> None:
    corpus, index_dir = indexed
    path = corpus / "testimonials" / f"{ID}.md"
    path.write_text(CASES["comments"](path.read_text(encoding="utf-8")), encoding="utf-8")
    withdraw(index_dir, ID, corpus_dir=corpus)
    head = head_and_body(path.read_text(encoding="utf-8"))[0]
    assert head == (
        "---\nname: Moussa\nprofession: Boulanger\nregion: Dakar\ncountry: SN\n# status: draft\n"
        "published: 2018-01-08\nstatus: withdrawn  # relu\n---\n"
    )


def test_a_json_lines_record_is_marked_and_the_other_lines_kept_byte_for_byte(indexed: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, index_dir = indexed
    path = corpus / "testimonials" / "bulk.jsonl"
    original = path.read_bytes().rstrip(b"\n")
    record = json.loads(original)
    record["sections"]["parcours"] += " Un séparateur\u2028de ligne Unicode reste du texte."  # not a line break here
    other = {**record, "id": "autre-comptable", "name": "Inès"}
    lines = [json.dumps(other, ensure_ascii=False).encode(), json.dumps(record, ensure_ascii=False).encode()]
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    index_corpus(corpus, index_dir)
    done = withdraw(index_dir, JSONL_ID, corpus_dir=corpus)
    assert (done.corpus_file, done.corpus_problem) == (str(path), None)
    first, second, rest = path.read_bytes().split(b"\r\n")
    assert first == lines[0] and rest == b""
    marked = json.loads(second)
    assert marked == {**record, "status": "withdrawn"}
    assert_not_published_by_a_fresh_index(corpus, tmp_path, JSONL_ID)


def test_a_file_that_cannot_be_marked_is_reported_never_claimed(indexed: tuple[Path, Path]) -> None:
    corpus, index_dir = indexed
    path = corpus / "testimonials" / f"{ID}.md"
    broken = path.read_text(encoding="utf-8").replace("region: Dakar", 'region: "Dakar')  # edited since, unclosed quote
    path.write_text(broken, encoding="utf-8")
    done = withdraw(index_dir, ID, corpus_dir=corpus)
    assert done.corpus_file is None
    assert done.corpus_problem is not None and str(path) in done.corpus_problem
    assert "guillemet" in done.corpus_problem
    assert path.read_text(encoding="utf-8") == broken  # left as it was
    assert ID not in IndexHandle(index_dir).current().docnum  # the withdrawal itself is done


def test_the_cli_says_clearly_when_the_file_was_not_marked(indexed: tuple[Path, Path]) -> None:
    corpus, index_dir = indexed
    path = corpus / "testimonials" / f"{ID}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("region: Dakar", 'region: "Dakar'), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bloomr.cli", "withdraw", ID, "--corpus", str(corpus), "--index", str(index_dir)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1
    assert f"Témoignage « {ID} » retiré le" in done.stdout  # what was done is said
    assert "fichier marqué" not in done.stdout
    assert f"n’a pas pu être marqué «\u00a0status: withdrawn\u00a0»\u00a0: {path}" in done.stderr
    assert "ajoutez vous-même la ligne «\u00a0status: withdrawn\u00a0»" in done.stderr
    assert "bloomr check" in done.stderr and "Traceback" not in done.stderr


def test_a_file_gone_from_the_corpus_leaves_nothing_to_mark(indexed: tuple[Path, Path]) -> None:
    corpus, index_dir = indexed
    (corpus / "testimonials" / f"{ID}.md").unlink()
    done = withdraw(index_dir, ID, corpus_dir=corpus)
    assert (done.corpus_file, done.corpus_problem) == (None, None)


def test_withdrawing_twice_finds_and_checks_the_file_again(indexed: tuple[Path, Path]) -> None:
    corpus, index_dir = indexed
    withdraw(index_dir, ID, corpus_dir=corpus)
    marked = (corpus / "testimonials" / f"{ID}.md").read_bytes()
    again = withdraw(index_dir, ID, corpus_dir=corpus)  # the index no longer knows its source
    assert (again.corpus_file, again.corpus_problem) == (str(corpus / "testimonials" / f"{ID}.md"), None)
    assert (corpus / "testimonials" / f"{ID}.md").read_bytes() == marked


@pytest.mark.parametrize(
    "text",
    [
        "---\nname: A\n---\n",
        "---\r\nname: A\r\n...\r\nbody\r\n",
        "---\n---\nbody\n",
        "---\n{}\n---\n",
        "---\nname: A\nstatus: |+\n  published\n\n---\n",
        "---\nthemes:\n  - a\n  - b\nstatus:\n  - published\n---\n",
    ],
)
def test_with_field_reads_back_as_intended(text: str) -> None:
    out = with_field(text, "status", "withdrawn")
    assert parse_front_matter(out).fields["status"].value == "withdrawn"
    assert parse_front_matter(out).body == parse_front_matter(text).body
    assert with_field(out, "status", "withdrawn") == out  # idempotent


def test_with_field_refuses_what_it_cannot_rewrite_cleanly() -> None:
    with pytest.raises(FrontMatterError):
        with_field("---\n{status: a, status: b}\n---\n", "status", "withdrawn")  # duplicates inside a flow mapping
    with pytest.raises(FrontMatterError):
        with_field("---\nname: [\n---\n", "status", "withdrawn")


FRONT_BITS = st.sampled_from([
    "name: A\n", "status: published\n", '"status": published\n', "'status' : x\n", "status: >\n  x\n",
    "status:\n  - a\n", "themes: [a, b]\n", "themes:\n  - a\n", "# status: draft\n", "k: v  # c\n", "\n",
    "r: 'a: b'\n", "  \n", "p: |\n  l1\n  l2\n",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(FRONT_BITS, max_size=8).map("".join), st.sampled_from(["\n", "\r\n"]), st.sampled_from(["---", "..."]))
def test_with_field_either_reads_back_as_intended_or_refuses(yaml_text: str, line_break: str, closing: str) -> None:
    body = "## Mon métier\n---\nfin\n".replace("\n", line_break)  # « --- » in the body: not the closing line
    text = ("---\n" + yaml_text + closing + "\n").replace("\n", line_break) + body
    try:
        before: dict[str, object] | None = {k: f.value for k, f in parse_front_matter(text).fields.items()}
    except FrontMatterError:
        before = None  # unreadable as it is (two status keys): rewritten if it then reads back
    try:
        out = with_field(text, "status", "withdrawn")
    except FrontMatterError:
        return  # refused, never half-written
    front = parse_front_matter(out)
    assert front.fields["status"].value == "withdrawn" and front.body == body
    if before is not None:
        assert {k: f.value for k, f in front.fields.items()} == {**before, "status": "withdrawn"}
