"""Safe YAML front matter: plain data only, bounded, with line numbers.

A testimonial starts with ``---``, a few ``key: value`` lines and a closing ``---``.
``parse_front_matter(text)`` returns every field with its line in the file and the body::

    fm = parse_front_matter("---\\nname: Audrey\\nregion: 69\\n---\\n## Mon métier\\n…")
    fm.fields["region"]  # Field(value="69", line=3): scalars stay the text as written
    fm.body_line         # 5

Only strings and lists of strings are accepted: tags (``!!python/object``), anchors and
aliases (alias bombs), nested mappings and oversized front matter raise
``FrontMatterError`` with the offending line. Values are never constructed by PyYAML:
scalars keep their written text (``01`` stays ``"01"``, ``2013-05-14`` a string).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from search.french import quoted

MAX_FRONT_MATTER_BYTES = 16 * 1024
MAX_FRONT_MATTER_LINES = 200
MAX_DEPTH = 2  # the mapping, then a list of strings
MAX_LIST_ITEMS = 50
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it


class FrontMatterError(Exception):
    """The front matter cannot be read; ``line`` is a line of the whole file (1-based)."""

    def __init__(self, message: str, *, line: int, remedy: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.remedy = remedy


@dataclass(frozen=True)
class Field:
    value: str | tuple[str, ...]
    line: int


@dataclass(frozen=True)
class FrontMatter:
    fields: dict[str, Field]
    body: str
    body_line: int  # line of the file where the body starts
    end_line: int  # line of the closing ``---``


def _is_delimiter(line: str) -> bool:
    return line.rstrip("\r\n").rstrip() in {"---", "..."}


def parse_front_matter(text: str) -> FrontMatter:
    """Split ``text`` into front-matter fields and body; raise ``FrontMatterError`` if unsafe."""
    lines, end = _split(text)
    fields = parse_fields(_yaml_text(lines, end), first_line=2)
    return FrontMatter(fields, "".join(lines[end + 1:]), end + 2, end + 1)


def _split(text: str) -> tuple[list[str], int]:
    """The lines of ``text`` (line breaks kept) and the index of the closing ``---`` or ``...``."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        raise FrontMatterError(
            "en-tête YAML absent : le fichier doit commencer par une ligne « --- »",
            line=1,
            remedy="ajoutez « --- », les champs (name, profession, region, published…), puis « --- »",
        )
    end = next((i for i in range(1, len(lines)) if _is_delimiter(lines[i])), None)
    if end is None or end > MAX_FRONT_MATTER_LINES:
        if end is None and len(lines) <= MAX_FRONT_MATTER_LINES:
            raise FrontMatterError(
                "en-tête YAML non fermé : aucune ligne « --- » après les champs",
                line=1,
                remedy="ajoutez une ligne « --- » entre les champs et « ## Mon métier »",
            )
        raise FrontMatterError(
            f"en-tête YAML trop long (plus de {MAX_FRONT_MATTER_LINES} lignes) ou non fermé",
            line=1,
            remedy="gardez l’en-tête à quelques lignes « clé: valeur » fermées par « --- »",
        )
    return lines, end


def _yaml_text(lines: list[str], end: int) -> str:
    yaml_text = "".join(lines[1:end])
    if len(yaml_text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(
            f"en-tête YAML trop volumineux (plus de {MAX_FRONT_MATTER_BYTES // 1024} Ko)",
            line=2,
            remedy="l’en-tête ne contient que des champs courts ; le texte va dans les sections",
        )
    return yaml_text


def with_field(text: str, key: str, value: str) -> str:
    """``text`` with exactly one ``key: value`` in its front matter, every other byte kept::

        with_field('---\\n"status": published  # relu\\n...\\nbody', "status", "withdrawn")
        # '---\\nstatus: withdrawn  # relu\\n...\\nbody'

    The entries are found by the parser, whatever their quoting, comments, line endings or closing
    line: the first ``key`` is rewritten, any other ``key`` removed with its line; without one, a
    line is added before the closing line (inside the braces of a ``{…}`` mapping). The result is
    read back: ``FrontMatterError`` if the front matter cannot be read, or would not read as intended.
    """
    if not (_PLAIN_WORD.fullmatch(key) and _PLAIN_WORD.fullmatch(value)):
        raise ValueError(f"with_field writes plain words only, not {key!r}: {value!r}")
    lines, end = _split(text)
    yaml_text = _yaml_text(lines, end)
    events = _safe_events(yaml_text, 2)
    entries = list(_entries(events, 2))
    line_break = lines[0][len(lines[0].rstrip("\r\n")):] or "\n"
    for start, stop, replacement in sorted(_edits(yaml_text, events, entries, f"{key}: {value}", line_break), reverse=True):
        yaml_text = yaml_text[:start] + replacement + yaml_text[stop:]
    out = lines[0] + yaml_text + "".join(lines[end:])
    _check_rewrite(out, {**{e.key: e.value for e in entries}, key: value}, "".join(lines[end + 1:]))
    return out


_PLAIN_WORD = re.compile(r"[a-z]+")
_REST_OF_LINE = re.compile(r"[ \t]*(?:#[^\r\n]*)?(?:\r\n|\r|\n)?")
Edit = tuple[int, int, str]  # (start, stop, replacement) in the YAML text


def _edits(yaml_text: str, events: list[yaml.Event], entries: list[_Entry], line: str, line_break: str) -> list[Edit]:
    key = line.split(":", 1)[0]
    same = [e for e in entries if e.key == key]
    if same:
        first = same[0]
        written = yaml_text[first.start : first.end]
        kept = written[len(written.rstrip()):]  # the line breaks a block value ends with
        return [(first.start, first.end, line + kept), *(_whole_lines(yaml_text, e) for e in same[1:])]
    nodes = [event for event in events if not isinstance(event, _DOCUMENT)]
    if nodes and isinstance(nodes[0], yaml.MappingStartEvent) and nodes[0].flow_style:
        close = _offset(nodes[-1].start_mark)  # the closing brace
        return [(close, close, (", " if entries else "") + line)]
    indent = ""
    if entries:  # an indented top mapping: the new line takes the indentation of the first key
        line_start = max(yaml_text.rfind("\n", 0, entries[0].start), yaml_text.rfind("\r", 0, entries[0].start)) + 1
        indent = yaml_text[line_start : entries[0].start]
        indent = indent if not indent.strip(" ") else ""
    return [(len(yaml_text), len(yaml_text), indent + line + line_break)]


def _whole_lines(yaml_text: str, entry: _Entry) -> Edit:
    """The lines of ``entry`` (with a trailing comment and its line break), to be removed."""
    start = max(yaml_text.rfind("\n", 0, entry.start), yaml_text.rfind("\r", 0, entry.start)) + 1
    if yaml_text[start : entry.start].strip(" \t"):
        raise FrontMatterError(
            f"clé {quoted(entry.key)} en double, écrite sur la ligne d’un autre champ",
            line=entry.line,
            remedy=f"gardez une seule ligne {quoted(entry.key + ': …')}",
        )
    stop = entry.end
    if yaml_text[stop - 1 : stop] not in ("\n", "\r"):
        match = _REST_OF_LINE.match(yaml_text, stop)
        stop = match.end() if match else stop
    return start, stop, ""


def _check_rewrite(text: str, expected: dict[str, str | tuple[str, ...]], body: str) -> None:
    """Read ``text`` back: exactly the ``expected`` fields and the same body, else refuse it."""
    try:
        front = parse_front_matter(text)
        same = {k: f.value for k, f in front.fields.items()} == expected and front.body == body
    except FrontMatterError as exc:
        raise FrontMatterError(
            f"l’en-tête réécrit ne se relit pas ({exc.message})", line=exc.line, remedy="modifiez-le à la main"
        ) from None
    if not same:
        raise FrontMatterError("l’en-tête réécrit ne se relit pas comme prévu", line=1, remedy="modifiez-le à la main")


def parse_fields(yaml_text: str, *, first_line: int) -> dict[str, Field]:
    """Parse a YAML mapping of strings and lists of strings; ``first_line`` is its file line."""
    fields: dict[str, Field] = {}
    for entry in _entries(_safe_events(yaml_text, first_line), first_line):
        if entry.key in fields:
            raise FrontMatterError(
                f"clé « {entry.key} » en double (déjà ligne {fields[entry.key].line})",
                line=entry.line,
                remedy="gardez une seule ligne pour ce champ",
            )
        fields[entry.key] = Field(entry.value, entry.line)
    return fields


@dataclass(frozen=True)
class _Entry:
    """One ``key: value`` of the front matter and where it is written in the YAML text."""

    key: str
    value: str | tuple[str, ...]
    line: int  # line of the key in the file
    start: int  # offset of the key in the YAML text
    end: int  # offset just past the value


_DOCUMENT = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentStartEvent, yaml.DocumentEndEvent)


def _entries(events: list[yaml.Event], first_line: int) -> Iterator[_Entry]:
    """The entries of the top mapping, read from the parser's events (nothing is composed)."""
    nodes = [event for event in events if not isinstance(event, _DOCUMENT)]
    if not nodes:
        return
    if not isinstance(nodes[0], yaml.MappingStartEvent):
        raise FrontMatterError(
            "en-tête YAML invalide : des lignes « clé: valeur » sont attendues",
            line=first_line + _line(nodes[0]),
            remedy="écrivez une ligne « clé: valeur » par champ",
        )
    i = 1
    while not isinstance(nodes[i], yaml.MappingEndEvent):
        key_event, value_event = nodes[i], nodes[i + 1]
        line = first_line + _line(key_event)
        if not isinstance(key_event, yaml.ScalarEvent):
            raise FrontMatterError("clé YAML invalide", line=line, remedy="une clé est un mot simple, comme « region »")
        key = str(key_event.value)
        if isinstance(value_event, yaml.ScalarEvent):
            value: str | tuple[str, ...] = str(value_event.value).strip()
            last = i + 1
        elif isinstance(value_event, yaml.SequenceStartEvent):
            last = next(j for j in range(i + 2, len(nodes)) if isinstance(nodes[j], yaml.SequenceEndEvent))
            value = _list_value(key, nodes[i + 2 : last], line)
        else:
            raise FrontMatterError(
                f"valeur imbriquée pour « {key} » : seules des chaînes et des listes sont acceptées",
                line=line,
                remedy=f"écrivez « {key}: valeur » sur une seule ligne",
            )
        yield _Entry(key, value, line, _offset(key_event.start_mark), _offset(nodes[last].end_mark))
        i = last + 1


def _list_value(key: str, items: list[yaml.Event], line: int) -> tuple[str, ...]:
    if len(items) > MAX_LIST_ITEMS:
        raise FrontMatterError(f"liste « {key} » trop longue", line=line, remedy=f"au plus {MAX_LIST_ITEMS} éléments")
    values = []
    for item in items:
        if not isinstance(item, yaml.ScalarEvent):  # unreachable past the depth check, kept as a guard
            raise FrontMatterError(
                f"valeur imbriquée dans « {key} » : seules des listes de mots sont acceptées",
                line=line,
                remedy=f"écrivez « {key}: [a, b] »",
            )
        values.append(str(item.value).strip())
    return tuple(values)


def _line(event: yaml.Event) -> int:
    return int(event.start_mark.line) if event.start_mark is not None else 0


def _offset(mark: Any) -> int:  # yaml.Mark, or libyaml's own Mark class
    return int(mark.index) if mark is not None else 0


_YAML_PROBLEMS = {
    "end of stream": "guillemet ou crochet non fermé",
    "mapping values are not allowed": "deux-points inattendu ; mettez la valeur entre guillemets",
    "cannot start any token": "caractère interdit en début de valeur (tabulation, @, `…)",
    "could not find expected ':'": "deux-points manquant après la clé",
    "expected <block end>": "indentation incohérente",
    "did not find expected key": "indentation incohérente",  # libyaml's words for the same
    "characters are not allowed": "caractère de contrôle interdit",
    "expected node content": "valeur absente ou mal placée",
    "expected the node content": "valeur absente ou mal placée",
}


def _yaml_error(exc: yaml.YAMLError, first_line: int) -> FrontMatterError:
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    # an unclosed quote or bracket is reported at the end of the text: point at where it opened
    mark = context_mark if context_mark is not None and "end of stream" in problem else problem_mark or context_mark
    line = first_line + (mark.line if mark is not None else 0)
    french = next((fr for en, fr in _YAML_PROBLEMS.items() if en in problem), f"syntaxe incorrecte : {problem}")
    return FrontMatterError(
        f"en-tête YAML invalide ({french})",
        line=line,
        remedy="vérifiez les deux-points, les guillemets et l’indentation de cette ligne",
    )


def _safe_events(yaml_text: str, first_line: int) -> list[yaml.Event]:
    """The parser's events, once what is not plain data is refused: tags, anchors, aliases, depth.

    One pass of libyaml (PyYAML's own parser when libyaml is missing); the front matter is small
    (16 KB at most), so the events are kept and the fields read from them, never composed.
    """
    depth = 0
    events: list[yaml.Event] = []
    try:
        for event in yaml.parse(yaml_text, Loader=_LOADER):
            line = first_line + _line(event)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise FrontMatterError(
                    "ancre ou alias YAML (« & », « * ») refusé : l’en-tête ne contient que des données simples",
                    line=line,
                    remedy="écrivez chaque valeur en toutes lettres",
                )
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":
                tag = tag.replace("tag:yaml.org,2002:", "!!")
                raise FrontMatterError(
                    f"étiquette YAML « {tag} » refusée : l’en-tête ne contient que des données simples",
                    line=line,
                    remedy="retirez l’étiquette (ce qui commence par « ! »)",
                )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise FrontMatterError(
                        "imbrication YAML trop profonde : seules des listes simples sont acceptées",
                        line=line,
                        remedy="écrivez « clé: valeur » ou « clé: [a, b] »",
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent) and event.explicit and line > first_line:
                raise FrontMatterError("un seul document YAML attendu", line=line, remedy="retirez ce « --- » en trop")
            events.append(event)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, first_line) from None
    return events
