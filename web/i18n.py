"""Interface labels in Finnish, Swedish and English: a small catalogue, and the
choice of language from `?lang=` or the browser's Accept-Language."""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("fi", "sv", "en")
DEFAULT = "en"  # when neither ?lang= nor Accept-Language names one we have
Label = Callable[[str], str]

COLUMN = {"en": 0, "fi": 1, "sv": 2}  # where each language is in a catalogue entry

# key: (English, Finnish, Swedish)
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "app_title": ("Meeting minutes", "Pöytäkirjat", "Protokoll"),
    "tagline": (
        "Decisions of Finnish municipalities, searchable",
        "Kuntien päätökset haettavina",
        "Kommunernas beslut sökbara",
    ),
    "search": ("Search", "Haku", "Sök"),
    "search_words": ("Words", "Hakusanat", "Sökord"),
    "search_button": ("Search", "Hae", "Sök"),
    "bodies": ("Bodies", "Toimielimet", "Organ"),
    "people": ("People", "Henkilöt", "Personer"),
    "municipality": ("Municipality", "Kunta", "Kommun"),
    "body": ("Body", "Toimielin", "Organ"),
    "outcome": ("Outcome", "Päätöksen laatu", "Utfall"),
    "date_from": ("From", "Alkaen", "Från"),
    "date_to": ("To", "Päättyen", "Till"),
    "voted": ("Vote taken", "Äänestys", "Omröstning"),
    "language": ("Language", "Kieli", "Språk"),
    "sort": ("Order", "Järjestys", "Ordning"),
    "sort_relevance": ("Best match", "Osuvin", "Bäst träff"),
    "sort_newest": ("Newest first", "Uusin ensin", "Nyaste först"),
    "sort_oldest": ("Oldest first", "Vanhin ensin", "Äldsta först"),
    "any": ("any", "kaikki", "alla"),
    "yes": ("yes", "kyllä", "ja"),
    "no": ("no", "ei", "nej"),
    "lang_fi": ("Finnish", "suomi", "finska"),
    "lang_sv": ("Swedish", "ruotsi", "svenska"),
    "result": ("result", "tulos", "träff"),
    "results": ("results", "tulosta", "träffar"),
    "no_results": (
        "Nothing matches every word and filter.",
        "Mikään ei vastaa kaikkia hakusanoja ja rajauksia.",
        "Inget motsvarar alla sökord och filter.",
    ),
    "no_index": (
        "The warehouse has no search index yet (the next `minutes run` builds it):"
        " words are matched as plain text.",
        "Tietovarastossa ei ole vielä hakuindeksiä (seuraava `minutes run` rakentaa"
        " sen): sanoja haetaan tekstinä.",
        "Lagret har ännu inget sökindex (nästa `minutes run` bygger det): orden söks"
        " som text.",
    ),
    "page": ("Page", "Sivu", "Sida"),
    "of": ("of", "/", "av"),
    "previous": ("Previous", "Edellinen", "Föregående"),
    "next": ("Next", "Seuraava", "Nästa"),
    "download": ("Download", "Lataa", "Ladda ner"),
    "date": ("Date", "Päivämäärä", "Datum"),
    "section": ("§", "§", "§"),
    "title": ("Title", "Otsikko", "Rubrik"),
    "diary_number": ("Diary number", "Diaarinumero", "Diarienummer"),
    "diary_class": ("Classification", "Tehtäväluokka", "Klassificering"),
    "doc_kind": ("Document", "Asiakirja", "Handling"),
    "doc_minutes": ("minutes", "pöytäkirja", "protokoll"),
    "doc_agenda": ("agenda", "esityslista", "föredragningslista"),
    "presenter": ("Presenter", "Esittelijä", "Föredragande"),
    "preparers": ("Prepared by", "Valmistelijat", "Beredare"),
    "proposal": ("Proposal", "Päätösehdotus", "Beslutsförslag"),
    "decision": ("Decision", "Päätös", "Beslut"),
    "votes": ("Votes", "Äänestykset", "Omröstningar"),
    "vote_for": ("For", "Jaa", "Ja"),
    "vote_against": ("Against", "Ei", "Nej"),
    "vote_blank": ("Blank", "Tyhjää", "Blankt"),
    "vote_absent": ("Absent", "Poissa", "Frånvarande"),
    "motion": ("Motion", "Ehdotus", "Förslag"),
    "vote_kind": ("Kind", "Laji", "Typ"),
    "conflicts": (
        "Conflicts of interest",
        "Esteellisyydet",
        "Jäv",
    ),
    "departures": ("Left the meeting", "Poistuivat", "Avlägsnade sig"),
    "reason": ("Reason", "Syy", "Orsak"),
    "attachments": ("Attachments", "Liitteet", "Bilagor"),
    "earlier_handlings": (
        "Earlier handlings",
        "Aiemmat käsittelyt",
        "Tidigare behandlingar",
    ),
    "case_timeline": ("Case timeline", "Asian käsittelyhistoria", "Ärendets gång"),
    "case_note": (
        "Every item with this diary number, and the earlier handlings they mention,"
        " in date order.",
        "Kaikki tämän diaarinumeron asiat ja niiden mainitsemat aiemmat käsittelyt"
        " päivämäärän mukaan.",
        "Alla ärenden med detta diarienummer och de tidigare behandlingar de nämner,"
        " i datumordning.",
    ),
    "mentioned_in": ("mentioned in", "mainittu", "nämnd i"),
    "all_fields": ("Every field", "Kaikki kentät", "Alla fält"),
    "field": ("Field", "Kenttä", "Fält"),
    "value": ("Value", "Arvo", "Värde"),
    "provenance": (
        "Where each value comes from",
        "Mistä kukin arvo on luettu",
        "Varifrån varje värde kommer",
    ),
    "method": ("Rule or model", "Sääntö tai malli", "Regel eller modell"),
    "span": ("Place in text", "Kohta tekstissä", "Plats i texten"),
    "show_in_text": ("show in text", "näytä tekstissä", "visa i texten"),
    "item_text": ("Item text", "Asian teksti", "Ärendets text"),
    "no_item_text": (
        "The text of this item is not stored (it was loaded before texts were"
        " kept; `minutes reprocess` adds it).",
        "Asian tekstiä ei ole tallennettu (se ladattiin ennen kuin tekstejä"
        " tallennettiin; `minutes reprocess` lisää sen).",
        "Ärendets text är inte sparad (det laddades innan texter sparades;"
        " `minutes reprocess` lägger till den).",
    ),
    "source_document": (
        "Published document",
        "Julkaistu asiakirja",
        "Publicerad handling",
    ),
    "raw_bytes": (
        "Our copy (raw bytes)",
        "Tallentamamme kopio (alkuperäiset tavut)",
        "Vår kopia (råa byte)",
    ),
    "extractor_version": ("Extractor version", "Poimijan versio", "Extraktorversion"),
    "first_seen": ("First seen", "Ensi kerran nähty", "Först sedd"),
    "last_changed": ("Last changed", "Viimeksi muuttunut", "Senast ändrad"),
    "versions": ("Earlier versions", "Aiemmat versiot", "Tidigare versioner"),
    "items": ("Items", "Asiat", "Ärenden"),
    "meetings": ("Meetings", "Kokoukset", "Sammanträden"),
    "roles": ("Roles", "Roolit", "Roller"),
    "role_presenter": ("presented", "esitteli", "föredrog"),
    "role_preparer": ("prepared", "valmisteli", "beredde"),
    "role": ("Role", "Rooli", "Roll"),
    "person_votes": (
        "Votes where named",
        "Äänestykset, joissa nimetty",
        "Omröstningar där namngiven",
    ),
    "voted_as": ("Voted", "Äänesti", "Röstade"),
    "person_conflicts": (
        "Declared a conflict of interest",
        "Ilmoitti esteellisyydestä",
        "Anmälde jäv",
    ),
    "first_meeting": ("First meeting", "Ensimmäinen kokous", "Första sammanträde"),
    "last_meeting": ("Latest meeting", "Viimeisin kokous", "Senaste sammanträde"),
    "outcome_mix": (
        "Outcome mix over time",
        "Päätösten laadut ajan mittaan",
        "Utfall över tid",
    ),
    "meetings_over_time": (
        "Items per meeting period",
        "Asioita ajanjaksoittain",
        "Ärenden per period",
    ),
    "find_person": ("Find a name", "Etsi nimeä", "Sök namn"),
    "not_found": ("Not found", "Ei löytynyt", "Hittades inte"),
    "busy": (
        "The warehouse is being updated. Try again in a moment.",
        "Tietovarastoa päivitetään. Yritä hetken päästä uudelleen.",
        "Lagret uppdateras. Försök igen om en stund.",
    ),
    "missing": (
        "No warehouse yet: run `minutes run` first.",
        "Tietovarastoa ei vielä ole: aja ensin `minutes run`.",
        "Inget lager ännu: kör `minutes run` först.",
    ),
    "report_title": ("Warehouse report", "Tietovaraston raportti", "Lagerrapport"),
    "generated": ("generated", "luotu", "skapad"),
    "latest_decisions": ("Latest decisions", "Uusimmat päätökset", "Senaste besluten"),
    "decisions_over_time": (
        "Decisions over time per body",
        "Päätökset ajan mittaan toimielimittäin",
        "Beslut över tid per organ",
    ),
    "outcome_per_municipality": (
        "Outcome mix per municipality",
        "Päätösten laadut kunnittain",
        "Utfall per kommun",
    ),
    "field_coverage": (
        "Field coverage per source",
        "Kenttien kattavuus lähteittäin",
        "Fältens täckning per källa",
    ),
    "latest_run": ("Latest run", "Viimeisin ajo", "Senaste körning"),
    "quarantined": ("Quarantined documents", "Karanteenissa", "I karantän"),
    "documents": ("Documents", "Asiakirjat", "Handlingar"),
    "source": ("Source", "Lähde", "Källa"),
    "municipalities": ("Municipalities", "Kunnat", "Kommuner"),
    "no_data": (
        "Nothing loaded yet.",
        "Mitään ei ole vielä ladattu.",
        "Inget laddat ännu.",
    ),
    "count": ("Count", "Määrä", "Antal"),
    "period": ("Period", "Ajanjakso", "Period"),
    "share": ("Share", "Osuus", "Andel"),
    "coverage": ("Coverage %", "Kattavuus %", "Täckning %"),
    "none": ("(none)", "(ei)", "(inget)"),
    "outcome_approved": ("approved", "hyväksytty", "godkänd"),
    "outcome_amended": ("amended", "muutettu", "ändrad"),
    "outcome_rejected": ("rejected", "hylätty", "avslagen"),
    "outcome_tabled": ("tabled", "pöydälle", "bordlagd"),
    "outcome_returned": ("returned", "palautettu", "återremitterad"),
    "outcome_noted": ("noted", "merkitty tiedoksi", "antecknad"),
    "outcome_removed": ("removed", "poistettu", "struken"),
    "outcome_elected": ("elected", "valittu", "vald"),
    "outcome_other": ("other", "muu", "annat"),
}


def translate(language: str, key: str) -> str:
    """A label in a language (the key itself when the catalogue lacks it)."""
    labels = CATALOGUE.get(key)
    if labels is None:
        return key
    return labels[COLUMN.get(language, 0)]


def translator(language: str) -> Label:
    """`t(key)` for templates."""
    return lambda key: translate(language, key)


def choose(explicit: str | None, accept_language: str | None) -> str:
    """?lang= when it names a language we have, else the best of Accept-Language,
    else DEFAULT."""
    if explicit in LANGUAGES:
        return str(explicit)
    for tag in preferred(accept_language or ""):
        base = tag.split("-")[0]
        if base in LANGUAGES:
            return base
    return DEFAULT


def preferred(header: str) -> list[str]:
    """Accept-Language tags, most wanted first ('fi-FI,sv;q=0.8' → fi-fi, sv)."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.lower()))
    return [tag for _, _, tag in sorted(weighted)]
