"""Hand a stored clip (a classroom video of up to several GB, or its JPEG poster) to the browser.

`clip_response()` is called by a view that has ALREADY checked the viewer may see the clip; it only
decides how the bytes travel. Seeking must work everywhere, and Safari on iPhone is the strictest:
it first asks for `Range: bytes=0-1` and refuses to play a video whose server does not answer with
206 Partial Content. How the bytes travel is chosen by `settings.PAC_CLIP_DELIVERY` (environment
variable PAC_CLIP_DELIVERY):

"django" (the default: development, tests, small deployments)
    Django reads the file from the storage in 64 KB blocks and answers byte ranges itself (RFC 9110:
    206, 416, If-Range). The file is never read into memory whole, but a long video holds one
    gunicorn worker for as long as the download lasts, so larger deployments use one of the others.
    The iterator is synchronous: under ASGI Django would buffer it whole, so run this mode on WSGI.

"x-accel" (nginx in front of gunicorn, media on a disk nginx can read)
    Django answers with no body and `X-Accel-Redirect: {PAC_CLIP_ACCEL_PREFIX}{name}` (environment
    variable PAC_CLIP_ACCEL_PREFIX, default "/protected-media/"); nginx then sends the file and does
    ranges, If-Range and sendfile itself. nginx keeps the Content-Type, Content-Disposition,
    Cache-Control and Accept-Ranges that Django set, but drops other headers, so nosniff is added in
    the location. The location must be `internal`, or anyone could fetch a clip by its path::

        location /protected-media/ {
            internal;
            alias /path/to/media/;  # MEDIA_ROOT, with the trailing slash
            add_header X-Content-Type-Options nosniff always;
        }

"signed-url" (S3-compatible object storage through django-storages)
    Django answers 302 to a presigned URL that expires after PAC_CLIP_URL_SECONDS (environment
    variable of that name, default 300), and the object store serves the ranges. The URL is a
    bearer token for its lifetime, so keep it short; the response carries the Content-Type stored
    with the object at upload. Only a storage whose `url()` accepts `expire` can sign (S3Storage
    does); with any other storage this mode falls back to "django".

Every mode sends `Cache-Control: private, no-store`: these are videos of children, and no shared
cache, nor the browser's disk cache, should keep a copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Literal
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage
from django.core.files.utils import validate_file_name
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

BLOCK_SIZE = 64 * 1024
CACHE_CONTROL = "private, no-store"
DEFAULT_ACCEL_PREFIX = "/protected-media/"
DEFAULT_URL_SECONDS = 300

# One range-spec of RFC 9110 §14.1.1: "first-last", "first-" or "-suffix", ASCII digits only (int()
# alone would also take "1_000", " 12" and non-ASCII digits). More than 18 digits is more than any
# file could hold, so such a header is treated as malformed rather than turned into a giant int.
_RANGE_SPEC = re.compile(r"(?:(?P<first>[0-9]{1,18})-(?P<last>[0-9]{0,18})|-(?P<suffix>[0-9]{1,18}))", re.ASCII)
_UNIT = re.compile(r"bytes=", re.ASCII | re.IGNORECASE)  # range units are case-insensitive


def parse_range(header: str, size: int) -> tuple[int, int] | None | Literal["unsatisfiable"]:
    """The inclusive (first, last) byte positions a Range header asks for in a file of `size` bytes.

    None means "ignore the header and send the whole file" (RFC 9110 lets a server do so for a
    malformed header or an unknown unit); "unsatisfiable" means answer 416.

    Several ranges (`bytes=0-1,5-9`) are answered with the first satisfiable one alone, as a plain
    206 whose Content-Range says which bytes it holds; multipart/byteranges is not implemented,
    since no media player asks for it, and a client that sends several ranges must read
    Content-Range anyway. Only when none of them is satisfiable is the answer 416.
    """
    if not isinstance(header, str) or not _UNIT.match(header):
        return None
    specs = [spec.strip(" \t") for spec in header[len("bytes=") :].split(",")]
    specs = [spec for spec in specs if spec]  # RFC 9110 §5.6.1.2: ignore empty list elements
    if not specs:
        return None
    parsed = []
    for spec in specs:  # one malformed spec makes the whole header malformed
        match = _RANGE_SPEC.fullmatch(spec)
        if match is None:
            return None
        if match["suffix"] is not None:
            parsed.append((None, int(match["suffix"])))
            continue
        first, last = int(match["first"]), match["last"]
        if last and int(last) < first:  # "bytes=5-2" is invalid, not empty
            return None
        parsed.append((first, int(last) if last else None))
    for first, last in parsed:
        if first is None:  # suffix: the final `last` bytes; "-0" and any suffix of an empty file select nothing
            if last == 0 or size == 0:
                continue
            return max(size - last, 0), size - 1
        if first >= size:
            continue
        return first, size - 1 if last is None else min(last, size - 1)
    return "unsatisfiable"


def clip_response(
    request: HttpRequest, *, storage: Storage, name: str, content_type: str, filename: str = ""
) -> HttpResponseBase:
    """The response that delivers `name` from `storage` (permission already checked by the caller).

    The mode comes from settings.PAC_CLIP_DELIVERY; see the module docstring. Answers GET and HEAD
    (405 otherwise); a file missing from the storage is a 404.
    """
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    mode = getattr(settings, "PAC_CLIP_DELIVERY", "django")
    if mode == "x-accel":
        return _accel_response(name=name, content_type=content_type, filename=filename)
    if mode == "signed-url":
        response = _signed_url_response(storage=storage, name=name)
        if response is not None:
            return response
        return _django_response(request, storage=storage, name=name, content_type=content_type, filename=filename)
    if mode == "django":
        return _django_response(request, storage=storage, name=name, content_type=content_type, filename=filename)
    raise ImproperlyConfigured(f"PAC_CLIP_DELIVERY must be 'django', 'x-accel' or 'signed-url', not {mode!r}")


def _private(response: HttpResponseBase, *, filename: str = "") -> HttpResponseBase:
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    if filename:
        response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def _accel_response(*, name: str, content_type: str, filename: str) -> HttpResponse:
    # nginx resolves "..", so a name that climbs out of the media directory is refused here, as
    # the storage itself would refuse it when opening the file.
    validate_file_name(name, allow_relative_path=True)
    prefix = getattr(settings, "PAC_CLIP_ACCEL_PREFIX", DEFAULT_ACCEL_PREFIX)
    response = HttpResponse(content_type=content_type)
    # quote() also turns CR/LF into %0D%0A, so a name can never split the header; nginx decodes it.
    response["X-Accel-Redirect"] = prefix + quote(name, safe="/")
    return _private(response, filename=filename)


def _signed_url_response(*, storage: Storage, name: str) -> HttpResponse | None:
    seconds = int(getattr(settings, "PAC_CLIP_URL_SECONDS", DEFAULT_URL_SECONDS))
    try:
        url = storage.url(name, expire=seconds)
    except TypeError:  # this storage cannot sign (FileSystemStorage.url takes no expire)
        return None
    response = HttpResponse(status=302)
    response["Location"] = url
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _validators(storage: Storage, name: str, size: int) -> tuple[str, float | None]:
    """A strong ETag (size and modification time, or size alone) and the modification timestamp."""
    try:
        modified = storage.get_modified_time(name).timestamp()
    except (NotImplementedError, OSError, AttributeError):
        return f'"{size:x}"', None
    return f'"{size:x}-{int(modified * 1_000_000):x}"', modified


def _if_range_matches(value: str, *, etag: str, modified: float | None) -> bool:
    """RFC 9110 §13.1.5: the range applies only if the validator is our strong ETag, or exactly our
    Last-Modified date; a weak tag never matches."""
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == etag
    date = parse_http_date_safe(value)
    return date is not None and modified is not None and date == int(modified)


def _django_response(
    request: HttpRequest, *, storage: Storage, name: str, content_type: str, filename: str
) -> HttpResponseBase:
    try:
        size = storage.size(name)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise Http404("No such clip.") from exc
    etag, modified = _validators(storage, name, size)

    status, first, last = 200, 0, size - 1
    header = request.headers.get("Range")
    if header is not None and _if_range_matches(request.headers.get("If-Range", etag), etag=etag, modified=modified):
        asked = parse_range(header, size)
        if asked == "unsatisfiable":
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            response["Accept-Ranges"] = "bytes"
            return _private(response)
        if asked is not None:
            status, (first, last) = 206, asked
    length = last - first + 1  # 0 for an empty file

    if request.method == "HEAD" or length == 0:
        response = HttpResponse(status=status, content_type=content_type)
    else:
        response = StreamingHttpResponse(
            _FileRange(storage.open(name, "rb"), first, length), status=status, content_type=content_type
        )
    response["Content-Length"] = str(length)  # set by hand, so HEAD tells the size it did not send
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    if status == 206:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return _private(response, filename=filename)


class _FileRange:
    """`length` bytes of `file` from `start`, in blocks of at most 64 KB.

    A class rather than a generator so that close() shuts the file even when the response is closed
    before the first block is asked for (a generator that never started skips its `finally`).
    StreamingHttpResponse calls close() when the server closes the response.
    """

    def __init__(self, file: IO[bytes], start: int, length: int) -> None:
        self.file = file
        self.start = start
        self.length = length

    def __iter__(self) -> Iterator[bytes]:
        try:
            if self.start:
                self.file.seek(self.start)
            remaining = self.length
            while remaining > 0:
                block = self.file.read(min(BLOCK_SIZE, remaining))
                if not block:  # the file shrank since its size was read: stop short, never pad
                    break
                remaining -= len(block)
                yield block
        finally:
            self.close()

    def close(self) -> None:
        self.file.close()
