"""How an indicator's value reads in a page: a count as a number, a share as a
percentage, a median in days; "<5" for a hidden cell and "no data" for none."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ura.indicators.models import IndicatorKind
from ura.indicators.suppression import THRESHOLD

register = template.Library()


@register.simple_tag
def figure(
    value: float | int | None,
    kind: str,
    hidden: bool = False,
    threshold: int = THRESHOLD,
) -> str:
    if hidden:
        return f"<{threshold}"
    if value is None:
        return _("no data")
    if kind == IndicatorKind.SHARE:
        return f"{number_format(round(100 * value, 1), 1)} %"
    if kind == IndicatorKind.MEDIAN_DURATION:
        return _("%(days)s days") % {"days": number_format(round(value, 1), 1)}
    return number_format(value, 0, force_grouping=True)


@register.simple_tag
def gap(value: float | None, kind: str) -> str:
    """How a group differs from everyone: a count as the group's part of all, a
    share in percentage points, a median in days; "" when it cannot be said."""
    if value is None:
        return ""
    if kind in (IndicatorKind.PERSONS, IndicatorKind.EVENTS):
        return _("%(part)s %% of all") % {
            "part": number_format(round(100 * value, 1), 1)
        }
    if kind == IndicatorKind.SHARE:
        return _("%(points)s points") % {"points": _signed(100 * value)}
    return _("%(days)s days") % {"days": _signed(value)}


@register.simple_tag
def change(value: float | None, kind: str) -> str:
    """A tile's change since the period before, signed, in the value's unit."""
    if value is None:
        return ""
    if kind == IndicatorKind.SHARE:
        return _("%(points)s points") % {"points": _signed(100 * value)}
    if kind == IndicatorKind.MEDIAN_DURATION:
        return _("%(days)s days") % {"days": _signed(value)}
    sign = "+" if value > 0 else ""
    return f"{sign}{number_format(value, 0, force_grouping=True)}"


def _signed(value: float) -> str:
    rounded = round(value, 1)
    sign = "+" if rounded > 0 else ""
    return f"{sign}{number_format(rounded, 1)}"
