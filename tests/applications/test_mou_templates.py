"""MOU template versions: a signed version's title and text never change, by any code path (the
model refuses save and the bulk updates); the service saves an edit of a signed version as the
role's next version and retires the signed one; the admin goes through the service."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from applications import services
from applications.models import MOU, MOUTemplate
from applications.services import mou_templates
from tests.applications.factories import ApplicationFactory, MOUFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(program_year) -> MOUTemplate:
    """The CT template's current version, signed by one leader."""
    mou = MOUFactory(application=ApplicationFactory(program_year=program_year, role="ct"), signed=True)
    return mou.template


@pytest.fixture
def unsigned() -> MOUTemplate:
    return MOUTemplate.objects.get(role="mentee", version=1)


# --- the model's guard ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "body", "role", "version"])
def test_a_signed_version_refuses_a_change_to_its_text_on_save(signed, field):
    before = MOUTemplate.objects.values().get(pk=signed.pk)
    setattr(signed, field, {"title": "New title", "body": "New text", "role": "ca", "version": 99}[field])
    with pytest.raises(ValidationError, match="has been signed"):
        signed.save()
    assert MOUTemplate.objects.values().get(pk=signed.pk) == before


def test_a_signed_version_refuses_the_bulk_paths(signed):
    with pytest.raises(ValidationError, match="has been signed"):
        MOUTemplate.objects.filter(pk=signed.pk).update(body="Rewritten")
    with pytest.raises(ValidationError, match="has been signed"):
        MOUTemplate.objects.filter(role="ct").update(title="Rewritten")
    signed.title = "Rewritten"
    with pytest.raises(ValidationError, match="has been signed"), transaction.atomic():
        MOUTemplate.objects.bulk_update([signed], ["title"])  # its own atomic block has no savepoint
    assert MOUTemplate.objects.get(pk=signed.pk).title != "Rewritten"


def test_a_superseded_mou_that_was_signed_still_freezes_its_version(signed):
    mou = signed.mous.get()
    MOU.objects.filter(pk=mou.pk).update(status=MOU.Status.SUPERSEDED)  # signed_at stays
    signed.refresh_from_db()
    assert signed.is_signed()
    signed.body += "\nMore."
    with pytest.raises(ValidationError):
        signed.save()


def test_a_signed_version_may_still_be_switched_off_and_an_unsigned_one_edited(signed, unsigned):
    signed.is_active = False
    signed.save()
    MOUTemplate.objects.filter(pk=signed.pk).update(is_active=True)
    unsigned.title = "Edited in place"
    unsigned.save()
    MOUTemplate.objects.filter(pk=unsigned.pk).update(body="Edited {applicant_name}")
    unsigned.refresh_from_db()
    assert (unsigned.title, unsigned.body) == ("Edited in place", "Edited {applicant_name}")
    # a requested (not signed) MOU does not freeze its version
    MOUFactory(application=ApplicationFactory(role="mentee"), status=MOU.Status.REQUESTED)
    unsigned.body = "Again"
    unsigned.save()


# --- the service ---------------------------------------------------------------------------------


def test_editing_a_signed_version_saves_the_next_one_and_retires_it(signed, staff_user):
    text = signed.body
    result = services.mou_template_edit(
        template=signed, title=signed.title, body=text + "\r\n9. Keep a log.", is_active=True, actor=staff_user
    )
    signed.refresh_from_db()
    assert (signed.body, signed.is_active) == (text, False)
    assert result.superseded == signed
    new = result.template
    assert (new.role, new.version, new.is_active) == ("ct", signed.version + 1, True)
    assert new.body == text + "\n9. Keep a log."  # stored with plain line endings
    assert signed.mous.count() == 1 and not new.mous.exists()  # the signed MOU keeps its text
    assert new.history.latest().history_user == staff_user
    assert signed.history.latest().history_user == staff_user
    assert services.mou_template_for("ct") == new


def test_editing_an_unsigned_version_changes_it_in_place(unsigned, staff_user):
    result = services.mou_template_edit(
        template=unsigned, title="PAC MOU (mentee)", body="Hi {applicant_name}\r\n", is_active=True, actor=staff_user
    )
    assert result.superseded is None and result.template.pk == unsigned.pk
    unsigned.refresh_from_db()
    assert (unsigned.title, unsigned.body, unsigned.version) == ("PAC MOU (mentee)", "Hi {applicant_name}\n", 1)
    assert MOUTemplate.objects.filter(role="mentee").count() == 1


def test_only_the_flag_changed_keeps_a_signed_text_byte_for_byte(signed, staff_user):
    text = signed.body
    result = services.mou_template_edit(
        template=signed, title=signed.title, body=text.strip().replace("\n", "\r\n"), is_active=False, actor=staff_user
    )
    signed.refresh_from_db()
    assert result == mou_templates.TemplateSaved(signed)
    assert (signed.body, signed.is_active) == (text, False)
    assert MOUTemplate.objects.filter(role="ct").count() == 1


def test_an_edit_with_an_unknown_placeholder_is_refused_and_changes_nothing(signed, staff_user):
    with pytest.raises(ValidationError, match="applicant_nmae"):
        services.mou_template_edit(
            template=signed, title=signed.title, body="Hi {applicant_nmae}", is_active=True, actor=staff_user
        )
    signed.refresh_from_db()
    assert signed.is_active and MOUTemplate.objects.filter(role="ct").count() == 1


def test_a_new_template_takes_the_next_version_of_its_role(staff_user):
    made = services.mou_template_create(role="ca", title="Supervisor MOU", body="I, {signer_name}", actor=staff_user)
    assert made.version == MOUTemplate.objects.filter(role="ca").count()
    again = services.mou_template_create(role="ca", title="Again", body="x", is_active=False, actor=staff_user)
    assert (again.version, again.is_active) == (made.version + 1, False)


# --- the admin goes through the service ----------------------------------------------------------


def test_the_admin_saves_an_edit_through_the_service(client, staff_user, signed):
    client.force_login(staff_user)
    url = reverse("admin:applications_moutemplate_change", args=[signed.pk])
    data = {"title": signed.title, "body": signed.body + "\n10. New clause.", "is_active": "on"}
    with mock.patch.object(mou_templates, "mou_template_edit", wraps=mou_templates.mou_template_edit) as edit:
        response = client.post(url, data, follow=True)
    assert edit.call_count == 1 and edit.call_args.kwargs["actor"] == staff_user
    new = MOUTemplate.objects.get(role="ct", version=signed.version + 1)
    # the admin goes on to the new version (its log entry and message name it)
    assert f"your changes were saved as version {new.version}" in " ".join(str(m) for m in response.context["messages"])
    assert new.history.latest().history_user == staff_user


def test_the_admin_adds_a_template_through_the_service(client, staff_user):
    client.force_login(staff_user)
    with mock.patch.object(mou_templates, "mou_template_create", wraps=mou_templates.mou_template_create) as create:
        response = client.post(
            reverse("admin:applications_moutemplate_add"),
            {"role": "ma", "title": "MA MOU", "body": "I, {signer_name}", "is_active": "on"},
        )
    assert response.status_code == 302 and create.call_count == 1
    made = MOUTemplate.objects.get(role="ma", title="MA MOU")
    assert made.version == MOUTemplate.objects.filter(role="ma").count()
