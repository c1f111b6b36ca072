"""A small iCalendar (RFC 5545) writer for one event: enough for the confirmation e-mail."""

from datetime import UTC

PRODID = "-//Pemerintah Kota Surabaya//Portal Partisipasi Publik//ID"


def format_utc(value):
    """Format an aware datetime as an RFC 5545 UTC date-time (19700101T000000Z)."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value):
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line, limit=75):
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        # Continuation lines start with a space, which counts towards their 75 octets.
        room = limit if not parts else limit - 1
        if size + width > room:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def build_ics(*, uid, dtstamp, starts_at, ends_at, summary, description="", location=None, url=None):
    """Return a VCALENDAR with one VEVENT, as UTF-8 bytes with CRLF line endings."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{format_utc(dtstamp)}",
        f"DTSTART:{format_utc(starts_at)}",
        f"DTEND:{format_utc(ends_at)}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if url:
        # A URI value is not TEXT: no escaping, but it must stay on one logical line.
        lines.append(f"URL:{url.replace(chr(13), '').replace(chr(10), '')}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")
