"""``field__in_ids=[...]``: membership in a long list of ids, sent as one parameter.

Django writes ``IN (%s, %s, …)`` with one parameter per id; for the 3,000 people of
a supervisor's team it spent 60 ms writing and adapting them, three times what
PostgreSQL took to read the rows (docs/benchmarks.md, "Case pages at national
scale"). This lookup sends the whole list as one value: an array on PostgreSQL
(``= ANY(%s)``), a JSON text on SQLite (``IN (SELECT value FROM json_each(%s))``,
which also lifts SQLite's limit on parameters). Same rows as ``__in``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import ForeignKey, IntegerField, Lookup


class InIds(Lookup):
    lookup_name = "in_ids"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        if not isinstance(self.rhs, Iterable) or isinstance(self.rhs, str | bytes):
            raise TypeError("in_ids takes a list of ids")
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs]
        return (
            # lhs is the column Django compiled; the ids travel as a parameter.
            f"{lhs} IN (SELECT value FROM json_each(%s))",  # noqa: S608
            [*lhs_params, json.dumps(self.rhs)],
        )


def register() -> None:
    # IntegerField covers the auto and big integer fields (its subclasses).
    for field in (IntegerField, ForeignKey):
        field.register_lookup(InIds)
