"""Small template helpers shared by every app: ``{% load ura %}``."""

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def is_past(moment: datetime | date | None) -> bool:
    """Whether a deadline (a datetime, or a date: its end) has passed."""
    if moment is None:
        return False
    if isinstance(moment, datetime):
        return moment < timezone.now()
    return moment < timezone.localdate()
