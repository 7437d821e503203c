"""A calendar invitation (.ics, RFC 5545) for a Tier 3 interview."""

from __future__ import annotations

import datetime

from pac.links import base_url


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    out, chunk = [], line
    while len(chunk.encode()) > 75:
        cut = 75
        while len(chunk[:cut].encode()) > 75:
            cut -= 1
        out.append(chunk[:cut])
        chunk = " " + chunk[cut:]
    out.append(chunk)
    return "\r\n".join(out)


def interview_ics(*, slot, application) -> bytes:
    host = base_url().split("//")[-1].split("/")[0] or "pac"
    where = slot.location or slot.video_link or "To be confirmed"
    description = f"PAC Tier 3 interview for application {application.reference} ({application.get_role_display()})."
    if slot.video_link:
        description += f" Join: {slot.video_link}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//EEC//PAC//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:pac-interview-{slot.pk}-{application.pk}@{host}",
        f"DTSTAMP:{_utc(datetime.datetime.now(datetime.UTC))}",
        f"DTSTART:{_utc(slot.starts_at)}",
        f"DTEND:{_utc(slot.ends_at)}",
        f"SUMMARY:{_escape('PAC interview (' + application.get_role_display() + ')')}",
        f"LOCATION:{_escape(where)}",
        f"DESCRIPTION:{_escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
