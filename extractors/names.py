"""People: title, name, phone and e-mail from a line; names in "Firstname Lastname".

Name order is decided by Voikko's word classes (etunimi / sukunimi), not by position.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from models.records import Person, Presenter
from models.vocab import BODY_SUFFIXES, PLACEHOLDER_EMAIL

log = logging.getLogger(__name__)

EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
PHONE_RE = re.compile(
    r"(?:puh\.?|puhelin:?|p\.|tel\.?|telefon:?)?\s*(\+?\(?\d[\d ()\-]{5,}\d)", re.I
)
HOURS_RE = re.compile(r"\bklo\s*\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}", re.I)
NAME_TOKEN_RE = re.compile(
    r"^(?:[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)*|[A-ZÅÄÖ]\.)$"
)


@functools.cache
def _voikko() -> Any | None:
    """The Finnish Voikko analyser, loaded once; None when libvoikko is missing."""
    try:
        import libvoikko

        return libvoikko.Voikko("fi")
    except (ImportError, OSError) as error:
        log.warning("Voikko unavailable (%s): name order kept as printed", error)
        return None


@functools.cache
def word_classes(word: str) -> frozenset[str]:
    """Voikko's classes for a word ("etunimi", "sukunimi", "nimisana", ...)."""
    voikko = _voikko()
    if voikko is None:
        return frozenset()
    return frozenset(a.get("CLASS", "") for a in voikko.analyze(word))


def is_first_name(word: str) -> bool:
    """True when Voikko knows the word as a given name (each part of a compound)."""
    return all("etunimi" in word_classes(part) for part in word.split("-"))


def place_baseform(word: str) -> str | None:
    """The nominative of a place name ("Kittilän" → "Kittilä"), None if not a place."""
    voikko = _voikko()
    if voikko is None:
        return None
    for analysis in voikko.analyze(word):
        if analysis.get("CLASS") == "paikannimi":
            return str(analysis.get("BASEFORM"))
    return None


def ordered_name(tokens: list[str]) -> str:
    """The name as "Firstname Lastname": swap "Kurula Timo" when the last is a given
    name and the first is not."""
    if len(tokens) == 2 and is_first_name(tokens[1]) and not is_first_name(tokens[0]):
        tokens = [tokens[1], tokens[0]]
    return " ".join(tokens)


def split_contacts(line: str) -> tuple[str, str | None, str | None]:
    """(rest of the line, phone, email) with the phone digits' spacing kept."""
    email_match = EMAIL_RE.search(line)
    email = email_match.group(0) if email_match else None
    rest = HOURS_RE.sub(" ", EMAIL_RE.sub(" ", line))
    phone_match = PHONE_RE.search(rest)
    phone = " ".join(phone_match.group(1).split()) if phone_match else None
    if phone_match:
        rest = rest[: phone_match.start()] + " " + rest[phone_match.end() :]
    return " ".join(rest.replace(",", " ").split()), phone, email


def split_title_name(text: str) -> tuple[str | None, str | None]:
    """(title lower-cased, name) from "Vs. sivistystoimenjohtaja Kinnunen Petteri".

    The name is the trailing run of capitalised words (at most three); the first word
    of a longer line is the title even though it is capitalised.
    """
    tokens = text.split()
    count = 0
    for token in reversed(tokens):
        if not NAME_TOKEN_RE.match(token) or count == 3:
            break
        count += 1
    if count == len(tokens) and len(tokens) > 2:
        count -= 1
    if count < 2:
        return (text.lower() or None), None
    title = " ".join(tokens[: len(tokens) - count]).lower() or None
    return title, ordered_name(tokens[len(tokens) - count :])


NAME_FIRST_SEPARATOR_RE = re.compile(r"\s*[,:]\s*")


def name_first(line: str) -> tuple[str, str] | None:
    """(name, title) of "Liisa Lisätieto, suunnittelija, …" (Helsinki, CloudNC) or
    "Kati Liukko: Direktör, …": the title may be capitalised when the first word
    is a given name."""
    parts = NAME_FIRST_SEPARATOR_RE.split(line.strip(), maxsplit=1)
    if len(parts) < 2:
        return None
    tokens, title = parts[0].split(), title_before_contacts(parts[1])
    if not 2 <= len(tokens) <= 3 or not title or EMAIL_RE.search(title):
        return None
    if not all(NAME_TOKEN_RE.match(token) for token in tokens):
        return None
    if not is_first_name(tokens[0]) or PHONE_RE.match(title):
        return None
    return " ".join(tokens), title.lower()


def title_before_contacts(text: str) -> str:
    """The title part of "Direktör, sektorn för …, kati.liukko@…": up to the first
    e-mail address or phone number, trailing commas and periods removed."""
    cut = len(text)
    for pattern in (EMAIL_RE, PHONE_RE):
        found = pattern.search(text)
        if found:
            cut = min(cut, found.start())
    return text[:cut].strip(" ,.;")


def parse_person(line: str) -> Person:
    """A preparer line: "Kunnanjohtaja Timo Kurula 0405957597" → Person."""
    ordered = name_first(line)
    rest, phone, email = split_contacts(line)
    if ordered:
        return Person(ordered[0], ordered[1], phone, real_email(email))
    title, name = split_title_name(rest)
    return Person(name=name, title=title, phone=phone, email=real_email(email))


def real_email(email: str | None) -> str | None:
    """The e-mail address, or None for a placeholder ("etunimi.sukunimi@...")."""
    return None if not email or PLACEHOLDER_EMAIL.search(email) else email


def person_from_parts(
    name: str, title: str | None, email: str | None = None, phone: str | None = None
) -> Person:
    """A Person from structured fields (CaseM rows); "Grönberg Kirsi" reordered."""
    tokens = name.split()
    return Person(
        name=ordered_name(tokens) if tokens else None,
        title=title.strip().lower() or None if title else None,
        phone=phone,
        email=real_email(email.strip() if email else None),
    )


def parse_presenter(line: str | None) -> Presenter | None:
    """A presenter line: "Kunnanjohtaja Kurula Timo" → Presenter."""
    if not line or not line.strip():
        return None
    text = line.strip().rstrip(":")
    if text.lower().endswith(BODY_SUFFIXES) and " " not in text:
        return Presenter(name=None, title=text)
    person = parse_person(text)
    if person.name is None:
        found = model_name(text)
        if found is not None:
            title = text[: text.find(found)].strip(" ,:").lower() or person.title
            return Presenter(name=ordered_name(found.split()), title=title or None)
    if person.name is None and person.title is not None:
        return Presenter(name=None, title=person.title)
    return Presenter(name=person.name, title=person.title)


def model_name(text: str) -> str | None:
    """A person's name of two or more words that spaCy's NER finds in a line no
    rule split ("Vs. rakennuttamispäällikkö Petri Kantola (vuorotteleva)")."""
    from extractors import nlp

    for name in nlp.person_names(text):
        if len(name.split()) >= 2 and all(NAME_TOKEN_RE.match(t) for t in name.split()):
            return name
    return None


def genitive_base(word: str) -> str:
    """The nominative of a genitive label word: "Kaupunginjohtajan" → "kaupunginjohtaja"
    (Voikko), "Tötermann-Engströms" → "Tötermann-Engström" (Swedish -s)."""
    voikko = _voikko()
    if voikko is not None and word.endswith("n"):
        for analysis in voikko.analyze(word):
            if analysis.get("SIJAMUOTO") == "omanto":
                return str(analysis.get("BASEFORM"))
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
