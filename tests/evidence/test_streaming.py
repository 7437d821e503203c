"""evidence.streaming: byte ranges as Safari on iPhone needs them, and the nginx and S3 hand-offs.

No database: a FileSystemStorage in tmp_path holds a file of known bytes."""

from __future__ import annotations

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.http import Http404, StreamingHttpResponse
from django.test import RequestFactory
from django.utils.http import http_date

from evidence.streaming import BLOCK_SIZE, clip_response, parse_range

SIZE = 100_000
DATA = bytes(i * 7 % 251 for i in range(SIZE))  # no two neighbouring blocks alike, so offsets show
NAME = "clips/lesson.mp4"

# a response's close() sends request_finished, which closes old database connections: a test that ran
# before may have opened one, so these take the database marker although they read no rows
pytestmark = pytest.mark.django_db


class TrackingStorage(FileSystemStorage):
    """Remembers every file it opens, so a test can see it was closed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.opened = []

    def open(self, name, mode="rb"):
        file = super().open(name, mode)
        self.opened.append(file)
        return file


class SigningStorage(FileSystemStorage):
    """Stands in for django-storages' S3Storage, whose url() takes `expire`."""

    def url(self, name, expire=None):
        return f"https://objects.example.org/{name}?X-Amz-Expires={expire}&X-Amz-Signature=abc"


@pytest.fixture
def storage(tmp_path):
    storage = TrackingStorage(location=tmp_path)
    (tmp_path / "clips").mkdir()
    (tmp_path / NAME).write_bytes(DATA)
    return storage


@pytest.fixture
def rf():
    return RequestFactory()


def serve(rf, storage, method="get", name=NAME, filename="lesson.mp4", **headers):
    request = getattr(rf, method)("/evidence/clip/1/", headers=headers)
    return clip_response(request, storage=storage, name=name, content_type="video/mp4", filename=filename)


def body(response):
    content = b"".join(response)
    response.close()
    return content


def test_no_range_sends_whole_file_with_headers(rf, storage):
    response = serve(rf, storage)
    assert response.status_code == 200
    assert body(response) == DATA
    assert response["Content-Length"] == str(SIZE)
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="lesson.mp4"'
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"] == http_date(storage.get_modified_time(NAME).timestamp())
    assert not response.has_header("Content-Range")


def test_no_filename_no_content_disposition(rf, storage):
    response = serve(rf, storage, filename="")
    assert not response.has_header("Content-Disposition")
    body(response)


def test_safari_probe_gets_two_bytes(rf, storage):
    response = serve(rf, storage, range="bytes=0-1")
    assert response.status_code == 206
    assert body(response) == DATA[:2]
    assert response["Content-Range"] == f"bytes 0-1/{SIZE}"
    assert response["Content-Length"] == "2"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=1000-70999", 1000, 70999),  # a middle range, longer than one block
        ("bytes=99000-", 99000, SIZE - 1),  # open-ended
        ("bytes=-500", SIZE - 500, SIZE - 1),  # suffix
        ("bytes=-200000", 0, SIZE - 1),  # suffix longer than the file: all of it
        ("bytes=99990-200000", 99990, SIZE - 1),  # end beyond the size, clamped
        ("bytes=0-9999999999", 0, SIZE - 1),
        ("bytes=99999-99999", 99999, 99999),  # the last byte
        ("BYTES=10-19", 10, 19),  # the unit is case-insensitive
    ],
)
def test_satisfiable_ranges(rf, storage, header, first, last):
    response = serve(rf, storage, range=header)
    assert response.status_code == 206
    assert body(response) == DATA[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)


@pytest.mark.parametrize("header", ["bytes=100000-", "bytes=-0", "bytes=100000-100005", "bytes=200000-,-0"])
def test_unsatisfiable_range_is_416(rf, storage, header):
    response = serve(rf, storage, range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert response.content == b""
    assert response["Cache-Control"] == "private, no-store"
    assert storage.opened == []


@pytest.mark.parametrize(
    "header",
    [
        "bytes=abc",
        "items=0-1",
        "bytes=5-2",
        "bytes=99999999999999999999999-",
        "bytes=0-99999999999999999999999",
        "bytes=-99999999999999999999999",
        "bytes=0-1\x00",
        "bytes=\x000-1",
        "bytes=",
        "bytes=-",
        "bytes=,",
        "bytes=0-1,abc",
        "bytes=1_0-20",
        "bytes=١-٢",  # Arabic-Indic digits, which int() would accept
        "bytes=+1-2",
        "bytes 0-1",
        "",
    ],
)
def test_malformed_range_is_ignored(rf, storage, header):
    response = serve(rf, storage, range=header)
    assert response.status_code == 200
    assert body(response) == DATA
    assert not response.has_header("Content-Range")


def test_multiple_ranges_answer_the_first_satisfiable(rf, storage):
    response = serve(rf, storage, range="bytes=0-1, 5-9")
    assert response.status_code == 206
    assert body(response) == DATA[:2]
    assert response["Content-Range"] == f"bytes 0-1/{SIZE}"

    response = serve(rf, storage, range="bytes=200000-300000,10-19")
    assert response.status_code == 206
    assert body(response) == DATA[10:20]


def test_head_sends_headers_without_body(rf, storage):
    response = serve(rf, storage, method="head")
    assert response.status_code == 200
    assert response["Content-Length"] == str(SIZE)
    assert response.content == b""
    assert storage.opened == []  # not even opened

    response = serve(rf, storage, method="head", range="bytes=0-1")
    assert response.status_code == 206
    assert response["Content-Length"] == "2"
    assert response["Content-Range"] == f"bytes 0-1/{SIZE}"
    assert response.content == b""


def test_other_methods_refused(rf, storage):
    assert serve(rf, storage, method="post").status_code == 405


def test_if_range_matching_etag_or_date_serves_the_range(rf, storage):
    etag = serve(rf, storage, method="head")["ETag"]
    response = serve(rf, storage, range="bytes=0-1", if_range=etag)
    assert response.status_code == 206
    assert body(response) == DATA[:2]

    last_modified = serve(rf, storage, method="head")["Last-Modified"]
    response = serve(rf, storage, range="bytes=0-1", if_range=last_modified)
    assert response.status_code == 206
    body(response)


@pytest.mark.parametrize("if_range", ['"stale-etag"', 'W/"weak"', "Wed, 21 Oct 2015 07:28:00 GMT", "not a date", "W/"])
def test_if_range_mismatch_sends_whole_file(rf, storage, if_range):
    response = serve(rf, storage, range="bytes=0-1", if_range=if_range)
    assert response.status_code == 200
    assert body(response) == DATA


def test_weak_form_of_our_etag_does_not_match(rf, storage):
    etag = serve(rf, storage, method="head")["ETag"]
    response = serve(rf, storage, range="bytes=0-1", if_range=f"W/{etag}")
    assert response.status_code == 200
    body(response)


def test_etag_changes_with_the_file(rf, storage, tmp_path):
    before = serve(rf, storage, method="head")["ETag"]
    (tmp_path / NAME).write_bytes(DATA[:-1])
    assert serve(rf, storage, method="head")["ETag"] != before


def test_empty_file(rf, storage, tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    response = serve(rf, storage, name="empty.mp4")
    assert response.status_code == 200
    assert response["Content-Length"] == "0"
    assert body(response) == b""

    for header in ("bytes=0-1", "bytes=0-", "bytes=-5"):
        response = serve(rf, storage, name="empty.mp4", range=header)
        assert response.status_code == 416
        assert response["Content-Range"] == "bytes */0"


def test_missing_file_is_404(rf, storage):
    with pytest.raises(Http404):
        serve(rf, storage, name="clips/gone.mp4")


def test_body_is_streamed_in_blocks(rf, storage):
    response = serve(rf, storage, range="bytes=10-")
    assert isinstance(response, StreamingHttpResponse)
    blocks = list(response.streaming_content)
    assert len(blocks) > 1
    assert all(len(block) <= BLOCK_SIZE for block in blocks)
    assert b"".join(blocks) == DATA[10:]
    response.close()


def test_file_closed_after_consuming(rf, storage):
    response = serve(rf, storage, range="bytes=0-1")
    assert len(storage.opened) == 1
    assert not storage.opened[0].closed
    body(response)
    assert storage.opened[0].closed


def test_file_closed_when_response_closed_unread(rf, storage):
    response = serve(rf, storage)
    response.close()  # the client went away before the first block
    assert storage.opened[0].closed


def test_file_closed_when_closed_midway(rf, storage):
    response = serve(rf, storage)
    next(iter(response))
    response.close()
    assert storage.opened[0].closed


def test_x_accel_hands_the_file_to_nginx(rf, storage, settings):
    settings.PAC_CLIP_DELIVERY = "x-accel"
    response = serve(rf, storage, name="clips/Ms Núñez lesson #1?.mp4", filename="Núñez.mp4")
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/clips/Ms%20N%C3%BA%C3%B1ez%20lesson%20%231%3F.mp4"
    assert response["Content-Type"] == "video/mp4"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''N%C3%BA%C3%B1ez.mp4"
    assert storage.opened == []


def test_x_accel_prefix_setting_and_header_injection(rf, storage, settings):
    settings.PAC_CLIP_DELIVERY = "x-accel"
    settings.PAC_CLIP_ACCEL_PREFIX = "/internal/"
    response = serve(rf, storage, name="a\r\nSet-Cookie: x=1.mp4")
    assert response["X-Accel-Redirect"] == "/internal/a%0D%0ASet-Cookie%3A%20x%3D1.mp4"


def test_x_accel_refuses_names_that_climb_out(rf, storage, settings):
    settings.PAC_CLIP_DELIVERY = "x-accel"
    with pytest.raises(SuspiciousFileOperation):
        serve(rf, storage, name="../secrets.txt")


def test_signed_url_redirects(rf, tmp_path, settings):
    settings.PAC_CLIP_DELIVERY = "signed-url"
    settings.PAC_CLIP_URL_SECONDS = 120
    response = serve(rf, SigningStorage(location=tmp_path))
    assert response.status_code == 302
    assert response["Location"] == f"https://objects.example.org/{NAME}?X-Amz-Expires=120&X-Amz-Signature=abc"
    assert response["Cache-Control"] == "private, no-store"


def test_signed_url_default_lifetime(rf, tmp_path, settings):
    settings.PAC_CLIP_DELIVERY = "signed-url"
    del settings.PAC_CLIP_URL_SECONDS  # whether or not base.py defines it yet
    response = serve(rf, SigningStorage(location=tmp_path))
    assert "X-Amz-Expires=300&" in response["Location"]


def test_signed_url_falls_back_to_streaming(rf, storage, settings):
    settings.PAC_CLIP_DELIVERY = "signed-url"  # FileSystemStorage.url() takes no expire
    response = serve(rf, storage, range="bytes=0-1")
    assert response.status_code == 206
    assert body(response) == DATA[:2]


def test_unknown_mode_fails_loudly(rf, storage, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.PAC_CLIP_DELIVERY = "ftp"
    with pytest.raises(ImproperlyConfigured):
        serve(rf, storage)


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-1", 10, (0, 1)),
        ("bytes=0-", 10, (0, 9)),
        ("bytes=-3", 10, (7, 9)),
        ("bytes=5-100", 10, (5, 9)),
        ("bytes=10-", 10, "unsatisfiable"),
        ("bytes=-0", 10, "unsatisfiable"),
        ("bytes=0-0", 0, "unsatisfiable"),
        ("bytes=-1", 0, "unsatisfiable"),
        (" bytes=0-1", 10, None),
        ("bytes=0-1,", 10, (0, 1)),  # empty list elements are ignored
        ("bytes=3-2", 10, None),
        ("octets=0-1", 10, None),
    ],
)
def test_parse_range(header, size, expected):
    assert parse_range(header, size) == expected
