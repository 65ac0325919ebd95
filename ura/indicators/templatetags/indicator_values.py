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
