"""Pages for video evidence. Every clip is read through ``clips_visible_to``: a clip the user may
not see is a 404, whoever asks. Files are handed out by ``streaming.clip_response`` after the same
check (ranges for seeking; nginx or signed URLs in production)."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching.models import Goal
from coaching.selectors import role_in_pair
from pac.documents.render import svg_data_uri
from pac.models import ProgramYear
from pac.views import is_id, staff_required
from pac.workflow import TransitionError, attempt
from pairings.models import Pair
from pairings.permissions import pairs_visible_to

from . import charts, selectors, services, streaming
from .forms import (
    ClipDetailsForm,
    CommentForm,
    GoalFromFeedbackForm,
    GoalNoteFromFeedbackForm,
    LibraryFilterForm,
    MeetingLogForm,
    NoteForm,
    ObservationForm,
    PromoteForm,
    ReplyForm,
    ReturnForm,
)
from .models import LIBRARY_CONSENT_TEXT, RATING_LABEL, Clip, ClipUpload, Comment, VideoObservation, clip_storage
from .permissions import clips_visible_to, may_use_library, role_on, sees_feedback


def _pair(request: HttpRequest, pk: int) -> Pair:
    return get_object_or_404(
        pairs_visible_to(request.user)
        .exclude(status=Pair.Status.PROPOSED)
        .select_related("coach", "mentee__program", "leader", "program_year"),
        pk=pk,
    )


def _clip(request: HttpRequest, clip_id: int) -> Clip:
    clip = get_object_or_404(
        clips_visible_to(request.user).select_related(
            "pair__coach",
            "pair__mentee__program",
            "pair__leader",
            "pair__program_year",
            "age_group",
            "goal",
            "uploaded_by",
        ),
        pk=clip_id,
    )
    clip.role = role_on(clip, request.user)
    return clip


# --- a pair's clips and the upload -----------------------------------------------------------------


@require_GET
def clip_list(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair(request, pk)
    role = role_in_pair(pair, request.user)
    clips = list(selectors.pair_clips(request.user, pair))
    uploads = (
        list(ClipUpload.objects.filter(pair=pair, uploaded_by=request.user, status=ClipUpload.Status.OPEN))
        if role in ("coach", "mentee")
        else []
    )
    breakdown = selectors.pair_breakdown(request.user, pair)
    return render(
        request,
        "evidence/clip_list.html",
        {
            "pair": pair,
            "role": role,
            "clips": clips,
            "uploads": uploads,
            "breakdown": breakdown,
            "kinds": Comment.Kind.choices,
            "chart": svg_data_uri(charts.breakdown_chart(breakdown, title="Feedback on the pair's clips"))
            if breakdown.total
            else "",
            "figures": selectors.clip_figures([pair.pk]).get(pair.pk) if role in ("coach", "staff") else None,
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_http_methods(["GET", "POST"])
def clip_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The clip's details and consent; the file follows in pieces (upload.js), or, without
    JavaScript, in the same form."""
    pair = _pair(request, pk)
    if role_in_pair(pair, request.user) not in ("coach", "mentee"):
        raise PermissionDenied("The pair's mentee and coach share clips.")
    initial = {}
    replaces = request.GET.get("replaces", "")
    if is_id(replaces):
        initial["replaces"] = int(replaces)
    form = ClipDetailsForm(request.POST or None, request.FILES or None, pair=pair, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data.get("file")
        size = upload_file.size if upload_file else form.cleaned_data.get("size")
        filename = upload_file.name if upload_file else form.cleaned_data.get("filename") or ""
        if not size:
            form.add_error("file", "Choose the video clip to share (the file is empty or missing).")
        else:
            with attempt(form=form) as step:
                upload = services.upload_start(
                    pair=pair, actor=request.user, details=form.details(), filename=filename, size=size
                )
            if step.ok and upload_file is None:  # upload.js sends the pieces next
                return JsonResponse(_upload_state(upload), status=201)
            if step.ok:
                return _upload_whole(request, upload, upload_file)
    status = 400 if form.errors else 200
    if request.method == "POST" and _wants_json(request):
        return JsonResponse({"errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400)
    return render(request, "evidence/clip_new.html", {"pair": pair, "form": form}, status=status)


def _upload_whole(request: HttpRequest, upload: ClipUpload, upload_file) -> HttpResponse:
    """Without JavaScript the file came in the form (Django spooled it to disk): it goes through
    the same steps as the pieces do."""
    with upload_file.open("rb") as stream:
        try:
            upload = services.upload_chunk(
                upload=upload, actor=request.user, offset=0, stream=stream, length=upload.size
            )
        except TransitionError as refused:
            messages.error(request, refused.messages[0])
            return redirect("evidence:clip_new", pk=upload.pair_id)
    if upload.clip_id:
        messages.success(request, "Clip shared. It is being prepared for playback.")
        return redirect("evidence:clip", clip_id=upload.clip_id)
    messages.error(request, upload.reason or "The clip could not be shared.")
    return redirect("evidence:clip_new", pk=upload.pair_id)


def _upload_state(upload: ClipUpload) -> dict:
    return {
        "id": upload.pk,
        "url": reverse("evidence:upload", args=[upload.pk]),
        "received": upload.received,
        "size": upload.size,
        "status": upload.status,
        "reason": upload.reason,
        "chunk": settings.PAC_CLIP_CHUNK_BYTES,
        "clip_url": reverse("evidence:clip", args=[upload.clip_id]) if upload.clip_id else "",
    }


_CONTENT_RANGE = re.compile(r"^bytes (\d{1,15})-(\d{1,15})/(\d{1,15})$")


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, upload_id: int) -> HttpResponse:
    """GET: where the upload stands (to resume). POST: one piece, its place in the header
    ``Content-Range: bytes first-last/size``; a piece out of place answers 409 with the resume point.
    ``Content-Range: bytes */size`` with no body finishes an upload whose bytes have all arrived."""
    upload = get_object_or_404(ClipUpload.objects.select_related("pair__coach"), pk=upload_id, uploaded_by=request.user)
    if request.method == "GET":
        return JsonResponse(_upload_state(upload))
    header = request.headers.get("Content-Range", "")
    if header == f"bytes */{upload.size}":  # every byte sent: finish it (again, if its answer was lost)
        upload = services.upload_complete(upload=upload, actor=request.user)
        status = 422 if upload.status == ClipUpload.Status.REFUSED else 200
        return JsonResponse(
            {"error": upload.reason, **_upload_state(upload)} if status == 422 else _upload_state(upload), status=status
        )
    match = _CONTENT_RANGE.match(header)
    if not match:
        return JsonResponse(
            {"error": "Send each piece with a Content-Range header.", **_upload_state(upload)}, status=400
        )
    first, last, size = (int(g) for g in match.groups())
    if size != upload.size or last < first:
        return JsonResponse({"error": "That piece does not belong to this file.", **_upload_state(upload)}, status=400)
    try:
        upload = services.upload_chunk(
            upload=upload, actor=request.user, offset=first, stream=request, length=last - first + 1
        )
    except services.UploadOffsetError as misplaced:
        upload.received = misplaced.received
        return JsonResponse({"error": misplaced.messages[0], **_upload_state(upload)}, status=409)
    except TransitionError as refused:
        upload.refresh_from_db()
        return JsonResponse({"error": refused.messages[0], **_upload_state(upload)}, status=400)
    if upload.status == ClipUpload.Status.REFUSED:
        return JsonResponse({"error": upload.reason, **_upload_state(upload)}, status=422)
    return JsonResponse(_upload_state(upload))


@require_POST
def upload_cancel(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = get_object_or_404(ClipUpload, pk=upload_id, uploaded_by=request.user)
    services.upload_abandon(upload=upload, actor=request.user)
    messages.info(request, "Upload cancelled.")
    return redirect("evidence:clips", pk=upload.pair_id)


# --- one clip --------------------------------------------------------------------------------------


def _clip_context(request: HttpRequest, clip: Clip, **forms) -> dict:
    pair = clip.pair
    role = clip.role
    dimensions = selectors.pair_dimensions(pair) if role == "coach" else []
    feedback = sees_feedback(clip, role)
    # someone who sees the clip only in the library sees the clip, and their own private notes
    comments = selectors.clip_comments(request.user, clip, private_only=not feedback)
    observation = (
        VideoObservation.objects.filter(clip=clip)
        .select_related("meeting")
        .prefetch_related("ratings__dimension")
        .first()
        if feedback
        else None
    )
    breakdown = selectors.clip_breakdown(clip) if feedback else selectors.breakdown([])

    active = pair.status == Pair.Status.ACTIVE
    context = {
        "pair": pair,
        "clip": clip,
        "role": role,
        "feedback": feedback,
        "comments": comments,
        "observation": observation,
        "rating_label": RATING_LABEL,
        "library_consent_text": LIBRARY_CONSENT_TEXT,
        "breakdown": breakdown,
        "chart": svg_data_uri(charts.breakdown_chart(breakdown, title=f"Feedback on {clip.title}"))
        if breakdown.total
        else "",
        "markers": charts.timeline(comments, clip.duration_seconds or 0),
        "legend": charts.legend(),
        "kinds": Comment.Kind.choices,
        "active": active,
        "can_comment": role == "coach" and active and clip.is_playable,
        "can_reply": role in ("coach", "mentee") and active and not clip.is_removed,
        "unread_feedback": role == "mentee" and clip.has_unread_feedback,
        "can_note": clip.is_playable,
        "can_share": request.user.has_perm("evidence.share_clip", clip),
        "can_consent": request.user.has_perm("evidence.library_consent", clip),
        "can_promote": request.user.has_perm("evidence.promote_clip", clip),
        "goals": list(Goal.objects.filter(pair=pair).order_by("status", "pk")) if role == "coach" else [],
    }
    if context["can_comment"]:
        context["comment_form"] = forms.get("comment_form") or CommentForm(dimensions=dimensions, pair=pair)
        context["return_form"] = forms.get("return_form") or ReturnForm()
        context["goal_form"] = forms.get("goal_form") or GoalFromFeedbackForm(comments=comments)
        context["goal_note_form"] = forms.get("goal_note_form") or GoalNoteFromFeedbackForm(
            pair=pair, comments=comments
        )
    elif context["can_note"]:
        context["note_form"] = forms.get("note_form") or NoteForm()
    if context["can_reply"]:
        context["reply_form"] = ReplyForm()
    if context["can_promote"] and clip.has_library_consent:
        context["promote_form"] = forms.get("promote_form") or PromoteForm(
            initial={"dimensions": list(clip.library_dimensions.all())}
        )
    return context


def _render_clip(request: HttpRequest, clip: Clip, status: int = 200, **forms) -> HttpResponse:
    return render(request, "evidence/clip.html", _clip_context(request, clip, **forms), status=status)


@require_GET
def clip(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    if request.htmx and request.GET.get("part") == "status":
        return render(request, "evidence/clip.html#clip-status", {"clip": clip})
    return _render_clip(request, clip)


def _redirect_to(clip: Clip, comment: Comment | None = None, at: float | None = None) -> HttpResponse:
    url = reverse("evidence:clip", args=[clip.pk])
    if at is not None:
        url += f"?t={at:.1f}"
    return redirect(url + (f"#c{comment.pk}" if comment else ""))


@require_POST
def comment_add(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    if clip.role == "coach":
        form = CommentForm(request.POST, dimensions=selectors.pair_dimensions(clip.pair), pair=clip.pair)
    else:
        form = NoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with attempt(form=form) as step:
            comment = services.comment_add(
                clip=clip,
                actor=request.user,
                text=data["text"],
                at_ms=int(data["at"] * 1000),
                kind=data.get("kind") or Comment.Kind.NOTE,
                dimension=data.get("dimension"),
                goal=data.get("goal"),
                is_private=data.get("is_private", True) if clip.role == "coach" else True,
            )
        if step.ok:
            messages.success(request, "Private note saved." if comment.is_private else "Comment saved.")
            return _redirect_to(clip, comment, data["at"])
    key = "comment_form" if clip.role == "coach" else "note_form"
    return _render_clip(request, clip, status=400, **{key: form})


def _comment(clip: Clip, comment_id: int, user) -> Comment:
    from .permissions import comments_visible_to

    visible = comments_visible_to(user, clip)
    if not sees_feedback(clip, clip.role):
        visible = visible.filter(author=user, is_private=True)
    return get_object_or_404(visible, pk=comment_id)


@require_POST
def comment_reply(request: HttpRequest, clip_id: int, comment_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    parent = _comment(clip, comment_id, request.user)
    form = ReplyForm(request.POST)
    if form.is_valid():
        with attempt(request) as step:
            services.comment_add(clip=clip, actor=request.user, text=form.cleaned_data["text"], parent=parent)
        if step.ok:
            messages.success(request, "Reply saved.")
            return _redirect_to(clip, parent)
    else:
        messages.error(request, "Write the reply before sending it.")
    return _redirect_to(clip, parent)


@require_POST
def feedback_read(request: HttpRequest, clip_id: int) -> HttpResponse:
    """The mentee marks the coach's new feedback read (a page never writes on GET): it leaves My work."""
    clip = _clip(request, clip_id)
    if clip.pair.mentee.user_id == request.user.pk:
        Clip.objects.filter(pk=clip.pk).update(feedback_seen_at=timezone.now())
        messages.success(request, "Marked as read.")
    return _redirect_to(clip)


@require_POST
def comment_withdraw(request: HttpRequest, clip_id: int, comment_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    comment = _comment(clip, comment_id, request.user)
    with attempt(request) as step:
        services.comment_withdraw(comment=comment, actor=request.user)
    if step.ok:
        messages.success(request, "Comment withdrawn. It stays in the clip's record but is no longer shown.")
    return _redirect_to(clip)


@require_http_methods(["GET", "POST"])
def observation(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    if clip.role != "coach":
        raise PermissionDenied("The pair's coach completes the video observation.")
    existing = VideoObservation.objects.filter(clip=clip).prefetch_related("ratings").first()
    dimensions = selectors.pair_dimensions(clip.pair)
    initial = {"summary": existing.summary, "next_steps": existing.next_steps} if existing else {}
    ratings = {r.dimension_id: r.rating for r in existing.ratings.all()} if existing else {}
    form = ObservationForm(request.POST or None, dimensions=dimensions, initial=initial, initial_ratings=ratings)
    meeting_form = MeetingLogForm(initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with attempt(form=form) as step:
            services.observation_save(
                clip=clip,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                next_steps=form.cleaned_data["next_steps"],
                ratings=form.ratings(),
            )
        if step.ok:
            messages.success(request, "Video observation saved.")
            return redirect("evidence:observation", clip_id=clip.pk)
    return render(
        request,
        "evidence/observation.html",
        {
            "clip": clip,
            "pair": clip.pair,
            "form": form,
            "observation": existing,
            "meeting_form": meeting_form,
            "rating_label": RATING_LABEL,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def observation_meeting(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    observation = get_object_or_404(VideoObservation, clip=clip)
    if clip.role != "coach":
        raise PermissionDenied("The pair's coach logs the review as a meeting.")
    form = MeetingLogForm(request.POST)
    if form.is_valid():
        with attempt(form=form) as step:
            services.observation_log_meeting(observation=observation, actor=request.user, **form.cleaned_data)
        if step.ok:
            messages.success(request, "The review is logged as a meeting (video clip review).")
            return redirect("evidence:observation", clip_id=clip.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("evidence:observation", clip_id=clip.pk)


def _feedback_comment(clip: Clip, comment_id, user) -> Comment | None:
    return _comment(clip, comment_id, user) if comment_id else None


@require_POST
def goal_from_feedback(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    if clip.role != "coach":
        raise PermissionDenied("The coach sets a goal from the clip's feedback.")
    form = GoalFromFeedbackForm(request.POST, comments=selectors.clip_comments(request.user, clip))
    if form.is_valid():
        comment = _feedback_comment(clip, form.cleaned_data.get("comment"), request.user)
        with attempt(form=form) as step:
            goal = services.goal_from_feedback(
                clip=clip,
                actor=request.user,
                title=form.cleaned_data["title"],
                area=form.cleaned_data["area"],
                comment=comment,
            )
        if step.ok:
            messages.success(request, f"Goal “{goal.title}” added to the plan.")
            return _redirect_to(clip, comment)
    return _render_clip(request, clip, status=400, goal_form=form)


@require_POST
def goal_note_from_feedback(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    if clip.role != "coach":
        raise PermissionDenied("The coach adds a goal note from the clip's feedback.")
    form = GoalNoteFromFeedbackForm(request.POST, pair=clip.pair, comments=selectors.clip_comments(request.user, clip))
    if form.is_valid():
        comment = _feedback_comment(clip, form.cleaned_data.get("comment"), request.user)
        with attempt(form=form) as step:
            services.goal_note_from_feedback(
                clip=clip,
                actor=request.user,
                goal=form.cleaned_data["goal"],
                text=form.cleaned_data["text"],
                comment=comment,
            )
        if step.ok:
            messages.success(request, "Progress note added to the goal.")
            return _redirect_to(clip, comment)
    return _render_clip(request, clip, status=400, goal_note_form=form)


@require_POST
def clip_return(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    form = ReturnForm(request.POST)
    if form.is_valid():
        with attempt(form=form) as step:
            services.clip_return(clip=clip, actor=request.user, reason=form.cleaned_data["reason"])
        if step.ok:
            messages.success(request, "The mentee is asked for a new clip.")
            return _redirect_to(clip)
    return _render_clip(request, clip, status=400, return_form=form)


@require_POST
def clip_share(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    what = request.POST.get("share", "")
    choices = {
        "leader_on": {"leader": True},
        "leader_off": {"leader": False},
        "eec_on": {"eec": True},
        "eec_off": {"eec": False},
    }
    if what not in choices:
        messages.error(request, "Choose whom to share the clip with.")
        return _redirect_to(clip)
    with attempt(request) as step:
        services.clip_share(clip=clip, actor=request.user, **choices[what])
    if step.ok:
        messages.success(request, "Sharing updated.")
    return _redirect_to(clip)


@require_POST
def clip_retry(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    with attempt(request) as step:
        services.clip_retry(clip=clip, actor=request.user)
    if step.ok:
        messages.success(request, "Trying again to prepare the clip.")
    return _redirect_to(clip)


@require_POST
def library_consent(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    consent = request.POST.get("consent") == "give"
    with attempt(request) as step:
        services.library_consent(clip=clip, actor=request.user, consent=consent)
    if step.ok:
        messages.success(
            request,
            "Thank you: EEC staff may now choose this clip for the library."
            if consent
            else "Consent withdrawn: the clip is no longer in the library.",
        )
    return _redirect_to(clip)


@require_POST
def library_promote(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    if not request.user.has_perm("evidence.promote_clip", clip):
        raise PermissionDenied("EEC staff choose the library's clips.")
    if request.POST.get("action") == "remove":
        services.library_remove(clip=clip, actor=request.user)
        messages.success(request, "Removed from the library.")
        return _redirect_to(clip)
    form = PromoteForm(request.POST)
    if form.is_valid():
        with attempt(form=form) as step:
            services.library_promote(clip=clip, actor=request.user, dimensions=list(form.cleaned_data["dimensions"]))
        if step.ok:
            messages.success(request, "The clip is in the library.")
            return _redirect_to(clip)
    return _render_clip(request, clip, status=400, promote_form=form)


# --- files ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def clip_video(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    if not clip.is_playable:
        raise Http404("This clip's video is not available.")
    return streaming.clip_response(
        request, storage=clip_storage(), name=clip.video.name, content_type="video/mp4", filename="clip.mp4"
    )


@require_http_methods(["GET", "HEAD"])
def clip_poster(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    if not clip.poster or clip.is_removed:
        raise Http404("This clip has no poster.")
    return streaming.clip_response(request, storage=clip_storage(), name=clip.poster.name, content_type="image/jpeg")


@require_GET
def clip_captions(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = _clip(request, clip_id)
    if not clip.captions or clip.is_removed:
        raise Http404("This clip has no captions.")
    response = HttpResponse(clip.captions, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the library and staff's figures ---------------------------------------------------------------


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    if not may_use_library(request.user):
        raise PermissionDenied("The clip library is for coaches, PLC facilitators and EEC staff.")
    year = ProgramYear.objects.current()
    form = LibraryFilterForm(request.GET or None)
    dimension = age_group = None
    if form.is_valid():
        dimension = form.cleaned_data.get("dimension")
        age_group = form.cleaned_data.get("age_group")
    clips = (
        list(
            selectors.library(
                request.user,
                year=year,
                dimension_id=dimension.pk if dimension else None,
                age_group_id=age_group.pk if age_group else None,
            )
        )
        if year
        else []
    )
    return render(request, "evidence/library.html", {"form": form, "clips": clips, "year": year})


@require_GET
@staff_required
def staff_clips(request: HttpRequest) -> HttpResponse:
    year = ProgramYear.objects.current()
    rows = selectors.staff_pair_rows(year) if year else []
    return render(
        request,
        "evidence/staff.html",
        {"rows": rows, "year": year, "waiting_days": selectors.WAITING_DAYS},
    )
