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

    # Configuration changes (roles, agencies, places) are on the audit record too.
    def save_model(self, request, obj, form, change):  # noqa: ANN001, ANN201
        from ura.audit.actions import record
        from ura.audit.models import AuditAction

        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action=AuditAction.CHANGE if change else AuditAction.CREATE,
            obj=obj,
            fields=[f for f in form.changed_data if f != "password"],
            detail="administration",
            request=request,
        )

    def delete_model(self, request, obj):  # noqa: ANN001, ANN201
        from ura.audit.actions import record
        from ura.audit.models import AuditAction

        record(
            actor=request.user,
            action=AuditAction.DELETE,
            obj=obj,
            detail="administration",
            request=request,
        )
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):  # noqa: ANN001, ANN201
        from ura.audit.actions import record
        from ura.audit.models import AuditAction

        super().save_formset(request, form, formset, change)
        changed = formset.new_objects + [o for o, _f in formset.changed_objects]
        for inline in changed:
            record(
                actor=request.user,
                action=AuditAction.CHANGE,
                obj=inline,
                detail="administration",
                request=request,
            )
        for inline in formset.deleted_objects:
            record(
                actor=request.user,
                action=AuditAction.DELETE,
                object_type=inline._meta.label_lower,
                object_id=inline.pk or "",
                detail="administration",
                request=request,
            )

    def delete_queryset(self, request, queryset):  # noqa: ANN001, ANN201
        from ura.audit.actions import record
        from ura.audit.models import AuditAction

        for obj in queryset:
            record(
                actor=request.user,
                action=AuditAction.DELETE,
                obj=obj,
                detail="administration",
                request=request,
            )
        super().delete_queryset(request, queryset)
