"""How people reach EEC's PAC staff. One place: every "contact EEC staff" on a page, in an email
or in a message names the same address and phone number, from settings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Contact:
    email: str
    phone: str

    @property
    def tel(self) -> str:
        """The phone number as a tel: link wants it (digits, and a leading +)."""
        return re.sub(r"[^\d+]", "", self.phone)

    def sentence(self, lead: str = "contact EEC staff") -> str:
        """Plain text: "contact EEC staff at pac@… or (617) 555-0100"."""
        return f"{lead} at {self.email} or {self.phone}"


def eec_contact() -> Contact:
    return Contact(email=settings.PAC_CONTACT_EMAIL, phone=settings.PAC_CONTACT_PHONE)
