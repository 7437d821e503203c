"""Logging helpers named in the LOGGING setting."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class PermissionRefusalOneLine(logging.Filter):
    """An expected refusal (PermissionDenied, answered with a 403) is one line with its reason,
    not a traceback: the traceback says nothing a reader needs, and a probe of the site would
    otherwise fill the log with them. Real errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, PermissionDenied):
            reason = str(exc)
            record.msg = record.getMessage() + (f" ({reason})" if reason else "")
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
