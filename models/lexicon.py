"""Small word lists the extractors use to tell real words from a garbled text layer.

Finnish words are checked with Voikko; Swedish has no spell checker here, so this is a
list of common Swedish words (function words, frequent verbs and the vocabulary of
municipal minutes). It is data: extend it, never match on it for meaning.
"""

from __future__ import annotations

_WORDS = """
och att i som för är av med på en ett den det de till om har vid inte kan ska skall
eller från samt efter enligt under inom mellan över även också så man sig sin sina
sitt vi ni jag du han hon hans hennes dess deras denna detta dessa där när hur vad
vem vilka vilken vilket alla allt andra annan annat ny nya nytt år året åren dag
dagen dagar tid tiden bör blir bli blev var varit vara hade haft får fick gör göra
gjorde görs kommer komma kom skulle måste kunna kunde vill ville finns fanns ges
gavs sker skedde tas togs
stad staden stadens nämnden nämnd nämnder nämndens beslut beslutet beslutar beslöt
besluta förslag förslaget föreslår föreslås beredning ärendet ärende ärenden
protokoll protokollet behandling behandlas behandlade tidigare sammanträdet
sammanträde sammanträdets ordförande ordföranden medlem medlemmar medlemmarna
ersättare kommun kommunen kommunens kommunala godkänner godkänna godkändes godkänns
antecknades antecknas kännedom stadsstyrelsen stadsstyrelsens fullmäktige
stadsfullmäktige direktör chef budget budgeten bilaga bilagor sida eftersom dock
men utan mot per samma varje båda några många mycket mer mest bland ut upp in fram
bort hela helt redan genom både eget egen egna olika stor stora större mindre små
liten lilla första tredje sista nästa senast senaste
verksamhet verksamheten verksamhetens ekonomi ekonomiska kostnader kostnaderna
intäkter euro miljoner procent arbete arbetet uppgift uppgifter tjänst tjänsten
tjänster personal personalen skola skolan skolor barn unga ungdomar ungdomarna plan
planen planering utveckling möjlighet möjligheter fråga frågan frågor information
inför samband grund ramen enlighet därmed därför dessutom således vidare samtidigt
endast cirka inkl jämte lag lagen kommunallagen lagligt laglighet sammankallad
beslutför beslutförhet justera justeras justerare protokolljusterare val välja
väljer valdes utser utsågs presentation presenteras rapport rapporten uppföljning
förvaltning förvaltningen stadga avdelning enheten enhet område området regionen
region
"""

SWEDISH_COMMON_WORDS: frozenset[str] = frozenset(_WORDS.split())  # noqa: SIM905

# Words that tell Swedish from Finnish text (fields.language compares how often each
# list occurs): function words, then the headings and verbs of minutes. None is a
# word of the other language.
SWEDISH_FUNCTION_WORDS: frozenset[str] = frozenset(
    [
        "och",
        "att",
        "i",
        "som",
        "för",
        "är",
        "av",
        "med",
        "på",
        "en",
        "ett",
        "den",
        "det",
        "de",
        "till",
        "om",
        "har",
        "vid",
        "inte",
        "kan",
        "ska",
        "skall",
        "eller",
        "från",
        "samt",
        "efter",
        "enligt",
        "under",
        "inom",
        "mellan",
        "över",
        "även",
        "också",
        "så",
        "sig",
        "sin",
        "sina",
        "sitt",
        "vi",
        "där",
        "när",
        "hur",
        "vad",
        "denna",
        "detta",
        "dessa",
        "var",
        "blev",
        "har",
        "hade",
        "ska",
        "beslut",
        "förslag",
        "förslaget",
        "beslutsförslag",
        "beredning",
        "beredare",
        "föredragande",
        "protokoll",
        "nämnden",
        "styrelsen",
        "godkändes",
        "antecknades",
    ]
)
FINNISH_FUNCTION_WORDS: frozenset[str] = frozenset(
    [
        "ja",
        "on",
        "ei",
        "että",
        "tai",
        "sekä",
        "kuin",
        "myös",
        "se",
        "ne",
        "joka",
        "jotka",
        "mikä",
        "mitä",
        "tämä",
        "tämän",
        "näitä",
        "oli",
        "ovat",
        "olla",
        "ollut",
        "olisi",
        "kanssa",
        "mukaan",
        "osalta",
        "jälkeen",
        "ennen",
        "aikana",
        "vuoden",
        "vuonna",
        "asia",
        "asian",
        "asiaa",
        "päättää",
        "esitys",
        "päätös",
        "hyväksyttiin",
        "päätösehdotus",
        "esittelijä",
        "valmistelija",
        "pöytäkirja",
        "käsittely",
        "merkittiin",
    ]
)
