"""ROME's way of writing a job title in both genders: ``Masculin / Féminin [complément]``."""

from __future__ import annotations

from search.analysis import fold, normalise


def gender_forms(label: str) -> list[str]:
    """ROME's ``Masculin / Féminin [complément]`` -> both titles.

    ``gender_forms("Infirmier / Infirmière aide opératoire")``
    == ``["Infirmier aide opératoire", "Infirmière aide opératoire"]``; the complement is
    what the feminine side has beyond the masculine side's word count. A shorter feminine side
    genders some words of the masculine one, the others are shared:
    ``gender_forms("Artiste Plasticien / Plasticienne") == ["Artiste Plasticien", "Artiste Plasticienne"]``;
    one that genders none is no gender split at all (« Responsable plate-forme expédition / Livraison »).
    """
    label = " ".join(label.split())
    if " / " not in label:
        return [label]
    masculine, feminine = label.split(" / ", 1)
    m_words, f_words = masculine.split(), feminine.split()
    if len(f_words) < len(m_words):
        for k in range(len(m_words)):
            if _gendered(m_words[k], f_words[0]):
                feminine = " ".join(m_words[:k] + f_words + m_words[k + len(f_words):])
                break
        else:
            if [w.casefold() for w in m_words[-len(f_words):]] != [w.casefold() for w in f_words]:
                return [label]  # « expédition / Livraison »: a list, not two genders
    complement = f_words[len(m_words):] if len(f_words) > len(m_words) else []
    male = " ".join(m_words + complement)
    return [male, feminine] if male != feminine else [male]


def _gendered(masculine: str, feminine: str) -> bool:
    """Two spellings of one word in two genders: « Industriel » / « Industrielle », not « sage-femme » twice."""
    m, f = fold(masculine), fold(feminine)
    return m != f and normalise(m.replace("-", "")) == normalise(f.replace("-", ""))
