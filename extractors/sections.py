"""Group an item's lines under the sections their labels open, in FI and SV.

One grouper for every layout. A line opens a section when

- its format-marked lead (a bold run, a caption cell) is a heading: `<b>Päätös</b>`;
- the whole line is a heading: `Päätösehdotus`, `Valmistelijat ja lisätiedot (…):`;
- it starts with a heading and a colon: `Päätös: Hyväksyttiin.`, `Esittelijä: …`;
- it starts a paragraph with a heading and a capitalised value: `Päätösehdotus
  Esityslista hyväksytään …`, `Valmistelija Talousjohtaja Pekka Hänninen`;
- it is a genitive label: `Kaupunginjohtajan ehdotus`, `Esittelijän muutosesitys:`,
  `Tötermann-Engströms förslag:`, `Välfärdsnämndens beslut:`.

A label followed by a person (`Päätösehdotus Hyvinvointialuejohtaja Svahn Sanna`)
names the presenter. Under Valmistelija the people run while paragraphs read as
people or contacts; under Esittelijä until a name is found; then the text goes back
to the section that was open. A history heading after the proposal or decision
keeps the rest of the item in the history.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from extractors import names
from extractors.lines import COLLAPSED_LINE, Line, joined
from models.vocab import (
    GENITIVE_DECISION_WORDS,
    GENITIVE_PROPOSAL_WORDS,
    HEADINGS,
    PRESENTER_TITLE_ENDINGS,
    Section,
)

RULE_RE = re.compile(r"^[_=\-–—*]{4,}$")
CONTACT_RE = re.compile(
    r"^(?:(?:puh|p|tel|puhelin|telefon|gsm)\.?:?\s*)?\+?[\d ()\-/]{6,}$"
    r"|^[\w.+\-]+(?:@|\(a\)|\(at\))[\w\-]+(?:\.[\w\-]+)+$",
    re.I,
)
COLON_LABEL_MAX = 70
SPACE_LABEL_WORDS = 4
PRESENTER_WORDS = 7
PRESENTER_LINES = 3
GENITIVE_RE = re.compile(
    r"^(?P<who>[A-ZÅÄÖ][\w.\- ]{0,60}?(?:n|s|ns))\s+(?P<what>"
    + "|".join(sorted(GENITIVE_PROPOSAL_WORDS + GENITIVE_DECISION_WORDS, key=len)[::-1])
    + r")$",
    re.I,
)
GENITIVE_LAST_WORDS = frozenset(
    words.split()[-1] for words in GENITIVE_PROPOSAL_WORDS + GENITIVE_DECISION_WORDS
)
# The sections one handling of an item fills (another handling's go to history).
HANDLING_SECTIONS = (
    Section.PRESENTER,
    Section.PROPOSAL,
    Section.HANDLING,
    Section.DECISION,
)
GENERIC_PROPOSERS = ("esittelijän", "föredragandens", "puheenjohtajan", "ordförandens")


@dataclass(frozen=True)
class Label:
    """What a label line says: the section it opens, its inline value, a presenter."""

    section: Section
    value: str = ""
    presenter: str | None = None


PARENTHESIS_RE = re.compile(r"\([^)]*\)")


def heading_key(text: str) -> str:
    """Lower case, no trailing colon, no parenthesis: the HEADINGS lookup key."""
    if "(" in text:
        text = PARENTHESIS_RE.sub(" ", text)
    return " ".join(text.strip().rstrip(":").strip().lower().split())


# The first words of the headings: a text whose first word is none of them opens
# no section (checked before the key is built; most lines are text).
HEADING_FIRST_WORDS = frozenset(key.split()[0] for key in HEADINGS if key.strip())


def may_be_heading(text: str) -> bool:
    """False when a text cannot be a heading (its first word opens none)."""
    if "(" in text:
        return True  # a parenthesis is left out of the key: build it
    words = text.split(None, 1)
    if not words:
        return True
    first = words[0].lower()
    return first in HEADING_FIRST_WORDS or first.rstrip(":") in HEADING_FIRST_WORDS


def heading(text: str) -> Section | None:
    """The section a heading text opens, or None."""
    if not may_be_heading(text):
        return None
    return HEADINGS.get(heading_key(text))


def genitive_label(text: str) -> Label | None:
    """`Kaupunginjohtajan ehdotus`, `Esittelijän muutosesitys`, `Välfärdsnämndens
    beslut`: a proposal (its presenter from the genitive) or a decision."""
    key = heading_key_case(text)
    if not key or key.rsplit(None, 1)[-1].casefold() not in GENITIVE_LAST_WORDS:
        return None  # the label ends with a proposal or decision word, or is none
    match = GENITIVE_RE.match(key)
    if not match:
        return None
    what = match["what"].lower()
    if what in GENITIVE_DECISION_WORDS:
        return Label(Section.DECISION)
    who = match["who"]
    if who.lower() in GENERIC_PROPOSERS or is_body_genitive(who):
        return Label(Section.PROPOSAL)
    return Label(Section.PROPOSAL, presenter=genitive_person(who))


def heading_key_case(text: str) -> str:
    """A label text without its colon and parenthesis, case kept."""
    if "(" in text:
        text = PARENTHESIS_RE.sub(" ", text)
    return " ".join(text.strip().rstrip(":").split())


def is_body_genitive(who: str) -> bool:
    """True for a body's genitive ("Kunnanhallituksen", "Nämndens")."""
    from extractors.fields import is_body_name

    word = who.split()[-1]
    base = names.genitive_base(word)
    return is_body_name(base) or is_body_name(word.rstrip("s"))


def genitive_person(who: str) -> str:
    """ "Stadsdirektör Martin Norrgårds" → "Stadsdirektör Martin Norrgård"."""
    words = who.split()
    return " ".join([*words[:-1], names.genitive_base(words[-1])])


def title_label(lead: str, rest: str) -> Label | None:
    """A proposal labelled by its presenter's title (Dynasty 10: a bold
    "Hyvinvointialuejohtaja" beside the proposal's text)."""
    word = lead.strip().rstrip(":")
    if " " in word or not rest or not word.lower().endswith(PRESENTER_TITLE_ENDINGS):
        return None
    return Label(Section.PROPOSAL, presenter=word)


def colon_label(text: str) -> Label | None:
    """`Päätös: Hyväksyttiin.`: a heading or genitive label, a colon, a value."""
    head, sep, value = text.partition(":")
    if not sep or len(head) > COLON_LABEL_MAX:
        return None
    section = heading(head)
    if section is not None:
        return Label(section, value.strip())
    found = genitive_label(head)
    if found:
        return Label(found.section, value.strip(), found.presenter)
    return None


GLUED_HEADING_RE = re.compile(
    r"^(?P<head>Päätösehdotus|Päätösesitys|Päätös|Ehdotus|Esitys|Päätöksenteko|"
    r"Käsittely|Beslutsförslag|Beslut|Förslag)(?=[A-ZÅÄÖ][a-zåäö])"
)


def space_label(text: str) -> Label | None:
    """`Päätösehdotus Esityslista hyväksytään …`: a heading of 1-4 words, then a
    value that starts with a capital letter, a digit or a quote (a heading glued to
    its value, "EhdotusKaupunginhallitus päättää", too)."""
    glued = GLUED_HEADING_RE.match(text)
    if glued:
        text = f"{glued['head']} {text[glued.end() :]}"
    words = text.split()
    if not may_be_heading(" ".join(words[:SPACE_LABEL_WORDS])):
        return None
    for count in range(min(SPACE_LABEL_WORDS, len(words) - 1), 0, -1):
        section = heading(" ".join(words[:count]))
        if section is None:
            continue
        value = " ".join(words[count:])
        if section is Section.ATTACHMENTS and value[:1].isdigit():
            return Label(section, text)  # "Liite 1 Asemakaavakartta" is its title
        if names_body(value):
            return Label(section)
        if value[:1].isupper() or value[:1].isdigit() or value[:1] in "\"”“'•-":
            return Label(section, value)
        if section in (Section.PRESENTER, Section.PREPARERS) and is_person_line(value):
            return Label(section, value)
        return None
    return None


def names_body(value: str) -> bool:
    """True for a label's value that only names who decides ("tarkastuslautakunta",
    "MYR", "Kaupunginhallitus:")."""
    word = value.strip().rstrip(":")
    if " " in word or not word or value.rstrip().endswith("."):
        return False
    from extractors.cues import is_abbreviation
    from extractors.fields import is_body_name

    return (
        is_body_name(word)
        or is_abbreviation(word)
        or (word.isupper() and 2 <= len(word) <= 6)
    )


def label_of(line: Line, paragraph_start: bool) -> Label | None:
    """The label a line opens with, or None for a line of text."""
    parts = (line.text, line.lead, line.rest, line.bullet)
    if len(line.text) + len(line.rest) > COLLAPSED_LINE:
        return _label_of(*parts)
    return _kept_label_of(*parts)


# Labels read lately: a line is asked several times on its way (item splitting,
# grouping), and labels and page furniture repeat from item to item. A longer line
# (a page's collapsed text) is read each time: memory stays small.
LABELS_KEPT = 4096


def _label_of(text: str, lead: str | None, rest: str, bullet: bool) -> Label | None:
    """`label_of` from the only parts of a line it reads (Labels are frozen)."""
    if lead:
        section = heading(lead)
        if section is not None:
            return Label(section, rest)
        found = genitive_label(lead) or title_label(lead, rest)
        if found:
            return Label(found.section, rest, found.presenter)
    section = heading(text)
    if section is not None:
        return Label(section)
    found = genitive_label(text) or colon_label(text)
    if found:
        return found
    if not bullet:
        return space_label(text)
    return None


_kept_label_of = functools.lru_cache(maxsize=LABELS_KEPT)(_label_of)


def is_contact(text: str) -> bool:
    """True for a line that is only a phone number or an e-mail address."""
    return bool(CONTACT_RE.match(text.strip()))


def is_person_line(text: str) -> bool:
    """True when a line reads as a person (title + name) or a contact."""
    if is_contact(text):
        return True
    if names.name_first(text) is not None:
        return True
    if text.rstrip().endswith(".") and len(text.split()) > PRESENTER_WORDS:
        return False
    return names.parse_person(text).name is not None


def is_speaker_line(text: str) -> bool:
    """True for a "Kaupunginjohtaja Aleksi Randell:" line (who speaks next)."""
    stripped = text.rstrip()
    return stripped.endswith(":") and names_person(stripped[:-1])


def names_person(value: str) -> bool:
    """True when a label's value is a person rather than text (`Hyvinvointialue-
    johtaja Svahn Sanna`, `Kaupunginjohtaja`)."""
    words = value.split()
    if not words or len(words) > PRESENTER_WORDS or value.rstrip().endswith((".", ":")):
        return False
    if names.parse_person(value).name is not None:
        return True
    return len(words) == 1 and words[0].lower().endswith(PRESENTER_TITLE_ENDINGS)


def ends_attachments(line: Line) -> bool:
    """True for a line that cannot be an attachment's title: a paragraph after a
    break that reads as text, a diary number or an item cue."""
    from extractors import cues, fields

    text = line.text
    if fields.diary_number(text) or cues.read(text) is not None:
        return True
    return line.gap_before or bool(fields.SPLIT_DIARY_HEAD_RE.match(text))


def is_short_label(value: str) -> bool:
    """True for a value that only repeats who decides ("Kaupunginhallitus:")."""
    return value.endswith(":") and len(value.split()) <= 3


@dataclass
class Grouper:
    """Collects an item's lines under the section labels above them."""

    grouped: dict[Section, list[Line]] = field(default_factory=dict)
    presenter: str | None = None
    current: Section | None = Section.EXPLANATION
    previous: Section | None = Section.EXPLANATION
    decided: bool = False
    sticky_history: bool = False
    presenter_lines: int = 0
    speaker: str | None = None  # the last "Title Name:" line seen
    # Lines each handling section held when a rule line ("______") was passed: a
    # new handling may follow.
    before_rule: dict[Section, int] = field(default_factory=dict)

    def add(self, section: Section | None, line: Line) -> None:
        """Append a line to a section (None: the line is dropped)."""
        if section is not None and line.text:
            self.grouped.setdefault(section, []).append(line)

    def open(self, label: Label, line: Line) -> None:
        """Switch to the section a label opens, placing its inline value."""
        section = label.section
        if section is Section.HISTORY and self.decided:
            self.sticky_history = True
        if self.before_rule.get(section):
            self.restart()  # the handling after a rule line replaces the earlier one
        if section in (Section.PROPOSAL, Section.DECISION):
            self.decided = True
        if label.presenter and not self.presenter:
            self.presenter = label.presenter
        if section is Section.PROPOSAL and self.speaker and not self.presenter:
            self.presenter = self.speaker  # "Kaupunginjohtaja X Y:" above "Ehdotus"
        self.speaker = None
        self.switch(section)
        self.presenter_lines = 0
        value = label.value.strip()
        if not value or is_short_label(value):
            return
        if section is Section.PROPOSAL and names_person(value):
            self.presenter = self.presenter or value
            return
        self.feed_text(Line(value))

    def restart(self) -> None:
        """Move what an earlier handling filled (proposal, decision, presenter,
        handling) into the history: a new handling starts after a rule line."""
        for section, count in self.before_rule.items():
            lines = self.grouped.get(section, [])
            self.grouped.setdefault(Section.HISTORY, []).extend(lines[:count])
            self.grouped[section] = lines[count:]
            if section is Section.PRESENTER and count:
                self.presenter = None
        self.before_rule = {}

    def switch(self, section: Section | None) -> None:
        """Make a section the open one (the presenter's is only ever visited)."""
        if section is not Section.PRESENTER:
            self.previous = section
        self.current = section

    def feed(self, line: Line, paragraph_start: bool) -> None:
        """One line of the item."""
        if self.sticky_history:
            self.add(Section.HISTORY, line)
            return
        if RULE_RE.match(line.text):
            self.switch(None)
            self.before_rule = {
                k: len(v) for k, v in self.grouped.items() if k in HANDLING_SECTIONS
            }
            return
        label = label_of(line, paragraph_start)
        if label is not None:
            self.open(label, line)
        else:
            self.feed_text(line)

    def feed_text(self, line: Line) -> None:
        """A line of text in the open section (people sections end by themselves)."""
        if is_speaker_line(line.text):
            self.speaker = line.text.rstrip().rstrip(":")
        if self.current is Section.PRESENTER:
            self.feed_presenter(line)
        elif self.current is Section.ATTACHMENTS and ends_attachments(line):
            self.switch(Section.EXPLANATION)
            self.add(self.current, line)
        elif self.current is Section.PREPARERS and not is_person_line(line.text):
            if line.gap_before or len(line.text.split()) > PRESENTER_WORDS:
                self.switch(Section.EXPLANATION)
            self.add(self.current, line)
        else:
            self.add(self.current, line)

    def feed_presenter(self, line: Line) -> None:
        """Presenter lines until a name is found, then back to the open section."""
        done = self.presenter_lines >= PRESENTER_LINES or self.has_presenter_name()
        if done or not (is_person_line(line.text) or names_person(line.text)):
            self.switch(self.previous)
            self.add(self.current, line)
            return
        self.presenter_lines += 1
        self.add(Section.PRESENTER, line)

    def has_presenter_name(self) -> bool:
        """True when the presenter lines so far hold a name."""
        text = " ".join(line.text for line in self.grouped.get(Section.PRESENTER, []))
        return names.parse_person(text).name is not None


def group(lines: list[Line]) -> Grouper:
    """The item's lines grouped under their sections."""
    grouper = Grouper()
    for index, line in enumerate(lines):
        grouper.feed(line, index == 0 or line.gap_before)
    return grouper


def people_text(lines: list[Line]) -> str:
    """Preparer lines as one person per line; contact lines join the person above."""
    people: list[str] = []
    for line in lines:
        if is_contact(line.text) and people:
            people[-1] = f"{people[-1]} {line.text}"
        elif line.text.strip():
            people.append(line.text)
    return "\n".join(people)


def section_texts(grouper: Grouper) -> dict[Section, str]:
    """Each section's text (paragraphs kept); people one per line."""
    texts: dict[Section, str] = {}
    for section, lines in grouper.grouped.items():
        if section is Section.PREPARERS:
            text: str | None = people_text(lines)
        elif section is Section.PRESENTER:
            text = " ".join(line.text for line in lines)
        elif section is Section.ATTACHMENTS:
            text = "\n".join(line.text for line in lines)
        else:
            text = joined(lines)
        if text:
            texts[section] = text
    if grouper.presenter and Section.PRESENTER not in texts:
        texts[Section.PRESENTER] = grouper.presenter
    return texts
