"""The spaCy Finnish pipeline (spacy-fi-experimental-web-md), loaded once per process
and run only on short spans (a decision's first sentences), never on whole documents:
it parses about 8 items a second on full texts."""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

log = logging.getLogger(__name__)

MODEL = "spacy_fi_experimental_web_md"
MAX_CHARS = 400  # a span longer than this is cut: the verb that decides comes early
UNUSED_PIPES = ("parser",)
# MINUTES_SPACY=0 turns the model off (to measure what it adds: README figures).
SWITCH = "MINUTES_SPACY"


def enabled() -> bool:
    """False when the environment turns spaCy off."""
    return os.environ.get(SWITCH, "1") != "0"


@functools.cache
def pipeline() -> Any | None:
    """The Finnish pipeline without its parser (lemmas and person names are what we
    use), or None when it is not installed or turned off."""
    if not enabled():
        return None
    try:
        import spacy

        return spacy.load(MODEL, exclude=list(UNUSED_PIPES))
    except (ImportError, OSError) as error:
        log.warning(
            "spaCy model %s unavailable (%s): lemma rules skipped", MODEL, error
        )
        return None


@functools.lru_cache(maxsize=4096)
def lemmas(text: str | None) -> tuple[str, ...]:
    """Lower-case lemmas of the words of a short span ("palautettiin" → "palauttaa")."""
    nlp = pipeline()
    if nlp is None or not text:
        return ()
    return tuple(t.lemma_.lower() for t in nlp(text[:MAX_CHARS]) if t.is_alpha)


@functools.lru_cache(maxsize=4096)
def person_names(text: str | None) -> tuple[str, ...]:
    """The person names spaCy's NER finds in a short span (a presenter or preparer
    line no rule split: "Kunnanjohtaja Kurula", "Hyvinvointialuejohtaja Svahn
    Sanna")."""
    nlp = pipeline()
    if nlp is None or not text:
        return ()
    doc = nlp(text[:MAX_CHARS])
    return tuple(ent.text for ent in doc.ents if ent.label_ == "PERSON")
