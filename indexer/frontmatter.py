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

from dataclasses import dataclass

import yaml

MAX_FRONT_MATTER_BYTES = 16 * 1024
MAX_FRONT_MATTER_LINES = 200
MAX_DEPTH = 2  # the mapping, then a list of strings
MAX_LIST_ITEMS = 50


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
    yaml_text = "".join(lines[1:end])
    if len(yaml_text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(
            f"en-tête YAML trop volumineux (plus de {MAX_FRONT_MATTER_BYTES // 1024} Ko)",
            line=2,
            remedy="l’en-tête ne contient que des champs courts ; le texte va dans les sections",
        )
    fields = parse_fields(yaml_text, first_line=2)
    return FrontMatter(fields, "".join(lines[end + 1:]), end + 2, end + 1)


def parse_fields(yaml_text: str, *, first_line: int) -> dict[str, Field]:
    """Parse a YAML mapping of strings and lists of strings; ``first_line`` is its file line."""
    _check_events(yaml_text, first_line)
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, first_line) from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(
            "en-tête YAML invalide : des lignes « clé: valeur » sont attendues",
            line=first_line + node.start_mark.line,
            remedy="écrivez une ligne « clé: valeur » par champ",
        )
    fields: dict[str, Field] = {}
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            raise FrontMatterError("clé YAML invalide", line=line, remedy="une clé est un mot simple, comme « region »")
        key = str(key_node.value)
        if key in fields:
            raise FrontMatterError(
                f"clé « {key} » en double (déjà ligne {fields[key].line})",
                line=line,
                remedy="gardez une seule ligne pour ce champ",
            )
        fields[key] = Field(_plain_value(key, value_node, line), line)
    return fields


def _plain_value(key: str, node: yaml.Node, line: int) -> str | tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value).strip()
    if isinstance(node, yaml.SequenceNode):
        if len(node.value) > MAX_LIST_ITEMS:
            raise FrontMatterError(f"liste « {key} » trop longue", line=line, remedy=f"au plus {MAX_LIST_ITEMS} éléments")
        items = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode):
                raise FrontMatterError(
                    f"valeur imbriquée dans « {key} » : seules des listes de mots sont acceptées",
                    line=line,
                    remedy=f"écrivez « {key}: [a, b] »",
                )
            items.append(str(item.value).strip())
        return tuple(items)
    raise FrontMatterError(
        f"valeur imbriquée pour « {key} » : seules des chaînes et des listes sont acceptées",
        line=line,
        remedy=f"écrivez « {key}: valeur » sur une seule ligne",
    )


_YAML_PROBLEMS = {
    "end of stream": "guillemet ou crochet non fermé",
    "mapping values are not allowed": "deux-points inattendu ; mettez la valeur entre guillemets",
    "cannot start any token": "caractère interdit en début de valeur (tabulation, @, `…)",
    "could not find expected ':'": "deux-points manquant après la clé",
    "expected <block end>": "indentation incohérente",
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


def _check_events(yaml_text: str, first_line: int) -> None:
    """Refuse what is not plain data before anything is composed: tags, anchors, aliases, depth."""
    depth = 0
    try:
        for event in yaml.parse(yaml_text, Loader=yaml.SafeLoader):
            line = first_line + (event.start_mark.line if event.start_mark is not None else 0)
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
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, first_line) from None
