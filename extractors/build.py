"""ItemBlock → Item: the per-field parsers applied to one item's labelled sections."""

from __future__ import annotations

import re

from extractors import (
    departures,
    fields,
    history,
    names,
    outcome,
    provenance,
    votes,
)
from extractors.blocks import ItemBlock
from models.records import Document, Item, Person, SourceRef
from models.vocab import Section


def preparers(block: ItemBlock) -> tuple[Person, ...]:
    """One Person per line of the preparers' paragraph (or as the layout gave them)."""
    if block.preparer_people is not None:
        return block.preparer_people
    text = block.get(Section.PREPARERS) or ""
    return tuple(names.parse_person(line) for line in text.splitlines() if line.strip())


# "Liite 1:" before an attachment's title (Turku's list) is its label, not its title.
ATTACHMENT_LABEL_RE = re.compile(
    r"^(?:Liite|Bilaga|Bil\.)\s*\d+(?:\s*:\s*|(?=[A-ZÅÄÖ]))", re.I
)


def attachments(block: ItemBlock) -> tuple[str, ...]:
    """Attachment titles, one per line under Liitteet / Bilaga."""
    text = block.get(Section.ATTACHMENTS) or ""
    titles = (
        ATTACHMENT_LABEL_RE.sub("", line.strip(" -•*")) for line in text.splitlines()
    )
    return tuple(dict.fromkeys(title for title in titles if title))


def nonblank(text: str | None) -> str | None:
    """A text without its outer whitespace, None when nothing is left (CONTRACT.md:
    unknown is null, never "")."""
    return text.strip() or None if text else None


def body_names(block: ItemBlock, proposal: str | None) -> tuple[str | None, str | None]:
    """(full body name, abbreviation as printed); None where the document does not
    name its body."""
    if not block.body_printed and not block.body_full:
        return None, None
    if block.body_full:
        printed = block.body_printed
        return (
            block.body_full,
            printed if printed and printed != block.body_full else None,
        )
    return fields.expand_body(block.body_printed, block.text, proposal)


def departure_text(block: ItemBlock) -> str:
    """Where departures are told: handling, decision, then the explanation (CaseM
    keeps its "Merkittiin, että …" notes there)."""
    parts = (Section.HANDLING, Section.DECISION, Section.EXPLANATION)
    return "\n\n".join(t for s in parts if (t := block.get(s)))


def build_item(block: ItemBlock, document: Document, version: str) -> Item:
    """The item record for one block of a document, with the provenance of its
    fields in `extra["provenance"]` (a list of provenance.FieldSource) and the text
    their spans point into in `extra["text"]`."""
    item = record_of(block, document, version)
    item.extra["provenance"] = provenance.explain(block, document, item)
    item.extra["text"] = block.text
    return item


def record_of(block: ItemBlock, document: Document, version: str) -> Item:
    """The item record for one block of a document."""
    proposal = block.get(Section.PROPOSAL)
    decision = block.get(Section.DECISION)
    handling = block.get(Section.HANDLING)
    decided_text = "\n\n".join(t for t in (handling, decision) if t)
    body, abbrev = (nonblank(name) for name in body_names(block, proposal))
    found_votes = (
        votes.with_kinds(block.given_votes)
        if block.given_votes
        else votes.votes(decided_text)
    )
    left = departures.departures(departure_text(block))
    classified = outcome.explain(
        votes.without_rejected_side_motions(decision), proposal, handling
    )
    item = Item(
        municipality=document.municipality
        or fields.municipality(proposal, decision, block.text),
        body=body,
        body_abbrev=abbrev,
        meeting_date=block.meeting_date,
        section=block.section,
        diary_number=fields.diary_number(block.diary_line),
        diary_class=fields.diary_class(block.diary_line),
        title=nonblank(block.title),
        doc_kind=block.doc_kind or fields.doc_kind(decision is not None),
        preparers=preparers(block),
        presenter=block.presenter_person
        or names.parse_presenter(block.get(Section.PRESENTER)),
        proposal=proposal,
        decision=decision,
        outcome=classified.outcome,
        voted=bool(found_votes) or outcome.voted(decided_text),
        votes=tuple(found_votes),
        disqualified=tuple(d.name for d in left if d.conflict),
        departures=tuple(left),
        attachments=attachments(block),
        earlier_handlings=tuple(history.earlier_handlings(block, body)),
        language=document.language or block.language or fields.language(block.text),
        source=SourceRef(document.uri, document.sha256, version),
    )
    item.extra["outcome_rule"] = classified.rule
    item.extra["outcome_phrase"] = classified.phrase
    return item
