"""Feedback on a clip: time-stamped comments tagged to CLASS, the mentee's replies, the video
observation, goals from feedback, a meeting of modality "video clip review", return for
resubmission, the breakdown and the turnaround figures, and who is told."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import Goal, GoalNote, Meeting, Reminder
from evaluation.models import Dimension
from evidence import selectors, services
from evidence.models import Clip, Comment, PracticeRating
from pac.models import OutboundEmail, Person, Tag
from pac.workflow import TransitionError
from tests.evidence.factories import ready_clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def clip(pair, clip_file):
    return ready_clip(pair, path=clip_file)


def _dimension(pair, code="PC"):
    return next(d for d in selectors.pair_dimensions(pair) if d.code.upper() == code)


def test_the_pairs_dimensions_come_from_its_class_tool(pair):
    dims = selectors.pair_dimensions(pair)
    assert dims and len({d.domain.instrument_id for d in dims}) == 1


def test_the_coach_comments_with_a_class_dimension_and_the_mentee_replies(client, pair, clip):
    coach, mentee = pair.coach.user, pair.mentee.user
    client.force_login(coach)
    dimension = _dimension(pair)
    response = client.post(
        reverse("evidence:comment_add", args=[clip.pk]),
        {"at": "1.2", "kind": "strength", "text": "Warm greeting at the door", "dimension": dimension.pk},
    )
    assert response.status_code == 302 and "t=1.2" in response["Location"]
    comment = Comment.objects.get()
    assert (comment.at_ms, comment.kind, comment.dimension, comment.is_private) == (1200, "strength", dimension, False)
    clip.refresh_from_db()
    assert clip.first_feedback_at is not None
    # the mentee hears once a day, however many comments follow
    services.comment_add(clip=clip, actor=coach, text="Try an open question here", kind="growth", at_ms=1800)
    reminders = Reminder.objects.filter(recipient=pair.mentee, stage=Reminder.Stage.CLIP_FEEDBACK)
    assert reminders.count() == 1
    client.force_login(mentee)
    page = client.get(reverse("evidence:clip", args=[clip.pk])).content.decode()
    assert "Warm greeting at the door" in page and "Positive Climate" in page
    response = client.post(reverse("evidence:comment_reply", args=[clip.pk, comment.pk]), {"text": "Thank you!"})
    assert response.status_code == 302
    reply = Comment.objects.get(parent=comment)
    assert reply.author == mentee and reply.at_ms == comment.at_ms
    assert "Thank you!" in client.get(reverse("evidence:clip", args=[clip.pk])).content.decode()


def test_a_mentee_cannot_post_a_typed_comment_only_a_private_note(client, pair, clip):
    client.force_login(pair.mentee.user)
    client.post(reverse("evidence:comment_add", args=[clip.pk]), {"at": "0.5", "kind": "growth", "text": "mine"})
    comment = Comment.objects.get()
    assert comment.is_private and comment.author == pair.mentee.user
    clip.refresh_from_db()
    assert clip.first_feedback_at is None  # a private note is not feedback


def test_a_blank_comment_keeps_what_was_typed_and_says_why(client, pair, clip):
    client.force_login(pair.coach.user)
    response = client.post(
        reverse("evidence:comment_add", args=[clip.pk]), {"at": "3", "kind": "question", "text": "  "}
    )
    assert response.status_code == 400
    assert 'value="3' in response.content.decode() and "This field is required" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_dimension_of_another_tool_and_a_goal_of_another_pair_are_refused(pair, clip, program_year, staff_user):
    others = Dimension.objects.exclude(pk__in=[d.pk for d in selectors.pair_dimensions(pair)])
    with pytest.raises(TransitionError, match="CLASS tool"):
        services.comment_add(clip=clip, actor=pair.coach.user, text="x", kind="note", dimension=others.first())


def test_the_comment_time_is_kept_within_the_clip(pair, clip):
    comment = services.comment_add(clip=clip, actor=pair.coach.user, text="late", kind="note", at_ms=999_999)
    assert comment.at_ms == int(clip.duration_seconds * 1000)


def test_withdrawing_a_comment_keeps_it_on_record(client, pair, clip):
    comment = services.comment_add(clip=clip, actor=pair.coach.user, text="Oops, wrong moment", kind="note", at_ms=100)
    client.force_login(pair.mentee.user)
    assert client.post(reverse("evidence:comment_withdraw", args=[clip.pk, comment.pk])).status_code == 302
    comment.refresh_from_db()
    assert comment.withdrawn_at is None  # only its author withdraws it
    client.force_login(pair.coach.user)
    client.post(reverse("evidence:comment_withdraw", args=[clip.pk, comment.pk]))
    comment.refresh_from_db()
    assert comment.withdrawn_at and Comment.objects.filter(pk=comment.pk).exists()
    assert "Oops, wrong moment" not in client.get(reverse("evidence:clip", args=[clip.pk])).content.decode()


def test_the_video_observation_rates_1_to_7_and_is_labelled_a_coaching_rating(client, pair, clip):
    client.force_login(pair.coach.user)
    dims = selectors.pair_dimensions(pair)
    url = reverse("evidence:observation", args=[clip.pk])
    page = client.get(url).content.decode()
    assert "not an official CLASS score" in page
    bad = client.post(url, {"summary": "Good", f"rating_{dims[0].pk}": "8"})
    assert bad.status_code == 400 and not PracticeRating.objects.exists()
    response = client.post(
        url, {"summary": "Calm, warm room", "next_steps": "More open questions", f"rating_{dims[0].pk}": "5"}
    )
    assert response.status_code == 302
    assert [(r.dimension, r.rating) for r in PracticeRating.objects.all()] == [(dims[0], 5)]
    client.post(url, {"summary": "Calm, warm room", f"rating_{dims[0].pk}": "6", f"rating_{dims[1].pk}": "4"})
    assert sorted(PracticeRating.objects.values_list("rating", flat=True)) == [4, 6]
    client.force_login(pair.mentee.user)
    assert client.get(url).status_code == 403
    page = client.get(reverse("evidence:clip", args=[clip.pk])).content.decode()
    assert "Calm, warm room" in page and "not an official CLASS score" in page


def test_the_review_is_logged_once_as_a_video_clip_review_meeting(client, pair, clip):
    services.observation_save(clip=clip, actor=pair.coach.user, summary="Warm room", next_steps="Open questions")
    client.force_login(pair.coach.user)
    url = reverse("evidence:observation_meeting", args=[clip.pk])
    client.post(url, {"held_on": timezone.localdate().isoformat(), "duration_minutes": "60"})
    meeting = Meeting.objects.get(pair=pair)
    assert meeting.modality == Meeting.Modality.CLIP_REVIEW and meeting.next_steps == "Open questions"
    # the workspace shows meetings to the leader and staff, who may not see the clip
    assert clip.title not in meeting.notes and "Warm room" not in meeting.notes
    client.post(url, {"held_on": timezone.localdate().isoformat(), "duration_minutes": "60"})
    assert Meeting.objects.filter(pair=pair).count() == 1


def test_a_goal_and_a_goal_note_from_a_comment(client, pair, clip):
    comment = services.comment_add(
        clip=clip, actor=pair.coach.user, text="Ask open questions", kind="growth", at_ms=65_000 // 60
    )
    client.force_login(pair.coach.user)
    area = Tag.objects.filter(kind="class").first()
    client.post(
        reverse("evidence:goal_from_feedback", args=[clip.pk]),
        {"title": "Open questions", "area": area.pk, "comment": comment.pk},
    )
    goal = Goal.objects.get(pair=pair)
    assert goal.title == "Open questions" and "video clip recorded" in goal.strategies
    assert clip.title not in goal.strategies  # goals are read by the leader and staff
    client.post(
        reverse("evidence:goal_note_from_feedback", args=[clip.pk]),
        {"goal": goal.pk, "text": "Tried it", "comment": comment.pk},
    )
    note = GoalNote.objects.get(goal=goal)
    assert note.text.startswith("Tried it") and comment.timecode in note.text


def test_return_for_resubmission_reaches_the_mentee_until_a_new_clip_replaces_it(client, pair, clip, clip_file):
    Person.objects.filter(pk=pair.mentee_id).update(reminder_emails=Person.ReminderEmails.EACH)
    pair.mentee.refresh_from_db()
    client.force_login(pair.coach.user)
    client.post(reverse("evidence:clip_return", args=[clip.pk]), {"reason": "The sound is too quiet"})
    clip.refresh_from_db()
    assert clip.returned_at and clip.return_reason == "The sound is too quiet"
    client.force_login(pair.mentee.user)
    my_work = client.get(reverse("pac:my_work")).content.decode()
    assert "Record a new clip instead of" in my_work and "The sound is too quiet" in my_work
    email = OutboundEmail.objects.get(subject__contains="asks for a new clip")  # sent by the outbox after commit
    assert email.to == [pair.mentee.email] and reverse("evidence:clip", args=[clip.pk]) in email.body_text
    ready_clip(pair, path=clip_file, replaces=clip.pk, title="Read-aloud, again")
    clip.refresh_from_db()
    assert clip.returned_at is None
    assert "Record a new clip instead of" not in client.get(reverse("pac:my_work")).content.decode()


def test_my_work_lists_clips_to_review_and_new_feedback_from_the_data(client, pair, clip):
    client.force_login(pair.coach.user)
    assert "Give feedback on" in client.get(reverse("pac:my_work")).content.decode()
    services.comment_add(clip=clip, actor=pair.coach.user, text="Lovely", kind="strength", at_ms=10)
    assert "Give feedback on" not in client.get(reverse("pac:my_work")).content.decode()
    client.force_login(pair.mentee.user)
    assert "New feedback from" in client.get(reverse("pac:my_work")).content.decode()
    assert "Mark as read" in client.get(reverse("evidence:clip", args=[clip.pk])).content.decode()
    client.post(reverse("evidence:feedback_read", args=[clip.pk]))  # marking it read clears the item
    assert "New feedback from" not in client.get(reverse("pac:my_work")).content.decode()


def test_breakdown_counts_public_top_level_comments_by_type_and_dimension(pair, clip):
    coach, mentee = pair.coach.user, pair.mentee.user
    pc = _dimension(pair)
    first = services.comment_add(clip=clip, actor=coach, text="a", kind="strength", dimension=pc)
    services.comment_add(clip=clip, actor=coach, text="b", kind="strength", dimension=pc)
    services.comment_add(clip=clip, actor=coach, text="c", kind="question")
    services.comment_add(clip=clip, actor=coach, text="private", kind="growth", is_private=True)
    services.comment_add(clip=clip, actor=mentee, text="reply", parent=first)
    found = selectors.clip_breakdown(clip)
    assert found.total == 3
    assert found.by_kind == {"strength": 2, "growth": 0, "question": 1, "note": 0}
    labels = dict(found.by_dimension)
    assert labels[f"{pc.name} ({pc.code})"]["strength"] == 2
    assert labels["No CLASS dimension"]["question"] == 1


def test_turnaround_figures_and_the_week_long_wait(pair, clip, clip_file):
    now = timezone.now()
    Clip.objects.filter(pk=clip.pk).update(
        created_at=now - datetime.timedelta(days=4), first_feedback_at=now - datetime.timedelta(days=1)
    )
    waiting = ready_clip(pair, path=clip_file, title="Waiting")
    Clip.objects.filter(pk=waiting.pk).update(created_at=now - datetime.timedelta(days=9))
    figures = selectors.clip_figures([pair.pk])[pair.pk]
    assert (figures.shared, figures.reviewed, figures.median_days, figures.waiting_long) == (2, 1, 3.0, 1)
    assert selectors.waiting_long_count(pair.program_year) == 1


def test_a_comment_sent_twice_by_a_double_tap_is_kept_once(client, pair, clip):
    client.force_login(pair.coach.user)
    data = {"at": "1.0", "kind": "strength", "text": "Lovely transition"}
    client.post(reverse("evidence:comment_add", args=[clip.pk]), data)
    client.post(reverse("evidence:comment_add", args=[clip.pk]), data)
    assert Comment.objects.filter(text="Lovely transition").count() == 1
    first = Comment.objects.get()
    client.force_login(pair.mentee.user)
    for _ in range(2):
        client.post(reverse("evidence:comment_reply", args=[clip.pk, first.pk]), {"text": "Thanks!"})
    assert Comment.objects.filter(parent=first).count() == 1


def test_a_public_comment_is_not_mistaken_for_the_same_words_in_a_private_note(pair, clip):
    services.comment_add(clip=clip, actor=pair.coach.user, text="Same words", is_private=True)
    public = services.comment_add(clip=clip, actor=pair.coach.user, text="Same words", kind="strength")
    assert not public.is_private and Comment.objects.filter(text="Same words").count() == 2
