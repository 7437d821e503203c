"""Document jobs: request, run, progress, download with permission checked again, failure and
retry, a dead worker, a broker that is down, expiry; and the PAC print layout."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pypdf
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from pac.documents import registry
from pac.documents.models import DocumentJob
from pac.documents.services import (
    document_job_request,
    document_job_retry,
    document_job_run,
    documents_sweep,
)
from pac.tasks import document_job_task, documents_sweep_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = DocumentJob.Status
DENIED: set[int] = set()
BUILDS: list[dict] = []


def _build(params: dict, progress) -> registry.Built:
    BUILDS.append(params)
    progress(50, "Halfway")
    if params.get("fail"):
        raise RuntimeError("renderer exploded: /secret/path")
    return registry.Built(
        content=f"document {params['n']}".encode(), filename=f"sample-{params['n']}.txt", content_type="text/plain"
    )


registry.register(
    registry.DocumentKind(
        key="tests.sample",
        label="Sample",
        build=_build,
        allowed=lambda user, params: user.is_authenticated and user.pk not in DENIED,
        source_url=lambda params: "/my-work/",
    )
)


LATE: list = []


def _build_after_the_sweep_gave_up(params: dict, progress) -> registry.Built:
    DocumentJob.objects.filter(pk=LATE[-1]).update(status=Status.FAILED, error="stalled")
    return registry.Built(content=b"late", filename="late.txt", content_type="text/plain")


registry.register(
    registry.DocumentKind(
        key="tests.late", label="Late", build=_build_after_the_sweep_gave_up, allowed=lambda user, params: True
    )
)


@pytest.fixture(autouse=True)
def _reset():
    DENIED.clear()
    BUILDS.clear()


def request_job(user, django_capture_on_commit_callbacks, **params) -> DocumentJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = document_job_request(user=user, kind="tests.sample", params={"n": 1, **params}, title="Sample document")
    job.refresh_from_db()
    return job


def test_a_requested_job_runs_once_committed_and_keeps_its_file_until_it_expires(
    plain_user, django_capture_on_commit_callbacks, settings
):
    settings.PAC_DOCUMENT_TTL_HOURS = 5
    before = timezone.now()
    job = request_job(plain_user, django_capture_on_commit_callbacks)
    assert job.status == Status.DONE
    assert job.progress == 100
    assert job.attempts == 1
    assert job.size == len(b"document 1")
    assert job.filename == "sample-1.txt"
    assert job.file.read() == b"document 1"
    assert job.expires_at - job.finished_at == datetime.timedelta(hours=5)
    assert job.finished_at >= before
    assert job.is_downloadable


def test_asking_twice_while_queued_makes_one_job(plain_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = document_job_request(user=plain_user, kind="tests.sample", params={"n": 1}, title="Sample")
        second = document_job_request(user=plain_user, kind="tests.sample", params={"n": 1}, title="Sample")
        other = document_job_request(user=plain_user, kind="tests.sample", params={"n": 2}, title="Sample")
    assert first.pk == second.pk != other.pk
    assert DocumentJob.objects.count() == 2


def test_a_person_without_permission_cannot_request(plain_user):
    DENIED.add(plain_user.pk)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        document_job_request(user=plain_user, kind="tests.sample", params={"n": 1}, title="Sample")
    assert not DocumentJob.objects.exists()


def test_the_task_is_idempotent_a_redelivered_message_does_nothing(plain_user, django_capture_on_commit_callbacks):
    job = request_job(plain_user, django_capture_on_commit_callbacks)
    assert document_job_task(str(job.pk)) is False
    assert document_job_run(job_id=str(job.pk)) is False
    assert len(BUILDS) == 1
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_failure_keeps_no_file_shows_a_plain_message_and_can_be_retried(
    plain_user, django_capture_on_commit_callbacks, client
):
    job = request_job(plain_user, django_capture_on_commit_callbacks, fail=True)
    assert job.status == Status.FAILED
    assert not job.file
    assert "RuntimeError" in job.error and "/secret/path" not in job.error  # internals stay in the log
    client.force_login(plain_user)
    page = client.get(reverse("documents:job", kwargs={"job_id": job.pk}))
    assert b"could not be produced" in page.content and b"Retry" in page.content
    assert client.get(reverse("documents:download", kwargs={"job_id": job.pk})).status_code == 302

    DocumentJob.objects.filter(pk=job.pk).update(params={"n": 1})  # the cause is fixed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:retry", kwargs={"job_id": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.DONE and job.attempts == 2 and job.error == ""


def test_a_worker_that_dies_mid_job_leaves_a_retryable_job_without_a_file(
    plain_user, settings, django_capture_on_commit_callbacks
):
    settings.PAC_DOCUMENT_STALE_MINUTES = 30
    job = DocumentJob.objects.create(
        requested_by=plain_user,
        kind="tests.sample",
        params={"n": 1},
        title="Sample",
        status=Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=10),
        progress=40,
    )
    assert documents_sweep()["stalled"] == 0  # still within the time a document may take
    DocumentJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - datetime.timedelta(minutes=31))
    assert documents_sweep()["stalled"] == 1
    job.refresh_from_db()
    assert job.status == Status.FAILED and not job.file and not job.is_downloadable
    assert "worker stopped" in job.error
    with django_capture_on_commit_callbacks(execute=True):
        retried = document_job_retry(job=job, user=plain_user)
    retried.refresh_from_db()
    assert retried.status == Status.DONE


def test_a_run_the_sweep_gave_up_on_does_not_overwrite_the_job(plain_user):
    job = DocumentJob.objects.create(requested_by=plain_user, kind="tests.late", params={}, title="Sample")
    LATE.append(job.pk)
    assert document_job_run(job_id=str(job.pk)) is False
    job.refresh_from_db()
    assert job.status == Status.FAILED and not job.file
    assert not default_storage.exists(f"documents/{timezone.now():%Y/%m}/{job.pk}.txt")  # the late file is removed


def test_a_job_queued_while_the_broker_was_down_is_enqueued_by_the_sweep(
    plain_user, django_capture_on_commit_callbacks
):
    with mock.patch("pac.tasks.document_job_task.delay", side_effect=ConnectionError("redis down")):
        with django_capture_on_commit_callbacks(execute=True):
            job = document_job_request(user=plain_user, kind="tests.sample", params={"n": 1}, title="Sample")
    job.refresh_from_db()
    assert job.status == Status.QUEUED  # the request itself did not fail
    assert documents_sweep()["requeued"] == 0  # too recent to be called lost
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert documents_sweep(now=later)["requeued"] == 1
    job.refresh_from_db()
    assert job.status == Status.DONE


def test_expired_files_are_removed_and_the_download_says_so(plain_user, client, django_capture_on_commit_callbacks):
    job = request_job(plain_user, django_capture_on_commit_callbacks)
    name = job.file.name
    assert default_storage.exists(name)
    client.force_login(plain_user)
    assert client.get(reverse("documents:download", kwargs={"job_id": job.pk})).status_code == 200

    DocumentJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("documents:download", kwargs={"job_id": job.pk}))
    assert response.status_code == 410  # past its time, even before the sweep ran
    assert b"no longer available" in response.content

    assert documents_sweep_task()["expired"] == 1
    job.refresh_from_db()
    assert job.status == Status.EXPIRED and not job.file and job.expired_at
    assert not default_storage.exists(name)
    response = client.get(reverse("documents:download", kwargs={"job_id": job.pk}))
    assert response.status_code == 410
    assert b"expired and was removed on" in b" ".join(response.content.split())
    assert documents_sweep()["expired"] == 0  # running the sweep again changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("documents:retry", kwargs={"job_id": job.pk}))
    fresh = DocumentJob.objects.exclude(pk=job.pk).get()
    assert again.url == reverse("documents:job", kwargs={"job_id": fresh.pk})
    assert fresh.status == Status.DONE
    job.refresh_from_db()
    assert job.status == Status.EXPIRED  # the old record stays as it was


def test_only_the_requester_sees_a_job_and_download_checks_permission_again(
    plain_user, client, django_capture_on_commit_callbacks
):
    job = request_job(plain_user, django_capture_on_commit_callbacks)
    urls = [reverse(f"documents:{name}", kwargs={"job_id": job.pk}) for name in ("job", "download")]
    other = UserFactory()
    client.force_login(other)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(reverse("documents:retry", kwargs={"job_id": job.pk})).status_code == 404
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(plain_user)
    download = client.get(urls[1])
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="sample-1.txt"'
    assert download["Cache-Control"] == "private, no-store"
    DENIED.add(plain_user.pk)  # lost access since asking
    assert client.get(urls[1]).status_code == 403


def test_a_guessed_or_malformed_job_id_is_a_404(plain_user, client):
    client.force_login(plain_user)
    assert client.get("/documents/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/documents/not-a-uuid/").status_code == 404


def test_the_job_page_polls_while_unfinished_and_stops_when_done(plain_user, client):
    job = DocumentJob.objects.create(
        requested_by=plain_user,
        kind="tests.sample",
        params={"n": 1},
        title="Sample",
        status=Status.RUNNING,
        progress=40,
        stage="Laying out 1000 pairs",
    )
    client.force_login(plain_user)
    url = reverse("documents:job", kwargs={"job_id": job.pk})
    page = client.get(url)
    assert b'hx-trigger="every 2s"' in page.content
    assert b'value="40" max="100"' in page.content and b"Laying out 1000 pairs" in page.content
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.content.lstrip().startswith(b'<section id="job-status"')
    assert b"<html" not in fragment.content
    document_job_run(job_id=str(job.pk))  # not queued: nothing happens
    DocumentJob.objects.filter(pk=job.pk).update(status=Status.QUEUED)
    document_job_run(job_id=str(job.pk))
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert b"hx-trigger" not in fragment.content
    assert b"Download sample-1.txt" in fragment.content


def test_my_documents_lists_only_my_jobs_with_a_constant_number_of_queries(
    plain_user, client, django_assert_num_queries
):
    other = UserFactory()
    DocumentJob.objects.create(requested_by=other, kind="tests.sample", params={}, title="Someone else's")
    client.force_login(plain_user)
    for n in (2, 12):
        for i in range(n):
            DocumentJob.objects.create(
                requested_by=plain_user, kind="tests.sample", params={"batch": n, "i": i}, title=f"Mine {i}"
            )
        with django_assert_num_queries(9):  # session, user, groups, count, page; the rest is the navigation
            response = client.get(reverse("documents:jobs"))
        assert b"Someone else" not in response.content
        assert b"Mine 1" in response.content


def test_the_print_layout_numbers_pages_dates_and_titles_the_document(settings):
    from pathlib import Path

    from pac.documents.render import pdf_render

    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], Path(__file__).parent.parent / "templates"]}]

    pdf = pdf_render("documents/test_print.html", {"rows": range(120)}, title="Layout check")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    today = timezone.localdate().strftime("%B %-d, %Y")
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "PAC · Peer Assistance and Coaching" in text
        assert f"Generated {today}" in text
        assert "Row Value" in text  # the table's header repeats on every page
    assert reader.metadata.title == "Layout check"


def test_the_print_stylesheet_is_parsed_once_and_its_fonts_are_embedded(settings):
    """The layout (pac/documents/print.css) is parsed once per process, not on every render, and
    still embeds the PAC fonts and styles what a template adds on top of it."""
    from pathlib import Path

    import weasyprint

    from pac.documents import render

    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], Path(__file__).parent.parent / "templates"]}]
    render.print_stylesheet.cache_clear()
    with mock.patch.object(weasyprint, "CSS", wraps=weasyprint.CSS) as parsed:
        pdfs = [render.pdf_render("documents/test_print.html", {"rows": range(3)}, title=f"Run {n}") for n in (1, 2)]
    assert parsed.call_count == 1
    for pdf in pdfs:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        fonts = {
            str(font["/BaseFont"]).split("+")[-1]
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        }
        assert fonts == {"PAC-Sans", "PAC-Sans-Bold"}


def test_the_admin_lists_jobs_read_only(admin_client_staff, plain_user):
    DocumentJob.objects.create(requested_by=plain_user, kind="tests.sample", params={}, title="Listed job")
    response = admin_client_staff.get(reverse("admin:pac_documentjob_changelist"))
    assert response.status_code == 200 and b"Listed job" in response.content
    assert admin_client_staff.get(reverse("admin:pac_documentjob_add")).status_code == 403


@pytest.fixture
def admin_client_staff(client, staff_user):
    client.force_login(staff_user)
    return client
