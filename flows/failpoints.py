"""Named points where the fault suite kills a real run (SIGKILL, as a power cut or
the OOM killer would): `MINUTES_FAILPOINT=<name>` in the environment of a run makes
it kill itself when it reaches that point. Unset (always, outside tests) it does
nothing."""

from __future__ import annotations

import os
import signal

POINTS = (
    "after_fetch",  # a source fetched and stored, its last chunk not loaded
    "before_commit",  # a part's rows written in its transaction, not committed
    "before_publish",  # committed in the working copy, not yet renamed over
    "after_publish",  # the warehouse replaced, the run not yet closed
)
# Reached by the process extracting a document, with the document's uri: only
# `extracting:<part of a uri>` kills, and only on documents whose uri holds it (as a
# crash in a PDF library would, on every try at those bytes).
EXTRACTING = "extracting"


def reach(name: str, subject: str = "") -> None:
    """SIGKILL this process when MINUTES_FAILPOINT names this point (`name`, or
    `name:text` with text in `subject`)."""
    wanted = os.environ.get("MINUTES_FAILPOINT")
    if not wanted:
        return
    point, _, text = wanted.partition(":")
    if point == name and (not text or text in subject):
        os.kill(os.getpid(), signal.SIGKILL)
