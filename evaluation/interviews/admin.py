"""The interview protocols (versioned questions staff edit) and a read-only record of the interviews.

A protocol version with recorded interviews is frozen (the model refuses a change): its page is read
only, and the list's action makes the next version, a copy to edit, which the interviews still to be
held move to. Interviews are scheduled, recorded and cancelled on PAC's pages, which check the rules."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse

from pac.admin import ReadOnlyInline, RecordAdmin

from ..models import FormativeInterview, InterviewAnswer, InterviewProtocol, InterviewQuestion
from . import services


class QuestionForm(forms.ModelForm):
    class Meta:
        model = InterviewQuestion
        fields = ["order", "kind", "text", "choices", "guidance", "required"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 4, "cols": 40})}

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        options = [line.strip() for line in (cleaned.get("choices") or "").splitlines() if line.strip()]
        if kind == InterviewQuestion.Kind.CHOICE:
            if len(options) < 2:
                self.add_error("choices", "A closed question needs at least two options, one a line.")
            elif len(set(options)) != len(options):
                self.add_error("choices", "Each option must be different.")
            elif any(len(option) > 200 for option in options):
                self.add_error("choices", "Keep each option under 200 characters.")
        elif kind and options:
            self.add_error("choices", "Only closed questions have options; clear this box.")
        return cleaned


class QuestionInline(admin.StackedInline):
    model = InterviewQuestion
    form = QuestionForm
    extra = 1
    can_delete = False
    ordering = ["order", "pk"]

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not (obj and obj.is_in_use())

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.is_in_use())


@admin.register(InterviewProtocol)
class InterviewProtocolAdmin(RecordAdmin):
    list_display = ["name", "audience", "version", "is_active", "question_count", "interviews_recorded", "created_at"]
    list_filter = ["audience", "is_active"]
    search_fields = ["name", "questions__text"]
    readonly_fields = ["version"]
    inlines = [QuestionInline]
    actions = ["new_version"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_questions=Count("questions", distinct=True),
                n_recorded=Count(
                    "interviews", filter=Q(interviews__status=FormativeInterview.Status.RECORDED), distinct=True
                ),
            )
        )

    @admin.display(description="questions", ordering="n_questions")
    def question_count(self, obj: InterviewProtocol) -> int:
        return obj.n_questions

    @admin.display(description="interviews recorded", ordering="n_recorded")
    def interviews_recorded(self, obj: InterviewProtocol) -> int:
        return obj.n_recorded

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_in_use():
            return ["audience", "version", "name", "introduction", "is_active", "created_at"]
        return super().get_readonly_fields(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        protocol = self.get_object(request, object_id)
        if protocol is not None and protocol.is_in_use() and request.method == "GET":
            messages.info(request, InterviewProtocol.IN_USE)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Make a new version of the selected protocols (a copy to edit)", permissions=["add"])
    def new_version(self, request, queryset):
        made = [services.protocol_new_version(protocol=protocol) for protocol in queryset.order_by("audience")]
        for copy in made:
            self.message_user(
                request,
                f"{copy} is now the active version for {copy.get_audience_display().split(' (')[0].lower()}; "
                "interviews still to be held will use it.",
                messages.SUCCESS,
            )
        if len(made) == 1:
            return redirect(reverse("admin:evaluation_interviewprotocol_change", args=[made[0].pk]))
        return None


class AnswerInline(ReadOnlyInline):
    model = InterviewAnswer
    fields = ["question", "choice", "text"]
    readonly_fields = fields


@admin.register(FormativeInterview)
class FormativeInterviewAdmin(RecordAdmin):
    list_display = ["interviewee", "interviewee_role", "interviewer", "program_year", "scheduled_on", "status"]
    list_filter = ["program_year", "status", "interviewee_role", "interviewer_capacity", "protocol"]
    search_fields = [
        "interviewee__first_name",
        "interviewee__last_name",
        "interviewer__email",
        "interviewer__full_name",
    ]
    list_select_related = ["interviewee", "interviewer", "program_year"]
    inlines = [AnswerInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
