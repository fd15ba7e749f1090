"""Outcome class, votes and conflicts of interest from the decision text (rules)."""

from __future__ import annotations

import re

from extractors import nlp
from models.vocab import (
    AMENDMENT_ACCEPTED,
    LEMMA_OUTCOMES,
    MIXED_OUTCOMES,
    NUMBER_WORDS,
    OUTCOME_PHRASES,
    PART_CUES,
    PROPOSAL_VERB_OUTCOMES,
    VOTE_CUES,
    Outcome,
)

COUNT = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
VOTE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"(?P<for>\d+)\s+äänellä\s+(?P<against>\d+)\s+ääntä\s+vastaan"
        rf"(?:\s*(?:,|ja)\s*(?P<blank>{COUNT})\s+äänestäessä\s+tyhjää)?",
        re.I,
    ),
    re.compile(
        r"äänin\s+(?P<for>\d+)\s*[-–]\s*(?P<against>\d+)"
        r"(?:\s*,\s*(?P<blank>\d+)\s+tyhjää)?(?:\s*,\s*(?P<absent>\d+)\s+poissa)?",
        re.I,
    ),
    re.compile(
        r"jaa[- ]ääni\w*:?\s*(?P<for>\d+)\W+ei[- ]ääni\w*:?\s*(?P<against>\d+)"
        r"(?:\W+tyhj(?:iä|ää):?\s*(?P<blank>\d+))?(?:\W+poissa:?\s*(?P<absent>\d+))?",
        re.I,
    ),
    re.compile(
        r"ja-röster:?\s*(?P<for>\d+)\W+nej-röster:?\s*(?P<against>\d+)"
        r"(?:\W+blanka:?\s*(?P<blank>\d+))?(?:\W+frånvarande:?\s*(?P<absent>\d+))?",
        re.I,
    ),
)


def classify(
    decision: str | None, proposal: str | None = None, handling: str | None = None
) -> Outcome | None:
    """The outcome class; None when there is no decision (agendas)."""
    if not decision:
        return None
    if is_mixed(decision):
        return Outcome.OTHER
    found = phrase_outcome(decision)
    if found in (None, Outcome.APPROVED) and amendment_accepted(handling):
        return Outcome.AMENDED
    if found is Outcome.APPROVED or (
        found is None and repeats_proposal(decision, proposal)
    ):
        return _proposal_verb_outcome(proposal) or Outcome.APPROVED
    return found or lemma_outcome(decision) or Outcome.OTHER


def lemma_outcome(decision: str) -> Outcome | None:
    """The class the decision's verbs give by their lemmas (spaCy), or None."""
    found = set(nlp.lemmas(decision))
    for outcome, all_of, any_of in LEMMA_OUTCOMES:
        if all_of <= found and (not any_of or any_of & found):
            return outcome
    return None


def phrase_outcome(decision: str) -> Outcome | None:
    """The first outcome class whose phrase occurs in the decision."""
    for outcome, pattern in OUTCOME_PHRASES:
        if pattern.search(decision):
            return outcome
    return None


def is_mixed(decision: str) -> bool:
    """True when the decision names parts and does different things with them
    (part approved, part returned): phrases of two of MIXED_OUTCOMES occur."""
    if not PART_CUES.search(decision):
        return False
    found = {
        outcome for outcome, pattern in OUTCOME_PHRASES if pattern.search(decision)
    }
    return len(found & MIXED_OUTCOMES) > 1


def amendment_accepted(handling: str | None) -> bool:
    """True when the handling reports an amendment the body accepted."""
    return bool(handling and AMENDMENT_ACCEPTED.search(" ".join(handling.split())))


def repeats_proposal(decision: str, proposal: str | None) -> bool:
    """True when the decision is the proposal written out again (Espoo)."""
    return bool(proposal) and decision.split() == (proposal or "").split()


def _proposal_verb_outcome(proposal: str | None) -> Outcome | None:
    """Noted/elected when an approved proposal's own verb says so."""
    for outcome, pattern in PROPOSAL_VERB_OUTCOMES:
        if proposal and pattern.search(proposal):
            return outcome
    return None


def voted(text: str | None) -> bool:
    """True when the text says a vote took place."""
    return bool(text and VOTE_CUES.search(text))
