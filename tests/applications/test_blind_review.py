"""Blind Tier 2 review is one question (``applications.permissions.review_is_blind``) that every
page, download and bundle asks; nothing else reads the year's setting."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from applications import documents
from applications.permissions import review_is_blind
from tests.applications import test_documents
from tests.applications.test_documents import pdf_text

pytestmark = pytest.mark.django_db

world = test_documents.world  # an application in Tier 2 review, its committee, applicant and staff


def _blind_year(application, blind: bool = True) -> None:
    application.program_year.tier2_blind = blind
    application.program_year.save()


def test_in_a_blind_year_everyone_but_eec_staff_sees_the_review_blind(world):
    application = world["application"]
    _blind_year(application)
    assert review_is_blind(world["assigned"], application)
    assert review_is_blind(world["unassigned"], application)
    assert review_is_blind(world["applicant"], application)
    assert review_is_blind(None, application)  # an account PAC no longer knows
    assert not review_is_blind(world["staff"], application)


def test_in_an_open_year_no_one_sees_it_blind(world):
    application = world["application"]
    _blind_year(application, False)
    assert not any(review_is_blind(world[who], application) for who in ("assigned", "applicant", "staff"))


@pytest.mark.parametrize("blind", [True, False])
def test_a_members_committee_bundle_is_blind_exactly_when_their_packet_page_is(world, blind):
    application = world["application"]
    _blind_year(application, blind)
    member = world["assigned"]
    built = documents.committee_bundle(
        {"committee": world["committee"].pk, "reviewer": member.pk}, lambda progress, stage: None
    )
    archive = zipfile.ZipFile(io.BytesIO(built.content))
    packet = pdf_text(archive.read(f"{application.reference}/packet-{application.reference}.pdf"))
    assert (application.applicant.full_name not in packet) is review_is_blind(member, application) is blind
    # staff bundles name the applicant whatever the year
    staff_built = documents.committee_bundle({"committee": world["committee"].pk}, lambda progress, stage: None)
    staff_archive = zipfile.ZipFile(io.BytesIO(staff_built.content))
    assert application.applicant.full_name in pdf_text(
        staff_archive.read(f"{application.reference}/packet-{application.reference}.pdf")
    )


def test_only_the_one_question_reads_the_years_blind_review_setting():
    root = Path(settings.BASE_DIR)
    allowed = {Path("pac/models.py"), Path("applications/permissions.py")}
    readers = set()
    ours = [Path(config.path) for config in apps.get_app_configs() if Path(config.path).is_relative_to(root / "")]
    for app in ours:
        if ".venv" in app.parts:
            continue
        for path in app.rglob("*"):
            if path.suffix not in (".py", ".html") or "migrations" in path.parts:
                continue
            if re.search(r"\btier2_blind\b", path.read_text(encoding="utf-8")):
                readers.add(path.relative_to(root))
    assert readers == allowed, "ask applications.permissions.review_is_blind instead of reading tier2_blind"
