"""Snippets: about 200 characters of a section (``search.hits`` chooses it), matched words marked.

Matching is done on analysed tokens, so accent, gender and plural variants of a query word
are marked too (``infirmiere`` marks « infirmières »). The HTML is built from escaped text:
only our own ``<mark>`` tags are added, so HTML written in a testimonial shows as text.

>>> snippet_html("Je suis <b>infirmière</b> de nuit.", {"infirmier"})  # doctest: +SKIP
'Je suis &lt;b&gt;<mark>infirmière</mark>&lt;/b&gt; de nuit.'
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from markupsafe import escape

from search.analysis import token_spans

SNIPPET_CHARS = 200


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    token: str


def matches(text: str, tokens: Set[str]) -> list[Span]:
    """Spans of ``text`` whose analysed token is in ``tokens``, merged when they overlap."""
    spans: list[Span] = []
    if not tokens or not text:
        return spans
    for token, start, end in token_spans(text):
        if token in tokens:
            if spans and start < spans[-1].end:
                last = spans[-1]
                spans[-1] = Span(last.start, max(last.end, end), last.token)
            else:
                spans.append(Span(start, end, token))
    return spans


def _window(text: str, spans: list[Span], width: int) -> tuple[int, int]:
    if len(text) <= width:
        return 0, len(text)
    if not spans:
        start = 0
    else:
        # the window starting a little before some span that covers the most spans
        best_i, best_n = 0, -1
        for i, span in enumerate(spans):
            n = sum(1 for other in spans[i:] if other.end <= span.start + width - 20)
            if n > best_n:
                best_i, best_n = i, n
        start = max(0, spans[best_i].start - 40)
    end = min(len(text), start + width)
    if end == len(text):
        start = max(0, end - width)
    # cut on word boundaries
    if start > 0:
        space = text.find(" ", start)
        if 0 <= space < start + 30:
            start = space + 1
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > start + width // 2:
            end = space
    return start, end


def snippet_html(text: str, tokens: Set[str], *, width: int = SNIPPET_CHARS) -> str:
    """Escaped text of about ``width`` characters around the matches, with ``<mark>`` around each."""
    text = " ".join(text.split())  # snippets are one paragraph; offsets below are on this text
    found = matches(text, tokens)
    start, end = _window(text, found, width)
    parts: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for span in found:
        if span.start < start or span.end > end:
            continue
        parts.append(str(escape(text[cursor : span.start])))
        parts.append("<mark>" + str(escape(text[span.start : span.end])) + "</mark>")
        cursor = span.end
    parts.append(str(escape(text[cursor:end])))
    parts.append("…" if end < len(text) else "")
    return "".join(parts)
