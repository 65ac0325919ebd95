from django.contrib import admin

from ura.core.admin import AdministratorOnly
from ura.places.models import Place


@admin.register(Place)
class PlaceAdmin(AdministratorOnly):
    list_display = ["code", "name_en", "name_sq", "name_sr", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_en", "name_sq", "name_sr", "name_sr_latn"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        obj.path = obj.build_path()
        super().save_model(request, obj, form, change)
