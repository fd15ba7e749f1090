"""The closed vocabulary: outcome classes, FI/SV phrase tables, body abbreviations.

Rules are data here so that a maintainer extends a table instead of editing code.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Outcome(StrEnum):
    """What the body did with an agenda item (CONTRACT.md, `outcome`)."""

    APPROVED = "approved"
    AMENDED = "amended"
    REJECTED = "rejected"
    TABLED = "tabled"
    RETURNED = "returned"
    NOTED = "noted"
    REMOVED = "removed"
    ELECTED = "elected"
    OTHER = "other"


class Role(StrEnum):
    """How a person appears on an item."""

    PREPARER = "preparer"
    PRESENTER = "presenter"


class Section(StrEnum):
    """Labelled parts of an agenda item, whatever the layout calls them."""

    PREPARERS = "preparers"
    EXPLANATION = "explanation"
    PRESENTER = "presenter"
    PROPOSAL = "proposal"
    HANDLING = "handling"
    DECISION = "decision"
    ATTACHMENTS = "attachments"
    BACKGROUND = "background"
    DISTRIBUTION = "distribution"
    APPEAL = "appeal"
    HISTORY = "history"


# Heading text (lower case, without a trailing colon) -> the section it opens.
HEADINGS: dict[str, Section] = {
    "valmistelija": Section.PREPARERS,
    "valmistelijat": Section.PREPARERS,
    "valmistelijat / lisätiedot": Section.PREPARERS,
    "valmistelijat ja lisätiedot": Section.PREPARERS,
    "valmistelu": Section.PREPARERS,
    "beredare": Section.PREPARERS,
    "beredning": Section.PREPARERS,
    "selostus": Section.EXPLANATION,
    "perustelut": Section.EXPLANATION,
    "esittelyteksti": Section.EXPLANATION,
    "tiivistelmä": Section.EXPLANATION,
    "esittelijä": Section.PRESENTER,
    "föredragande": Section.PRESENTER,
    "päätösehdotus": Section.PROPOSAL,
    "ehdotus": Section.PROPOSAL,
    "päätösesitys": Section.PROPOSAL,
    "esitys": Section.PROPOSAL,
    "beslutsförslag": Section.PROPOSAL,
    "förslag": Section.PROPOSAL,
    "käsittely": Section.HANDLING,
    "kokouskäsittely": Section.HANDLING,
    "behandling": Section.HANDLING,
    "päätöksenteko": Section.HANDLING,
    "päätös": Section.DECISION,
    "beslut": Section.DECISION,
    "liitteet": Section.ATTACHMENTS,
    "liite": Section.ATTACHMENTS,
    "bilaga": Section.ATTACHMENTS,
    "bilagor": Section.ATTACHMENTS,
    "oheismateriaali": Section.BACKGROUND,
    "tiedoksi": Section.DISTRIBUTION,
    "jakelu": Section.DISTRIBUTION,
    "täytäntöönpano": Section.DISTRIBUTION,
    "täytäntöönpanotiedot": Section.DISTRIBUTION,
    "lisätiedot": Section.PREPARERS,
    "muutoksenhaku": Section.APPEAL,
    "muutoksenhakuohje": Section.APPEAL,
    "päätöshistoria": Section.HISTORY,
    "aikaisempi käsittely": Section.HISTORY,
    "aiempi käsittely": Section.HISTORY,
    "tidigare behandling": Section.HISTORY,
    "beslutshistoria": Section.HISTORY,
    "besluthistoria": Section.HISTORY,
    # More forms met on real pages (the corpus, DOMAIN.md 2.2).
    "valmistelijat/ lisätietojen antaja": Section.PREPARERS,
    "valmistelijat / lisätietojen antaja": Section.PREPARERS,
    "valmistelija / lisätiedot": Section.PREPARERS,
    "valmistelija ja lisätiedot": Section.PREPARERS,
    "valmistelija ja lisätietojen antaja": Section.PREPARERS,
    "valmistelijat ja lisätietojen antajat": Section.PREPARERS,
    "lisätietoja": Section.PREPARERS,
    "lisätietojen antaja": Section.PREPARERS,
    "lisätietojen antajat": Section.PREPARERS,
    "yhteyshenkilö": Section.PREPARERS,
    "beredare och tilläggsuppgifter": Section.PREPARERS,
    "upplysningar": Section.PREPARERS,
    "ytterligare upplysningar": Section.PREPARERS,
    "mer information": Section.PREPARERS,
    "tilläggsuppgifter": Section.PREPARERS,
    "kontaktperson": Section.PREPARERS,
    "asia": Section.EXPLANATION,
    "tausta": Section.EXPLANATION,
    "asian tausta": Section.EXPLANATION,
    "asian kuvaus": Section.EXPLANATION,
    "esittelijän perustelut": Section.EXPLANATION,
    "motivering": Section.EXPLANATION,
    "bakgrund": Section.EXPLANATION,
    "ärendebeskrivning": Section.EXPLANATION,
    "sammandrag": Section.EXPLANATION,
    "beskrivning": Section.EXPLANATION,
    "föredragning": Section.EXPLANATION,
    "esittelijät": Section.PRESENTER,
    "föredragare": Section.PRESENTER,
    "muutettu päätösehdotus": Section.PROPOSAL,
    "muutettu ehdotus": Section.PROPOSAL,
    "päätösehdotus ja päätös": Section.PROPOSAL,
    "ehdotus ja päätös": Section.PROPOSAL,
    "förslag till beslut": Section.PROPOSAL,
    "ändrat förslag": Section.PROPOSAL,
    "käsittely kokouksessa": Section.HANDLING,
    "asian käsittely": Section.HANDLING,
    "kokouksen käsittely": Section.HANDLING,
    "behandling i sammanträdet": Section.HANDLING,
    "bilagor och material": Section.ATTACHMENTS,
    "liitteet ja oheismateriaali": Section.ATTACHMENTS,
    "oheismateriaalit": Section.BACKGROUND,
    "oheisaineisto": Section.BACKGROUND,
    "för kännedom": Section.DISTRIBUTION,
    "delges": Section.DISTRIBUTION,
    "ote": Section.DISTRIBUTION,
    "otteet": Section.DISTRIBUTION,
    "täytäntöönpano-tiedot": Section.DISTRIBUTION,
    "verkställighet": Section.DISTRIBUTION,
    "muutoksenhakuohjeet": Section.APPEAL,
    "oikaisuvaatimusohje": Section.APPEAL,
    "valitusosoitus": Section.APPEAL,
    "valitusoikeus": Section.APPEAL,
    "muutoksenhakukielto": Section.APPEAL,
    "ändringssökande": Section.APPEAL,
    "besvärsanvisning": Section.APPEAL,
    "anvisning för begäran om omprövning": Section.APPEAL,
}

# Genitive labels: "<Kaupunginjohtajan> ehdotus" opens the proposal (and names its
# presenter), "<Välfärdsnämndens> beslut" the decision.
GENITIVE_PROPOSAL_WORDS: tuple[str, ...] = (
    "ehdotus",
    "esitys",
    "päätösehdotus",
    "päätösesitys",
    "muutosehdotus",
    "muutosesitys",
    "muutettu päätösehdotus",
    "muutettu ehdotus",
    "korjattu päätösehdotus",
    "korjattu ehdotus",
    "förslag",
    "beslutsförslag",
    "ändrade förslag",
    "ändringsförslag",
)
GENITIVE_DECISION_WORDS: tuple[str, ...] = ("päätös", "beslut")

# Printed abbreviation -> full body name. "Kh" depends on city vs kunta: see
# CITY_ONLY_ABBREVIATIONS. Extend per municipality as sites are added.
BODY_ABBREVIATIONS: dict[str, str] = {
    "khall": "Kunnanhallitus",
    "kh": "Kunnanhallitus",
    "kvalt": "Kunnanvaltuusto",
    "kv": "Kunnanvaltuusto",
    "kvsto": "Kunnanvaltuusto",
    "hyvinvlt": "Hyvinvointilautakunta",
    "sivltk": "Sivistyslautakunta",
    "teknltk": "Tekninen lautakunta",
    "tekltk": "Tekninen lautakunta",
    "ympltk": "Ympäristölautakunta",
    "ksylk": "Kaupunkisuunnittelu- ja ympäristölautakunta",
    "tarklk": "Tarkastuslautakunta",
    "henjao": "Henkilöstöjaosto",
    "sst": "Stadsstyrelsen",
}

# The same abbreviation names another body in a city (kaupunki).
CITY_ABBREVIATIONS: dict[str, str] = {
    "kh": "Kaupunginhallitus",
    "kv": "Kaupunginvaltuusto",
    "kvsto": "Kaupunginvaltuusto",
}

# Endings that make a word a body name ("Kunnanhallitus päättää").
BODY_SUFFIXES: tuple[str, ...] = (
    "hallitus",
    "lautakunta",
    "valtuusto",
    "jaosto",
    "toimikunta",
    "nämnden",
    "styrelsen",
    "fullmäktige",
    "sektionen",
)

# Outcome phrases, checked in this order; the first class with a match wins.
# Precedence: the procedural fates first (removed, returned, tabled), then the body's
# own change or rejection, then what the proposal's verb says when the decision only
# confirms it.
OUTCOME_PHRASES: list[tuple[Outcome, re.Pattern[str]]] = [
    (Outcome.REMOVED, re.compile(r"poistettiin esityslistalta|avfördes", re.I)),
    (
        Outcome.RETURNED,
        re.compile(r"palaut\w* \w*\s*(?:uudelleen )?valmisteltavaksi|återremitt", re.I),
    ),
    (Outcome.TABLED, re.compile(r"pöydälle|bordlade", re.I)),
    (
        Outcome.AMENDED,
        re.compile(
            r"muutettuna|muutetun ehdotuksen|muuttamasta ehdotuksesta|"
            r"muutosehdotuksesta|med följande ändring",
            re.I,
        ),
    ),
    (Outcome.REJECTED, re.compile(r"(?:esitys|ehdotus) hylättiin|förkastades", re.I)),
    (Outcome.ELECTED, re.compile(r"^valittiin|\bvaldes\b|\butsågs\b", re.I)),
    (Outcome.NOTED, re.compile(r"merkittiin tiedoksi|antecknades", re.I)),
    (
        Outcome.APPROVED,
        re.compile(r"hyväksyttiin|hyväksyi|godkändes|godkände", re.I),
    ),
    # "Enligt förslag." (Nykarleby; "-nligt" where the text layer lost the "E").
    (Outcome.APPROVED, re.compile(r"^\W?\w?nligt förslag\.?$", re.I)),
]

# When the decision only confirms the proposal, the proposal's verb decides.
PROPOSAL_VERB_OUTCOMES: list[tuple[Outcome, re.Pattern[str]]] = [
    (
        Outcome.NOTED,
        re.compile(r"merkit\w*(?: \w+){0,3} tiedoksi|antecknar? .*för kännedom", re.I),
    ),
    (
        Outcome.ELECTED,
        re.compile(r"päättää\s+valita|\bvalitsee\b|\bväljer\b", re.I),
    ),
]

# A decision that names parts of the proposal and does different things with them
# ("Kohta 1 hyväksyttiin. Kohta 2 palautettiin uudelleen valmisteltavaksi.") is
# mixed -> other. Not mixed: "hyväksyi palautusehdotuksen" (no part named).
PART_CUES = re.compile(
    r"\bkoh(?:ta|dat|dan|dassa)\b|\bosittain\b|\bpunkt\b|\bdelvis\b", re.I
)
MIXED_OUTCOMES: frozenset[Outcome] = frozenset(
    {Outcome.APPROVED, Outcome.RETURNED, Outcome.TABLED, Outcome.REJECTED}
)

VOTE_CUES = re.compile(
    r"äänest|äänellä|\bäänin\b|jaa-ä|omröstning|ja-röster|rösterna", re.I
)

CONFLICT_CUES = re.compile(r"esteellinen|esteellisenä|jäävi|\bjäv\b", re.I)

# Finnish number words used in vote counts ("yhden äänestäessä tyhjää").
NUMBER_WORDS: dict[str, int] = {
    "yhden": 1,
    "kahden": 2,
    "kolmen": 3,
    "neljän": 4,
    "viiden": 5,
    "kuuden": 6,
    "seitsemän": 7,
}

AGENDA_CUES = re.compile(r"esityslista|föredragningslista", re.I)

MINUTES_CUES = re.compile(
    r"pöytäkirja|protokoll|päätöslista|päätösluettelo|päätöstiedote|päätökset|"
    r"päätöksiä|beslutslista|\bbeslut\b",
    re.I,
)

# An accepted amendment reported in the handling (Käsittely) makes the item amended;
# a rejected or lapsed amendment does not ("hylänneen Elon muutosehdotuksen").
AMENDMENT_ACCEPTED = re.compile(
    r"hyväksyneen\s+(?:\w+\s+){0,2}(?:muutos|lisäys)ehdotuksen|"
    r"voidaanko\s+(?:\w+\s+){0,2}(?:muutos|lisäys)ehdotus\b[^.]{0,40}\bhyväksyä\.\s*"
    r"Koska ehdotusta ei vastustettu|"
    r"godkänt\s+(?:\w+\s+){0,2}ändringsförslag",
    re.I,
)

# Headings that label a proposal by the presenter's title (Dynasty 10:
# "<span>Kaupunginjohtaja</span><span>proposal</span>"): word endings of such titles.
PRESENTER_TITLE_ENDINGS: tuple[str, ...] = (
    "johtaja",
    "päällikkö",
    "sihteeri",
    "pormestari",
    "kamreeri",
    "rehtori",
    "insinööri",
    "arkkitehti",
    "lakimies",
    "asiamies",
    "tarkastaja",
    "koordinaattori",
    "neuvos",
    "direktör",
    "direktören",
    "chef",
    "borgmästare",
    "sekreterare",
    "kamrer",
)

# Where the item's own text starts on a Dynasty 10 page.
ITEM_TEXT_MARKERS: tuple[str, ...] = ("kokousasian teksti", "ärendets text")

# Placeholder e-mail addresses printed instead of a real one.
PLACEHOLDER_EMAIL = re.compile(r"^etunimi\.sukunimi@|^fornamn\.efternamn@", re.I)

# Declarations of a conflict of interest and departures during an item (DOMAIN.md
# 4.4), FI and SV: the phrase after the member's name -> True when the phrase itself
# states a conflict. A departure is a conflict only when esteellinen / jäävi / jäv is
# stated in the same sentence (CONFLICT_CUES).
DEPARTURE_PHRASES: dict[str, bool] = {
    "ilmoitti olevansa esteellinen": True,
    "ilmoitti olevansa jäävi": True,
    "ilmoitti esteellisyydestään": True,
    "ilmoitti jääviydestään": True,
    "oli esteellinen": True,
    "oli jäävi": True,
    "jääväsi itsensä": True,
    "poistui kokouksesta": False,
    "poistuivat kokouksesta": False,
    "poistui kokoushuoneesta": False,
    "poistuivat kokoushuoneesta": False,
    "anmälde jäv": True,
    "anmälde sig jävig": True,
    "var jävig": True,
    "jävade sig": True,
    "avlägsnade sig från sammanträdet": False,
    "avlägsnade sig från mötet": False,
    "lämnade sammanträdet": False,
    "lämnade mötet": False,
}

# Words before a name that are the member's role, not part of the name.
MEMBER_ROLES: tuple[str, ...] = (
    "jäsen",
    "varajäsen",
    "valtuutettu",
    "varavaltuutettu",
    "kaupunginvaltuutettu",
    "kunnanvaltuutettu",
    "fullmäktigeledamot",
    "puheenjohtaja",
    "varapuheenjohtaja",
    "ledamot",
    "ersättare",
    "ordförande",
    "viceordförande",
)

# Clauses that restate the departure rather than give its reason.
DEPARTURE_FILLER = re.compile(
    r"^(?:ja\s+|och\s+)?(?:eikä osallistunut asian käsittelyyn|"
    r"eivätkä osallistuneet asian käsittelyyn|deltog inte i behandlingen|"
    r"och deltog inte i behandlingen)\W*$",
    re.I,
)

# "(Pöydälle 10.4.2017)" in a title: the item was tabled at that earlier meeting.
TABLED_TITLE_SUFFIX = re.compile(
    r"\((?:pöydälle|bordlagt|bordlades)\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})\)", re.I
)

# "Pöydältä 21.3.2017 § 84." in the item's text: taken up again from that meeting.
TABLED_FROM = re.compile(
    r"\b(?:pöydältä|från bordet)\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})"
    r"(?:\s*,?\s*(?:§\s*(?P<sa>\d+)|(?P<sb>\d+)\s*§))?",
    re.I,
)


# Outcome by lemmas (spaCy), for decisions no phrase above matches ("Esitys
# hyväksytään.", "Asia palautetaan valmisteluun."): (class, lemmas that must all occur,
# lemmas of which one must occur). Checked in this order, on the first sentences only.
LEMMA_OUTCOMES: list[tuple[Outcome, frozenset[str], frozenset[str]]] = [
    (Outcome.REMOVED, frozenset({"poistaa", "esityslista"}), frozenset()),
    (
        Outcome.RETURNED,
        frozenset({"palauttaa"}),
        frozenset({"valmistaa", "valmistella", "valmistelu", "valmisteltava"}),
    ),
    (Outcome.TABLED, frozenset({"pöytä"}), frozenset({"jättää", "panna", "pöytä"})),
    (Outcome.REJECTED, frozenset(), frozenset({"hylätä", "hyljätä"})),
    (Outcome.NOTED, frozenset({"merkitä", "tieto"}), frozenset()),
    (Outcome.ELECTED, frozenset({"valita"}), frozenset()),
    (Outcome.APPROVED, frozenset(), frozenset({"hyväksyä"})),
]


# --- Votes in detail (DOMAIN.md 4.3) ---------------------------------------------
# A vote on a side motion (return for preparation, tabling, a wish clause) is "side":
# it does not decide the matter. Checked in the vote's own sentence first, then in the
# text since the previous vote (Helsinki's "EI-ehdotus: Asia palautetaan …").
SIDE_MOTION_CUES = re.compile(
    r"palautus|palauttami|palautet\w*\s+(?:uudelleen\s+)?valmisteltavaksi|"
    r"pöydällepano|pöydälle|toivomuspon|återremiss|återremitt|bordlägg|"
    r"hemställningskläm",
    re.I,
)
# Motions on the matter itself: a vote on one of these is "main".
MAIN_MOTION_CUES = re.compile(
    r"muutosehdotu|vastaehdotu|esittelijän\s+ehdotu|pohjaehdotu|ändringsförslag|"
    r"motförslag|föredragandens\s+förslag",
    re.I,
)
# A sentence that reports a side motion turned down; such a sentence never gives the
# item's outcome ("hylkäsi palautusehdotuksen" does not make the item returned).
REJECTION_CUES = re.compile(
    r"\bhylkäsi|\bhylättiin|\bhylänneen|\braukesi|\braukeavan|\bförkastade|"
    r"\bavslog|\bföll\b|\bförföll\b|\bei\s+palaut|\binte\s+återremitt|"
    r"\bej\s+återremitt|\binte\s+bordl|\bei\s+jätetä\s+pöydälle",
    re.I,
)

# Labels of a roll-call list (Helsinki: "Jaa-äänet: 9 Aalto, Arhinmäki …") -> the
# list the names after it go to; a "for" label starts a new vote.
ROLL_CALL_LABELS: dict[str, str] = {
    "jaa-äänet": "for",
    "ei-äänet": "against",
    "tyhjä": "blank",
    "tyhjiä": "blank",
    "tyhjää": "blank",
    "poissa": "absent",
    "ja-röster": "for",
    "nej-röster": "against",
    "blanka": "blank",
    "blanka röster": "blank",
    "frånvarande": "absent",
}

# Roll-call sentences in prose (Turku: "Suoritetussa nimenhuutoäänestyksessä …
# puolesta äänestivät …") -> the list their names go to. "puolesta" may occur twice
# (two proposals): the first is "for", the second "against", in the printed count order.
ROLL_CALL_PHRASES: list[tuple[str, re.Pattern[str]]] = [
    ("for", re.compile(r"\bpuolesta\s+äänesti(?:vät)?\s+(?P<names>[^.]+)", re.I)),
    ("against", re.compile(r"\bvastaan\s+äänesti(?:vät)?\s+(?P<names>[^.]+)", re.I)),
    (
        "blank",
        re.compile(r"(?:^|[.:]\s+)(?P<names>[^.:]+?)\s+äänesti(?:vät)?\s+tyhjää", re.I),
    ),
    ("blank", re.compile(r"\btyhjää\s+äänesti(?:vät)?\s+(?P<names>[^.]+)", re.I)),
    ("absent", re.compile(r"\bpoissa\s+oli(?:vat)?\s+(?P<names>[^.]+)", re.I)),
    ("for", re.compile(r"\bför\s+\w+\s+röstade\s+(?P<names>[^.]+)", re.I)),
    ("against", re.compile(r"\bemot\s+\w+\s+röstade\s+(?P<names>[^.]+)", re.I)),
    ("blank", re.compile(r"\bblankt\s+röstade\s+(?P<names>[^.]+)", re.I)),
]

# Words in a roll-call list that are not names: "heidän lisäkseen" (besides the
# proposer and seconder), "häntä kannattanut".
ROLL_CALL_FILLER = re.compile(
    r"\b(?:heidän|hänen)\s+lisäkseen\b|\b(?:häntä|heitä)\s+kannatta\w*\b|"
    r"\bdessutom\b",
    re.I,
)


# Lines of page furniture around an item (navigation, publishing system, transcript
# sites), never a title: matched at the start of a line, case ignored.
PAGE_CHROME = re.compile(
    r"^(?:edellinen asia|seuraava asia|föregående ärende|nästa ärende|"
    r"dynasty tietopalvelu|rss-linkki|kokousasiat:|kokoukset:|mötesärenden:|möten:|"
    r"https?://|www\.|pöytäkirja on tarkastettu|protokollet är justerat|"
    r"siirry sisältöön|hoppa till innehåll|muutoksenhakuohje kokousasia|"
    r"kokousasia pdf|tulosta|skriv ut|julkaistu:|päivitetty:|publicerad:|"
    r"uppdaterad:|storlek: px|koko: px|aloita esitys sivulta|starta visningen|"
    r"download|transkriptio|transkript|samankaltaiset tiedostot|"
    r"relevanta dokument|sivu \d|sida \d|more recent handlings|"
    r"uudemmat käsittelyt|nyare behandlingar|käsitellyt asiat|behandlade ärenden|"
    r"pdf-muodossa|kokousasian teksti|ärendets text|linkki\b|lisätietoa$|"
    r"lisätietoja$|mer information$|läs mer|lue lisää)",
    re.I,
)

# A sentence that reports a decision without a label (decision bulletins on web
# pages: "Stadsfullmäktige beslutade enhälligt …", "Hallitus päätti …",
# "Hyväksyttiin esityslistan mukaisesti.").
DECISION_SENTENCE = re.compile(
    r"^(?:[A-ZÅÄÖ][\w:\-]*(?:\s+[\w:\-]+){0,4}?\s+(?:päätti|päättivät|beslutade|"
    r"beslöt|hyväksyi|godkände|antecknade|merkitsi|valitsi|valde|totesi|"
    r"konstaterade|palautti|återremitterade|jätti|bordlade|antoi|myönsi|"
    r"bemyndigade|beviljade|gav|nimesi|utsåg)\b|"
    r"(?:[^.]{0,400}?\b(?:päätti|päättivät|beslutade|beslöt)\b)|"
    r"(?:[A-ZÅÄÖ][\w\-]*(?:hallitus|lautakunta|valtuusto|jaosto|toimikunta|"
    r"johtokunta|neuvosto|styrelsen|nämnden|fullmäktige|sektionen|utskottet)"
    r"\s+[a-zåäö]{3,}\b)|"
    r"(?:Hyväksyttiin|Merkittiin|Valittiin|Todettiin|Päätettiin|Godkändes|"
    r"Antecknades|Valdes|Beslöts|Konstaterades|Esityksen mukaan|Ehdotuksen mukaan|"
    r"Enligt förslag(?:et)?|Asia palautettiin|Asia jätettiin|Asia pantiin|"
    r"Ärendet återremitterades|Ärendet bordlades)\b)"
)

# A list number before an item's title in a bulletin ("1. ", "2) ").
LIST_NUMBER = re.compile(r"^\d{1,3}[.)]\s+")
# Link words a bulletin prints after an item's title ("… pdf html").
TITLE_LINK_SUFFIX = re.compile(r"(?:\s+(?:pdf|html|docx?))+\s*$", re.I)


# --- Outcome by sentence (extractors.outcome) -------------------------------------
# The decision is read sentence by sentence. A sentence that reports a member's
# motion ("X ehdotti, että asia palautetaan", "Y föreslog att ärendet återremitteras")
# or a motion turned down (REJECTION_CUES) never gives the outcome.
MOTION_CUES = re.compile(
    r"\behdotti\b|\behdottivat\b|\besitti,?\s+että\b|\bteki\s+(?:\w+\s+)?\w*ehdotuksen\b|"
    r"\bkannatti\b|\bkannattamana\b|\bkannattamasta\b|\bföreslog\b|\bunderstödd\b|"
    r"\bunderstödde\b|\bframställde\b|\bmotförslag\b",
    re.I,
)

# What one sentence says the body did, checked in this order inside a sentence.
# "Hylätä oikaisuvaatimus" is not a rejected item: only the proposal's rejection is.
OUTCOME_SENTENCES: list[tuple[Outcome, re.Pattern[str]]] = [
    (
        Outcome.REMOVED,
        re.compile(
            r"poist\w*\s+(?:\w+\s+){0,3}esityslista\w*|avför\w*|"
            r"\bstryk\w*\s+från\s+föredragningslistan",
            re.I,
        ),
    ),
    (
        Outcome.RETURNED,
        re.compile(
            r"palaut\w*\s+(?:\w+\s+){0,3}valmistel\w*|"
            r"(?:asia|ärendet)\s+(?:\w+\s+){0,2}palaut\w*|päätettiin palauttaa|"
            r"päätti\s+(?:\w+\s+){0,2}palauttaa|återremitt\w*",
            re.I,
        ),
    ),
    (
        Outcome.TABLED,
        re.compile(
            r"pöydälle(?!\s+jaet)|bordl\w*|fortsätter\s+behandlingen|"
            r"jatk\w*\s+(?:asian\s+)?käsittelyä\s+seuraava\w*|"
            r"siirr\w*\s+(?:asian\s+)?(?:käsittely\w*\s+)?seuraavaan\s+kokoukseen|"
            r"uppsköts|flyttades\s+till\s+nästa",
            re.I,
        ),
    ),
    (
        Outcome.REJECTED,
        re.compile(
            r"(?:esitys|ehdotus|päätösehdotus|esityksen|ehdotuksen|"
            r"päätösehdotuksen)\s+(?:\w+\s+){0,2}hyl(?:ättiin|käsi)|"
            r"hylkäsi\s+(?:\w+\s+){0,2}(?:esityksen|ehdotuksen|päätösehdotuksen)|"
            r"förslaget\s+(?:\w+\s+){0,2}förkastades|förkastade\s+förslaget",
            re.I,
        ),
    ),
    (
        Outcome.AMENDED,
        re.compile(
            r"muutettuna|muutetun|muutetussa|muutoksella|muutoksin|"
            r"muutosesitys\w*\s+hyväksyttiin|muutosehdotu\w*\s+hyväksyttiin|"
            r"muokatun|lisäyksellä|lisäyksin|seuraava lisäys|"
            r"muuttamasta ehdotuksesta|muutosehdotuksesta|"
            r"med\s+(?:den\s+)?(?:följande\s+)?ändring\w*|ändrat\s+förslag|"
            r"med\s+ändringar|med\s+tillägg\w*|"
            r"ändring\w*\s+till\s+\w+\s+förslag|godkände\s+\w+\s+ändring\w*|"
            r"\bja\s+lisäksi\b|päätettiin\s+lisätä|päätti\s+lisätä|"
            r"ehdotuksesta\s+poikkeav\w*|esityksestä\s+poikkeav\w*|"
            r"poiketen\s+(?:esittelijän\s+)?(?:ehdotuksesta|esityksestä)",
            re.I,
        ),
    ),
    (
        Outcome.NOTED,
        re.compile(
            r"merki?t\w*\s+(?:\S+\s+){0,10}?(?:tiedoksi|tietoon(?:\s+saatetuiksi)?|"
            r"tietoonsa)|tiedoksi\s+saatetuiksi|"
            r"antecknade?s?\s+(?:\S+\s+){0,6}?för\s+kännedom|"
            r"anteckna\s+(?:\S+\s+){0,6}?för\s+kännedom|"
            r"\bantecknades\b|\btiedoksi\.?$",
            re.I,
        ),
    ),
    (
        Outcome.ELECTED,
        re.compile(
            r"\bvalittiin\b|\bvalitsi\b|päätti\s+(?:\w+\s+){0,2}valita|"
            r"\bnimettiin\b|\bnimesi\b|päätti\s+(?:\w+\s+){0,2}nimetä|"
            r"\bvaldes\b|\butsågs\b|\bvalde\b|\butsåg\b|"
            r"beslutade\s+(?:\w+\s+){0,3}(?:välja|utse)\b",
            re.I,
        ),
    ),
    (
        Outcome.APPROVED,
        re.compile(
            r"hyväksyttiin|hyväksyi|hyväksytään|päätti|päättivät|"
            r"godkändes|godkände|godkänna|beslutade|beslöt|bemyndigade|"
            r"beviljade|valtuutti|myönsi|myönnettiin|"
            r"todettiin|totesi|konstaterades|konstaterade|"
            r"\bmukaan\b|mukainen|enligt\s+förslag|käsiteltiin|keskusteltiin|"
            r"kävi\s+keskustelu|antoi\s+lausunnon|"
            # a board's proposal to the council is its decision on the item
            r"\behdotti\s+(?:\w+\s+)?\w*valtuustolle\b|"
            r"\bföreslog\s+(?:för\s+)?\w*fullmäktige\b",
            re.I,
        ),
    ),
]

# A sentence that only confirms the proposal ("Päätösehdotus hyväksyttiin.",
# "Ehdotuksen mukaan.", "Todettiin.", "Beslutsförslaget godkändes"): the proposal's
# own first decisive verb then says approved, noted or elected.
CONFIRMATION = re.compile(
    r"^(?:[\w\-]+\s+){0,3}?(?:(?:päätös|esittelijän\s+)?(?:esitys|ehdotus|"
    r"päätösehdotus|päätösesitys|esityslistan?\s+ehdotus)\w*\s+(?:\w+\s+){0,1}"
    r"hyväksyttiin|hyväksyi\s+(?:\w+\s+){0,1}(?:päätösehdotuksen|ehdotuksen|"
    r"esityksen|päätösesityksen)|hyväksyttiin|todettiin|(?:esityksen|ehdotuksen|"
    r"päätösehdotuksen|esityslistan)\s+mukaa?n\w*|päätös\s+on\s+ehdotuksen\s+mukainen|"
    r"(?:beslutsförslaget|förslaget)\s+godkändes|godkändes|enligt\s+förslag(?:et)?|"
    r"godkände\s+(?:beslutsförslaget|förslaget))\b",
    re.I,
)

# The verbs of a proposal, in the order they may occur; the first one found decides
# what a confirmed proposal was (a compound procedural proposal "toteaa kokouksen
# lailliseksi, valitsee pöytäkirjantarkastajat …" is approved, not an election).
PROPOSAL_VERBS: list[tuple[Outcome, re.Pattern[str]]] = [
    (
        Outcome.NOTED,
        re.compile(
            r"merki?t\w*\s+(?:\S+\s+){0,10}?(?:tiedoksi|tietoon|tietoonsa)|"
            r"tiedoksi\s+saatetuiksi|merkitään\s+tiedoksi|"
            r"anteckna\w*\s+(?:\S+\s+){0,6}?(?:för|till)\s+kännedom|"
            r"(?:för|till)\s+kännedom|anteckna\w*\s+(?:\S+\s+){0,6}?som\s+delgiv\w*|"
            r"\bta\w*\s+del\s+av\b",
            re.I,
        ),
    ),
    (
        Outcome.ELECTED,
        re.compile(
            r"\bvalita\b|\bvalitsee\b|\bvalitaan\b|\bnimeää\b|\bnimetä\b|"
            r"\bnimetään\b|\bväljer\b|\bvälja\b|\butser\b|\butse\b|\bväljs\b",
            re.I,
        ),
    ),
    (
        Outcome.APPROVED,
        re.compile(
            r"\bhyväksy\w*|\btoteaa\b|\btodetaan\b|\bantaa\b|"
            r"\bmyöntää\b|\bgodkänn\w*|\bkonstaterar\b",
            re.I,
        ),
    ),
]

# An election whose object is a company or a supplier is a procurement: approved.
PROCUREMENT_CUES = re.compile(
    r"\b(?:oy|oyj|ab|ltd|inc|gmbh|sas|ky|ry|rf)\b|toimittaja\w*|urakoitsija\w*|"
    r"palveluntuottaja\w*|leverantör\w*|entreprenör\w*",
    re.I,
)
