"""The synthetic corpus of `minutes bench`: agenda items of any number, written in the
real layouts as a `folder` source tree (like `data/raw/samples`, with listing.toml).

Every layout is taken from a real document of the checkout and only its item-specific
parts vary (§, meeting date, title, names, diary number, texts, decision; FI and SV):

- `dynasty`: Innofactor Dynasty item pages — the page frame of Espoo's
  `tests/fixtures/dynasty/2017409886-4.HTM` (windows-1252, navigation, the
  `Kaupunginhallitus<br>Pöytäkirja 08.05.2017 Pykälä 127` label of
  `2017406946-3.HTM`) around a Word-HTML item in that page's paragraph classes;
  Swedish pages carry Kirkkonummi's `Protokoll 31.01.2022/Paragraf 4` label.
- `cloudnc`: CloudNC item pages in the shape of `tests/fixtures/sites/cloudnc/items/`
  (breadcrumb `Toimielimet > body > Kokous d.m.yyyy`, `<h1> &sect; N title </h1>`,
  `<h3>` headings, entities); Swedish: `Organ > … > Sammanträde d.m.yyyy`.
- `text`: stored item texts as `tests/fixtures/text/` (Kittilä): `# title`, the
  header `Khall 05.12.2023 § 451`, headings on their own lines; one to five items a
  file (`several_items.txt`).
- `pdf`: multi-item PDFs (2–8 items, a page or two each) in the one-column TWeb shape
  of `tests/fixtures/tweb/vantaa_kh_2017-03-20_10.pdf` (header line
  `Kaupunginhallitus 20.3.2017 § 10`, bold captions ending ":"), written with standard
  Type 1 fonts like that fixture's generator: text layers without embedded font
  programs, so lighter to parse than most published PDFs.
- `oulu`: the real Oulu TWeb item PDFs (`tests/fixtures/tweb/35090068.pdf`, 1 page;
  `395959398.pdf`, 2 pages), pages copied unchanged with pypdfium2; § and meeting date
  from the folder's listing.toml, as the crawler gives them.

Texts are drawn from real item texts: paragraphs of the fixtures and of
`tests/corpus/docs/` (by the labelled language), titles labelled in
`tests/corpus/labels/`. A seed makes the corpus the same on every run.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REAL_CORPUS = ROOT / "tests" / "corpus"
DYNASTY_FRAME = FIXTURES / "dynasty" / "2017409886-4.HTM"
OULU_PDFS = (FIXTURES / "tweb" / "35090068.pdf", FIXTURES / "tweb" / "395959398.pdf")
TEXT_FIXTURES = tuple(sorted((FIXTURES / "text").glob("*.txt")))

# Share of the corpus's items per layout (sum 1). Finland publishes mostly PDFs and
# item pages; the shares keep every layout present at every size.
MIX: dict[str, float] = {
    "dynasty": 0.30,
    "cloudnc": 0.20,
    "text": 0.20,
    "pdf": 0.25,
    "oulu": 0.05,
}
SWEDISH_SHARE = 0.2  # of the organisations (Finland: ~10% of items in Swedish)
ITEMS_PER_TEXT = (1, 5)
ITEMS_PER_PDF = (2, 8)
EXPLANATION_PARAGRAPHS = (1, 6)

ORGANISATIONS_FI = (
    ("Espoo", "city"),
    ("Tampere", "city"),
    ("Oulu", "city"),
    ("Kuopio", "city"),
    ("Lahti", "city"),
    ("Jyväskylä", "city"),
    ("Pori", "city"),
    ("Kittilä", "kunta"),
    ("Inari", "kunta"),
    ("Nurmijärvi", "kunta"),
    ("Sotkamo", "kunta"),
    ("Kangasala", "city"),
)
ORGANISATIONS_SV = (
    ("Nykarleby", "city"),
    ("Jakobstad", "city"),
    ("Kristinestad", "city"),
    ("Närpes", "city"),
    ("Korsholm", "kunta"),
    ("Pargas", "city"),
)
# (full name, abbreviation the text layout prints)
BODIES_FI = {
    "city": (
        ("Kaupunginhallitus", "Kh"),
        ("Kaupunginvaltuusto", "Kv"),
        ("Sivistyslautakunta", "Sivltk"),
        ("Tekninen lautakunta", "Teknltk"),
    ),
    "kunta": (
        ("Kunnanhallitus", "Khall"),
        ("Kunnanvaltuusto", "Kvalt"),
        ("Hyvinvointilautakunta", "Hyvinvlt"),
        ("Ympäristölautakunta", "Ympltk"),
    ),
}
BODIES_SV = {
    "city": (
        ("Stadsstyrelsen", "Sst"),
        ("Stadsfullmäktige", "Stadsfullmäktige"),
        ("Bildningsnämnden", "Bildningsnämnden"),
    ),
    "kunta": (
        ("Kommunstyrelsen", "Kommunstyrelsen"),
        ("Kommunfullmäktige", "Kommunfullmäktige"),
        ("Tekniska nämnden", "Tekniska nämnden"),
    ),
}


def words(text: str) -> tuple[str, ...]:
    """The words of a text."""
    return tuple(text.split())


FIRST_FI = words(
    "Anna Maria Sari Timo Jukka Mikko Pekka Aino Liisa Kari Hannu Elina Riitta Jari"
    " Heikki Marja Tuula Ville Antti Johanna Satu Markku Päivi Jouni"
)
LAST_FI = words(
    "Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen"
    " Järvinen Lehtonen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen"
    " Turunen Kurula Ylitalo Rova"
)
FIRST_SV = words(
    "Anders Johan Karin Eva Mikael Annika Henrik Camilla Stefan Sofia Martin Ulla"
    " Peter Fredrik Katarina"
)
LAST_SV = words(
    "Sjöberg Lindholm Nyström Backman Holmström Eriksson Lindqvist Grönroos Åström"
    " Sundqvist Hägglund Forsman Björklund Westerlund Kronqvist Norrgård"
)
PRESENTERS = {
    ("fi", "city"): ("kaupunginjohtaja", "hallintojohtaja", "talousjohtaja"),
    ("fi", "kunta"): ("kunnanjohtaja", "hallintojohtaja", "sivistysjohtaja"),
    ("sv", "city"): ("stadsdirektör", "förvaltningsdirektör", "bildningsdirektör"),
    ("sv", "kunta"): ("kommundirektör", "förvaltningsdirektör", "ekonomidirektör"),
}
PREPARERS = {
    "fi": (
        "suunnittelija",
        "hallintopäällikkö",
        "kaavoitusarkkitehti",
        "talouspäällikkö",
    ),
    "sv": ("planerare", "förvaltningschef", "planläggningsarkitekt", "ekonomichef"),
}
# outcome -> decision sentence ({body} filled in)
DECISIONS = {
    "fi": {
        "approved": "Päätösehdotus hyväksyttiin.",
        "tabled": "{body} jätti asian yksimielisesti pöydälle.",
        "returned": "Asia palautettiin uudelleen valmisteltavaksi.",
        "noted": "Merkittiin tiedoksi.",
    },
    "sv": {
        "approved": "Beslutsförslaget godkändes.",
        "tabled": "Ärendet bordlades.",
        "returned": "Ärendet återremitterades.",
        "noted": "Antecknades för kännedom.",
    },
}
OUTCOME_WEIGHTS = {"approved": 0.8, "tabled": 0.08, "returned": 0.06, "noted": 0.06}
PROPOSALS = {
    "fi": "{body} päättää hyväksyä esityksen liitteen mukaisesti.",
    "sv": "{body} beslutar godkänna förslaget enligt bilagan.",
}
HEADINGS = {
    "fi": {
        "preparers": "Valmistelija",
        "explanation": "Perustelut",
        "presenter": "Esittelijä",
        "proposal": "Päätösehdotus",
        "decision": "Päätös",
    },
    "sv": {
        "preparers": "Beredare",
        "explanation": "Beredning",
        "presenter": "Föredragande",
        "proposal": "Beslutsförslag",
        "decision": "Beslut",
    },
}
FILLER_WORDS = re.compile(r"§|pykälä|paragraf|http|www\.|@|innehåll|sisällys", re.I)
BODY_BEFORE_DATE = re.compile(
    r"(?:hallitus|lautakunta|valtuusto|jaosto|nämnden|styrelsen|fullmäktige|\b[A-ZÅÄÖ]"
    r"[a-zåäö]{1,6})\w*\s+\d{1,2}\.\d{1,2}\.\d{4}",
)
CAPITALS = re.compile(r"\b[A-ZÅÄÖ]{3,}\b.*\b[A-ZÅÄÖ]{3,}\b")


@dataclass(frozen=True)
class Person:
    """A named official with a title."""

    first: str
    last: str
    title: str
    phone: str = ""

    @property
    def name(self) -> str:
        """First name first."""
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class ItemSpec:
    """One generated agenda item: what the extractor should find."""

    municipality: str
    language: str
    body: str
    abbrev: str
    meeting_date: date
    section: int
    diary_number: str
    title: str
    preparer: Person
    presenter: Person
    explanation: tuple[str, ...]
    outcome: str

    @property
    def proposal(self) -> str:
        """The proposal sentence."""
        return PROPOSALS[self.language].format(body=self.body)

    @property
    def decision(self) -> str:
        """The decision sentence."""
        return DECISIONS[self.language][self.outcome].format(body=self.body)

    @property
    def headings(self) -> dict[str, str]:
        """The section headings in the item's language."""
        return HEADINGS[self.language]

    @property
    def full_text(self) -> str:
        """The item as plain text (the naive spaCy pass parses this)."""
        h = self.headings
        return "\n\n".join(
            [
                self.title,
                f"{self.body} {fi_date(self.meeting_date)} § {self.section}",
                self.diary_number,
                h["preparers"],
                f"{self.preparer.title} {self.preparer.name} {self.preparer.phone}",
                *self.explanation,
                h["presenter"],
                f"{self.presenter.title} {self.presenter.name}",
                h["proposal"],
                self.proposal,
                h["decision"],
                self.decision,
            ]
        )


@dataclass(frozen=True)
class DocSpec:
    """One generated file: its layout, path under the corpus root, items, pages."""

    layout: str
    path: str
    items: tuple[ItemSpec, ...]
    pages: int = 0


@dataclass
class Corpus:
    """A corpus written under `root`: its sources.toml and what it holds."""

    root: Path
    sources: Path
    documents: list[DocSpec] = field(default_factory=list)

    @property
    def items(self) -> int:
        """Items generated."""
        return sum(len(d.items) for d in self.documents)

    @property
    def pdf_pages(self) -> int:
        """Pages of the corpus's PDFs."""
        return sum(d.pages for d in self.documents)

    def by_layout(self) -> dict[str, dict[str, int]]:
        """Documents, items and pages per layout."""
        counts: dict[str, dict[str, int]] = {}
        for d in self.documents:
            c = counts.setdefault(d.layout, {"documents": 0, "items": 0, "pages": 0})
            c["documents"] += 1
            c["items"] += len(d.items)
            c["pages"] += d.pages
        return counts

    def paths(self, layouts: tuple[str, ...] | None = None) -> list[Path]:
        """The files written, optionally of some layouts only."""
        return [
            self.root / d.path
            for d in self.documents
            if layouts is None or d.layout in layouts
        ]

    def item_texts(self) -> list[str]:
        """Every item's full text, in corpus order."""
        return [item.full_text for d in self.documents for item in d.items]


def fi_date(day: date) -> str:
    """20.3.2017"""
    return f"{day.day}.{day.month}.{day.year}"


def padded_date(day: date) -> str:
    """05.12.2023"""
    return day.strftime("%d.%m.%Y")


# ---------------------------------------------------------------- text pools


@cache
def paragraphs() -> dict[str, tuple[str, ...]]:
    """Real paragraphs by language: the fixtures' item texts and the real corpus's
    documents (by their labelled language), without § cues, links or contents."""
    found: dict[str, list[str]] = {"fi": [], "sv": []}
    for path in TEXT_FIXTURES:
        found["fi"].extend(_paragraphs(path.read_text(encoding="utf-8")))
    for path, language in _labelled_documents().items():
        if language in found and path.suffix == ".txt" and path.exists():
            found[language].extend(_paragraphs(path.read_text(encoding="utf-8")))
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


def _paragraphs(text: str) -> Iterator[str]:
    """Prose paragraphs of 150-900 characters that hold no cue of another item (no
    §, no body name before a date, no headings in capitals, no links)."""
    for raw in re.split(r"\n\s*\n", text):
        para = " ".join(raw.split())
        if (
            150 <= len(para) <= 900
            and para[-1] in ".!?)"
            and not FILLER_WORDS.search(para)
            and not BODY_BEFORE_DATE.search(para)
            and not CAPITALS.search(para)
        ):
            yield para


def _labelled_documents() -> dict[Path, str]:
    """Real corpus documents and their labelled language."""
    found: dict[Path, str] = {}
    for labels in sorted((REAL_CORPUS / "labels").glob("*.jsonl")):
        for line in labels.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            path = (labels.parent / record["path"]).resolve()
            found.setdefault(path, record.get("gold", {}).get("language") or "fi")
    return found


@cache
def titles() -> dict[str, tuple[str, ...]]:
    """Real item titles by language (tests/corpus/labels)."""
    found: dict[str, list[str]] = {"fi": [], "sv": []}
    for labels in sorted((REAL_CORPUS / "labels").glob("*.jsonl")):
        for line in labels.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            gold = json.loads(line).get("gold", {})
            title, language = gold.get("title"), gold.get("language")
            if (
                isinstance(title, str)
                and language in found
                and 8 <= len(title) <= 140
                and not FILLER_WORDS.search(title)
                and not re.search(r"\d{1,2}\.\d{1,2}\.\d{4}", title)
            ):
                found[language].append(" ".join(title.split()))
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


# ---------------------------------------------------------------- items


@dataclass
class Stream:
    """The meetings of one body: dates a week apart, § counting up."""

    municipality: str
    language: str
    kind: str
    body: str
    abbrev: str
    day: date
    section: int = 1
    diary: int = 100


class ItemMaker:
    """Item specs from a seeded random generator, spread over organisations and
    bodies so that every (municipality, body, date, §) is unique."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.streams: list[Stream] = []
        for n, (municipality, kind) in enumerate(ORGANISATIONS_FI + ORGANISATIONS_SV):
            language = "fi" if n < len(ORGANISATIONS_FI) else "sv"
            bodies = (BODIES_FI if language == "fi" else BODIES_SV)[kind]
            for m, (body, abbrev) in enumerate(bodies):
                start = date(2015, 1, 5) + timedelta(days=n + 2 * m)
                self.streams.append(
                    Stream(municipality, language, kind, body, abbrev, start)
                )

    def stream(self, language: str | None = None) -> Stream:
        """A body's stream: Swedish ones with SWEDISH_SHARE (or the language asked)."""
        if language is None:
            language = "sv" if self.rng.random() < SWEDISH_SHARE else "fi"
        return self.rng.choice([s for s in self.streams if s.language == language])

    def meeting(self, stream: Stream, items: int) -> list[ItemSpec]:
        """The next meeting of a body with this many items."""
        made = [self.item(stream) for _ in range(items)]
        stream.day += timedelta(days=7)
        return made

    def item(self, s: Stream) -> ItemSpec:
        """The next item of a body's meeting."""
        rng = self.rng
        first, last = (FIRST_FI, LAST_FI) if s.language == "fi" else (FIRST_SV, LAST_SV)
        preparer = Person(
            rng.choice(first),
            rng.choice(last),
            rng.choice(PREPARERS[s.language]),
            f"040 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
        )
        presenter = Person(
            rng.choice(first),
            rng.choice(last),
            rng.choice(PRESENTERS[(s.language, s.kind)]),
        )
        pool = paragraphs()[s.language]
        n = rng.randint(*EXPLANATION_PARAGRAPHS)
        explanation = tuple(rng.choice(pool) for _ in range(n))
        outcome = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
        year = s.day.year
        code = ".".join(f"{rng.randrange(0, n):02d}" for n in (15, 10, 10))
        spec = ItemSpec(
            municipality=s.municipality,
            language=s.language,
            body=s.body,
            abbrev=s.abbrev,
            meeting_date=s.day,
            section=s.section,
            diary_number=f"{s.diary}/{code}/{year}",
            title=rng.choice(titles()[s.language]),
            preparer=preparer,
            presenter=presenter,
            explanation=explanation,
            outcome=outcome,
        )
        s.section += 1
        s.diary += rng.randint(1, 40)
        return spec


# ---------------------------------------------------------------- layouts


def slug(text: str) -> str:
    """An ASCII folder name."""
    table = str.maketrans("äöåÄÖÅ", "aoaAOA")
    return re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")


@cache
def dynasty_frame() -> tuple[str, str, str]:
    """The real Espoo page cut around its item: (head up to the page label, between
    the label and the item, after the item)."""
    page = DYNASTY_FRAME.read_bytes().decode("cp1252")
    label_start = page.index("<!-- RSPEAK_START -->") + len("<!-- RSPEAK_START -->")
    label_end = page.index("<!-- RSPEAK_STOP -->")
    item_start = page.index('<div class="WordSection1">')
    item_end = page.index("<hr><div", item_start)
    return page[:label_start], page[label_end:item_start], page[item_end:]


def h(text: str) -> str:
    """HTML-escaped text."""
    return escape(text, quote=False)


def dynasty_page(item: ItemSpec) -> bytes:
    """A Dynasty item page (windows-1252) in the real Espoo frame."""
    head, middle, tail = dynasty_frame()
    hd = item.headings
    if item.language == "fi":
        label = (
            f"{item.body}<br>Pöytäkirja {padded_date(item.meeting_date)}"
            f" Pykälä {item.section}"
        )
    else:
        label = (
            f"{item.body}<br>Protokoll {padded_date(item.meeting_date)}"
            f"/Paragraf {item.section}"
        )
    number, code, year = item.diary_number.split("/")
    explanation = "".join(
        f'  <p class="Sivuotsikko" style="text-indent:0cm">{h(p)}</p>'
        '  <p class="Sivuotsikko">&nbsp;</p>'
        for p in item.explanation
    )
    body = (
        '<div class="WordSection1">'
        '  <p class="MsoNormal" style="text-align:right" align="right">'
        f'<span lang="EN-US">{number}/{year}</span></p>'
        '  <p class="MsoNormal" style="text-align:right" align="right">'
        f'<span lang="EN-US">{code}</span></p>'
        '  <p class="MsoNormal">&nbsp;</p>'
        f'  <p class="MsoNormal"><span lang="EN-US">§ {item.section}</span></p>'
        '  <p class="MsoNormal" style="margin-right:-7.15pt"><strong><span>'
        f"{h(item.title)}</span></strong></p>"
        '  <p class="MsoNormal"><span style="color:black">&nbsp;</span></p>'
        '  <p class="MsoNormal" style="margin-left:117.0pt;line-height:12.0pt">'
        f'<span style="color:black">{hd["preparers"]}:</span></p>'
        '  <table class="MsoTableGrid" style="margin-left:117.0pt" cellspacing="0"'
        ' cellpadding="0" border="0"><tbody><tr><td valign="top">'
        '<p class="MsoNormal" style="line-height:12.0pt"><span style="color:black">'
        f"{h(item.preparer.name)}, puh.&nbsp; {item.preparer.phone}</span></p>"
        "</td></tr></tbody></table>"
        '  <p class="MsoNormal">&nbsp;</p>'
        f'  <p class="Sivuotsikko"><b>{hd["proposal"]}</b>&nbsp;&nbsp;&nbsp;&nbsp;'
        f" {h(item.presenter.title.capitalize())} {h(item.presenter.name)}</p>"
        '  <p class="Sisennetty">&nbsp;</p>'
        f'  <p class="Sisennetty">{h(item.proposal)}</p>'
        '  <p class="Sisennetty">&nbsp;</p>'
        f'  <p class="Sivuotsikko"><strong><span>{hd["explanation"]}</span></strong>'
        "</p>"
        '  <p class="Sivuotsikko">&nbsp;</p>'
        f"{explanation}"
        f'  <p class="Sivuotsikko"><b>{hd["decision"]}</b>  {h(item.body)}:</p>'
        f'  <p class="Sisennetty">{h(item.decision)}</p>'
        '  <p class="MsoNormal">&nbsp;</p>'
        "  </div>     \n"
    )
    page = head + label + middle + body + tail
    return page.encode("cp1252", errors="xmlcharrefreplace")


def cloudnc_page(item: ItemSpec) -> bytes:
    """A CloudNC item page (UTF-8, entities) in the replay site's shape."""
    hd = item.headings
    locale = "fi-FI" if item.language == "fi" else "sv-FI"
    bodies, meeting = (
        ("Toimielimet", "Kokous") if item.language == "fi" else ("Organ", "Sammanträde")
    )
    day = fi_date(item.meeting_date)
    code = f"{item.meeting_date.day}{item.meeting_date.month}{item.meeting_date.year}"
    base = f"/{locale}/{bodies}/{item.body.replace(' ', '_')}"
    explanation = "\n\n".join(f"<p>{_entities(p)}</p>" for p in item.explanation)
    title, muni = h(item.title), h(item.municipality)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{locale}"><head><meta charset="utf-8">'
        f"<title>{title} - {muni}</title></head>",
        "<body>",
        f'<div id="breadcrumb"><a href="/{locale}/{bodies}">{bodies}</a> &gt; '
        f'<a href="{base}">{h(item.body)}</a> &gt; '
        f'<a href="{base}/{meeting}_{code}">{meeting} {day}</a> &gt; {title}</div>',
        '<div id="Content_sidenaviArea"><ul class="nav nav-list">'
        f'<li><a href="/{locale}/Viranhaltijat">Viranhaltijat</a></li></ul></div>',
        '<div class="span6 center-content" id="ContentStart" role="main">',
        f"<h1> &sect; {item.section} {title} </h1>",
        f'<p class="diary">{item.diary_number}</p>',
        f"<h3>{_entities(hd['preparers'])}</h3>",
        f"<p>{_entities(item.preparer.title.capitalize())}"
        f" {_entities(item.preparer.name)}, puh. {item.preparer.phone}</p>",
        f"<h3>{_entities(hd['explanation'])}</h3>",
        f"{explanation}\n",
        f"<h3>{_entities(hd['presenter'])}</h3>",
        f"<p>{_entities(item.presenter.title.capitalize())}"
        f" {_entities(item.presenter.name)}</p>",
        f"<h3>{_entities(hd['proposal'])}</h3>",
        f"<p>{_entities(item.proposal)}</p>\n",
        f"<h3>{_entities(hd['decision'])}</h3>",
        f"<p>{_entities(item.decision)}</p>\n",
        "</div>",
        f'<div class="span3 right-content">Palaute {muni}</div>',
        f"<footer>{muni}</footer>",
        "</body></html>",
    ]
    page = "\n".join(parts) + "\n"
    return page.encode("utf-8")


ENTITIES = {"ä": "&auml;", "ö": "&ouml;", "å": "&aring;", "Ä": "&Auml;", "Ö": "&Ouml;"}


def _entities(text: str) -> str:
    """Text escaped the CloudNC way (named entities for ä, ö, å)."""
    escaped = h(text)
    for char, entity in ENTITIES.items():
        escaped = escaped.replace(char, entity)
    return escaped


def text_item(item: ItemSpec) -> str:
    """One item in the Kittilä text layout."""
    hd = item.headings
    presenter = f"{item.presenter.title.capitalize()} {item.presenter.last}"
    return "\n\n".join(
        [
            f"# {item.title}",
            f"{item.abbrev} {padded_date(item.meeting_date)} § {item.section}  \n"
            f"{item.diary_number}",
            hd["preparers"],
            f"{item.preparer.title.capitalize()} {item.preparer.name}"
            f" {item.preparer.phone}",
            *item.explanation,
            hd["presenter"],
            f"{presenter} {item.presenter.first}",
            hd["proposal"],
            item.proposal,
            hd["decision"],
            item.decision,
        ]
    )


def text_file(items: tuple[ItemSpec, ...]) -> bytes:
    """Items of one meeting in one text file."""
    return ("\n\n".join(text_item(item) for item in items) + "\n").encode("utf-8")


# ---------------------------------------------------------------- PDF

PdfLine = tuple[str, str]  # (font F1 regular / F2 bold, text); "" = blank
Page = tuple[list[PdfLine], list[PdfLine]]  # running head, body
PDF_LEADING = 14.0
PDF_TOP = 800.0  # the running head's first line
PDF_BODY_TOP = 720.0  # below the header band (extractors.pdf.HEADER_BAND)
PDF_BOTTOM = 60.0
PDF_LEFT = 56.7
PDF_WRAP = 86  # characters of Helvetica 11 pt across an A4 text column


def pdf_item_lines(item: ItemSpec) -> list[tuple[str, str]]:
    """One item's lines (font, text) in the one-column TWeb shape; "" = blank."""
    captions = {
        "fi": ("Esittelijä:", "Päätösehdotus:", "Päätös:", "Lisätiedot:"),
        "sv": ("Föredragande:", "Beslutsförslag:", "Beslut:", "Tilläggsuppgifter:"),
    }[item.language]
    lines: list[tuple[str, str]] = [
        ("F1", f"{item.body} {fi_date(item.meeting_date)} § {item.section}"),
        ("F1", item.diary_number),
        ("", ""),
    ]
    lines += [("F2", part) for part in textwrap.wrap(item.title, PDF_WRAP - 10)]
    lines.append(("", ""))
    for para in item.explanation:
        lines += [("F1", part) for part in textwrap.wrap(para, PDF_WRAP)]
        lines.append(("", ""))
    presenter = f"{item.presenter.title.capitalize()} {item.presenter.name}"
    preparer = f"{item.preparer.title} {item.preparer.name}, puh. {item.preparer.phone}"
    texts = (presenter, item.proposal, item.decision, preparer)
    for caption, text in zip(captions, texts, strict=True):
        lines.append(("F2", caption))
        lines += [("F1", part) for part in textwrap.wrap(text, PDF_WRAP)]
        lines.append(("", ""))
    return lines


def pdf_pages(items: tuple[ItemSpec, ...]) -> list[Page]:
    """A running head on every page (organisation, document and meeting, page
    number); each item from a new page, flowing over to the next when long."""
    first = items[0]
    kind = "Pöytäkirja" if first.language == "fi" else "Protokoll"
    room = int((PDF_BODY_TOP - PDF_BOTTOM) / PDF_LEADING)
    bodies: list[list[tuple[str, str]]] = []
    for item in items:
        lines = pdf_item_lines(item)
        while lines:
            bodies.append(lines[:room])
            lines = lines[room:]
    pages = []
    for number, body in enumerate(bodies, start=1):
        head = [
            ("F1", first.municipality),
            ("F1", f"{kind} {fi_date(first.meeting_date)}  {number} ({len(bodies)})"),
        ]
        pages.append((head, body))
    return pages


def pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252)."""
    raw = text.encode("cp1252", errors="replace")
    return (
        b"("
        + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        + b")"
    )


def _content(page: Page) -> bytes:
    """One page's text operators: one Tj per line, head and body top to bottom."""
    parts = []
    head, body = page
    for top, lines in ((PDF_TOP, head), (PDF_BODY_TOP, body)):
        y = top
        for font, text in lines:
            if text:
                parts.append(
                    b"BT /%s 11 Tf %.1f %.1f Td %s Tj ET"
                    % (font.encode(), PDF_LEFT, y, pdf_string(text))
                )
            y -= PDF_LEADING
    return b"\n".join(parts)


def pdf_bytes(pages: list[Page]) -> bytes:
    """A PDF of these pages (A4) with a correct cross-reference table."""
    return type1_pdf([(595.0, 842.0, _content(lines)) for lines in pages])


def type1_pdf(pages: list[tuple[float, float, bytes]]) -> bytes:
    """A PDF of pages given as (width, height, content stream) whose text uses /F1
    Helvetica and /F2 Helvetica-Bold (WinAnsiEncoding), with a correct
    cross-reference table."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
    count = len(pages)
    first_page = 5  # objects: 1 catalog, 2 pages, 3-4 fonts, then page + content
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * n) for n in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        font % b"Helvetica",
        font % b"Helvetica-Bold",
    ]
    for n, (width, height, stream) in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>"
            % (width, height, first_page + 2 * n + 1)
        )
        objects.append(
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(offsets) + 1,
        xref,
    )
    return bytes(out)


@cache
def oulu_pages() -> tuple[bytes, ...]:
    """The real Oulu item PDFs, their pages copied into new documents by pypdfium2."""
    import pypdfium2 as pdfium

    copies = []
    for path in OULU_PDFS:
        source = pdfium.PdfDocument(path)
        target = pdfium.PdfDocument.new()
        target.import_pages(source)
        copies.append(_saved(target))
        target.close()
        source.close()
    return tuple(copies)


def _saved(document: object) -> bytes:
    """A pypdfium2 document's bytes."""
    import io

    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def page_count(data: bytes) -> int:
    """Pages of a PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


# ---------------------------------------------------------------- the tree


def build(root: Path, items: int, seed: int = 12) -> Corpus:
    """Write a corpus of `items` agenda items under root (a folder source per layout
    and a sources.toml naming them); returns what was written."""
    maker = ItemMaker(seed)
    rng = random.Random(seed + 1)
    root.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(root, root / "sources.toml")
    for layout, quota in _quotas(items).items():
        made = 0
        while made < quota:
            doc = _document(layout, maker, rng, quota - made, len(corpus.documents))
            path = root / doc.path
            path.parent.mkdir(parents=True, exist_ok=True)
            data, doc = _render(doc)
            path.write_bytes(data)
            corpus.documents.append(doc)
            made += len(doc.items)
    _write_listings(corpus)
    return corpus


def subset(corpus: Corpus, root: Path, documents: list[DocSpec]) -> Corpus:
    """Some documents of a corpus copied into a corpus of their own under root."""
    part = Corpus(root, root / "sources.toml", list(documents))
    for doc in documents:
        target = root / doc.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus.root / doc.path, target)
    _write_listings(part)
    return part


def _write_listings(corpus: Corpus) -> None:
    """The listing.toml of every folder of a corpus, and its sources.toml."""
    listings: dict[Path, dict[str, object]] = {}
    for doc in corpus.documents:
        _note_listing(listings, corpus.root / doc.path, doc)
    for folder, listing in listings.items():
        (folder / "listing.toml").write_text(_toml(listing), encoding="utf-8")
    layouts = dict.fromkeys(doc.layout for doc in corpus.documents)
    corpus.sources.write_text(
        "".join(
            f'[[source]]\nname = "{layout}"\nplatform = "folder"\n'
            f'base_url = "{layout}"\n\n'
            for layout in layouts
        ),
        encoding="utf-8",
    )


def _quotas(items: int) -> dict[str, int]:
    """Items per layout: the MIX shares, at least one item each, summing to items."""
    quotas = {layout: max(1, int(items * share)) for layout, share in MIX.items()}
    quotas["dynasty"] += items - sum(quotas.values())
    if quotas["dynasty"] < 1:
        raise ValueError(f"--items {items}: at least {len(MIX)} items are needed")
    return quotas


def _document(
    layout: str, maker: ItemMaker, rng: random.Random, left: int, number: int
) -> DocSpec:
    """The next document of a layout (at most `left` items)."""
    if layout == "text":
        n = min(left, rng.randint(*ITEMS_PER_TEXT))
    elif layout == "pdf":
        n = min(left, rng.randint(*ITEMS_PER_PDF))
    else:
        n = 1
    language = "fi" if layout == "oulu" else None
    stream = maker.stream(language)
    items = tuple(maker.meeting(stream, n)) if n > 1 else (maker.item(stream),)
    if n == 1:
        stream.day += timedelta(days=7) if rng.random() < 0.1 else timedelta(0)
    first = items[0]
    org = slug(first.municipality)
    day = first.meeting_date.isoformat()
    name = {
        "dynasty": f"{number:07d}-{first.section}.HTM",
        "cloudnc": f"content_{number}.htm",
        "text": f"{slug(first.abbrev)}_{day}_{first.section}.txt",
        "pdf": f"{slug(first.body)}_{day}_{number}.pdf",
        "oulu": f"{number}.pdf",
    }[layout]
    return DocSpec(layout, f"{layout}/{org}/{name}", items)


def _render(doc: DocSpec) -> tuple[bytes, DocSpec]:
    """A document's bytes (and its page count, for PDFs)."""
    item = doc.items[0]
    if doc.layout == "dynasty":
        return dynasty_page(item), doc
    if doc.layout == "cloudnc":
        return cloudnc_page(item), doc
    if doc.layout == "text":
        return text_file(doc.items), doc
    if doc.layout == "pdf":
        pages = pdf_pages(doc.items)
        return pdf_bytes(pages), DocSpec(doc.layout, doc.path, doc.items, len(pages))
    real = oulu_pages()[item.section % len(OULU_PDFS)]
    # The same real pages under many names: a comment after %%EOF keeps the bytes
    # (and so the raw zone's content address) of each copy its own.
    data = real + f"% minutes bench copy {doc.path}\n".encode()
    return data, DocSpec(doc.layout, doc.path, doc.items, page_count(real))


def _note_listing(
    listings: dict[Path, dict[str, object]], path: Path, doc: DocSpec
) -> None:
    """The listing.toml of the document's folder: municipality and language; for
    Oulu item PDFs the listing context the PDF does not print."""
    item = doc.items[0]
    listing = listings.setdefault(
        path.parent,
        {"municipality": item.municipality, "language": item.language, "files": {}},
    )
    if doc.layout == "oulu":
        files = listing["files"]
        assert isinstance(files, dict)
        files[path.name] = {
            "body": item.body,
            "meeting_date": item.meeting_date.isoformat(),
            "section": str(item.section),
        }


def _toml(listing: dict[str, object]) -> str:
    """A listing.toml's text."""
    lines = [
        f"municipality = {json.dumps(listing['municipality'], ensure_ascii=False)}",
        f'language = "{listing["language"]}"',
    ]
    files = listing["files"]
    assert isinstance(files, dict)
    for name, values in files.items():
        lines.append(f'\n[files."{name}"]')
        lines += [
            f"{key} = {json.dumps(value, ensure_ascii=False)}"
            for key, value in values.items()
        ]
    return "\n".join(lines) + "\n"
