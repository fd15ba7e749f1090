"""The shape of the data: the item record of CONTRACT.md and what it is made of."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from models import ids
from models.ids import sha256_hex

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names, in order (looked up once per class)."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind))
    return names


def flat_dict(obj: Any) -> dict[str, Any]:
    """A dataclass of plain values as a dict: `dataclasses.asdict` without its deep
    copy, which a load paid for every person, source and departure of every item."""
    return {name: getattr(obj, name) for name in field_names(type(obj))}


@dataclass(frozen=True)
class Person:
    """A preparer: name in "Firstname Lastname" order; unknown parts are None."""

    name: str | None
    title: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Presenter:
    """The official whose proposal it is (never the chair)."""

    name: str | None
    title: str | None = None


@dataclass(frozen=True)
class Vote:
    """One vote's counts as printed; `for_` is serialised as `for`. `kind` is "main"
    (a vote on the matter) or "side" (on a side motion: return, tabling, wish clause);
    the name lists hold the members as the roll call lists them (empty if not)."""

    for_: int | None
    against: int | None
    blank: int | None = None
    absent: int | None = None
    motion: str | None = None
    kind: str = "main"
    for_names: tuple[str, ...] = ()
    against_names: tuple[str, ...] = ()
    blank_names: tuple[str, ...] = ()
    absent_names: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The contract's shape {for, against, blank, absent, motion}, extended with
        kind and the four name lists."""
        return {
            "for": self.for_,
            "against": self.against,
            "blank": self.blank,
            "absent": self.absent,
            "motion": self.motion,
            "kind": self.kind,
            "for_names": list(self.for_names),
            "against_names": list(self.against_names),
            "blank_names": list(self.blank_names),
            "absent_names": list(self.absent_names),
        }


@dataclass(frozen=True)
class Departure:
    """A member who declared a conflict of interest or left during the item."""

    name: str
    reason: str | None = None
    conflict: bool = False


@dataclass(frozen=True)
class EarlierHandling:
    """An earlier stage of the same case: another meeting's handling (body, date, §)."""

    body: str | None
    meeting_date: str | None = None
    section: int | None = None


@dataclass(frozen=True)
class SourceRef:
    """Where an item came from, byte-exact."""

    uri: str
    sha256: str
    extractor_version: str


@dataclass(frozen=True)
class Item:
    """One agenda item: the record printed by `minutes extract` and loaded by `run`."""

    municipality: str | None
    body: str | None
    body_abbrev: str | None
    meeting_date: str | None
    section: int | None
    diary_number: str | None
    title: str | None
    doc_kind: str
    preparers: tuple[Person, ...]
    presenter: Presenter | None
    proposal: str | None
    decision: str | None
    outcome: str | None
    voted: bool
    votes: tuple[Vote, ...]
    disqualified: tuple[str, ...]
    attachments: tuple[str, ...]
    language: str
    source: SourceRef
    departures: tuple[Departure, ...] = ()
    earlier_handlings: tuple[EarlierHandling, ...] = ()
    diary_class: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of CONTRACT.md (lists never null, unknown is null)."""
        record = {name: getattr(self, name) for name in RECORD_FIELDS}
        record["preparers"] = [flat_dict(p) for p in self.preparers]
        record["presenter"] = flat_dict(self.presenter) if self.presenter else None
        record["votes"] = [v.to_dict() for v in self.votes]
        record["disqualified"] = list(self.disqualified)
        record["attachments"] = list(self.attachments)
        record["departures"] = [flat_dict(d) for d in self.departures]
        record["earlier_handlings"] = [flat_dict(h) for h in self.earlier_handlings]
        record["source"] = flat_dict(self.source)
        return record

    def prepared(self) -> Prepared:
        """What a load writes of this item that depends on the item alone, made once
        (so only when the item and its `extra` are complete): where it is extracted
        (a worker process), so that the single writer does not. Kept outside the
        fields: `dataclasses.replace` makes an item without it, pickling carries it
        along."""
        found: Prepared | None = self.__dict__.get("_prepared")
        if found is None:
            found = _prepare(self)
            object.__setattr__(self, "_prepared", found)
        return found

    def shed_provenance(self) -> None:
        """Prepare the item, then keep its field provenance only as the prepared
        columns: the FieldSource objects of `extra["provenance"]` were ~40% of an
        extracted item in memory, pickled by every worker and held by the writer
        with its batches (a 10k run's peak 12 MiB higher). A copy made after it
        (`dataclasses.replace`) has no provenance to prepare: `_prepare` refuses."""
        self.prepared()
        if "provenance" in self.extra:
            self.extra["provenance"] = PROVENANCE_SHED


class Prepared(NamedTuple):
    """An item's record as JSON, its content hash, its id from its natural key, the
    ids of its people (preparers, then the presenter; None for no name), and its
    field provenance (`extra["provenance"]`) as columns of the warehouse's rows
    (field, method, span start, span end, excerpt)."""

    record: str
    digest: str
    key: str
    people: tuple[str | None, ...]
    provenance: tuple[tuple[Any, ...], ...]


def _prepare(item: Item) -> Prepared:
    """`Item.prepared`, made."""
    record = item.to_dict()
    people: list[Person | Presenter] = list(item.preparers)
    if item.presenter:
        people.append(item.presenter)
    return Prepared(
        json.dumps(record, ensure_ascii=False),
        content_hash(record),
        ids.item_id(
            item.municipality, item.body, item.meeting_date, item.section, item.title
        ),
        tuple(
            ids.person_id(item.municipality, p.name) if p.name else None for p in people
        ),
        _columns([source.row() for source in _field_sources(item)]),
    )


# What `Item.shed_provenance` leaves in `extra["provenance"]`.
PROVENANCE_SHED = "shed: kept as the prepared columns of the item it was extracted as"


def _field_sources(item: Item) -> list[Any]:
    """The item's FieldSources; an item whose were shed cannot be prepared again."""
    sources = item.extra.get("provenance", [])
    if sources == PROVENANCE_SHED:
        raise ValueError(
            f"{item.source.uri} § {item.section}: a copy of an item whose provenance"
            " was shed (Item.shed_provenance) cannot be prepared: change items"
            " before they are prepared"
        )
    return list(sources)


def _columns(rows: list[tuple[Any, ...]]) -> tuple[tuple[Any, ...], ...]:
    """Rows of equal length as columns (none for no rows)."""
    return tuple(zip(*rows, strict=True))


def content_hash(record: dict[str, Any]) -> str:
    """Hash of a record without `source`: same content, same hash."""
    content = {k: v for k, v in record.items() if k != "source"}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


RECORD_FIELDS: tuple[str, ...] = (
    "municipality",
    "body",
    "body_abbrev",
    "meeting_date",
    "section",
    "diary_number",
    "diary_class",
    "title",
    "doc_kind",
    "preparers",
    "presenter",
    "proposal",
    "decision",
    "outcome",
    "voted",
    "votes",
    "disqualified",
    "departures",
    "attachments",
    "earlier_handlings",
    "language",
    "source",
)


@dataclass(frozen=True)
class Document:
    """Fetched bytes with where they came from; the unit the extractors take.
    Its sha256 is computed from the bytes; only a view derived from a raw document
    (a part of it, replace(document, data=…)) carries its source's hash."""

    uri: str
    data: bytes
    sha256: str = ""
    media_type: str | None = None
    municipality: str | None = None
    source: str | None = None
    language: str | None = None
    # What the crawler learnt from listings, for documents that do not say it
    # themselves (TWeb item PDFs have no § or date): keys `platform`, `body`,
    # `meeting_date` (ISO), `section`, `title`, `doc_kind`, `diary_number`.
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.sha256:  # a view made from a document keeps its source's hash
            object.__setattr__(self, "sha256", sha256_hex(self.data))
