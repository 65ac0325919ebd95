from django import forms
from django.utils.translation import gettext_lazy as _

from ura.audit.models import AuditAction


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(label=_("Record type"), required=False, max_length=40)
    object_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any"))] + AuditAction.choices,
    )
