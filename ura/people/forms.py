from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.people.models import Person, Sex
from ura.places.models import Place, PlaceLevel


class PersonForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "sex",
            "date_of_birth",
            "date_of_birth_estimated",
            "place",
            "address",
            "phone",
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(
            level__in=[PlaceLevel.MUNICIPALITY, PlaceLevel.SETTLEMENT]
        )

    def clean_date_of_birth(self) -> date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if born and born.year < 1900:
            raise forms.ValidationError(_("The date of birth cannot be before 1900."))
        return born


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("Any"))] + Sex.choices
    )
