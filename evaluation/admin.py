from django.contrib import admin

from pac.admin import RecordAdmin

from .models import Dimension, Domain, Instrument


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    can_delete = False


@admin.register(Instrument)
class InstrumentAdmin(RecordAdmin):
    list_display = ["name", "code", "ages", "cycle_minutes", "is_active"]
    search_fields = ["name", "code"]
    inlines = [DomainInline]


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0
    can_delete = False


@admin.register(Domain)
class DomainAdmin(RecordAdmin):
    list_display = ["name", "code", "instrument", "order"]
    list_filter = ["instrument"]
    search_fields = ["name", "code"]
    inlines = [DimensionInline]


@admin.register(Dimension)
class DimensionAdmin(RecordAdmin):
    list_display = ["name", "code", "domain", "reversed"]
    list_filter = ["domain__instrument", "reversed"]
    search_fields = ["name", "code"]
