"""Named points where the fault suite kills a real run (SIGKILL, as a power cut or
the OOM killer would): `MINUTES_FAILPOINT=<name>` in the environment of a run makes
it kill itself when it reaches that point. Unset (always, outside tests) it does
nothing."""

from __future__ import annotations

import os
import signal

POINTS = (
    "after_fetch",  # a source's bytes and manifest rows stored, nothing loaded
    "before_commit",  # a part's rows written in its transaction, not committed
    "before_publish",  # committed in the working copy, not yet renamed over
    "after_publish",  # the warehouse replaced, the run not yet closed
)


def reach(name: str) -> None:
    """SIGKILL this process when MINUTES_FAILPOINT names this point."""
    if os.environ.get("MINUTES_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
