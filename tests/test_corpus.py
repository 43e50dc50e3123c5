"""indexer.corpus and indexer.frontmatter: the good corpus loads; each bad file gives its message and line."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.corpus import MAX_FILE_BYTES, format_summary, load_corpus, summarize
from indexer.frontmatter import FrontMatterError, parse_front_matter
from indexer.model import Problem

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"
TAXONOMY = GOOD / "taxonomy"
VALID = (GOOD / "testimonials" / "moussa-boulanger.md").read_bytes()


def corpus_of(tmp_path: Path, *files: Path) -> Path:
    """A corpus in tmp_path holding copies of ``files`` (a directory contributes its files)."""
    folder = tmp_path / "corpus" / "testimonials"
    folder.mkdir(parents=True)
    for item in files:
        for source in sorted(item.iterdir()) if item.is_dir() else [item]:
            shutil.copy(source, folder / source.name)
    return tmp_path / "corpus"


def only_error(tmp_path: Path, name: str) -> Problem:
    report = load_corpus(corpus_of(tmp_path, BAD / name), taxonomy_dir=TAXONOMY)
    assert not report.ok
    assert len(report.errors) == 1, [str(p) for p in report.problems]
    assert report.testimonials == ()
    return report.errors[0]


# --- the good corpus ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def good():
    return load_corpus(GOOD)


def test_good_corpus_has_no_problem(good) -> None:
    assert [str(p) for p in good.problems] == []
    assert good.ok


def test_good_corpus_resolves_every_facet(good) -> None:
    facets = {t.id: (t.rome, t.sector, t.country, t.region, t.status) for t in good.testimonials}
    assert facets == {
        "audrey-consultante": ("M1718", "M", "FR", "FR-IDF", "published"),
        "benedicte-infirmiere": ("J1506", "J", "FR", "FR-BRE", "published"),
        "jerome-infirmier": ("J1506", "J", "FR", "FR-ARA", "published"),
        "camille-developpeuse": ("M1855", "M", "CH", "CH-GE", "published"),
        "moussa-boulanger": ("D1102", "D", "SN", "SN-DK", "published"),
        "oceane-aide-soignante": ("J1501", "J", "FR", "FR-974", "published"),
        "lea-communication": ("E1112", "E", "BE", "BE-WAL", "published"),
        "xavier-developpeur-retire": ("M1805", "M", "CA", "CA-QC", "withdrawn"),
        "yasmine-comptable": ("M1203", "M", "FR", "FR-20R", "published"),
    }


def test_good_corpus_values(good) -> None:
    by_id = {t.id: t for t in good.testimonials}
    audrey = by_id["audrey-consultante"]
    assert (audrey.name, audrey.profession, audrey.published) == ("Audrey", "Consultante en stratégie digitale", date(2013, 5, 14))
    assert (audrey.region_label, audrey.country_label, audrey.sector_label) == ("Île-de-France", "France", "Support à l’entreprise")
    assert audrey.themes == ("reseau", "entreprendre") and audrey.themes_declared
    assert audrey.sections.parcours.startswith("Après une école de commerce")
    assert audrey.source == "testimonials/audrey-consultante.md" and audrey.source_line == 1
    raw = (GOOD / "testimonials" / "audrey-consultante.md").read_bytes()
    assert audrey.content_hash == hashlib.sha256(raw).hexdigest()
    # unaccented headings with a straight apostrophe are the same sections
    benedicte = by_id["benedicte-infirmiere"]
    assert benedicte.sections.metier.startswith("Je suis infirmiere de nuit")
    assert benedicte.sections.passion.startswith("L'hôpital la nuit")
    assert benedicte.themes_declared is False
    # hostile text is kept as text, untouched
    assert '<script>alert("bloomr")</script>' in by_id["lea-communication"].sections.metier
    assert by_id["xavier-developpeur-retire"].withdrawn


def test_jsonl_record(good) -> None:
    yasmine = next(t for t in good.testimonials if t.id == "yasmine-comptable")
    assert yasmine.source == "testimonials/bulk.jsonl" and yasmine.source_line == 1
    assert yasmine.region_label == "Corse"
    assert yasmine.sections.passion == "" and yasmine.sections.parcours.startswith("BTS")
    line = (GOOD / "testimonials" / "bulk.jsonl").read_bytes().splitlines()[0]
    assert yasmine.content_hash == hashlib.sha256(line).hexdigest()


def test_summary(good) -> None:
    summary = summarize(good)
    assert summary == {
        "testimonials": 9, "published": 8, "withdrawn": 1, "fiches": 7, "sectors": 4,
        "countries": 4, "regions": 8, "themes": summary["themes"], "errors": 0, "warnings": 0,
    }
    assert format_summary(summary).startswith("9 témoignages (8 publiés, 1 retiré), 7 fiches ROME, 4 secteurs, 4 pays, 8 régions")


def test_problem_format(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, BAD / "unknown-region.md")
    (problem,) = load_corpus(corpus, taxonomy_dir=TAXONOMY).problems
    assert str(problem) == f"{corpus}/testimonials/unknown-region.md:4: région « Bretange » inconnue (France) — vouliez-vous dire « Bretagne » ?"


# --- one bad file per error -------------------------------------------------------------------

BAD_FILES = [
    # file, line, field, message fragment, remedy fragment
    ("no-front-matter.md", 1, "front matter", "en-tête YAML absent", "« --- »"),
    ("unclosed-front-matter.md", 1, "front matter", "en-tête YAML non fermé", "« --- »"),
    ("invalid-yaml.md", 3, "front matter", "guillemet ou crochet non fermé", "guillemets"),
    ("duplicate-key.md", 4, "front matter", "clé « name » en double (déjà ligne 2)", "une seule ligne"),
    ("python-tag.md", 3, "front matter", "étiquette YAML « !!python/object/apply:os.system » refusée", "étiquette"),
    ("alias-bomb.md", 6, "front matter", "ancre ou alias YAML", "en toutes lettres"),
    ("deep-nesting.md", 6, "front matter", "imbrication YAML trop profonde", "clé: [a, b]"),
    ("nested-mapping.md", 4, "front matter", "valeur imbriquée pour « region »", "region: valeur"),
    ("missing-field.md", 1, "name", "champ obligatoire « name » absent", "name: …"),
    ("empty-name.md", 2, "name", "champ « name » vide", "renseignez « name »"),
    ("list-value.md", 2, "name", "« name » doit être une seule valeur", "name: valeur"),
    ("unknown-region.md", 4, "region", "région « Bretange » inconnue", "« Bretagne »"),
    ("region-other-country.md", 4, "region", "région « Genève » inconnue (France)", "country: CH"),
    ("bad-country.md", 5, "country", "pays « Suisse » inconnu", "country: CH"),
    ("unknown-theme.md", 5, "themes", "thème « reseaux » inconnu", "« reseau »"),
    ("unknown-rome.md", 4, "rome", "code ROME « M9999 » inconnu", "taxonomy_sync"),
    ("unmapped-profession.md", 3, "profession", "profession « Dompteuse de nuages » introuvable", "rome: CODE"),
    ("bad-date.md", 5, "published", "date « 2013-02-30 » invalide", "AAAA-MM-JJ"),
    ("bad-status.md", 6, "status", "statut « retiré » inconnu", "withdrawn"),
    ("Bad_Name.md", 1, "id", "nom de fichier « Bad_Name.md » invalide", "bad-name.md"),
    ("missing-section.md", 6, "conseils", "section obligatoire « ## Mes conseils aux jeunes » absente", "## Mes conseils aux jeunes"),
    ("empty-section.md", 7, "metier", "section « Mon métier » vide", "écrivez le texte"),
    ("bom.md", 1, "encoding", "(BOM)", "sans BOM"),
    ("invalid-utf8.md", 3, "encoding", "pas de l’UTF-8 valide", "UTF-8"),
]


@pytest.mark.parametrize(("name", "line", "field", "message", "remedy"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file(tmp_path: Path, name: str, line: int, field: str, message: str, remedy: str) -> None:
    problem = only_error(tmp_path, name)
    assert (problem.path, problem.line, problem.field) == (str(tmp_path / "corpus" / "testimonials" / name), line, field)
    assert message in problem.message
    assert remedy in problem.remedy


def test_every_bad_file_is_tested() -> None:
    tested = {b[0] for b in BAD_FILES} | {"unknown-key.md", "bad-records.jsonl", "duplicate-id", "withdrawn-with-errors.md"}
    assert {p.name for p in BAD.iterdir()} == tested


def test_unknown_key_names_the_closest_and_the_missing_field(tmp_path: Path) -> None:
    report = load_corpus(corpus_of(tmp_path, BAD / "unknown-key.md"), taxonomy_dir=TAXONOMY)
    assert [(p.line, p.field, p.message) for p in report.errors] == [
        (4, "regoin", "clé « regoin » inconnue"),
        (1, "region", "champ obligatoire « region » absent"),
    ]
    assert "vouliez-vous dire « region » ?" in report.errors[0].remedy


def test_bad_jsonl_records_each_report_their_line(tmp_path: Path) -> None:
    report = load_corpus(corpus_of(tmp_path, BAD / "bad-records.jsonl"), taxonomy_dir=TAXONOMY)
    assert [t.id for t in report.testimonials] == ["audrey"]
    assert [(p.line, p.field) for p in report.errors] == [(2, "json"), (3, "published"), (3, "conseils")]
    assert report.errors[0].message.startswith("ligne JSON invalide")
    assert "chaîne ou une liste de chaînes" in report.errors[1].message


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, BAD / "duplicate-id")
    report = load_corpus(corpus, taxonomy_dir=TAXONOMY)
    (problem,) = report.errors
    assert (problem.path, problem.line, problem.field) == (str(corpus / "testimonials" / "more.jsonl"), 1, "id")
    assert problem.message == f"identifiant « audrey » en double (déjà dans {corpus / 'testimonials' / 'audrey.md'})"
    assert [t.source for t in report.testimonials] == ["testimonials/audrey.md"]


def test_withdrawn_testimonial_never_blocks(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, BAD / "withdrawn-with-errors.md", GOOD / "testimonials" / "moussa-boulanger.md")
    report = load_corpus(corpus, taxonomy_dir=TAXONOMY)
    assert report.ok
    (warning,) = report.warnings
    assert (warning.line, warning.field) == (4, "region")
    testimonial = next(t for t in report.testimonials if t.withdrawn)
    assert testimonial.id == "withdrawn-with-errors"


def test_withdrawn_testimonials_alone_are_an_empty_corpus(tmp_path: Path) -> None:
    report = load_corpus(corpus_of(tmp_path, BAD / "withdrawn-with-errors.md"), taxonomy_dir=TAXONOMY)
    assert [p.message for p in report.errors] == ["aucun témoignage publié dans ce dossier (1\u00a0retiré)"]
    assert "un index vide ne peut pas être servi" in report.errors[0].remedy


def test_file_over_256_kb(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path)
    big = corpus / "testimonials" / "big.md"
    big.write_bytes(VALID + b"x" * (3 * 1024 * 1024))
    (problem,) = load_corpus(corpus, taxonomy_dir=TAXONOMY).problems
    assert (problem.path, problem.line, problem.field) == (str(big), 1, "size")
    assert problem.message.startswith("fichier trop volumineux") and f"{MAX_FILE_BYTES // 1024} Ko" in problem.message


def test_file_of_exactly_256_kb_is_accepted(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path)
    path = corpus / "testimonials" / "long.md"
    path.write_bytes(VALID.rstrip(b"\n") + b" " + b"a" * (MAX_FILE_BYTES - len(VALID)) + b"\n")
    path.write_bytes(path.read_bytes()[:MAX_FILE_BYTES])
    report = load_corpus(corpus, taxonomy_dir=TAXONOMY)
    assert report.ok and [t.id for t in report.testimonials] == ["long"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this platform")
def test_symlink_outside_the_corpus_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_bytes(VALID)
    corpus = corpus_of(tmp_path)
    link = corpus / "testimonials" / "link.md"
    link.symlink_to(outside)
    report = load_corpus(corpus, taxonomy_dir=TAXONOMY)
    (problem,) = report.errors
    assert (problem.path, problem.line, problem.field, problem.message) == (str(link), 1, "path", "lien symbolique refusé dans le corpus")
    assert report.testimonials == ()


def test_symlinked_testimonials_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.md").write_bytes(VALID)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "testimonials").symlink_to(elsewhere)
    report = load_corpus(tmp_path / "corpus", taxonomy_dir=TAXONOMY)
    assert not report.ok and report.testimonials == ()
    assert "lien symbolique" in report.errors[0].message


def test_file_name_with_dot_dot_is_refused(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path)
    (corpus / "testimonials" / "a..b.md").write_bytes(VALID)
    (problem,) = load_corpus(corpus, taxonomy_dir=TAXONOMY).errors
    assert (problem.line, problem.field) == (1, "id") and "« a..b.md »" in problem.message


def test_all_problems_at_once(tmp_path: Path) -> None:
    names = [b[0] for b in BAD_FILES]
    report = load_corpus(corpus_of(tmp_path, *(BAD / n for n in names)), taxonomy_dir=TAXONOMY)
    assert sorted({Path(p.path).name for p in report.errors}) == sorted(names)


def test_a_corpus_without_taxonomy_uses_the_shipped_one_with_a_warning(tmp_path: Path) -> None:
    from indexer.corpus import SHIPPED_TAXONOMY

    corpus = corpus_of(tmp_path, GOOD / "testimonials" / "moussa-boulanger.md")
    report = load_corpus(corpus)
    assert report.ok and [t.id for t in report.testimonials] == ["moussa-boulanger"]
    (notice,) = report.problems
    assert (notice.path, notice.severity, notice.field) == (str(corpus / "taxonomy"), "warning", "taxonomy")
    assert f"taxonomie livrée utilisée ({SHIPPED_TAXONOMY})" in notice.message


def test_a_missing_taxonomy_given_explicitly_is_one_clear_problem(tmp_path: Path) -> None:
    report = load_corpus(corpus_of(tmp_path, GOOD / "testimonials" / "moussa-boulanger.md"), taxonomy_dir=tmp_path / "nowhere")
    (problem,) = report.problems
    assert problem.message.startswith("dossier de taxonomie introuvable") and problem.field == "taxonomy"


def test_an_empty_testimonials_folder_is_an_error(tmp_path: Path) -> None:
    (problem,) = load_corpus(corpus_of(tmp_path), taxonomy_dir=TAXONOMY).problems
    assert (problem.severity, problem.field, problem.message) == ("error", "corpus", "aucun témoignage dans ce dossier")


def test_other_files_are_ignored_with_a_warning(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path, GOOD / "testimonials" / "moussa-boulanger.md")
    (corpus / "testimonials" / "notes.txt").write_text("brouillon", encoding="utf-8")
    (corpus / "testimonials" / ".moussa-boulanger.md.swp").write_bytes(b"\0")
    report = load_corpus(corpus, taxonomy_dir=TAXONOMY)
    assert report.ok and len(report.testimonials) == 1
    (warning,) = report.warnings
    assert warning.path.endswith("notes.txt") and warning.field == "path"


# --- front matter ------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "value"), [("69", "69"), ("01", "01"), ("2A", "2A"), ('"974"', "974"), ("2013-05-14", "2013-05-14"), ("yes", "yes"), ("~", "~")])
def test_scalars_stay_as_written(written: str, value: str) -> None:
    front = parse_front_matter(f"---\nregion: {written}\n---\nbody\n")
    assert front.fields["region"].value == value and front.fields["region"].line == 2
    assert (front.body, front.body_line, front.end_line) == ("body\n", 4, 3)


def test_front_matter_size_is_bounded() -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse_front_matter("---\n" + "".join(f"k{i}: v\n" for i in range(300)) + "---\n")
    assert caught.value.line == 1 and "trop long" in caught.value.message


def test_crlf_line_endings(tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path)
    (corpus / "testimonials" / "crlf.md").write_bytes(VALID.replace(b"\n", b"\r\n"))
    report = load_corpus(corpus, taxonomy_dir=TAXONOMY)
    assert report.ok and report.testimonials[0].sections.metier.startswith("Je pétris la pâte")


# --- properties: any input gives values or clear problems, never a crash -----------------------

YAML_BITS = st.sampled_from(["---\n", "name: ", "region: ", "[", "]", "{", "}", "&a ", "*a", "!!python/object ", ": ", "- ", "'", '"', "\n", "  ", "#", "é", "\t", "|", ">"])


@settings(max_examples=300, deadline=None)
@given(st.lists(YAML_BITS, max_size=40).map("".join) | st.text(max_size=300))
def test_front_matter_never_crashes(text: str) -> None:
    try:
        front = parse_front_matter("---\n" + text + "\n---\n## Mon métier\n")
    except FrontMatterError as exc:
        assert exc.line >= 1 and exc.message
    else:
        assert all(isinstance(f.value, (str, tuple)) for f in front.fields.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.lists(YAML_BITS, max_size=30).map(lambda bits: "".join(bits).encode()))
def test_load_corpus_never_crashes(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    corpus = tmp_path_factory.mktemp("fuzz")
    (corpus / "testimonials").mkdir()
    (corpus / "testimonials" / "fuzz.md").write_bytes(raw)
    (corpus / "testimonials" / "fuzz.jsonl").write_bytes(raw)
    report = load_corpus(corpus, taxonomy_dir=TAXONOMY)
    assert all(p.line >= 1 and p.message for p in report.problems)
    assert report.ok == (not report.errors)


# --- bloomr check ------------------------------------------------------------------------------

def test_bloomr_check_good_corpus(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from bloomr.cli import main

    monkeypatch.delenv("BLOOMR_ROME", raising=False)  # the environment, not our code: check runs without the export
    assert main(["check", "--corpus", str(GOOD)]) == 0
    out = capsys.readouterr().out
    assert "Corpus : 9 témoignages (8 publiés, 1 retiré), 7 fiches ROME, 4 secteurs, 4 pays, 8 régions" in out


def test_bloomr_check_reports_every_problem_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from bloomr.cli import main

    monkeypatch.delenv("BLOOMR_ROME", raising=False)
    corpus = corpus_of(tmp_path, BAD / "unknown-region.md", BAD / "bad-date.md", GOOD / "testimonials" / "moussa-boulanger.md")
    shutil.copytree(TAXONOMY, corpus / "taxonomy")
    assert main(["check", "--corpus", str(corpus)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{corpus}/testimonials/unknown-region.md:4: région « Bretange » inconnue (France) — vouliez-vous dire « Bretagne » ?" in out
    assert f"{corpus}/testimonials/bad-date.md:5: date « 2013-02-30 » invalide — écrivez la date au format AAAA-MM-JJ, par exemple 2013-05-14" in out
    assert any(line.startswith("Corpus : 1 témoignage (1 publié, 0 retiré)") for line in out)


# --- linear time on unbounded input (issue 13) -------------------------------------------------

def test_pathological_heading_is_checked_in_linear_time(tmp_path: Path) -> None:
    """``## a`` + spaces + ``x`` made the heading pattern backtrack cubically (2,000 spaces: 7.8 s).

    The one timing of issue 13: a 64 KB heading is checked in under 1 s (a few ms once linear).
    """
    import time

    corpus = corpus_of(tmp_path)
    valid = VALID.decode("utf-8")
    heading = "## a" + " " * (64 * 1024) + "x"
    (corpus / "testimonials" / "heading.md").write_text(valid.replace("## Mon parcours", heading + "\n\n## Mon parcours"))
    # Job titles lose their parentheses with a pattern that was quadratic on runs of spaces or of « ( ».
    for name, title in (("spaces", "Boulanger" + " " * 15_000 + "x"), ("parens", "(" * 15_000)):
        (corpus / "testimonials" / f"{name}.md").write_text(valid.replace("profession: Boulanger", f'profession: "{title}"'))
    started = time.perf_counter()
    report = load_corpus(corpus, taxonomy_dir=TAXONOMY)
    elapsed = time.perf_counter() - started
    assert [Path(p.path).name for p in report.errors] == ["parens.md", "spaces.md"]
    (testimonial,) = report.testimonials
    assert "a" in testimonial.sections.metier.split()  # an unknown heading stays text
    assert elapsed < 1.0, f"{elapsed:.2f} s"


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("## Mon métier", "metier"),
        ("##Mon métier", "metier"),
        ("##   MON MÉTIER   ##  ", "metier"),
        ("## Mes conseils aux jeunes #", "conseils"),
        ("## Pourquoi j'aime mon métier", "passion"),
        ("### Mon métier", None),
        ("# Mon métier", None),
        ("## Mon métier # suite", None),
        ("Mon métier", None),
    ],
)
def test_section_headings(line: str, key: str | None) -> None:
    from indexer.corpus import section_of

    assert section_of(line) == key


# --- bounded memory: problems capped per file (issue 13) ---------------------------------------

def test_problems_are_capped_per_file_and_memory_stays_bounded(tmp_path: Path) -> None:
    """A 6 MB file of ``{}`` lines made ``bloomr index`` use 2.2 GB: one problem kept per line."""
    import tracemalloc

    from indexer.corpus import MAX_PROBLEMS_PER_FILE, check_corpus
    from indexer.taxonomy import load_taxonomy

    corpus = corpus_of(tmp_path, GOOD / "testimonials" / "moussa-boulanger.md")
    (corpus / "testimonials" / "empty-objects.jsonl").write_bytes(b"{}\n" * 200_000)
    taxonomy = load_taxonomy(TAXONOMY)
    tracemalloc.start()
    try:
        report = check_corpus(corpus, taxonomy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [t.id for t in report.testimonials] == ["moussa-boulanger"]
    assert len(report.problems) == MAX_PROBLEMS_PER_FILE + 1
    assert [p.line for p in report.problems[:3]] == [1, 2, 3]
    last = report.problems[-1]
    assert (last.path, last.line, last.severity) == (str(corpus / "testimonials" / "empty-objects.jsonl"), 101, "error")
    assert last.message == "… et 199\u202f900\u00a0autres erreurs dans ce fichier"
    assert "premières" in last.remedy
    assert (report.error_count, report.warning_count) == (200_000, 0)
    assert peak < 16 * 1024 * 1024, f"{peak / 2**20:.0f} MiB"


def test_a_capped_file_is_counted_whole_by_bloomr_check(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from bloomr.cli import main

    monkeypatch.delenv("BLOOMR_ROME", raising=False)
    corpus = corpus_of(tmp_path, GOOD / "testimonials" / "moussa-boulanger.md")
    shutil.copytree(TAXONOMY, corpus / "taxonomy")
    (corpus / "testimonials" / "empty-objects.jsonl").write_bytes(b"{}\n" * 1_000)
    assert main(["check", "--corpus", str(corpus)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert sum(1 for line in out if "empty-objects.jsonl" in line) == 101
    assert "1\u202f000\u00a0erreurs, 0\u00a0avertissement." in out


@pytest.mark.parametrize(
    "raw",
    [b"", b"a", b"a\n", b"a\r\nb", b"a\rb\r\n", b"\n\n", b"a\r", b"a\r\r\n", b"x\r\n\r\ny\n", "é\u2028x\n".encode()],
)
def test_json_lines_are_cut_where_bytes_splitlines_cuts_them(tmp_path: Path, raw: bytes) -> None:
    """One fact for the loader and the withdraw marker: where a .jsonl file is cut into records."""
    from indexer.jsonl import cut, numbered_lines

    path = tmp_path / "lines.jsonl"
    path.write_bytes(raw)
    assert [line for _, line in numbered_lines(path, max_line=1024)] == raw.splitlines()
    assert b"".join(line + brk for line, brk in cut(raw)) == raw
    assert [line for line, _ in cut(raw)] == raw.splitlines()
