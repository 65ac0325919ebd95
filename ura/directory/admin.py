from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ura.cases.models import Concern
from ura.core.admin import AdministratorOnly
from ura.directory.actions import search_text_of
from ura.directory.models import Programme, Service
from ura.people.equity import Language


class ServiceAdminForm(forms.ModelForm):
    # The codes as tick boxes rather than raw JSON, so only known codes are stored.
    concerns = forms.MultipleChoiceField(
        label=_("Concerns"),
        choices=Concern.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Service
        fields = [
            "agency",
            "name",
            "type",
            "description",
            "min_age",
            "max_age",
            "sex",
            "concerns",
            "places",
            "address",
            "opening_hours",
            "languages",
            "capacity",
            "contact_name",
            "phone",
            "email",
            "programme",
            "accepts_referrals",
            "is_active",
        ]


@admin.register(Service)
class ServiceAdmin(AdministratorOnly):
    form = ServiceAdminForm
    list_display = ["name", "agency", "type", "accepts_referrals", "is_active"]
    list_filter = ["type", "is_active", "accepts_referrals"]
    search_fields = ["name", "agency__name"]
    autocomplete_fields = ["agency", "places", "programme"]
    list_select_related = ["agency"]

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        obj.search_text = search_text_of(obj)
        if change:
            # An edit here makes an edit begun on the directory's pages stale.
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Programme)
class ProgrammeAdmin(AdministratorOnly):
    list_display = ["code", "name", "lead_agency", "starts_on", "ends_on", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["lead_agency", "funders"]

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
