from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from schools.models import Municipality, RegistryUpload, School, SocialPassport, WellbeingSettings


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "oktmo", "region")
    search_fields = ("name", "oktmo")


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ("short_name", "login", "org_type", "locality", "municipality", "is_active")
    list_filter = ("org_type", "locality", "is_active", "municipality")
    search_fields = ("short_name", "full_name", "login", "inn")


@admin.register(SocialPassport)
class SocialPassportAdmin(SimpleHistoryAdmin):
    list_display = ("school", "year", "pupils_total", "wellbeing_index", "is_shnsu")
    list_filter = ("year", "is_shnsu")
    search_fields = ("school__short_name", "school__login")


admin.site.register(WellbeingSettings, SimpleHistoryAdmin)


@admin.register(RegistryUpload)
class RegistryUploadAdmin(admin.ModelAdmin):
    list_display = ("filename", "status", "uploaded_by", "created_at")
    readonly_fields = ("sha256", "report")
