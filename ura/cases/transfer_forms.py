"""Input for transfers: proposing one, and the receiving side's answer."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ura.accounts.models import Agency, User
from ura.cases.models.transfer import ConsentOverride


class TransferProposeForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label=_("Move the case to"), queryset=Agency.objects.none()
    )
    reason = forms.CharField(
        label=_("Why the case should move"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The receiving agency reads this before deciding. Kept encrypted."),
    )
    without_consent = forms.ChoiceField(
        label=_("If the consents do not cover that agency"),
        required=False,
        choices=[("", _("Do not transfer without consent"))]
        + list(ConsentOverride.choices),
        help_text=_(
            "Only when the case must move although the child and their carers have "
            "not agreed to sharing with that agency. The ground is recorded."
        ),
    )

    def __init__(self, *args, agencies: QuerySet[Agency], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies


class TransferAcceptForm(forms.Form):
    worker = forms.ModelChoiceField(
        label=_("New responsible worker"), queryset=User.objects.none()
    )

    def __init__(self, *args, workers: QuerySet[User], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class TransferDeclineForm(forms.Form):
    comment = forms.CharField(
        label=_("Why your agency declines the case"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The proposing agency reads this. Kept encrypted."),
    )
