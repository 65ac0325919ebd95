"""Loading a DHIS2 mapping: which DHIS2 data element each indicator feeds and which
category option combination each of its groups is sent as (docs/indicators.md,
"DHIS2"). A file replaces its data set's mapping whole, in one transaction; any
error names the element it is in and nothing is written."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ura.accounts.models import User
from ura.audit.actions import record
from ura.audit.models import AuditAction
from ura.indicators.actions import _require_administrator
from ura.indicators.models import Dhis2Combo, Dhis2DataElement, Indicator
from ura.indicators.sources import DISAGGREGATIONS

EXAMPLE = Path(__file__).resolve().parent / "dhis2_example.json"

# DHIS2 codes: letters, digits and a few separators, at most 50 characters.
CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,50}$")


def _code(value: Any, where: str, errors: list[str]) -> str:
    if not isinstance(value, str) or not CODE.match(value):
        errors.append(
            _("%(where)s: %(value)s is not a DHIS2 code (letters, digits, _ . -).")
            % {"where": where, "value": repr(value)}
        )
        return ""
    return value


def _element(
    spec: Any, n: int, indicators: dict[str, Indicator], errors: list[str]
) -> tuple[dict[str, Any], dict[str, str]] | None:
    where = f"elements[{n}]"
    if not isinstance(spec, dict):
        errors.append(_("%(where)s: an element is an object.") % {"where": where})
        return None
    code = _code(spec.get("dataElement"), f"{where}.dataElement", errors)
    indicator = indicators.get(spec.get("indicator"))
    if indicator is None:
        errors.append(
            _("%(where)s.indicator: there is no indicator %(code)s.")
            % {"where": where, "code": repr(spec.get("indicator"))}
        )
        return None
    by = spec.get("disaggregation") or ""
    if by and by not in indicator.disaggregations:
        errors.append(
            _("%(where)s.disaggregation: %(code)s cannot be broken down by %(by)s.")
            % {"where": where, "code": indicator.code, "by": by}
        )
        return None
    combos = spec.get("categoryOptionCombos") or {}
    if not isinstance(combos, dict) or (by and not combos):
        errors.append(
            _("%(where)s.categoryOptionCombos: a breakdown needs a code per group.")
            % {"where": where}
        )
        return None
    if combos and not by:
        errors.append(
            _("%(where)s.categoryOptionCombos: only a breakdown has groups.")
            % {"where": where}
        )
        return None
    choices = DISAGGREGATIONS[by].choices if by else None
    known = set(choices.values) if choices is not None else None
    for group, combo in combos.items():
        if known is not None and group not in known:
            errors.append(
                _("%(where)s.categoryOptionCombos: %(group)s is not a group of %(by)s.")
                % {"where": where, "group": repr(group), "by": by}
            )
        _code(combo, f"{where}.categoryOptionCombos.{group}", errors)
    total = spec.get("totalCombo") or ""
    if total:
        total = _code(total, f"{where}.totalCombo", errors)
    fields = {
        "data_element": code,
        "indicator": indicator,
        "disaggregation": by,
        "total_combo": total,
    }
    return fields, combos


def mapping_load(*, actor: User | None, data: Any) -> int:
    """Replace the mapping of ``data["dataSet"]`` with ``data["elements"]``;
    returns the number of data elements. A ValidationError lists every error."""
    _require_administrator(actor)
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ValidationError(_("A mapping is an object with dataSet and elements."))
    data_set = _code(data.get("dataSet"), "dataSet", errors)
    elements = data.get("elements")
    if not isinstance(elements, list) or not elements:
        errors.append(_("elements: a list of at least one data element."))
        elements = []
    indicators = {i.code: i for i in Indicator.objects.all()}
    parsed = [_element(spec, n, indicators, errors) for n, spec in enumerate(elements)]
    seen = [p[0]["data_element"] for p in parsed if p]
    for code in sorted({c for c in seen if c and seen.count(c) > 1}):
        errors.append(
            _("elements: the data element %(code)s is there twice.") % {"code": code}
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Dhis2DataElement.objects.filter(data_set=data_set).delete()
        for fields, combos in (p for p in parsed if p):
            element = Dhis2DataElement.objects.create(data_set=data_set, **fields)
            Dhis2Combo.objects.bulk_create(
                Dhis2Combo(element=element, group=group, code=code)
                for group, code in combos.items()
            )
        record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type="indicators.dhis2_mapping",
            object_id=data_set,
            detail=f"{len(parsed)} data elements",
        )
    return len(parsed)


def load_example_mapping() -> int:
    """The example mapping of the starter indicators (the demo loads it)."""
    return mapping_load(actor=None, data=json.loads(EXAMPLE.read_text("utf-8")))
