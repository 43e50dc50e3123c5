"""ROME's way of writing a job title in both genders: ``Masculin / Féminin [complément]``."""

from __future__ import annotations


def gender_forms(label: str) -> list[str]:
    """ROME's ``Masculin / Féminin [complément]`` -> both titles.

    ``gender_forms("Infirmier / Infirmière aide opératoire")``
    == ``["Infirmier aide opératoire", "Infirmière aide opératoire"]``; the complement is
    what the feminine side has beyond the masculine side's word count.
    """
    label = " ".join(label.split())
    if " / " not in label:
        return [label]
    masculine, feminine = label.split(" / ", 1)
    m_words, f_words = masculine.split(), feminine.split()
    complement = f_words[len(m_words):] if len(f_words) > len(m_words) else []
    male = " ".join(m_words + complement)
    return [male, feminine] if male != feminine else [male]
