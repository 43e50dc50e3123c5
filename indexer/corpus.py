"""Read and validate the corpus: every problem at once, each with its path, line and remedy.

``load_corpus(Path("corpus"))`` reads ``corpus/testimonials/*.md`` (YAML front matter + four
``##`` sections) and ``corpus/testimonials/*.jsonl`` (one object a line, same keys plus ``id``
and ``sections: {metier, parcours, passion, conseils}``), checks them against the taxonomy
(``corpus/taxonomy`` unless ``taxonomy_dir`` is given), checks the taxonomy's hand-kept
``synonyms.yaml`` too, and returns a ``CorpusReport``::

    report = load_corpus(Path("corpus"))
    report.ok                       # False if any error
    [str(p) for p in report.problems]
    # ["corpus/testimonials/audrey.md:5: région « Bretange » inconnue — vouliez-vous dire « Bretagne » ?"]

Withdrawn testimonials are returned too (``status="withdrawn"``) so the indexer can erase them;
their problems are only warnings, so that a withdrawal never blocks a build.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, cast

from search.french import NBSP, NNBSP, plural
from indexer.frontmatter import Field, FrontMatterError, parse_front_matter
from indexer.jsonl import numbered_lines, parse_record
from indexer.model import OMITTED, CorpusReport, Problem, Sections, Testimonial
from indexer.synonyms import SYNONYMS_FILE, load_synonyms
from indexer.taxonomy import Profession, Region, Taxonomy, fold, load_taxonomy
from search.errors import CorpusError
from search.sections import REQUIRED_SECTIONS, SECTION_KEYS, SECTION_TITLES

MAX_FILE_BYTES = 256 * 1024
"""Largest testimonial file (and largest JSON Lines record)."""
MAX_JSONL_BYTES = 64 * 1024 * 1024
MAX_PROBLEMS_PER_FILE = 100
"""Problems kept per file; the others are only counted (a file of 2 million bad lines stays 100 lines)."""
MAX_JSON_DEPTH = 3
ID_RULE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RULE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
KNOWN_KEYS = ("name", "profession", "rome", "region", "country", "themes", "published", "status")
REQUIRED_KEYS = ("name", "profession", "region", "published")
STATUSES = ("published", "withdrawn")
SHIPPED_TAXONOMY = Path(__file__).resolve().parent.parent / "corpus" / "taxonomy"
"""The repository's taxonomy, found from this file (not from the working directory)."""
_SECTION_BY_KEY = {fold(title): key for key, title in SECTION_TITLES.items()}

InferThemes = Callable[[str], tuple[str, ...]]
Found = Iterable[tuple[Testimonial | None, list[Problem]]]


def _theme_inferrer() -> InferThemes | None:
    """``indexer.themes.infer_themes`` (written by another developer); None until it exists."""
    try:
        module = importlib.import_module("indexer.themes")
    except ModuleNotFoundError as exc:
        if exc.name != "indexer.themes":
            raise
        return None
    return cast(InferThemes, module.infer_themes)


class _Record:
    """Problems of one record, collected while it is checked."""

    def __init__(self, path: str, line: int) -> None:
        self.path = path
        self.line = line
        self.problems: list[Problem] = []

    def error(self, line: int, message: str, remedy: str = "", field: str = "") -> None:
        self.problems.append(Problem(self.path, line, message, remedy, "error", field))

    def warn(self, line: int, message: str, remedy: str = "", field: str = "") -> None:
        self.problems.append(Problem(self.path, line, message, remedy, "warning", field))


class _FileProblems:
    """The problems of one file: the first ``MAX_PROBLEMS_PER_FILE`` kept, the others counted."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.kept: list[Problem] = []
        self.omitted = {"error": 0, "warning": 0}
        self.first_omitted_line = 0

    def add(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if len(self.kept) < MAX_PROBLEMS_PER_FILE:
                self.kept.append(problem)
                continue
            self.omitted[problem.severity] += 1
            self.first_omitted_line = self.first_omitted_line or problem.line

    def close(self) -> list[Problem]:
        """The kept problems, then one line standing for the omitted ones, if any."""
        errors, warnings = self.omitted["error"], self.omitted["warning"]
        if not errors and not warnings:
            return self.kept
        if errors and warnings:
            what = f"{plural(errors + warnings, 'autre problème', 'autres problèmes')} dans ce fichier" \
                   f" ({plural(errors, 'erreur', 'erreurs')}, {plural(warnings, 'avertissement', 'avertissements')})"
        elif errors:
            what = f"{plural(errors, 'autre erreur', 'autres erreurs')} dans ce fichier"
        else:
            what = f"{plural(warnings, 'autre avertissement', 'autres avertissements')} dans ce fichier"
        summary = Problem(
            self.shown, self.first_omitted_line, f"… et {what}",
            f"corrigez d’abord les premières lignes signalées{NBSP}: une même cause (un fichier qui n’est pas au"
            f" format attendu{NNBSP}?) en produit souvent des milliers",
            "error" if errors else "warning", OMITTED,
        )
        return [*self.kept, summary]


def taxonomy_dir_of(corpus_dir: Path) -> Path:
    """``corpus_dir/taxonomy``, or the shipped taxonomy when the corpus has no ``taxonomy/`` at all."""
    own = Path(corpus_dir) / "taxonomy"
    return SHIPPED_TAXONOMY if not own.exists() and not own.is_symlink() and SHIPPED_TAXONOMY.is_dir() else own


def load_corpus(
    corpus_dir: Path, *, taxonomy_dir: Path | None = None, rome_dir: Path | None = None
) -> CorpusReport:
    """Read and check the whole corpus; never raises for a corpus problem, reports it.

    Without ``taxonomy_dir``, the corpus's own ``taxonomy/``, else the shipped one (with a warning).
    """
    corpus_dir = Path(corpus_dir)
    notices: tuple[Problem, ...] = ()
    if taxonomy_dir is None:
        taxonomy_dir = taxonomy_dir_of(corpus_dir)
        if taxonomy_dir == SHIPPED_TAXONOMY and corpus_dir.resolve() != SHIPPED_TAXONOMY.parent:
            own = corpus_dir / "taxonomy"
            notices = (Problem(
                str(own), 1, f"pas de dossier taxonomy/ dans ce corpus{NBSP}: taxonomie livrée utilisée ({SHIPPED_TAXONOMY})",
                f"ajoutez {own}/ pour en utiliser une autre", "warning", "taxonomy",
            ),)
    taxonomy_dir = Path(taxonomy_dir)
    try:
        taxonomy = load_taxonomy(taxonomy_dir, rome_dir=rome_dir)
    except CorpusError as exc:
        return CorpusReport((), (Problem(str(taxonomy_dir), 1, exc.message, exc.remedy, field="taxonomy"),))
    report = check_corpus(corpus_dir, taxonomy)
    _, words = load_synonyms(taxonomy_dir / SYNONYMS_FILE, taxonomy)  # how youths ask: checked with the corpus
    return replace(report, problems=notices + report.problems + words)


def check_corpus(corpus_dir: Path, taxonomy: Taxonomy) -> CorpusReport:
    """``load_corpus`` with an already loaded taxonomy."""
    corpus_dir = Path(corpus_dir)
    folder = corpus_dir / "testimonials"
    problems: list[Problem] = []
    testimonials: list[Testimonial] = []
    omitted = {"error": 0, "warning": 0}
    if folder.is_symlink() or not folder.is_dir():
        remedy = "le dossier testimonials/ doit être un vrai dossier dans le corpus" + _at_root(corpus_dir, folder)
        what = "est un lien symbolique" if folder.is_symlink() else "est introuvable"
        return CorpusReport((), (Problem(str(folder), 1, f"le dossier des témoignages {what}", remedy, field="corpus"),))
    root = corpus_dir.resolve()
    seen: dict[str, str] = {}
    with os.scandir(folder) as entries:
        names = sorted(entry.name for entry in entries)
    for name in names:
        path = folder / name
        shown = str(path)
        if name.startswith("."):
            continue
        if path.is_symlink():
            problems.append(Problem(shown, 1, "lien symbolique refusé dans le corpus", "remplacez-le par le fichier lui-même", field="path"))
            continue
        if not path.resolve().is_relative_to(root):
            problems.append(Problem(shown, 1, "chemin hors du corpus refusé", "placez le fichier dans corpus/testimonials/", field="path"))
            continue
        if not path.is_file() or not name.endswith((".md", ".jsonl")):
            problems.append(Problem(shown, 1, "fichier ignoré : seuls les fichiers .md et .jsonl sont lus", "renommez-le en .md ou retirez-le", "warning", "path"))
            continue
        source = path.relative_to(corpus_dir).as_posix()
        if name.endswith(".md"):
            found: Found = _read_markdown(path, shown, source, taxonomy)
        else:
            found = _read_jsonl(path, shown, source, taxonomy)
        file_problems = _FileProblems(shown)
        for testimonial, record_problems in found:
            file_problems.add(record_problems)
            if testimonial is None:
                continue
            where = f"{shown}:{testimonial.source_line}" if name.endswith(".jsonl") else shown
            if testimonial.id in seen:
                file_problems.add([Problem(
                    shown, testimonial.source_line, f"identifiant « {testimonial.id} » en double (déjà dans {seen[testimonial.id]})",
                    "donnez un identifiant unique à l’un des deux témoignages", field="id",
                )])
                continue
            seen[testimonial.id] = where
            testimonials.append(testimonial)
        problems.extend(file_problems.close())
        for severity, n in file_problems.omitted.items():
            omitted[severity] += n
    if not any(p.severity == "error" for p in problems):
        problems.extend(_nothing_to_publish(corpus_dir, folder, testimonials))
    return CorpusReport(tuple(testimonials), tuple(problems), omitted["error"], omitted["warning"])


def _nothing_to_publish(corpus_dir: Path, folder: Path, testimonials: list[Testimonial]) -> list[Problem]:
    """An error when no testimonial would be published: an empty index cannot be served."""
    if any(not t.withdrawn for t in testimonials):
        return []
    if testimonials:
        withdrawn = plural(len(testimonials), "retiré", "retirés")
        return [Problem(str(folder), 1, f"aucun témoignage publié dans ce dossier ({withdrawn})",
                        f"publiez-en au moins un (status: published){NBSP}: un index vide ne peut pas être servi", field="corpus")]
    remedy = "ajoutez-y des fichiers .md ou .jsonl" + _at_root(corpus_dir, folder)
    return [Problem(str(folder), 1, "aucun témoignage dans ce dossier", remedy, field="corpus")]


def _at_root(corpus_dir: Path, folder: Path) -> str:
    """`` ; bulk.jsonl est à la racine du corpus (corpus) : déplacez-le dans corpus/testimonials/``, or "" (with
    the non-breaking spaces of French typography)."""
    names = sorted(p.name for p in corpus_dir.glob("*") if p.suffix in (".md", ".jsonl") and p.is_file())
    if not names:
        return ""
    shown = ", ".join(names[:5]) + (f" et {len(names) - 5} autres" if len(names) > 5 else "")
    verb, pronoun = ("est", "le") if len(names) == 1 else ("sont", "les")
    return f"{NNBSP}; {shown} {verb} à la racine du corpus ({corpus_dir}){NBSP}: déplacez-{pronoun} dans {folder}/"


def _read_bytes(path: Path, shown: str, limit: int) -> tuple[str | None, bytes, list[Problem]]:
    size = path.stat().st_size
    if size > limit:
        return None, b"", [Problem(shown, 1, f"fichier trop volumineux ({size // 1024} Ko, maximum {limit // 1024} Ko)", "raccourcissez le témoignage ou découpez le fichier", field="size")]
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, raw, [Problem(shown, 1, "marque d’ordre des octets (BOM) en début de fichier", "enregistrez le fichier en UTF-8 sans BOM", field="encoding")]
    try:
        return raw.decode("utf-8"), raw, []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, raw, [Problem(shown, line, "texte qui n’est pas de l’UTF-8 valide", "enregistrez le fichier en UTF-8", field="encoding")]


def _read_markdown(path: Path, shown: str, source: str, taxonomy: Taxonomy) -> list[tuple[Testimonial | None, list[Problem]]]:
    text, raw, problems = _read_bytes(path, shown, MAX_FILE_BYTES)
    record = _Record(shown, 1)
    record.problems.extend(problems)
    identifier = path.name[: -len(".md")]
    if not ID_RULE.match(identifier):
        record.error(1, f"nom de fichier « {path.name} » invalide : l’identifiant ne peut contenir que des lettres minuscules sans accent, des chiffres et des tirets",
                     f"renommez-le, par exemple « {_suggest_id(identifier)}.md »", "id")
    if text is None:
        return [(None, record.problems)]
    try:
        front = parse_front_matter(text)
    except FrontMatterError as exc:
        record.error(exc.line, exc.message, exc.remedy, "front matter")
        return [(None, record.problems)]
    sections = _split_sections(front.body, front.body_line, record)
    testimonial = _build(record, identifier, front.fields, sections, taxonomy, front.end_line)
    if testimonial is None or not ID_RULE.match(identifier):
        return [(None, record.problems)]
    return [(replace(testimonial, source=source, source_line=1, content_hash=hashlib.sha256(raw).hexdigest()), record.problems)]


def section_of(line: str) -> str | None:
    """The section key a ``##`` heading line names (``"## Mon métier ##"`` -> ``"metier"``), else None.

    Plain string operations, linear in the line: the pattern they replace backtracked cubically
    on ``## a`` followed by thousands of spaces.
    """
    if not line.startswith("##") or line.startswith("###"):
        return None
    title = line[2:].strip().rstrip("#")  # optional closing hashes, as in ATX headings
    return _SECTION_BY_KEY.get(fold(title))


def _split_sections(body: str, first_line: int, record: _Record) -> dict[str, tuple[str, int]]:
    """``## Mon métier`` … -> ``{"metier": (text, heading line)}``; other headings stay text."""
    sections: dict[str, tuple[list[str], int]] = {}
    current: str | None = None
    preamble_line = 0
    for offset, line in enumerate(body.splitlines()):
        number = first_line + offset
        key = section_of(line)
        if key is not None:
            if key in sections:
                record.error(number, f"section « {SECTION_TITLES[key]} » en double (déjà ligne {sections[key][1]})", "fusionnez les deux sections", key)
            else:
                sections[key] = ([], number)
            current = key
        elif current is not None:
            sections[current][0].append(line)
        elif line.strip() and not preamble_line:
            preamble_line = number
    if preamble_line:
        record.warn(preamble_line, "texte avant la première section, ignoré", f"placez-le sous « ## {SECTION_TITLES['metier']} »", "sections")
    return {key: ("\n".join(lines).strip(), number) for key, (lines, number) in sections.items()}


def _read_jsonl(path: Path, shown: str, source: str, taxonomy: Taxonomy) -> Iterator[tuple[Testimonial | None, list[Problem]]]:
    """One record at a time, read as a stream: memory holds a line, not the file and its lines."""
    size = path.stat().st_size
    if size > MAX_JSONL_BYTES:
        yield None, [Problem(shown, 1, f"fichier trop volumineux ({size // 1024} Ko, maximum {MAX_JSONL_BYTES // 1024} Ko)", "découpez le fichier", field="size")]
        return
    for number, line_bytes in numbered_lines(path, max_line=MAX_FILE_BYTES):
        record = _Record(shown, number)
        if line_bytes is None:
            record.error(number, f"enregistrement trop volumineux (maximum {MAX_FILE_BYTES // 1024} Ko)", "raccourcissez ce témoignage", "size")
            yield None, record.problems
            continue
        if number == 1 and line_bytes.startswith(b"\xef\xbb\xbf"):
            record.error(1, "marque d’ordre des octets (BOM) en début de fichier", "enregistrez le fichier en UTF-8 sans BOM", "encoding")
            yield None, record.problems
            return
        if not line_bytes.strip():
            continue
        try:
            line_bytes.decode("utf-8")
        except UnicodeDecodeError:
            record.error(number, "texte qui n’est pas de l’UTF-8 valide", "enregistrez le fichier en UTF-8", "encoding")
            yield None, record.problems
            continue
        yield _jsonl_record(record, line_bytes, taxonomy, source), record.problems


def _jsonl_record(record: _Record, line_bytes: bytes, taxonomy: Taxonomy, source: str) -> Testimonial | None:
    line = record.line
    if len(line_bytes) > MAX_FILE_BYTES:
        record.error(line, f"enregistrement trop volumineux (maximum {MAX_FILE_BYTES // 1024} Ko)", "raccourcissez ce témoignage", "size")
        return None
    try:
        data = parse_record(line_bytes)
    except (ValueError, RecursionError) as exc:
        record.error(line, f"ligne JSON invalide ({exc})", "une ligne = un objet JSON complet", "json")
        return None
    if not isinstance(data, dict):
        record.error(line, "un objet JSON est attendu sur chaque ligne", "écrivez {\"id\": …, \"name\": …, \"sections\": {…}}", "json")
        return None
    if _depth(data) > MAX_JSON_DEPTH:
        record.error(line, "objet JSON trop imbriqué", "seules des chaînes, des listes de chaînes et « sections » sont acceptées", "json")
        return None
    identifier = data.pop("id", None)
    raw_sections = data.pop("sections", None)
    if not isinstance(identifier, str) or not ID_RULE.match(identifier):
        record.error(line, f"identifiant « {identifier} » invalide : lettres minuscules sans accent, chiffres et tirets",
                     f"par exemple « {_suggest_id(str(identifier or 'prenom-metier'))} »", "id")
        return None
    fields: dict[str, Field] = {}
    invalid: set[str] = set()
    for key, value in data.items():
        if isinstance(value, str):
            fields[str(key)] = Field(value.strip(), line)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            fields[str(key)] = Field(tuple(v.strip() for v in value), line)
        else:
            invalid.add(str(key))
            record.error(line, f"valeur de « {key} » invalide : une chaîne ou une liste de chaînes est attendue", "écrivez les dates et les codes entre guillemets", str(key))
    sections: dict[str, tuple[str, int]] = {}
    if not isinstance(raw_sections, dict):
        record.error(line, "champ « sections » absent ou invalide", "ajoutez \"sections\": {\"metier\": …, \"conseils\": …}", "sections")
    else:
        for key, value in raw_sections.items():
            if key not in SECTION_KEYS:
                record.error(line, f"section « {key} » inconnue", f"sections possibles : {', '.join(SECTION_KEYS)}{_closest(str(key), SECTION_KEYS)}", "sections")
            elif not isinstance(value, str):
                record.error(line, f"section « {key} » invalide : du texte est attendu", "écrivez la section comme une chaîne", key)
            else:
                sections[key] = (value.strip(), line)
    testimonial = _build(record, identifier, fields, sections, taxonomy, line, invalid=invalid)
    if testimonial is None:
        return None
    return replace(testimonial, source=source, source_line=line, content_hash=hashlib.sha256(line_bytes).hexdigest())


def _build(record: _Record, identifier: str, fields: dict[str, Field], sections: dict[str, tuple[str, int]],
           taxonomy: Taxonomy, header_line: int, *, invalid: set[str] | None = None) -> Testimonial | None:
    """Check fields and sections of one record; the Testimonial, or None if it has errors."""
    start = len(record.problems)
    for key, item in fields.items():
        if key not in KNOWN_KEYS:
            record.error(item.line, f"clé « {key} » inconnue", f"clés possibles : {', '.join(KNOWN_KEYS)}{_closest(key, KNOWN_KEYS)}", key)
    text: dict[str, str] = {}
    for key in KNOWN_KEYS:
        found = fields.get(key)
        if found is None:
            if key in REQUIRED_KEYS and key not in (invalid or set()):
                record.error(record.line, f"champ obligatoire « {key} » absent", f"ajoutez une ligne « {key}: … » dans l’en-tête", key)
            continue
        if key != "themes" and not isinstance(found.value, str):
            record.error(found.line, f"« {key} » doit être une seule valeur, pas une liste", f"écrivez « {key}: valeur »", key)
        elif key != "themes" and not found.value:
            record.error(found.line, f"champ « {key} » vide", f"renseignez « {key} » ou retirez la ligne" if key not in REQUIRED_KEYS else f"renseignez « {key} »", key)
        elif isinstance(found.value, str):
            text[key] = found.value
    status = _status_of(fields)
    if status not in STATUSES:
        record.error(fields["status"].line, f"statut « {status} » inconnu", f"écrivez « published » ou « withdrawn »{_closest(status, STATUSES)}", "status")
        status = "published"
    country_code = _country(record, fields, text, taxonomy)
    region: Region | None = None
    if "region" in text and country_code:
        region = _region(record, fields["region"], country_code, taxonomy)
    profession = _profession(record, fields, text, taxonomy)
    published = _date(record, fields, text)
    themes, declared = _themes(record, fields.get("themes"), taxonomy, sections.get("conseils", ("", 0))[0])
    for key in REQUIRED_SECTIONS:
        if key not in sections:
            record.error(header_line, f"section obligatoire « ## {SECTION_TITLES[key]} » absente", f"ajoutez une ligne « ## {SECTION_TITLES[key]} » suivie du texte", key)
    for key, (body, line) in sections.items():
        if not body:
            if key in REQUIRED_SECTIONS:
                record.error(line, f"section « {SECTION_TITLES[key]} » vide", "écrivez le texte sous ce titre", key)
            else:
                record.warn(line, f"section « {SECTION_TITLES[key]} » vide", "écrivez le texte ou retirez ce titre", key)
    if status == "withdrawn":  # a withdrawal never blocks a build: its problems are warnings
        record.problems[start:] = [replace(p, severity="warning") for p in record.problems[start:]]
    elif any(p.severity == "error" for p in record.problems[start:]):
        return None
    country = taxonomy.countries.get(country_code or "")
    sector = taxonomy.sectors.get(profession.sector) if profession else None
    return Testimonial(
        id=identifier,
        name=text.get("name", ""),
        profession=text.get("profession", ""),
        rome=profession.code if profession else "",
        rome_label=profession.label if profession else "",
        sector=sector.code if sector else "",
        sector_label=sector.label if sector else "",
        country=country.code if country else "",
        country_label=country.label if country else "",
        region=region.code if region else "",
        region_label=region.label if region else "",
        themes=themes,
        themes_declared=declared,
        published=published or date(1970, 1, 1),
        sections=Sections(**{key: body for key, (body, _) in sections.items()}) if all(k in sections for k in REQUIRED_SECTIONS) else Sections("", ""),
        status="withdrawn" if status == "withdrawn" else "published",
    )


def _status_of(fields: dict[str, Field]) -> str:
    """The status a record is read with: its non-empty single value, else ``published``."""
    found = fields.get("status")
    return found.value if found is not None and isinstance(found.value, str) and found.value else "published"


def read_status(path: Path, doc_id: str) -> str | None:
    """The status the loader reads for ``doc_id`` in one .md or .jsonl file (``"withdrawn"``…),
    or None when the file does not hold that record in a readable form. No taxonomy needed::

        read_status(Path("corpus/testimonials/audrey.md"), "audrey")  # "published"
    """
    if path.suffix == ".md":
        if path.name[: -len(".md")] != doc_id:
            return None
        text, _, _ = _read_bytes(path, str(path), MAX_FILE_BYTES)
        try:
            return None if text is None else _status_of(parse_front_matter(text).fields)
        except FrontMatterError:
            return None
    for _, line_bytes in numbered_lines(path, max_line=MAX_FILE_BYTES):
        try:
            data = parse_record(line_bytes) if line_bytes else None
        except (ValueError, RecursionError):
            continue
        if isinstance(data, dict) and data.get("id") == doc_id:
            value = data.get("status")
            return _status_of({"status": Field(value.strip(), 1)} if isinstance(value, str) else {})
    return None


def _country(record: _Record, fields: dict[str, Field], text: dict[str, str], taxonomy: Taxonomy) -> str | None:
    if "country" not in fields:
        return "FR"
    value = text.get("country")
    if value is None:
        return None
    code = value.upper()
    if code in taxonomy.countries:
        return code
    by_name = {fold(c.label): c.code for c in taxonomy.countries.values()}
    if fold(value) in by_name:
        remedy = f"écrivez le code ISO à deux lettres : « country: {by_name[fold(value)]} »"
    else:
        close = difflib.get_close_matches(fold(value), list(by_name), n=1, cutoff=0.75)
        remedy = f"écrivez un code ISO à deux lettres, par exemple « country: {by_name[close[0]] if close else 'FR'} »"
    record.error(fields["country"].line, f"pays « {value} » inconnu", remedy, "country")
    return None


def _region(record: _Record, item: Field, country: str, taxonomy: Taxonomy) -> Region | None:
    value = str(item.value)
    region = taxonomy.resolve_region(value, country)
    if region is not None:
        return region
    elsewhere = taxonomy.find_region_elsewhere(value, country)
    close = taxonomy.suggest_regions(value, country)
    country_label = taxonomy.countries[country].label
    if elsewhere:
        other = elsewhere[0]
        remedy = f"« {value} » est en {taxonomy.countries[other.country].label} : ajoutez « country: {other.country} »"
    elif close:
        remedy = "vouliez-vous dire " + " ou ".join(f"« {written} »" for written, _ in close) + " ?"
    else:
        remedy = f"écrivez une région, un département (nom ou numéro), un canton ou une province de {country_label}"
    record.error(item.line, f"région « {value} » inconnue ({country_label})", remedy, "region")
    return None


def _profession(record: _Record, fields: dict[str, Field], text: dict[str, str], taxonomy: Taxonomy) -> Profession | None:
    code = text.get("rome")
    if code is not None:
        code = code.strip().upper()
        if code in taxonomy.professions:
            return taxonomy.professions[code]
        shape = "" if re.match(r"^[A-N][0-9]{4}$", code) else " (une lettre de A à N puis quatre chiffres, comme M1705)"
        record.error(fields["rome"].line, f"code ROME « {text['rome']} » inconnu{shape}",
                     "corrigez le code, ou ajoutez sa fiche avec python -m indexer.taxonomy_sync --rome <export ROME>", "rome")
        return None
    written = text.get("profession")
    if written is None:
        return None
    found = taxonomy.resolve_profession(written)
    if found is not None:
        return found
    guess = taxonomy.guess_profession(written)
    line = fields["profession"].line
    if guess is not None:
        record.warn(line, f"profession « {written} » rattachée par approximation à la fiche {guess.code} « {guess.label} »",
                    f"confirmez avec « rome: {guess.code} » ou relancez python -m indexer.taxonomy_sync", "profession")
        return guess
    close = taxonomy.suggest_professions(written)
    hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
    record.error(line, f"profession « {written} » introuvable dans le ROME",
                 f"ajoutez « rome: CODE » (code de la fiche ROME) ou écrivez un intitulé ROME{hint}", "profession")
    return None


def _date(record: _Record, fields: dict[str, Field], text: dict[str, str]) -> date | None:
    value = text.get("published")
    if value is None:
        return None
    try:
        if DATE_RULE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    record.error(fields["published"].line, f"date « {value} » invalide", "écrivez la date au format AAAA-MM-JJ, par exemple 2013-05-14", "published")
    return None


def _themes(record: _Record, item: Field | None, taxonomy: Taxonomy, conseils: str) -> tuple[tuple[str, ...], bool]:
    values = () if item is None else ((item.value,) if isinstance(item.value, str) else item.value)
    values = tuple(v for v in values if v)
    if item is None or not values:
        infer = _theme_inferrer()
        return (tuple(infer(conseils)) if infer and conseils else ()), False
    good = []
    for slug in values:
        if slug in taxonomy.themes:
            if slug not in good:
                good.append(slug)
        else:
            close = difflib.get_close_matches(fold(slug), list(taxonomy.themes), n=1, cutoff=0.6)
            hint = f"vouliez-vous dire « {close[0]} » ? " if close else ""
            record.error(item.line, f"thème « {slug} » inconnu", f"{hint}thèmes possibles : {', '.join(taxonomy.themes)}", "themes")
    return tuple(good), True


def _closest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


def _suggest_id(text: str) -> str:
    return "-".join(fold(text).split()) or "prenom-metier"


def _depth(value: Any, level: int = 1) -> int:
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()], default=level)
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value], default=level)
    return level - 1


def summarize(report: CorpusReport) -> dict[str, int]:
    """Counts for ``bloomr check``: ``{"testimonials": 60, "published": 59, "withdrawn": 1, "fiches": 41, …}``."""
    published = [t for t in report.testimonials if not t.withdrawn]
    return {
        "testimonials": len(report.testimonials),
        "published": len(published),
        "withdrawn": len(report.testimonials) - len(published),
        "fiches": len({t.rome for t in published if t.rome}),
        "sectors": len({t.sector for t in published if t.sector}),
        "countries": len({t.country for t in published if t.country}),
        "regions": len({t.region for t in published if t.region}),
        "themes": len({theme for t in published for theme in t.themes}),
        "errors": report.error_count,
        "warnings": report.warning_count,
    }


def format_summary(summary: dict[str, int]) -> str:
    """French summary line printed by ``bloomr check``."""
    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count <= 1 else many}"

    return (
        f"{n(summary['testimonials'], 'témoignage', 'témoignages')} "
        f"({n(summary['published'], 'publié', 'publiés')}, {n(summary['withdrawn'], 'retiré', 'retirés')}), "
        f"{n(summary['fiches'], 'fiche ROME', 'fiches ROME')}, {n(summary['sectors'], 'secteur', 'secteurs')}, "
        f"{n(summary['countries'], 'pays', 'pays')}, {n(summary['regions'], 'région', 'régions')}, "
        f"{n(summary['themes'], 'thème', 'thèmes')}"
    )
