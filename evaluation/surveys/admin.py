"""The survey builder (a survey and its questions) and read-only views of what was sent and
answered. Nothing answered is deleted or edited here. The survey pages never show an answer next
to a name; this admin, for EEC staff only, is the record of who answered (to handle a
respondent's question about their answers)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pac.admin import ListAtScale, ReadOnlyInline, RecordAdmin

from ..models import Answer, Invitation, Question, Response, Survey, SurveyRound


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["order", "kind", "text", "choices", "required"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 4, "cols": 40})}

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        options = [line.strip() for line in (cleaned.get("choices") or "").splitlines() if line.strip()]
        if kind == Question.Kind.CHOICE:
            if len(options) < 2:
                self.add_error("choices", "A single-choice question needs at least two options, one a line.")
            elif len(set(options)) != len(options):
                self.add_error("choices", "Each option must be different.")
        elif kind and options:
            self.add_error("choices", "Only single-choice questions have options; clear this box.")
        if self.instance.pk and kind:
            self._check_answered(kind, options)
        return cleaned

    def _check_answered(self, kind: str, options: list[str]) -> None:
        """Once people have answered, a question keeps its kind and every option someone chose,
        so earlier answers keep their meaning. Add a new question instead."""
        answers = Answer.objects.filter(question=self.instance)
        if not answers.exists():
            return
        if kind != self.instance.kind:
            self.add_error("kind", "People have answered this question, so its kind cannot change; add a new question.")
        elif kind == Question.Kind.CHOICE:
            chosen = set(answers.exclude(choice="").values_list("choice", flat=True))
            missing = sorted(chosen - set(options))
            if missing:
                self.add_error("choices", "People chose these options, so they must stay: " + ", ".join(missing) + ".")


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionForm
    extra = 1
    can_delete = False
    ordering = ["order", "pk"]


@admin.register(Survey)
class SurveyAdmin(RecordAdmin):
    list_display = ["name", "is_active", "question_count", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_questions=Count("questions"))

    @admin.display(description="Questions", ordering="n_questions")
    def question_count(self, obj: Survey) -> int:
        return obj.n_questions


class ReadOnly:
    """Written by the survey pages; staff look here but never add, change or delete."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(SurveyRound)
class SurveyRoundAdmin(ReadOnly, RecordAdmin):
    list_display = ["survey", "coach", "program_year", "sent_at", "closes_on", "sent_by"]
    list_filter = ["program_year", "survey"]
    search_fields = ["coach__first_name", "coach__last_name", "survey__name"]
    list_select_related = ["survey", "coach", "program_year", "sent_by"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnly, ListAtScale, SimpleHistoryAdmin):
    list_display = ["name", "audience", "round", "sent_at", "reminders_sent", "answered_at"]
    list_filter = ["audience", "round__program_year", "round__survey"]
    search_fields = ["name", "email", "round__coach__last_name"]
    list_select_related = ["round__survey", "round__coach", "round__program_year"]
    exclude = ["token_hash"]
    ordering = ["-pk"]  # the latest sent first (the model's order goes through the round's date)


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["question", "agreement", "choice", "text"]
    readonly_fields = fields


@admin.register(Response)
class ResponseAdmin(ReadOnly, ListAtScale, admin.ModelAdmin):
    """Listed by round and group; the respondent shows only on the response itself."""

    list_display = ["round", "audience", "submitted_at", "via"]
    list_filter = ["via", "invitation__audience", "invitation__round__program_year", "invitation__round__survey"]
    list_select_related = ["invitation__round__survey", "invitation__round__coach", "invitation__round__program_year"]
    ordering = ["-pk"]  # newest first, as the model's -submitted_at, but read from the primary key's index
    fields = ["round", "audience", "submitted_at", "via"]
    readonly_fields = fields
    inlines = [AnswerInline]

    @admin.display(description="Round")
    def round(self, obj: Response) -> SurveyRound:
        return obj.invitation.round

    @admin.display(description="Group")
    def audience(self, obj: Response) -> str:
        return obj.invitation.get_audience_display()
