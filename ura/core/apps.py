from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

# Rows SQLite samples per index when it gathers the planner's statistics: enough to
# tell a selective index from a poor one, and under a second on a national database
# (a full ANALYZE took 26 s with a million people and 300,000 cases).
SQLITE_ANALYSIS_LIMIT = 1000


def sqlite_gather_statistics(using: str = "default", **_: Any) -> None:
    """Give SQLite's planner its statistics after every migrate (``make run`` runs
    one at each start). Without them it read a worker's case list through the
    wrong index, 153 ms instead of 49 (docs/benchmarks.md, "Case pages at
    national scale"); PostgreSQL gathers its own (autovacuum)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")


class CoreConfig(AppConfig):
    name = "ura.core"
    label = "core"

    def ready(self) -> None:
        from ura.core import checks  # noqa: F401 - registers the deploy checks
        from ura.core.lookups import register

        register()

        post_migrate.connect(
            sqlite_gather_statistics, sender=self, dispatch_uid="ura-sqlite-analyze"
        )
