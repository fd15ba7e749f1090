"""Votes in detail: counts (outcome.VOTE_PATTERNS or a roll-call list), the kind of
vote (main / side motion) and the members' names where the minutes list them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.outcome import VOTE_PATTERNS
from models.records import Vote
from models.vocab import (
    MAIN_MOTION_CUES,
    NUMBER_WORDS,
    REJECTION_CUES,
    ROLL_CALL_FILLER,
    ROLL_CALL_LABELS,
    ROLL_CALL_PHRASES,
    SIDE_MOTION_CUES,
)

LABELS = "|".join(sorted(map(re.escape, ROLL_CALL_LABELS), key=len, reverse=True))
LABEL_RE = re.compile(rf"(?<![\w-])(?P<label>{LABELS})\s*:\s*(?P<count>\d+)?", re.I)
NAME_RE = re.compile(r"^[A-ZÅÄÖ][\w'\-]*(?:\s+[A-ZÅÄÖ][\w'\-]*){0,3}$")
NAME_SEPARATOR_RE = re.compile(r"\s*,\s*|\s*\n\s*|\s+(?:ja|och)\s+")
LIST_END_RE = re.compile(r"\n\s*\n|\.(?:\s|$)")
SENTENCE_RE = re.compile(r"[^.!?\n]*(?:[.!?]|$)")
PROPOSAL_LINE_RE = re.compile(
    r"^\s*(?:jaa|ei|ja|nej)-(?:ehdotus|förslag)\s*:.*$", re.I | re.M
)
GROUPS = ("for", "against", "blank", "absent")
CLAUSE_RE = re.compile(r"(,\s+|\s+ja\s+|\s+och\s+)")


@dataclass(frozen=True)
class Found:
    """A vote with the span [start, end) of the text that states its counts."""

    start: int
    end: int
    vote: Vote


def count(value: str | None) -> int | None:
    """A count as printed: digits or a Finnish number word."""
    if value is None:
        return None
    return int(value) if value.isdigit() else NUMBER_WORDS.get(value.lower())


def sentence_around(text: str, start: int) -> str:
    """The sentence of `text` that contains position `start`."""
    for match in SENTENCE_RE.finditer(text):
        if match.start() <= start < max(match.end(), match.start() + 1):
            return match.group(0).strip()
    return ""


def names(listed: str) -> tuple[str, ...]:
    """The member names of a printed list ("Aalto, Arhinmäki ja Hyyppä"), up to the
    first part that is not a name ("…, ehdotusta vastaan äänestivät …")."""
    cleaned = ROLL_CALL_FILLER.sub(" ", listed)
    parts = [" ".join(p.split()) for p in NAME_SEPARATOR_RE.split(cleaned)]
    found: list[str] = []
    for part in filter(None, parts):
        if not NAME_RE.match(part):
            break
        found.append(part)
    return tuple(found)


def prose_votes(text: str) -> list[Found]:
    """Votes whose counts are stated in a sentence (VOTE_PATTERNS)."""
    found = []
    for pattern in VOTE_PATTERNS:
        for m in pattern.finditer(text):
            g = m.groupdict()
            vote = Vote(
                count(g.get("for")),
                count(g.get("against")),
                count(g.get("blank")),
                count(g.get("absent")),
                sentence_around(text, m.start()) or None,
            )
            found.append(Found(m.start(), m.end(), vote))
    return found


def label_groups(text: str) -> list[list[re.Match[str]]]:
    """Roll-call labels grouped into votes: each group starts at a "for" label."""
    groups: list[list[re.Match[str]]] = []
    for match in LABEL_RE.finditer(text):
        role = ROLL_CALL_LABELS[match.group("label").lower()]
        if role == "for":
            groups.append([match])
        elif groups and role not in {label_role(m) for m in groups[-1]}:
            groups[-1].append(match)
    return [g for g in groups if len(g) > 1]


def label_role(match: re.Match[str]) -> str:
    """The list a roll-call label's names go to."""
    return ROLL_CALL_LABELS[match.group("label").lower()]


def listed_after(text: str, match: re.Match[str], stop: int) -> tuple[str, int]:
    """The names printed after a label, up to `stop`, a blank line or a full stop;
    with where the list ends."""
    segment = text[match.end() : stop]
    end = LIST_END_RE.search(segment)
    cut = end.start() if end else len(segment)
    return segment[:cut], match.end() + cut


def list_vote(text: str, group: list[re.Match[str]]) -> Found:
    """One vote from a group of roll-call labels with their counts and names."""
    counts: dict[str, int | None] = {}
    listed: dict[str, tuple[str, ...]] = {}
    end = group[0].end()
    for index, match in enumerate(group):
        stop = group[index + 1].start() if index + 1 < len(group) else len(text)
        segment, end = listed_after(text, match, stop)
        counts[label_role(match)] = count(match.group("count"))
        listed[label_role(match)] = names(segment)
    vote = Vote(
        counts.get("for"), counts.get("against"), counts.get("blank"),
        counts.get("absent"), None,
    )  # fmt: skip
    return Found(group[0].start(), end, with_names(vote, listed))


def list_votes(text: str) -> list[Found]:
    """Votes printed as roll-call lists (Jaa-äänet / Ja-röster … with names)."""
    return [list_vote(text, group) for group in label_groups(text)]


def overlaps(found: Found, others: list[Found]) -> bool:
    """True when the vote's span overlaps one of the others'."""
    return any(found.start < o.end and o.start < found.end for o in others)


def prose_names(window: str) -> dict[str, tuple[str, ...]]:
    """Names of a roll call told in prose; a second "puolesta" list is "against"."""
    found: list[tuple[int, str, tuple[str, ...]]] = []
    for group, pattern in ROLL_CALL_PHRASES:
        for match in pattern.finditer(window):
            found.append((match.start(), group, names(match.group("names"))))
    listed: dict[str, tuple[str, ...]] = {}
    for _, group, members in sorted(found):
        key = "against" if group == "for" and "for" in listed else group
        listed.setdefault(key, members)
    return listed


def kind(motion: str | None, window: str) -> str:
    """ "side" for a vote on a side motion, by its sentence, else the text before."""
    sentence = motion or ""
    if SIDE_MOTION_CUES.search(sentence):
        return "side"
    if MAIN_MOTION_CUES.search(sentence):
        return "main"
    return "side" if SIDE_MOTION_CUES.search(window) else "main"


def motion_of(found: Found, window: str) -> str | None:
    """The vote's motion: its sentence, or the JAA/EI proposal lines of a list."""
    if found.vote.motion:
        return found.vote.motion
    lines = [m.group(0).strip() for m in PROPOSAL_LINE_RE.finditer(window)]
    return " / ".join(lines) or None


def detailed(found: Found, window: str) -> Vote:
    """The vote with its motion, kind and (for prose roll calls) names."""
    motion = motion_of(found, window)
    vote = replace(found.vote, motion=motion, kind=kind(motion, window))
    if any(getattr(vote, f"{g}_names") for g in GROUPS):
        return vote
    return with_names(vote, prose_names(window))


def with_names(vote: Vote, listed: dict[str, tuple[str, ...]]) -> Vote:
    """The vote with its four name lists from a {group: names} mapping."""
    return replace(
        vote,
        for_names=listed.get("for", ()),
        against_names=listed.get("against", ()),
        blank_names=listed.get("blank", ()),
        absent_names=listed.get("absent", ()),
    )


def votes(text: str | None) -> list[Vote]:
    """Every vote in the text, in order, with kind and names where listed."""
    if not text:
        return []
    listed = list_votes(text)
    found = listed + [f for f in prose_votes(text) if not overlaps(f, listed)]
    result: list[Vote] = []
    previous: Found | None = None
    for item in sorted(found, key=lambda f: f.start):
        if not restates(item, previous, listed):
            window = text[previous.end if previous else 0 : item.start]
            result.append(detailed(item, window))
        previous = item
    return result


def restates(found: Found, previous: Found | None, listed: list[Found]) -> bool:
    """True for a sentence that restates the counts of the roll-call list just
    before it ("… äänin 9 - 4" after "Jaa-äänet: 9 … Ei-äänet: 4")."""
    if previous is None or previous not in listed or found in listed:
        return False
    before, now = previous.vote, found.vote
    return (before.for_, before.against) == (now.for_, now.against)


def without_side_clauses(sentence: str) -> str:
    """A sentence that reports a side motion turned down, without the clauses that
    name the side motion ("hylkäsi palautusehdotuksen ja hyväksyi esityksen")."""
    if not (SIDE_MOTION_CUES.search(sentence) and REJECTION_CUES.search(sentence)):
        return sentence
    clauses = CLAUSE_RE.split(sentence)
    kept = [c for c in clauses[::2] if not SIDE_MOTION_CUES.search(c)]
    return " ".join(c.strip() for c in kept if c.strip())


def without_rejected_side_motions(decision: str | None) -> str | None:
    """The decision without what reports a rejected side motion (it never gives the
    outcome); the decision itself when nothing else is left."""
    if not decision:
        return decision
    rest = SENTENCE_RE.sub(lambda m: without_side_clauses(m.group(0)), decision)
    return rest if rest.strip() else decision


def with_kinds(given: tuple[Vote, ...]) -> tuple[Vote, ...]:
    """Votes a layout gave (Ahjo's VotingResults) with their kind from the motion."""
    return tuple(replace(v, kind=kind(v.motion, "")) for v in given)
