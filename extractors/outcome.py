"""Outcome class, votes and conflicts of interest from the decision text (rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors import nlp
from models.vocab import (
    AMENDMENT_ACCEPTED,
    CONFIRMATION,
    LEMMA_OUTCOMES,
    MIXED_OUTCOMES,
    MOTION_CUES,
    NUMBER_WORDS,
    OUTCOME_PHRASES,
    OUTCOME_SENTENCES,
    PART_CUES,
    PROCUREMENT_CUES,
    PROPOSAL_VERBS,
    REJECTION_CUES,
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


@dataclass(frozen=True)
class Classified:
    """An outcome with the rule that gave it and the phrase it rests on."""

    outcome: Outcome | None
    rule: str
    phrase: str | None = None


SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ\"”(])|\n+")
BODY_DECIDES_RE = re.compile(
    r"\bpäätti\b|\bpäättivät\b|\bbeslutade\b|\bbeslöt\b|hyväksyttiin|godkändes|"
    # a board's proposal to the council is its decision, not a member's motion
    r"\behdotti\s+(?:\w+\s+)?\w*valtuustolle\b|\bföreslog\s+(?:för\s+)?\w*fullmäktige\b",
    re.I,
)
FATES = (Outcome.REMOVED, Outcome.RETURNED, Outcome.TABLED)
# An approval the body states outright ("… merkittiin tiedoksi ja hyväksyttiin
# vastine", "… antecknades för kännedom och godkände …").
EXPLICIT_APPROVAL_RE = re.compile(
    r"\bhyväksy(?:ttiin|i|ivät)\b|\bgodkän(?:des|de)\b|\bmyönsi\b|\bbeviljade\b",
    re.I,
)


def sentences(text: str) -> list[str]:
    """The text's sentences (line breaks end one too)."""
    return [s.strip() for s in SENTENCE_SPLIT_RE.split(text) if s and s.strip()]


REJECTED_PATTERN = next(p for o, p in OUTCOME_SENTENCES if o is Outcome.REJECTED)
# A sentence with a verb in the passive present ("Pöytäkirja tarkastetaan 16.2.")
# states a further decision beside an election.
PASSIVE_RE = re.compile(r"\b\w{3,}(?:taan|tään)\b")


# A note on the order of handling ("Asia käsiteltiin pykälän 146 jälkeen.").
ORDER_NOTE_RE = re.compile(
    r"käsiteltiin\s+(?:\S+\s+){0,3}(?:jälkeen|ennen)\b|"
    r"behandlades\s+(?:\S+\s+){0,3}(?:efter|före)\b",
    re.I,
)


def is_motion(sentence: str) -> bool:
    """True for a sentence about a member's motion or the order of handling, not
    the body's decision (a motion turned down included; the proposal's own
    rejection is a decision)."""
    if ORDER_NOTE_RE.search(sentence):
        return True
    if REJECTION_CUES.search(sentence) and not REJECTED_PATTERN.search(sentence):
        return True
    return bool(MOTION_CUES.search(sentence)) and not BODY_DECIDES_RE.search(sentence)


def solely_elections(decision: str) -> bool:
    """True when every decision sentence elects (a compound procedural item that
    also fixes other things is approved)."""
    for sentence in sentences(decision):
        if is_motion(sentence):
            continue
        read = sentence_outcome(sentence)
        if read and read[0] not in (Outcome.ELECTED,):
            return False
        if read is None and PASSIVE_RE.search(sentence):
            return False
    return True


def restated_with_changes(decision: str, proposal: str | None) -> bool:
    """True when the decision writes out the proposal's lines again, some changed
    ("Hyväksyi seuraavasti:" + the proposal's dates with one moved)."""
    if not proposal:
        return False
    mine = [line.strip() for line in decision.splitlines() if line.strip()]
    theirs = {line.strip() for line in proposal.splitlines() if line.strip()}
    if len(mine) < 3:
        return False
    same = sum(line in theirs for line in mine[1:])
    return 0.5 <= same / (len(mine) - 1) < 1.0


def sentence_outcome(sentence: str) -> tuple[Outcome | str, str] | None:
    """("confirm" or the class, phrase) of one decision sentence, or None."""
    confirmed = CONFIRMATION.match(sentence)
    if confirmed and not any(
        p.search(sentence)
        for o, p in OUTCOME_SENTENCES
        if o in (*FATES, Outcome.AMENDED)
    ):
        return "confirm", confirmed.group(0)
    for outcome, pattern in OUTCOME_SENTENCES:
        match = pattern.search(sentence)
        if match:
            if outcome is Outcome.ELECTED and PROCUREMENT_CUES.search(sentence):
                outcome = Outcome.APPROVED
            return outcome, match.group(0)
    return None


def decisive(decision: str) -> list[tuple[Outcome | str, str]]:
    """What each of the decision's own sentences (motions left out) says."""
    found = []
    for sentence in sentences(decision):
        if is_motion(sentence):
            continue
        read = sentence_outcome(sentence)
        if read:
            found.append(read)
    return found


def explain(
    decision: str | None, proposal: str | None = None, handling: str | None = None
) -> Classified:
    """The outcome class of a decision and why; None when there is no decision."""
    if not decision:
        return Classified(None, "no_decision")
    if is_mixed(decision):
        return Classified(Outcome.OTHER, "mixed_parts")
    found = decisive(decision)
    first = found[0] if found else None
    if first is not None and first[0] in FATES:
        return Classified(Outcome(first[0]), f"outcome_phrase:{first[0]}", first[1])
    for outcome, phrase in found:
        if outcome is Outcome.AMENDED:
            return Classified(Outcome.AMENDED, "outcome_phrase:amended", phrase)
    if restated_with_changes(decision, proposal):
        return Classified(Outcome.AMENDED, "restates_proposal_changed")
    if (
        first is not None
        and first[0] is Outcome.ELECTED
        and not solely_elections(decision)
    ):
        return Classified(Outcome.APPROVED, "compound_procedural", first[1])
    confirms = first is None or first[0] in ("confirm", Outcome.APPROVED)
    if confirms and amendment_accepted(handling):
        return Classified(Outcome.AMENDED, "amendment_in_handling")
    if first is not None and first[0] is Outcome.NOTED:
        approval = EXPLICIT_APPROVAL_RE.search(decision)
        if approval:  # noted, and something approved besides: the approval decides
            return Classified(Outcome.APPROVED, "noted_and_approved", approval.group(0))
    if first is not None and first[0] != "confirm":
        return Classified(Outcome(first[0]), f"outcome_phrase:{first[0]}", first[1])
    if first is not None or repeats_proposal(decision, proposal):
        verb = _proposal_verb_outcome(proposal)
        rule = "confirms_proposal" if first else "repeats_proposal"
        if verb is not None:
            return Classified(
                verb, f"proposal_verb:{verb}", first[1] if first else None
            )
        return Classified(Outcome.APPROVED, rule, first[1] if first else None)
    old_phrase = phrase_outcome(decision)
    if old_phrase is not None:
        return Classified(old_phrase, f"outcome_phrase:{old_phrase}")
    lemma = lemma_outcome(decision)
    if lemma is not None:
        return Classified(lemma, f"spacy_lemma:{lemma}")
    return Classified(Outcome.OTHER, "default:other")


def classify(
    decision: str | None, proposal: str | None = None, handling: str | None = None
) -> Outcome | None:
    """The outcome class; None when there is no decision (agendas)."""
    return explain(decision, proposal, handling).outcome


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


# A proposal's decisive verb is looked for in its first words only ("X päättää
# merkitä …"): a verb deep in a "päättää, että …" clause says nothing of the kind.
PROPOSAL_HEAD_WORDS = 12


def _proposal_verb_outcome(proposal: str | None) -> Outcome | None:
    """Noted/elected/approved by the first decisive verb in the proposal's first
    words (None when none of PROPOSAL_VERBS is there)."""
    if not proposal:
        return None
    flat = " ".join(proposal.split())
    head = " ".join(sentences(flat)[0].split()[:PROPOSAL_HEAD_WORDS])
    found = {
        outcome: match.start()
        for outcome, pattern in PROPOSAL_VERBS
        if (match := pattern.search(head))
    }
    if not found:
        return None
    if Outcome.ELECTED in found and len(found) > 1:
        return Outcome.APPROVED  # an election among other procedural decisions
    return min(found, key=lambda outcome: found[outcome])


def voted(text: str | None) -> bool:
    """True when the text says a vote took place."""
    return bool(text and VOTE_CUES.search(text))
