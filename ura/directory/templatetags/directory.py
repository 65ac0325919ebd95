"""``{% load directory %}``: links into the directory from other pages."""

from django import template

from ura.directory.display import referral_url as _referral_url

register = template.Library()


@register.simple_tag
def referral_url(service, person=None, case=None) -> str:  # noqa: ANN001
    """The referral form for a service, or "" while the referrals pages are not
    installed: ``{% referral_url service person case as url %}{% if url %}...``."""
    return _referral_url(service, person, case)
