"""Heavy work off the request: a daemon thread with its own database connection.

Imports, the reach refresh and schedule updates record their progress in a job
row that a page polls; the thread only runs the work and closes its connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def thread_runner(name: str) -> Callable[..., None]:
    """A ``run_in_background(target, *args)`` whose threads carry ``name``. Each
    part keeps its own, so that its tests can replace it with a direct call."""

    def run_in_background(target: Callable[..., object], *args: object) -> None:
        def work() -> None:
            try:
                target(*args)
            finally:
                connections.close_all()

        threading.Thread(target=work, daemon=True, name=name).start()

    return run_in_background
