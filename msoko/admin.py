from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from msoko.models import Job, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "last_name",
        "first_name",
        "role",
        "school",
        "municipality",
        "is_active",
    )
    list_filter = ("role", "is_active", "municipality")
    search_fields = ("username", "last_name", "first_name", "email")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Роль в портале", {"fields": ("role", "school", "municipality", "position")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Роль в портале", {"fields": ("role", "school", "municipality")}),
    )
    autocomplete_fields = ("school",)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "progress", "created_by", "created_at")
    list_filter = ("status", "kind")
    readonly_fields = ("params", "result", "errors")
