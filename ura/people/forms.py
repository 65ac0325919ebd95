from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ura.people.equity import COMMUNITIES_BY_COUNTRY, EQUITY_FIELDS, UNKNOWN, Language
from ura.people.models import Person, Sex, birth_date_from_age
from ura.places.models import Place, PlaceLevel

COUNTRY_CODES = {"kosovo": "XK", "albania": "AL", "serbia": "RS"}


def deployment_country() -> str:
    return COUNTRY_CODES.get(settings.URA_COUNTRY, "XK")


def community_choices() -> list[tuple[str, str]]:
    from ura.people.equity import Community

    allowed = COMMUNITIES_BY_COUNTRY[deployment_country()]
    return [(c.value, c.label) for c in Community if c in allowed]


def residence_places():  # noqa: ANN201
    return Place.objects.filter(
        level__in=[PlaceLevel.MUNICIPALITY, PlaceLevel.SETTLEMENT],
        path__startswith=f"/{deployment_country()}/",
    )


class PersonForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    estimated_age = forms.IntegerField(
        label=_("Or: estimated age in years"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When the date of birth is not known."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    IDENTITY = (
        "given_name",
        "family_name",
        "other_names",
        "sex",
        "date_of_birth",
        "estimated_age",
        "date_of_birth_estimated",
        "personal_number",
    )
    RESIDENCE = ("place", "address", "phone", "languages")
    EQUITY = tuple(f for f in EQUITY_FIELDS if f != "functional_difficulty")

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "other_names",
            "sex",
            "date_of_birth",
            "date_of_birth_estimated",
            "personal_number",
            "place",
            "address",
            "phone",
            "languages",
            *[f for f in EQUITY_FIELDS if f != "functional_difficulty"],
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = residence_places()
        self.fields["community"].choices = community_choices()
        # Never forced: a fact left blank is recorded as "unknown".
        for name in self.EQUITY:
            self.fields[name].required = False

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (_("Identity"), [self[name] for name in self.IDENTITY]),
            (_("Residence and contact"), [self[name] for name in self.RESIDENCE]),
            (_("Equity facts"), [self[name] for name in self.EQUITY]),
        ]

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not all(c.isdigit() or c in "+ -()" for c in phone):
            raise forms.ValidationError(_("Use digits, spaces and + only."))
        return phone

    def clean(self) -> dict:
        data = super().clean()
        for name in self.EQUITY:
            if not data.get(name) and name not in self.errors:
                data[name] = UNKNOWN
        age = data.get("estimated_age")
        if age is not None and data.get("date_of_birth"):
            self.add_error(
                "estimated_age",
                _("Give either the date of birth or an estimated age, not both."),
            )
        elif age is not None:
            data["date_of_birth"] = birth_date_from_age(age, timezone.localdate())
            data["date_of_birth_estimated"] = True
        return data

    def person_data(self) -> dict:
        """The cleaned values the actions take (no form-only fields)."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("version", "estimated_age")
        }


AGE_BANDS = [
    ("0-4", _("0–4 years")),
    ("5-9", _("5–9 years")),
    ("10-14", _("10–14 years")),
    ("15-17", _("15–17 years")),
    ("18+", _("18 years and over")),
]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("Any"))] + Sex.choices
    )
    age_band = forms.ChoiceField(
        label=_("Age"), required=False, choices=[("", _("Any"))] + AGE_BANDS
    )
    place = forms.ModelChoiceField(
        label=_("Municipality"),
        required=False,
        queryset=Place.objects.none(),
        empty_label=_("Any"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = residence_places().filter(
            level=PlaceLevel.MUNICIPALITY
        )
        for name in EQUITY_FIELDS:
            field = Person._meta.get_field(name)
            choices = community_choices() if name == "community" else field.choices
            self.fields[name] = forms.ChoiceField(
                label=field.verbose_name.capitalize(),
                required=False,
                choices=[("", _("Any"))] + list(choices),
            )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
