"""Hostile corpus files (issue 8): refused by ``load_corpus`` and by ``bloomr index`` with path
and line, and the serving generation untouched (same ``current`` pointer, same count).

Each case copies the good test corpus into a temporary directory and adds one hostile file.
``bloomr index`` runs as a real subprocess against an index built from the good corpus.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from indexer.corpus import load_corpus
from search.index import IndexHandle

GOOD = Path(__file__).resolve().parent / "data" / "good"

VALID = """---
name: Hostile
profession: INFIRMIER
region: 69
themes: [etudes]
published: 2019-03-21
---
## Mon métier

Infirmier de nuit dans un grand hôpital.

## Mes conseils aux jeunes

Persévérez.
"""


def case_python_tag(folder: Path) -> tuple[Path, int]:
    path = folder / "python-tag.md"
    path.write_text(VALID.replace("name: Hostile", 'name: !!python/object/apply:os.system ["touch /tmp/bloomr-pwned"]'))
    return path, 2


def case_python_name_tag(folder: Path) -> tuple[Path, int]:
    path = folder / "python-name.md"
    path.write_text(VALID.replace("themes: [etudes]", "themes: !!python/name:os.system"))
    return path, 5


def case_alias_bomb(folder: Path) -> tuple[Path, int]:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    path = folder / "alias-bomb.md"
    path.write_text(VALID.replace("published: 2019-03-21", "published: 2019-03-21\n" + "\n".join(lines)))
    return path, 0


def case_deep_nesting(folder: Path) -> tuple[Path, int]:
    path = folder / "deep-nesting.md"
    path.write_text(VALID.replace("themes: [etudes]", "themes: " + "[" * 5000 + "etudes" + "]" * 5000))
    return path, 5


def case_invalid_utf8(folder: Path) -> tuple[Path, int]:
    path = folder / "invalid-utf8.md"
    path.write_bytes(VALID.encode("utf-8").replace("grand hôpital".encode(), b"grand h\xf4pital"))
    return path, 10


def case_bom(folder: Path) -> tuple[Path, int]:
    path = folder / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    return path, 1


def case_duplicate_id(folder: Path) -> tuple[Path, int]:
    path = folder / "zz-duplicate.jsonl"
    path.write_text(
        '{"id": "jerome-infirmier", "name": "Jérôme", "profession": "Infirmier", "region": "69", "country": "FR", '
        '"published": "2019-03-21", "sections": {"metier": "Infirmier.", "conseils": "Persévérez."}}\n'
    )
    return path, 1


def case_3mb(folder: Path) -> tuple[Path, int]:
    path = folder / "enorme.md"
    path.write_text(VALID.replace("Persévérez.", "Persévérez. " * (3 * 1024 * 1024 // 12)))
    return path, 1


def case_symlink_outside(folder: Path) -> tuple[Path, int]:
    outside = folder.parent.parent / "outside.md"
    outside.write_text(VALID)
    path = folder / "lien.md"
    path.symlink_to(outside)
    return path, 1


def case_symlink_passwd(folder: Path) -> tuple[Path, int]:
    path = folder / "passwd.md"
    path.symlink_to("/etc/passwd")
    return path, 1


def case_dotdot_name(folder: Path) -> tuple[Path, int]:
    path = folder / "x..y.md"
    path.write_text(VALID)
    return path, 1


def case_dotdot_jsonl_id(folder: Path) -> tuple[Path, int]:
    path = folder / "evasion.jsonl"
    path.write_text(
        '{"id": "../../etc/passwd", "name": "Evasion", "profession": "Infirmier", "region": "69", "country": "FR", '
        '"published": "2019-03-21", "sections": {"metier": "Infirmier.", "conseils": "Persévérez."}}\n'
    )
    return path, 1


def case_unclosed_front_matter(folder: Path) -> tuple[Path, int]:
    path = folder / "sans-fin.md"
    path.write_text(VALID.replace("published: 2019-03-21\n---\n", "published: 2019-03-21\n", 1))
    return path, 0


CASES: dict[str, Callable[[Path], tuple[Path, int]]] = {
    "python tag": case_python_tag,
    "python name tag": case_python_name_tag,
    "alias bomb": case_alias_bomb,
    "deep nesting": case_deep_nesting,
    "invalid utf-8": case_invalid_utf8,
    "bom": case_bom,
    "duplicate id": case_duplicate_id,
    "3 MB testimonial": case_3mb,
    "symlink outside corpus": case_symlink_outside,
    "symlink to /etc/passwd": case_symlink_passwd,
    "file name with ..": case_dotdot_name,
    "jsonl id with ..": case_dotdot_jsonl_id,
    "unclosed front matter": case_unclosed_front_matter,
}


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(GOOD, corpus)
    return corpus


def _bloomr(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bloomr.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built from the good corpus by ``bloomr index``, serving before every refused build."""
    index = tmp_path_factory.mktemp("serving") / "index"
    done = _bloomr("index", "--corpus", str(GOOD), "--index", str(index))
    assert done.returncode == 0, done.stderr
    return index


def _located(problems: list[tuple[str, int]], path: Path, line: int) -> bool:
    for shown, at in problems:
        if Path(shown).name == path.name and at >= 1 and (line == 0 or at == line):
            return True
    return False


@pytest.mark.parametrize("name", list(CASES))
def test_load_corpus_refuses_with_path_and_line(tmp_path: Path, name: str) -> None:
    corpus = _corpus(tmp_path)
    path, line = CASES[name](corpus / "testimonials")
    report = load_corpus(corpus)
    assert not report.ok
    errors = [(e.path, e.line) for e in report.errors]
    assert _located(errors, path, line), (name, [str(e) for e in report.errors])
    assert all(str(e).strip() for e in report.errors)
    assert not Path("/tmp/bloomr-pwned").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_bloomr_index_refuses_and_keeps_serving(tmp_path: Path, serving: Path, name: str) -> None:
    corpus = _corpus(tmp_path)
    path, line = CASES[name](corpus / "testimonials")
    before = os.readlink(serving / "current")
    count_before = IndexHandle(serving).current().count

    done = _bloomr("index", "--corpus", str(corpus), "--index", str(serving))

    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr
    located = f"{path.name}:{line}:" if line else f"{path.name}:"
    assert located in done.stderr, (name, done.stderr)
    assert "rien n’a été construit" in done.stderr
    assert os.readlink(serving / "current") == before
    assert IndexHandle(serving).current().count == count_before
    assert not [p.name for p in serving.iterdir() if p.name.startswith(".tmp-")]
    assert not Path("/tmp/bloomr-pwned").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_bloomr_check_refuses_with_path_and_line(tmp_path: Path, name: str) -> None:
    corpus = _corpus(tmp_path)
    path, line = CASES[name](corpus / "testimonials")
    done = _bloomr("check", "--corpus", str(corpus))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    located = f"{path.name}:{line}:" if line else f"{path.name}:"
    assert located in done.stdout, done.stdout


def test_the_good_corpus_is_accepted(tmp_path: Path) -> None:
    """The control: without the hostile file the same copy loads cleanly."""
    assert load_corpus(_corpus(tmp_path)).ok
