"""The page benchmark's list of pages (tests/benchmarks/pages.py) stays true: every page resolves and
answers 200 for the demo login that opens it (a redirect or a 403 would be timed as a fast page), and
docs/performance.md lists the same pages. The bare views exist only in the benchmark's URLconf."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from tests.benchmarks.pages import (
    CHART,
    DOC_END,
    DOC_START,
    PAGES,
    REGISTRY,
    STATIC,
    TARGETED,
    registry_markdown,
    selected,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_every_benchmarked_page_answers_200_for_its_role_on_the_demo(settings, client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from pac.models import User
    from pac.permissions import requires_two_factor

    settings.ROOT_URLCONF = "pac.benchmark_urls"
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    wrong = []
    for role in sorted({page.role for page in REGISTRY if page.role}):
        user = User.objects.get(email=f"{role}@pac.demo")
        if requires_two_factor(user):
            TOTP.activate(user, generate_totp_secret())  # as the benchmark does: staff have enrolled
    for page in REGISTRY:
        if page.kind == STATIC:  # files the benchmark writes for its own server
            continue
        client.logout()
        if page.role:
            client.force_login(User.objects.get(email=page.email))
        path = page.resolve(client)
        response = client.get(path)
        if page.embedded is not None and response.status_code == 302:  # drawn on the first request, then cached
            client.get(response["Location"])
            response = client.get(path)
        if response.status_code != 200:
            wrong.append(f"{page.key} {path} as {page.role}: {response.status_code} {response.get('Location', '')}")
        elif page.kind == CHART and not response["Content-Type"].startswith("image/svg+xml"):
            wrong.append(f"{page.key} {path}: {response['Content-Type']}")
    assert not wrong, "\n".join(wrong)


def test_the_registry_is_well_formed():
    keys = [page.key for page in REGISTRY]
    assert len(keys) == len(set(keys))
    for page in PAGES:
        assert page.anchor is None or page.kind in TARGETED, f"{page.key}: only list pages are compared with the admin"
    statics = [page for page in REGISTRY if page.kind == STATIC]
    assert {page.copy_of for page in statics} == {page.key for page in PAGES if page.kind == CHART}
    # choosing pages keeps what they are compared with
    chosen = {page.key for page in selected({"staff-progress", "chart-cohort"})}
    assert {"bare", "bare-signed-in", "admin-reviews", "static-cohort"} <= chosen
    assert "staff-pipeline" not in chosen


def test_docs_list_the_benchmarked_pages():
    text = (ROOT / "docs" / "performance.md").read_text()
    assert DOC_START in text and DOC_END in text
    listed = DOC_START + text.split(DOC_START, 1)[1].split(DOC_END, 1)[0] + DOC_END
    assert listed == registry_markdown(), (
        "docs/performance.md's table of benchmarked pages differs from tests/benchmarks/pages.py; "
        "paste registry_markdown() between its markers"
    )


def test_the_bare_views_are_only_in_the_benchmark_urlconf(settings):
    with pytest.raises(NoReverseMatch):
        reverse("bench_ok")
    settings.ROOT_URLCONF = "pac.benchmark_urls"
    assert reverse("bench_ok") == "/bench/ok"
    assert reverse("bench_ok_signed_in") == "/bench/ok-signed-in"
    assert reverse("applications:pipeline") == "/applications/staff/"  # the rest of PAC is still there
