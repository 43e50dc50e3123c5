"""Read and check ``corpus/taxonomy/synonyms.yaml``: how youths ask, kept by maintainers.

``load_synonyms(path, taxonomy)`` returns the file as typed values and every problem found,
each with its line (the YAML is composed into nodes, which keep their positions)::

    synonyms, problems = load_synonyms(Path("corpus/taxonomy/synonyms.yaml"), taxonomy)
    synonyms.professions["kiné"]      # ("J1404",)
    [str(p) for p in problems]       # ["corpus/taxonomy/synonyms.yaml:12: fiche « J9999 » inconnue du ROME — …"]

The format is documented at the top of the file itself. ``bloomr check`` reports the problems
with the corpus's; ``bloomr index`` refuses to build while one is an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from indexer.labels import LabelPhrase, label_phrases, title_phrases
from indexer.model import Problem
from indexer.rome import Rome
from indexer.places import known_places
from indexer.taxonomy import SECTOR_CODES, THEME_SLUGS, Taxonomy, fold
from indexer.titles import gender_forms
from search.phrases import phrase_key

SYNONYMS_FILE = "synonyms.yaml"
SECTIONS = (
    "professions", "jobs_without_fiche", "interests", "centres_interet", "grands_domaines", "rome_themes", "advice_themes",
    "places", "places_if_capitalised", "place_words", "fillers",
)
_KIND_NAMES = {
    "sector": "grand domaine", "theme": "thème de conseils", "rome_theme": "thème ROME", "secteur": "secteur",
    "sous_secteur": "sous-secteur", "centre_interet": "centre d’intérêt",
}
TARGETS = ("fiches", "domains", "sectors", "rome_themes", "secteurs", "sous_secteurs", "centres_interet", "without_diploma")


@dataclass(frozen=True)
class Targets:
    """What an interest points at; ``indexer.lexicon`` resolves them to fiches."""

    fiches: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()  # domaines professionnels, "A15"
    sectors: tuple[str, ...] = ()  # grands domaines, "A"
    rome_themes: tuple[str, ...] = ()  # "012"
    secteurs: tuple[str, ...] = ()  # "85"
    sous_secteurs: tuple[str, ...] = ()  # "118"
    centres_interet: tuple[str, ...] = ()  # "17": that centre's targets
    without_diploma: bool = False

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in TARGETS)


@dataclass(frozen=True)
class Interest:
    label: str  # shown to youths: « Les animaux »
    phrases: tuple[str, ...]  # how they say it
    targets: Targets
    line: int = 0

    @property
    def code(self) -> str:
        """Its identifier, from its label without a leading article: « L’armée » -> ``armee``."""
        words = fold(self.label).split()
        while len(words) > 1 and words[0] in ("le", "la", "les", "l"):
            words = words[1:]
        return "-".join(words)


@dataclass(frozen=True)
class Labelled:
    """A ROME item as we word it for youths: a label, phrases that mean it, targets."""

    label: str
    phrases: tuple[str, ...] = ()
    targets: Targets = field(default_factory=Targets)


@dataclass(frozen=True)
class Synonyms:
    professions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # « kiné » -> ("J1404",)
    jobs_without_fiche: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Jobs youths name that no ROME fiche covers -> the nearest fiches: « astronaute » -> ("N2102", …)."""
    interests: tuple[Interest, ...] = ()
    centres_interet: Mapping[str, Labelled] = field(default_factory=dict)  # "17" -> « Les animaux », targets
    grands_domaines: Mapping[str, Labelled] = field(default_factory=dict)  # "A" -> short label, phrases
    rome_themes: Mapping[str, str] = field(default_factory=dict)  # "012" -> « Enfants »
    advice_themes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # "alternance" -> phrases
    places: Mapping[str, str] = field(default_factory=dict)  # « Angleterre » -> "GB"
    places_if_capitalised: tuple[str, ...] = ()
    place_words: tuple[str, ...] = ()
    fillers: tuple[str, ...] = ()


class _Reader:
    """Walks the composed YAML, converting nodes and collecting problems with their lines."""

    def __init__(self, path: Path, taxonomy: Taxonomy) -> None:
        self.path = path
        self.taxonomy = taxonomy
        self.rome: Rome | None = taxonomy.rome
        self.problems: list[Problem] = []
        self.known_places = known_places(taxonomy)
        self.title_keys: dict[tuple[str, ...], str] = {}
        """phrase key of every job title -> its fiche: an interest phrase must not be a job."""
        for code, title in title_phrases(taxonomy):
            self.title_keys.setdefault(phrase_key(title), code)
        self.labels: dict[tuple[str, ...], list[LabelPhrase]] = {}
        """key -> the official labels that read so (recognised without us)."""
        for label in label_phrases(taxonomy):
            self.labels.setdefault(phrase_key(label.phrase), []).append(label)
        self.rome_titles: dict[str, str] = {}
        """folded job title exactly as written (no parenthesis dropped) -> its fiche."""
        for code, profession in taxonomy.professions.items():
            for title in (*gender_forms(profession.label), *profession.titles):
                self.rome_titles.setdefault(fold(title), code)
        self.phrases: dict[tuple[str, ...], tuple[str, int, str]] = {}
        """key -> (where it is defined, line, written form): each phrase is defined once."""

    def error(self, node: Node | int, message: str, remedy: str = "") -> None:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        self.problems.append(Problem(str(self.path), line, message, remedy, "error", "synonyms"))

    def warn(self, node: Node | int, message: str, remedy: str = "") -> None:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        self.problems.append(Problem(str(self.path), line, message, remedy, "warning", "synonyms"))

    # ------------------------------------------------------------------ node shapes

    def text(self, node: Node, what: str) -> str | None:
        if isinstance(node, ScalarNode) and str(node.value).strip():
            return " ".join(str(node.value).split())
        self.error(node, f"{what} : un texte non vide est attendu", "écrivez un mot ou une expression")
        return None

    def mapping(self, node: Node, what: str) -> list[tuple[Node, Node]]:
        if isinstance(node, MappingNode):
            return list(node.value)
        self.error(node, f"{what} : un dictionnaire « clé: valeur » est attendu", "voyez le format en tête du fichier")
        return []

    def texts(self, node: Node, what: str) -> list[tuple[Node, str]]:
        """A list of texts (a single text is accepted as a list of one)."""
        items = node.value if isinstance(node, SequenceNode) else [node]
        found: list[tuple[Node, str]] = []
        for item in items:
            value = self.text(item, what)
            if value is not None:
                found.append((item, value))
        return found

    def keyed(self, node: Node, what: str) -> Iterator[tuple[Node, str, Node]]:
        """Entries of a mapping, each key once."""
        seen: dict[str, int] = {}
        for key_node, value_node in self.mapping(node, what):
            key = self.text(key_node, what)
            if key is None:
                continue
            if key in seen:
                self.error(key_node, f"{what} « {key} » en double (déjà ligne {seen[key]})", "fusionnez les deux entrées")
                continue
            seen[key] = key_node.start_mark.line + 1
            yield key_node, key, value_node

    # ------------------------------------------------------------------ phrases

    def claim(self, node: Node, phrase: str, owner: str, *, official: tuple[str, ...] = (), code: str = "",
              job_title_warning: bool = False) -> bool:
        """Register a phrase for ``owner``; a phrase read alike elsewhere is an error (or a
        warning within the same entry, where it is only redundant). ``official``: the label
        kinds that would already say the same for ``code`` (a sector phrase that is its own
        label): a warning. An interest may reuse a ROME label: it then replaces it."""
        key = phrase_key(phrase)
        if job_title_warning and key in self.title_keys:
            code = self.title_keys[key]
            self.warn(node, f"« {phrase} » est un intitulé ROME (fiche {code} « {self.taxonomy.professions[code].label} ») : reconnu comme métier",
                      "retirez-le d’ici, ou faites-en un synonyme sous professions: pour choisir ses fiches")
            return False
        for label in self.labels.get(key, ()):
            if label.kind in official and (not code or label.code == code):
                self.warn(node, f"« {phrase} » est déjà le libellé officiel « {label.label} » ({_KIND_NAMES[label.kind]} {label.code}), reconnu tel quel",
                          "retirez-le")
                return False
        if not key:
            self.error(node, f"« {phrase} » ne contient aucun mot qui compte (les articles sont ignorés)", "retirez-le")
            return False
        line = node.start_mark.line + 1
        if key in self.phrases:
            other, other_line, written = self.phrases[key]
            if other == owner:
                self.warn(node, f"« {phrase} » se lit comme « {written} » (ligne {other_line}) : inutile",
                          "retirez l’une des deux formes : la casse, les accents, le genre, le nombre et les articles ne comptent pas")
            else:
                self.error(node, f"« {phrase} » est déjà défini ligne {other_line} ({other}, « {written} »)",
                           "une expression ne peut vouloir dire qu’une chose : gardez-la à un seul endroit")
            return False
        self.phrases[key] = (owner, line, phrase)
        return True

    # ------------------------------------------------------------------ codes

    def codes(self, node: Node, what: str, known: Mapping[str, str] | tuple[str, ...], *, width: int = 0) -> tuple[str, ...]:
        found: list[str] = []
        for item, value in self.texts(node, what):
            code = value.upper() if what in ("fiche", "domaine", "grand domaine") else value
            if width and code.isdigit():
                code = code.zfill(width)
            if code in known:
                found.append(code)
                continue
            close = difflib.get_close_matches(code, list(known), n=1, cutoff=0.6)
            if what == "fiche" and not known:
                remedy = "rome.json est absent de la taxonomie : régénérez-le avec python -m indexer.taxonomy_sync"
            else:
                remedy = f"vouliez-vous dire « {close[0]} » ?" if close else f"voyez la liste des codes ({what}) dans rome.json"
            label = f" « {known[close[0]]} »" if close and isinstance(known, Mapping) else ""
            unknown = "inconnue" if what == "fiche" else "inconnu"
            self.error(item, f"{what} « {value} » {unknown}", remedy.replace(" ?", f"{label} ?"))
        return tuple(dict.fromkeys(found))

    def targets(self, pairs: list[tuple[Node, Node]], owner: str, node: Node) -> Targets:
        rome = self.rome
        fiches = {c: p.label for c, p in self.taxonomy.professions.items()}
        tables: dict[str, tuple[str, Mapping[str, str] | tuple[str, ...], int]] = {
            "fiches": ("fiche", fiches, 0),
            "domains": ("domaine", dict(rome.domaines) if rome else {}, 0),
            "sectors": ("grand domaine", SECTOR_CODES, 0),
            "rome_themes": ("thème ROME", dict(rome.themes) if rome else {}, 3),
            "secteurs": ("secteur", {c: s.label for c, s in rome.secteurs.items()} if rome else {}, 0),
            "sous_secteurs": ("sous-secteur", {c: v[0] for c, v in rome.sous_secteurs.items()} if rome else {}, 0),
            "centres_interet": ("centre d’intérêt", dict(rome.centres_interet) if rome else {}, 0),
        }
        values: dict[str, tuple[str, ...]] = {}
        without = False
        for key_node, value_node in pairs:
            name = str(key_node.value)
            if name == "without_diploma":
                without = str(value_node.value).lower() in ("true", "yes", "oui", "1")
            elif name in tables:
                what, known, width = tables[name]
                values[name] = self.codes(value_node, what, known, width=width)
        found = Targets(without_diploma=without, **values)
        if not found:
            self.error(node, f"{owner} : aucune cible",
                       "indiquez au moins une cible : fiches, domains, sectors, rome_themes, secteurs, sous_secteurs, centres_interet ou without_diploma: true")
        return found

    # ------------------------------------------------------------------ sections

    def jobs_without_fiche(self, node: Node) -> dict[str, tuple[str, ...]]:
        """« astronaute: [N2102, K2410] »: a job no fiche covers, and the fiches closest to it."""
        fiches = {c: p.label for c, p in self.taxonomy.professions.items()}
        found: dict[str, tuple[str, ...]] = {}
        for key_node, word, value_node in self.keyed(node, "métier sans fiche"):
            if not self.claim(key_node, word, f"jobs_without_fiche, « {word} »"):
                continue
            rome_code = self.rome_titles.get(fold(word))
            if rome_code:
                self.error(key_node, f"« {word} » est l’intitulé ROME de la fiche {rome_code} : ce métier a sa fiche",
                           "déplacez-le sous professions:, ou retirez-le")
                continue
            codes = self.codes(value_node, "fiche", fiches)
            if not codes:
                if not (isinstance(value_node, SequenceNode) and value_node.value):
                    self.error(value_node, f"« {word} » ne renvoie à aucune fiche proche", "indiquez les fiches les plus proches : [N2102]")
                continue
            found[word] = codes
        return found

    def professions(self, node: Node) -> dict[str, tuple[str, ...]]:
        fiches = {c: p.label for c, p in self.taxonomy.professions.items()}
        found: dict[str, tuple[str, ...]] = {}
        for key_node, word, value_node in self.keyed(node, "profession"):
            if not self.claim(key_node, word, f"professions, « {word} »"):
                continue
            codes = self.codes(value_node, "fiche", fiches)
            if not codes:
                if not (isinstance(value_node, SequenceNode) and value_node.value):
                    self.error(value_node, f"« {word} » ne renvoie à aucune fiche", "indiquez une liste de codes ROME : [J1404]")
                continue
            rome_code = self.rome_titles.get(fold(word))
            if rome_code and rome_code in codes and len(codes) == 1:
                self.warn(key_node, f"« {word} » est déjà l’intitulé ROME de la fiche {rome_code} : inutile", "retirez-le")
            elif rome_code and rome_code not in codes:
                self.warn(key_node, f"« {word} » est l’intitulé ROME de la fiche {rome_code} « {fiches.get(rome_code, '')} », absente d’ici",
                          f"ajoutez {rome_code} à la liste, ou gardez ce choix en connaissance de cause")
            found[word] = codes
        return found

    def interests(self, node: Node) -> tuple[Interest, ...]:
        found: list[Interest] = []
        labels: dict[str, int] = {}
        codes: dict[str, str] = {}
        items = node.value if isinstance(node, SequenceNode) else []
        if not isinstance(node, SequenceNode):
            self.error(node, "interests : une liste est attendue", "chaque intérêt commence par « - label: »")
        for item in items:
            pairs = self.mapping(item, "intérêt")
            fields = {str(k.value): v for k, v in pairs}
            unknown = [k for k, _ in pairs if str(k.value) not in ("label", "phrases", *TARGETS)]
            for key_node in unknown:
                self.error(key_node, f"champ « {key_node.value} » inconnu", f"champs permis : label, phrases, {', '.join(TARGETS)}")
            label = self.text(fields["label"], "label") if "label" in fields else None
            if label is None:
                self.error(item, "intérêt sans label", "ajoutez « label: » (ce que voit le jeune)")
                continue
            if label in labels:
                self.error(fields["label"], f"intérêt « {label} » en double (déjà ligne {labels[label]})", "fusionnez-les")
                continue
            labels[label] = fields["label"].start_mark.line + 1
            phrases = [p for n, p in self.texts(fields["phrases"], "phrase")
                       if self.claim(n, p, f"intérêt « {label} »", job_title_warning=True)] if "phrases" in fields else []
            if "phrases" not in fields:
                self.error(item, f"intérêt « {label} » sans phrases", "ajoutez « phrases: [comment les jeunes le disent] »")
            targets = self.targets([(k, v) for k, v in pairs if str(k.value) in TARGETS], f"intérêt « {label} »", item)
            interest = Interest(label, tuple(phrases), targets, item.start_mark.line + 1)
            if interest.code in codes:
                self.error(fields["label"], f"intérêt « {label} » : même identifiant « {interest.code} » que « {codes[interest.code]} »",
                           "changez l’un des deux labels")
                continue
            codes[interest.code] = label
            found.append(interest)
        return tuple(found)

    def labelled(self, node: Node, what: str, expected: Mapping[str, str], *, width: int = 0,
                 with_targets: bool = False) -> dict[str, Labelled]:
        found: dict[str, Labelled] = {}
        for key_node, code, value_node in self.keyed(node, what):
            code = code.zfill(width) if width and code.isdigit() else code
            if code not in expected:
                self.error(key_node, f"{what} « {code} » inconnu", f"codes attendus : {', '.join(expected)}")
                continue
            pairs = self.mapping(value_node, what)
            fields = {str(k.value): v for k, v in pairs}
            allowed = ("label", "phrases", *(TARGETS if with_targets else ()))
            for key_node, _ in pairs:
                if str(key_node.value) not in allowed:
                    # « {label: Le business, vendre} »: in a flow mapping the comma ends the label
                    self.error(key_node, f"{what} « {code} » : champ « {key_node.value} » inconnu",
                               f"champs permis : {', '.join(allowed)} ; un label qui contient une virgule s’écrit entre guillemets")
            label = self.text(fields["label"], "label") if "label" in fields else None
            if what == "grand domaine":  # its short label is short_labels.yaml's: here, phrases only
                if label is not None:
                    self.error(fields["label"], f"{what} « {code} » : le libellé court est dans short_labels.yaml",
                               "retirez « label: » ici ; gardez « phrases: »")
                label = ""
            elif label is None:
                self.error(value_node, f"{what} « {code} » sans label", "ajoutez « label: » (court, pour un jeune de 16 ans)")
                continue
            owner = f"{what} {code}"
            kinds: tuple[str, ...] = ("sector",) if what == "grand domaine" else ()
            phrases = tuple(p for n, p in self.texts(fields["phrases"], "phrase")
                            if self.claim(n, p, owner, official=kinds, code=code, job_title_warning=True)) if "phrases" in fields else ()
            targets = self.targets([(k, v) for k, v in pairs if str(k.value) in TARGETS], f"{what} « {expected[code]} »", value_node) if with_targets else Targets()
            found[code] = Labelled(label, phrases, targets)
        for code, name in expected.items():
            if code not in found:
                self.error(node, f"{what} {code} « {name} » absent", f"ajoutez « {code}: » avec ses phrases" if what == "grand domaine" else f"ajoutez « {code}: » avec son label")
        return found

    def short_labels(self, node: Node, what: str, expected: Mapping[str, str], width: int) -> dict[str, str]:
        found: dict[str, str] = {}
        for key_node, code, value_node in self.keyed(node, what):
            code = code.zfill(width) if code.isdigit() else code
            label = self.text(value_node, "label")
            if code not in expected:
                self.error(key_node, f"{what} « {code} » inconnu", f"codes attendus : {', '.join(expected)}")
            elif label is not None:
                found[code] = label
        for code, official in expected.items():
            if code not in found:
                self.error(node, f"{what} {code} « {official} » sans label court", f"ajoutez « \"{code}\": label »")
        return found

    def advice_themes(self, node: Node) -> dict[str, tuple[str, ...]]:
        found: dict[str, tuple[str, ...]] = {}
        for key_node, slug, value_node in self.keyed(node, "thème de conseils"):
            if slug not in THEME_SLUGS:
                self.error(key_node, f"thème de conseils « {slug} » inconnu", f"thèmes : {', '.join(THEME_SLUGS)}")
                continue
            found[slug] = tuple(p for n, p in self.texts(value_node, "phrase")
                                if self.claim(n, p, f"conseils « {slug} »", official=("theme",), code=slug, job_title_warning=True))
        return found

    def places(self, node: Node) -> dict[str, str]:
        found: dict[str, str] = {}
        for key_node, name, value_node in self.keyed(node, "lieu"):
            code = self.text(value_node, "code")
            if code is None:
                continue
            code = code.upper()
            country = code.split("-", 1)[0]
            known = country in self.taxonomy.countries and (
                "-" not in code or self.taxonomy.resolve_region(code, country) is not None
            )
            if not known:
                self.error(value_node, f"lieu « {name} » : code « {code} » inconnu",
                           "écrivez le code ISO d’un pays de countries.yaml (« GB ») ou d’une de ses régions (« GB-SCT »)")
                continue
            if phrase_key(name) in self.known_places:
                known_as = self.known_places[phrase_key(name)][0]
                self.error(key_node, f"lieu « {name} » déjà connu ({known_as.label}, {known_as.code})", "retirez-le")
                continue
            if self.claim(key_node, name, f"lieu « {name} »"):
                found[name] = code
        return found

    def words(self, node: Node, what: str, check: Callable[[Node, str], bool] | None = None) -> tuple[str, ...]:
        found = []
        for item, word in self.texts(node, what):
            if (check is None or check(item, word)) and self.claim(item, word, what):
                found.append(word)
        return tuple(found)


def load_synonyms(path: Path, taxonomy: Taxonomy) -> tuple[Synonyms, tuple[Problem, ...]]:
    """Read and check the file; a missing file is no problem (nothing to add)."""
    if not path.exists():
        return Synonyms(), ()
    reader = _Reader(path, taxonomy)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        reader.error(mark.line + 1 if mark is not None else 1, f"YAML illisible ({getattr(exc, 'problem', None) or exc})",
                     "corrigez la syntaxe (indentation, deux-points, crochets) à cette ligne")
        return Synonyms(), tuple(reader.problems)
    if root is None:
        return Synonyms(), ()
    sections: dict[str, Node] = {}
    for key_node, name, value_node in reader.keyed(root, "section"):
        if name not in SECTIONS:
            close = difflib.get_close_matches(name, SECTIONS, n=1)
            reader.error(key_node, f"section « {name} » inconnue", f"vouliez-vous dire « {close[0]} » ?" if close else f"sections : {', '.join(SECTIONS)}")
            continue
        sections[name] = value_node
    rome = taxonomy.rome
    empty = ScalarNode("tag:yaml.org,2002:null", "")

    def section(name: str) -> Node:
        return sections.get(name, empty)

    def is_place(node: Node, word: str) -> bool:
        if phrase_key(word) in reader.known_places or phrase_key(word) in {phrase_key(p) for p in synonyms.places}:
            return True
        reader.error(node, f"« {word} » n’est pas un lieu connu", "retirez-le, ou ajoutez d’abord le lieu (regions.yaml ou places)")
        return False

    # Order matters for the « already defined » messages only: fillers first, so that any
    # other section reusing a filler is the one reported.
    fillers = reader.words(section("fillers"), "mot vide") if "fillers" in sections else ()
    place_words = reader.words(section("place_words"), "mot de lieu") if "place_words" in sections else ()
    synonyms = Synonyms(
        fillers=fillers,
        place_words=place_words,
        professions=reader.professions(section("professions")) if "professions" in sections else {},
        jobs_without_fiche=reader.jobs_without_fiche(section("jobs_without_fiche")) if "jobs_without_fiche" in sections else {},
        grands_domaines=reader.labelled(section("grands_domaines"), "grand domaine", {c: s.label for c, s in taxonomy.sectors.items()}) if "grands_domaines" in sections else {},
        rome_themes=reader.short_labels(section("rome_themes"), "thème ROME", dict(rome.themes), 3) if rome and "rome_themes" in sections else {},
        centres_interet=reader.labelled(section("centres_interet"), "centre d’intérêt", dict(rome.centres_interet), with_targets=True) if rome and "centres_interet" in sections else {},
        advice_themes=reader.advice_themes(section("advice_themes")) if "advice_themes" in sections else {},
        interests=reader.interests(section("interests")) if "interests" in sections else (),
        places=reader.places(section("places")) if "places" in sections else {},
    )
    if "places_if_capitalised" in sections:
        capitalised = tuple(w for n, w in reader.texts(section("places_if_capitalised"), "lieu") if is_place(n, w))
        synonyms = replace(synonyms, places_if_capitalised=capitalised)
    return synonyms, tuple(reader.problems)
