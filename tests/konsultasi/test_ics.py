"""The .ics file: RFC 5545 structure, UTC times, CRLF, folding at 75 octets, escaped text."""

from datetime import UTC, datetime, timedelta

from konsultasi.ics import build_ics, escape_text, fold


def unfold(data):
    """Parse an iCalendar file the way RFC 5545 §3.1 says: unfold, then split name and value."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line break is CRLF
    physical = text.split("\r\n")[:-1]
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
    logical = []
    for line in physical:
        if line.startswith((" ", "\t")):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def unescape(value):
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def props(lines):
    result = {}
    for line in lines:
        name, _sep, value = line.partition(":")
        result.setdefault(name, []).append(value)
    return result


TITLE = "Dialog Publik: Puskesmas 24 Jam, Jam Layanan; dan \"Tenaga\" Jaga — Kecamatan Tambaksari, Surabaya ✓"


def make(**overrides):
    values = {
        "uid": "konsultasi-7@localhost", "dtstamp": datetime(2027, 3, 1, 1, 2, 3, tzinfo=UTC),
        "starts_at": datetime(2027, 3, 10, 9, 0, tzinfo=UTC) - timedelta(hours=7),
        "ends_at": datetime(2027, 3, 10, 12, 0, tzinfo=UTC) - timedelta(hours=7),
        "summary": TITLE, "description": "Baris satu\nBaris dua, dengan koma; dan titik koma \\ garis miring",
        "location": "Aula Dinas Kesehatan, Jl. Jemursari No. 197", "url": "https://localhost/konsultasi/7",
    }
    values.update(overrides)
    return build_ics(**values)


def test_calendar_has_the_required_structure_and_values():
    lines = unfold(make())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    p = props(lines)
    assert p["VERSION"] == ["2.0"]
    assert p["PRODID"][0]
    assert p["BEGIN"] == ["VCALENDAR", "VEVENT"] and p["END"] == ["VEVENT", "VCALENDAR"]
    assert p["UID"] == ["konsultasi-7@localhost"]
    assert p["DTSTAMP"] == ["20270301T010203Z"]
    assert p["DTSTART"] == ["20270310T020000Z"]
    assert p["DTEND"] == ["20270310T050000Z"]
    assert unescape(p["SUMMARY"][0]) == TITLE
    assert unescape(p["LOCATION"][0]) == "Aula Dinas Kesehatan, Jl. Jemursari No. 197"
    assert unescape(p["DESCRIPTION"][0]) == "Baris satu\nBaris dua, dengan koma; dan titik koma \\ garis miring"
    assert p["URL"] == ["https://localhost/konsultasi/7"]


def test_times_are_written_in_utc_whatever_zone_they_come_in():
    from zoneinfo import ZoneInfo

    wib = ZoneInfo("Asia/Jakarta")
    lines = unfold(make(starts_at=datetime(2027, 3, 10, 9, 0, tzinfo=wib), ends_at=datetime(2027, 3, 10, 12, 0, tzinfo=wib)))
    assert "DTSTART:20270310T020000Z" in lines
    assert "DTEND:20270310T050000Z" in lines


def test_text_is_escaped():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "é" * 100 + "✓" * 40
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line
    long_title = unfold(make(summary="Konsultasi " * 30))
    assert unescape(props(long_title)["SUMMARY"][0]) == "Konsultasi " * 30
