"""Input for notes, documents and consent. The actions check the rules again (the
API uses them without these forms); the forms only parse."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.cases import documents
from ura.cases.consent_actions import sharing_agencies
from ura.cases.models import ConsentGiver, ContactWith, NoteKind
from ura.cases.note_actions import NOTE_MAX_CHARS


def _date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "max": timezone.localdate().isoformat()}
    )


class _Dated(forms.Form):
    """Fills the date with today on a new form."""

    date_field = ""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields[self.date_field].widget = _date_input()
        if not self.is_bound and self.date_field not in self.initial:
            self.initial[self.date_field] = timezone.localdate()


class NoteForm(_Dated):
    date_field = "happened_on"

    happened_on = forms.DateField(label=_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=NoteKind.choices)
    contact_with = forms.ChoiceField(
        label=_("Contact with"),
        choices=ContactWith.choices,
        required=False,
        help_text=_("A contact counts as the case's first or latest contact."),
    )
    body = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Kept encrypted. Notes cannot be changed: write a new note to correct one."
        ),
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{e}" for e in documents.ACCEPTED_EXTENSIONS)}
        ),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, JPEG or PNG images, or office documents (Word, Excel, PowerPoint, "
            "OpenDocument), up to %(mb)s MB. The location is removed from photos; "
            "the file is kept encrypted."
        ) % {"mb": documents.max_bytes() // (1024 * 1024)}


class ConsentForm(_Dated):
    date_field = "given_on"

    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices)
    given_by_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    given_on = forms.DateField(label=_("Given on"))
    to_services = forms.BooleanField(label=_("To receive services"), required=False)
    to_sharing = forms.BooleanField(
        label=_("To share information with other agencies"), required=False
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies information may be shared with"),
        queryset=sharing_agencies(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    note = forms.CharField(
        label=_("What was explained and agreed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept encrypted."),
    )

    def __init__(self, *args, case=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        agencies = sharing_agencies()
        if case is not None:
            # Sharing within the case's own agency needs no consent.
            agencies = agencies.exclude(pk=case.agency_id)
        self.fields["agencies"].queryset = agencies


class WithdrawForm(_Dated):
    date_field = "withdrawn_on"

    withdrawn_on = forms.DateField(label=_("Withdrawn on"))
