"""Turku item pages (`<docid>.htm`, and each item's html in its API's minutes): a
layout spec (`extractors.layouts.YTT_XSDOC_ITEM_PAGE`) over the generic path.

The handlings table (`table.ytt`, one row per handling, the last this meeting's)
gives the earlier handlings and the item's own body, date and §; each handling's
block starts `Ksylk § 84`, the current one `Kh § 195`; `Kaupunginjohtaja X Y:`
above `Ehdotus` names the presenter.
"""

from __future__ import annotations

from extractors.layouts import YTT_XSDOC_ITEM_PAGE

matches = YTT_XSDOC_ITEM_PAGE.matches
split_items = YTT_XSDOC_ITEM_PAGE.split_items
