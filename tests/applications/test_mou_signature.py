"""A typed MOU signature must be the named signer's own name (case, spacing, accents and
punctuation forgiven); a different name is refused with a clear message and nothing is lost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications import services
from applications.models import MOU
from applications.signatures import signature_matches
from pac.workflow import TransitionError
from tests.applications.factories import ApplicationFactory, MOUFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# what a center's Program/Instructional Leader answers when signing
LEADER = {"leader_position": "director", "leader_pq_registry_id": "PQ-777"}


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("Dana Director", "Dana Director"),
        ("  dana   DIRECTOR ", "Dana Director"),
        ("Jose Nunez", "José Núñez"),
        ("JOSÉ NÚÑEZ", "Jose Nunez"),
        ("Mary Jane O'Brien", "Mary-Jane O’Brien"),
        ("Marie-Claire Lefevre", "Marie Claire Lefèvre"),
        ("Strasse", "Straße"),
    ],
)
def test_the_signers_own_name_matches_whatever_the_case_spacing_accents_or_punctuation(typed, named):
    assert signature_matches(typed, named)


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("Someone Else", "Dana Director"),
        ("Dana", "Dana Director"),
        ("Dana M. Director", "Dana Director"),
        ("", "Dana Director"),
        ("Dana Director", ""),
    ],
)
def test_a_different_name_does_not_match(typed, named):
    assert not signature_matches(typed, named)


def _requested(signer_name="Dana Director"):
    mou = MOUFactory(application=ApplicationFactory(), signer_name=signer_name, signer_email="dana@example.org")
    return services.mou_send(mou=mou, actor=None)


def test_the_service_refuses_someone_elses_name_and_keeps_the_mou_waiting():
    mou = _requested()
    with pytest.raises(TransitionError) as info:
        services.mou_sign(mou=mou, signature_name="Someone Else", confirmed=True, ip=None)
    assert "Dana Director" in info.value.messages[0] and "Someone Else" in info.value.messages[0]
    mou.refresh_from_db()
    assert mou.status == MOU.Status.REQUESTED and mou.signature_name == "" and mou.token_hash


def test_the_service_accepts_the_name_with_other_case_and_accents_and_records_what_was_typed():
    mou = _requested("José Núñez")
    signed = services.mou_sign(mou=mou, signature_name="  jose   nunez ", confirmed=True, ip=None)
    assert signed.status == MOU.Status.SIGNED and signed.signature_name == "jose nunez"


def _token(mou: MOU) -> str:
    from pac.workflow import new_token

    token, digest = new_token()
    MOU.objects.filter(pk=mou.pk).update(token_hash=digest)
    return token


def test_the_link_page_names_the_signer_and_refuses_a_wrong_name_keeping_what_was_typed(client):
    mou = _requested()
    url = reverse("applications:mou_sign", args=[_token(mou)])
    page = client.get(url).content.decode()
    assert "Type your full name to sign, as shown: Dana Director" in page
    response = client.post(url, {"action": "sign", "signature_name": "Someone Else", "confirm": "on"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "“Someone Else” is not the name this MOU was sent to (Dana Director)" in body
    assert 'value="Someone Else"' in body  # nothing the signer typed is lost
    assert 'aria-invalid="true"' in body  # the error is on the name field
    mou.refresh_from_db()
    assert mou.status == MOU.Status.REQUESTED
    client.post(url, {"action": "sign", "signature_name": "dana DIRECTOR", "confirm": "on", **LEADER})
    mou.refresh_from_db()
    assert mou.status == MOU.Status.SIGNED


def test_a_leader_with_an_account_signing_in_app_is_checked_the_same_way(client):
    leader = UserFactory(email="lee.leader@example.org")
    application = ApplicationFactory()
    mou = services.mou_request(
        application=application, actor=application.created_by, signer_name="Lee Leader", signer_email=leader.email
    )
    client.force_login(leader)
    url = reverse("applications:mou_sign_mine", args=[mou.pk])
    response = client.post(url, {"action": "sign", "signature_name": "Someone Else", "confirm": "on"})
    assert response.status_code == 400
    assert "is not the name this MOU was sent to (Lee Leader)" in response.content.decode()
    mou.refresh_from_db()
    assert mou.status == MOU.Status.REQUESTED
    client.post(url, {"action": "sign", "signature_name": "LEE LEADER", "confirm": "on", **LEADER})
    mou.refresh_from_db()
    assert mou.status == MOU.Status.SIGNED and mou.signed_by_user == leader
