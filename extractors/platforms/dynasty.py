"""Innofactor Dynasty item pages (`<mid>-<n>.HTM`, `page=meetingitem`): a layout
spec (`extractors.layouts.DYNASTY_ITEM_PAGE`) over the generic path.

Classic pages carry a label `Kaupunginhallitus / Pöytäkirja 08.05.2017 Pykälä 127`
and Word-exported HTML (headings as bold lead runs, `Päätösehdotus Kaupunginjohtaja
Jukka Mäkelä`); Dynasty 10 pages `<div class='data-part meetingitem'>` with
`<span>Valmistelija</span><span>…</span>` labels and a header line `Aluehallitus
04.12.2023 § 198`. The generic path reads both: the page label and header cues, the
handlings table, the history after "Päätöshistoria".
"""

from __future__ import annotations

from extractors.layouts import DYNASTY_ITEM_PAGE

matches = DYNASTY_ITEM_PAGE.matches
split_items = DYNASTY_ITEM_PAGE.split_items
