"""CloudNC (CaseM) item pages as the sites serve them today: a layout spec
(`extractors.layouts.CLOUDNC_ITEM_PAGE`) over the generic path — the item in
`#ContentStart` (`§ 4 <title>`, the diary number, labelled sections), the meeting
from the breadcrumb "Toimielimet > <Body> > Kokous d.m.yyyy"; the listing's context
(`document.meta`) fills what the page lacks.
"""

from __future__ import annotations

from extractors.layouts import CLOUDNC_ITEM_PAGE

matches = CLOUDNC_ITEM_PAGE.matches
split_items = CLOUDNC_ITEM_PAGE.split_items
