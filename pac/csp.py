"""The Content-Security-Policy, with one scoped relaxation for the staff admin.

PAC's own pages use no inline script or style at all. The admin pages that other libraries add
(django-import-export's export form, django-simple-history's history list, Django's change list
without actions) carry style attributes, <style> blocks and one inline event handler that PAC
does not write. Under /admin/ only, inline styles are allowed and that one handler is allowed by
its hash ('unsafe-hashes' admits exactly that text, no other handler); inline scripts stay
refused everywhere (the beat schedule form's script is served from static/, see
templates/admin/djcelery/)."""

from __future__ import annotations

import base64
import hashlib

from csp.constants import UNSAFE_HASHES, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

# django-import-export's admin/import_export/export.html: the "Select all" fields toggle
ADMIN_EVENT_HANDLERS = ("onSelectToggleChange(event)",)


def source_hash(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


ADMIN_POLICY_UPDATE = {
    "style-src": [UNSAFE_INLINE],
    "script-src-attr": [UNSAFE_HASHES, *(source_hash(h) for h in ADMIN_EVENT_HANDLERS)],
}


class PacCSPMiddleware(CSPMiddleware):
    admin_prefix = "/admin/"

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(self.admin_prefix):
            update = dict(parts.update or {})
            for directive, values in ADMIN_POLICY_UPDATE.items():
                update[directive] = [*update.get(directive, []), *values]
            parts.update = update
        return parts
