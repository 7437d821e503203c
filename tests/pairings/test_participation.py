"""Before a pair is confirmed: the confidentiality acknowledgement a Mentee or MA signs online (the
exact text, versioned; the typed name checked; never changed or deleted) and each year's requirement
of orientation attendance and the acknowledgement, which pair confirmation enforces."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from coaching.models import Attendance, TrainingEvent
from pac import annotations
from pac.models import ProgramRole
from pairings import participation, services
from pairings.models import ConfidentialityAcknowledgement, ConfidentialityText, ConfirmationRequirement, Pair
from tests.coaching.factories import refused
from tests.factories import ParticipationFactory, PersonFactory, UserFactory
from tests.pairings.factories import accepted

pytestmark = pytest.mark.django_db


def as_participant(application):
    """The program role an accepted application gives (the decision service writes it; the factory does not)."""
    ParticipationFactory(person=application.applicant, program_year=application.program_year, role=application.role)
    return application


def sign(person, year, typed=None, **kw):
    return participation.acknowledgement_sign(
        person=person,
        program_year=year,
        signature_name=person.full_name if typed is None else typed,
        confirmed=kw.pop("confirmed", True),
        user=kw.pop("user", person.user),
        ip=kw.pop("ip", "198.51.100.4"),
        user_agent=kw.pop("user_agent", "Mobile Safari"),
        shown_text_id=kw.pop("shown_text_id", None),
    )


def attend_orientation(person, year, staff, attended=True):
    event = TrainingEvent.objects.filter(program_year=year, kind="orientation").first() or TrainingEvent.objects.create(
        program_year=year,
        kind=TrainingEvent.Kind.ORIENTATION,
        audience=TrainingEvent.Audience.EVERYONE,
        title="Orientation",
        held_on=year.starts_on,
        hours=6,
        created_by=staff,
    )
    return Attendance.objects.create(event=event, person=person, attended=attended, recorded_by=staff)


@pytest.fixture
def mentee_app(program_year):
    return as_participant(accepted("mentee", program_year))


# --- signing -------------------------------------------------------------------------------------------


def test_a_mentee_signs_and_the_exact_text_who_when_and_where_are_kept(mentee_app, program_year):
    person = mentee_app.applicant
    person.first_name, person.last_name = "José", "O'Brien-Díaz"
    person.save()
    ack = sign(person, program_year, typed="jose obrien diaz")
    text = ConfidentialityText.objects.get(is_active=True)
    assert ack.text == text and ack.role == ProgramRole.MENTEE
    assert "I, José O'Brien-Díaz, take part" in ack.signed_text and "as a Mentee" in ack.signed_text
    assert str(program_year) in ack.signed_text and "{" not in ack.signed_text
    assert ack.signature_name == "jose obrien diaz" and ack.signed_by_user == person.user
    assert ack.signed_ip == "198.51.100.4" and ack.signed_user_agent == "Mobile Safari"
    assert ack.history.count() == 1 and ack.history.first().history_user == person.user


def test_an_ma_signs_as_a_mentee_administrator(program_year):
    ma = as_participant(accepted("ma", program_year)).applicant
    assert "as a Mentee Administrator" in sign(ma, program_year).signed_text


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Type your name as shown"), ("Someone Else", "is not your name as PAC has it"), ("   ", "Type your name")],
)
def test_a_name_that_is_not_theirs_is_refused(mentee_app, program_year, typed, message):
    with refused(message):
        sign(mentee_app.applicant, program_year, typed=typed)
    assert not ConfidentialityAcknowledgement.objects.exists()


def test_the_box_must_be_ticked(mentee_app, program_year):
    with refused("Tick the box"):
        sign(mentee_app.applicant, program_year, confirmed=False)


def test_only_the_years_mentees_and_mas_sign(program_year):
    coach = as_participant(accepted("ct", program_year)).applicant
    with refused("not a Mentee or Mentee Administrator"):
        sign(coach, program_year)
    stranger = PersonFactory(with_account=True)
    with refused("not a Mentee or Mentee Administrator"):
        sign(stranger, program_year)


def test_nobody_signs_for_someone_else(mentee_app, program_year):
    with refused("Only the person named"):
        sign(mentee_app.applicant, program_year, user=UserFactory())


def test_a_second_signature_is_refused_and_the_first_kept(mentee_app, program_year):
    first = sign(mentee_app.applicant, program_year)
    with refused("You signed the confidentiality acknowledgement"):
        sign(mentee_app.applicant, program_year)
    assert ConfidentialityAcknowledgement.objects.get() == first


def test_without_a_name_on_record_the_person_is_sent_to_their_profile(mentee_app, program_year):
    person = mentee_app.applicant
    person.first_name = person.last_name = ""
    person.save()
    with refused("PAC has no name for you yet"):
        sign(person, program_year, typed="Anything")


def test_without_a_published_text_signing_waits(mentee_app, program_year):
    ConfidentialityText.objects.update(is_active=False)
    with refused("not ready to sign yet"):
        sign(mentee_app.applicant, program_year)


def test_a_signed_acknowledgement_never_changes_and_is_never_deleted(mentee_app, program_year):
    ack = sign(mentee_app.applicant, program_year)
    ack.signature_name = "Changed"
    with pytest.raises(ValidationError):
        ack.save()
    with pytest.raises(ValidationError):
        ack.delete()
    assert ConfidentialityAcknowledgement.objects.get().signature_name == mentee_app.applicant.full_name


def test_the_database_keeps_one_acknowledgement_per_person_and_year(mentee_app, program_year):
    ack = sign(mentee_app.applicant, program_year)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConfidentialityAcknowledgement.objects.create(
            person=ack.person,
            program_year=program_year,
            role="mentee",
            text=ack.text,
            signed_text="x",
            signature_name="x",
            signed_by_user=ack.signed_by_user,
        )


# --- the text's versions -----------------------------------------------------------------------------


def test_an_unsigned_text_is_corrected_in_place(staff_user):
    text = ConfidentialityText.objects.get(is_active=True)
    saved, new = participation.confidentiality_text_save(
        text=text, title="Confidentiality", body="I, {name}, agree.", actor=staff_user
    )
    assert (saved.pk, saved.version, new) == (text.pk, 1, False)
    assert saved.history.first().history_user == staff_user


def test_changing_a_signed_text_saves_a_new_version_and_keeps_the_signed_one(mentee_app, program_year, staff_user):
    ack = sign(mentee_app.applicant, program_year)
    old = ack.text
    saved, new = participation.confidentiality_text_save(
        text=old, title=old.title, body=old.body + "\n\nA new sentence.", actor=staff_user
    )
    old.refresh_from_db()
    assert new and saved.version == old.version + 1 and saved.is_active and not old.is_active
    assert "A new sentence." not in old.body and "A new sentence." in saved.body
    assert participation.confidentiality_text_current() == saved
    ack.refresh_from_db()
    assert ack.text == old  # what they signed is still what they signed


def test_a_text_replaced_while_the_person_read_it_is_not_signed(mentee_app, program_year, staff_user, client):
    """They sign what the page showed them: if staff published another version meanwhile, the
    signature is refused and the page shows the new text."""
    shown = ConfidentialityText.objects.get(is_active=True)
    client.force_login(mentee_app.applicant.user)
    page = client.get(reverse("pairings:confidentiality")).content.decode()
    assert f'name="shown_text" value="{shown.pk}"' in page
    other = as_participant(accepted("mentee", program_year))
    sign(other.applicant, program_year)  # the shown version is signed by someone, so an edit is a new version
    newer, created = participation.confidentiality_text_save(
        text=shown, title=shown.title, body=shown.body + "\n\nA new sentence.", actor=staff_user
    )
    assert created
    with refused("updated the acknowledgement while you were reading it"):
        sign(mentee_app.applicant, program_year, shown_text_id=shown.pk)
    assert sign(mentee_app.applicant, program_year, shown_text_id=newer.pk).text == newer


def test_the_model_refuses_to_change_a_signed_version(mentee_app, program_year):
    ack = sign(mentee_app.applicant, program_year)
    text = ack.text
    text.body = "Something else"
    with pytest.raises(ValidationError):
        text.save()


def test_an_unknown_placeholder_is_refused(staff_user):
    with refused("Unknown placeholder"):
        participation.confidentiality_text_save(text=None, title="T", body="I, {nmae}, agree.", actor=staff_user)


# --- the requirement before confirmation ---------------------------------------------------------------


@pytest.fixture
def proposed(program_year, staff_user, mentee_app):
    coach = accepted("ct", program_year)
    return services.pair_propose(coach_application=coach, mentee_application=mentee_app, actor=staff_user)


def require(year, staff, on=True):
    return participation.requirement_set(program_year=year, required=on, actor=staff)


def test_without_the_requirement_pairs_are_confirmed_as_before(proposed, staff_user):
    assert services.pair_confirm(pair=proposed, actor=staff_user).status == Pair.Status.ACTIVE


def test_with_the_requirement_confirmation_names_what_is_missing(proposed, staff_user, program_year):
    require(program_year, staff_user)
    name = proposed.mentee.full_name
    with refused(f"{name}'s pair cannot be confirmed yet") as info:
        services.pair_confirm(pair=proposed, actor=staff_user)
    message = info.value.messages[0]
    assert message.endswith(
        "missing: attendance at pre-service orientation (none recorded) and the signed confidentiality acknowledgement. "
        "Next: record their orientation attendance on PLC and training; they sign the acknowledgement from their My work."
    )
    sign(proposed.mentee, program_year)
    with refused("missing: attendance at pre-service orientation (none recorded).") as info:
        services.pair_confirm(pair=proposed, actor=staff_user)
    attend_orientation(proposed.mentee, program_year, staff_user, attended=False)  # recorded absent
    with refused("missing: attendance at pre-service orientation"):
        services.pair_confirm(pair=proposed, actor=staff_user)
    Attendance.objects.update(attended=True)
    pair = services.pair_confirm(pair=proposed, actor=staff_user)
    assert pair.status == Pair.Status.ACTIVE


def test_orientation_without_the_acknowledgement_is_refused(proposed, staff_user, program_year):
    require(program_year, staff_user)
    attend_orientation(proposed.mentee, program_year, staff_user)
    with refused("missing: the signed confidentiality acknowledgement.") as info:
        services.pair_confirm(pair=proposed, actor=staff_user)
    assert "none recorded" not in info.value.messages[0] and "PLC and training" not in info.value.messages[0]
    assert Pair.objects.get(pk=proposed.pk).status == Pair.Status.PROPOSED


def test_another_years_orientation_does_not_count(proposed, staff_user, program_year):
    from tests.factories import ProgramYearFactory

    require(program_year, staff_user)
    sign(proposed.mentee, program_year)
    other = ProgramYearFactory(name="2025–26", starts_on="2025-09-01", ends_on="2026-08-31")
    attend_orientation(proposed.mentee, other, staff_user)
    with refused("missing: attendance at pre-service orientation"):
        services.pair_confirm(pair=proposed, actor=staff_user)


def test_the_suggestions_confirmation_reports_the_refusal_and_makes_no_pair(program_year, staff_user):
    require(program_year, staff_user)
    mentee = as_participant(accepted("mentee", program_year))
    coach = accepted("ct", program_year)
    ready = as_participant(accepted("mentee", program_year))
    sign(ready.applicant, program_year)
    attend_orientation(ready.applicant, program_year, staff_user)
    coach2 = accepted("ct", program_year)
    done, errors = services.pairs_confirm_suggested(
        choices=[(mentee.pk, coach.pk), (ready.pk, coach2.pk)], actor=staff_user, program_year=program_year
    )
    assert [p.mentee for p in done] == [ready.applicant]
    assert len(errors) == 1 and mentee.applicant.full_name in errors[0] and "signed confidentiality" in errors[0]
    assert not Pair.objects.filter(mentee=mentee.applicant).exists()  # not even left as a proposal


def test_with_nothing_to_ask_about_orientation_an_enforced_requirement_refuses(
    proposed, staff_user, program_year, monkeypatch
):
    require(program_year, staff_user)
    sign(proposed.mentee, program_year)
    attend_orientation(proposed.mentee, program_year, staff_user)
    monkeypatch.delitem(annotations._providers, annotations.ORIENTATION_ATTENDED)
    with refused("it cannot be checked"):
        services.pair_confirm(pair=proposed, actor=staff_user)


def test_turning_the_requirement_off_lets_the_pair_through_and_history_says_who(proposed, staff_user, program_year):
    row = require(program_year, staff_user)
    with refused("cannot be confirmed yet"):
        services.pair_confirm(pair=proposed, actor=staff_user)
    require(program_year, staff_user, on=False)
    assert services.pair_confirm(pair=proposed, actor=staff_user).status == Pair.Status.ACTIVE
    assert ConfirmationRequirement.objects.get(pk=row.pk).history.filter(history_user=staff_user).count() == 2


def test_missing_before_confirmation_reads_everyone_in_a_fixed_number_of_queries(
    program_year, staff_user, django_assert_num_queries
):
    require(program_year, staff_user)
    people = [as_participant(accepted("mentee", program_year)).applicant for _ in range(3)]
    sign(people[0], program_year)
    attend_orientation(people[1], program_year, staff_user)
    with django_assert_num_queries(3):  # the requirement, attendance, acknowledgements
        missing = participation.missing_before_confirmation([p.pk for p in people], program_year)
    assert missing[people[0].pk] == [participation.MISSING_ORIENTATION]
    assert missing[people[1].pk] == [participation.MISSING_ACKNOWLEDGEMENT]
    assert len(missing[people[2].pk]) == 2


# --- the page ----------------------------------------------------------------------------------------


def test_the_mentee_signs_on_the_page(client, mentee_app, program_year):
    person = mentee_app.applicant
    client.force_login(person.user)
    url = reverse("pairings:confidentiality")
    page = client.get(url)
    assert page.status_code == 200 and f"I, {person.full_name}, take part" in page.content.decode()
    wrong = client.post(url, {"year": program_year.pk, "signature_name": "Not Me", "confirm": "on"})
    assert wrong.status_code == 400 and "is not your name as PAC has it" in wrong.content.decode()
    assert not ConfidentialityAcknowledgement.objects.exists()
    response = client.post(
        url,
        {"year": program_year.pk, "signature_name": person.full_name.upper(), "confirm": "on"},
        HTTP_USER_AGENT="Pixel",
        REMOTE_ADDR="203.0.113.9",
        follow=True,
    )
    assert "is signed" in response.content.decode() and "What you signed" in response.content.decode()
    ack = ConfidentialityAcknowledgement.objects.get()
    assert (ack.signed_ip, ack.signed_user_agent) == ("203.0.113.9", "Pixel")
    again = client.post(url, {"year": program_year.pk, "signature_name": person.full_name, "confirm": "on"})
    assert again.status_code == 302 and ConfidentialityAcknowledgement.objects.count() == 1


@pytest.mark.parametrize("who", ["coach", "staff", "nobody"])
def test_the_page_is_only_for_mentees_and_mas(client, program_year, staff_user, who):
    user = {
        "coach": lambda: as_participant(accepted("ct", program_year)).applicant.user,
        "staff": lambda: staff_user,
        "nobody": UserFactory,
    }[who]()
    client.force_login(user)
    assert client.get(reverse("pairings:confidentiality")).status_code == 403
    assert client.post(reverse("pairings:confidentiality"), {"signature_name": "x"}).status_code == 403


def test_a_hostile_year_falls_back_to_the_persons_own(client, mentee_app):
    client.force_login(mentee_app.applicant.user)
    for year in ("99999999999", "x\u00e9", "-1"):
        assert client.get(reverse("pairings:confidentiality"), {"year": year}).status_code == 200


# --- the admin ---------------------------------------------------------------------------------------


def test_staff_turn_the_requirement_on_in_the_admin(client, staff_user, program_year):
    client.force_login(staff_user)
    url = reverse("admin:pairings_confirmationrequirement_add")
    response = client.post(url, {"program_year": program_year.pk, "participation_required": "on", "note": "From 2026"})
    assert response.status_code == 302
    row = ConfirmationRequirement.objects.get()
    assert row.participation_required and row.history.get().history_user == staff_user
    assert participation.participation_required(program_year)


def test_editing_a_signed_text_in_the_admin_saves_a_new_version(client, staff_user, mentee_app, program_year):
    ack = sign(mentee_app.applicant, program_year)
    client.force_login(staff_user)
    url = reverse("admin:pairings_confidentialitytext_change", args=[ack.text.pk])
    response = client.post(url, {"title": ack.text.title, "body": ack.text.body + "\r\nOne more line."}, follow=True)
    assert "your changes were saved as version 2" in response.content.decode()
    assert list(ConfidentialityText.objects.values_list("version", "is_active")) == [(2, True), (1, False)]
    assert "One more line." not in ConfidentialityText.objects.get(version=1).body


def test_acknowledgements_are_read_only_in_the_admin(client, staff_user, mentee_app, program_year):
    ack = sign(mentee_app.applicant, program_year)
    client.force_login(staff_user)
    change = reverse("admin:pairings_confidentialityacknowledgement_change", args=[ack.pk])
    assert client.get(change).status_code == 200  # viewable
    client.post(change, {"signature_name": "Changed"})
    assert client.get(reverse("admin:pairings_confidentialityacknowledgement_add")).status_code == 403
    assert client.get(reverse("admin:pairings_confidentialityacknowledgement_delete", args=[ack.pk])).status_code == 403
    ack.refresh_from_db()
    assert ack.signature_name == mentee_app.applicant.full_name
