from django.contrib import admin
from django.http import HttpRequest


class AdministratorOnly(admin.ModelAdmin):
    """Administrators manage configuration through ura.access, not Django's perms."""

    def _administers(self, request: HttpRequest) -> bool:
        from ura.access.rules import Permission, may

        return may(request.user, Permission.ADMINISTER)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._administers(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administers(request)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administers(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administers(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._administers(request)

    # Configuration changes (roles, agencies, places) are on the audit record too,
    # in the transaction the administration page saves in.
    def _audit(self, request, action, **target):  # noqa: ANN001, ANN003, ANN202
        from ura.audit.actions import record

        record(
            actor=request.user,
            action=action,
            detail="administration",
            request=request,
            **target,
        )

    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        from ura.audit.models import AuditAction as A

        super().save_model(request, obj, form, change)
        fields = [f for f in form.changed_data if f != "password"]
        self._audit(request, A.CHANGE if change else A.CREATE, obj=obj, fields=fields)

    def delete_model(self, request, obj):  # noqa: ANN001, ANN201
        from ura.audit.models import AuditAction as A

        self._audit(request, A.DELETE, obj=obj)
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):  # noqa: ANN001, ANN201
        from ura.audit.models import AuditAction as A

        super().save_formset(request, form, formset, change)
        for inline in formset.new_objects + [o for o, _f in formset.changed_objects]:
            self._audit(request, A.CHANGE, obj=inline)
        for inline in formset.deleted_objects:
            label, pk = inline._meta.label_lower, inline.pk or ""
            self._audit(request, A.DELETE, object_type=label, object_id=pk)

    def delete_queryset(self, request, queryset):  # noqa: ANN001, ANN201
        from ura.audit.models import AuditAction as A

        for obj in queryset:
            self._audit(request, A.DELETE, obj=obj)
        super().delete_queryset(request, queryset)
