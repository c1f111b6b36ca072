"""What counts as personal data in published text: NIK, phone numbers, e-mail addresses."""

import pytest

from portal.personal_text import find_personal_data, personal_data_message


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("NIK saya 3578012345670001, mohon dicek", "nik", "3578…01"),
        ("NIK 3578 0123 4567 0001", "nik", "3578…01"),
        ("nik: 3578.0123.4567.0001", "nik", "3578…01"),
        ("hubungi saya di 0812-3456-7890", "phone", "0812…90"),
        ("WA +62 812 3456 7890 ya", "phone", "+62 …90"),
        ("628123456789", "phone", "6281…89"),
        ("telepon rumah (031) 5312144", "phone", "(031…44"),
        ("telp. 031-5312144", "phone", "031-…44"),
        ("kirim ke sari.w@contoh.id saja", "email", "sari…id"),
    ],
)
def test_finds_personal_data_and_masks_it(text, kind, masked):
    [finding] = find_personal_data(text)
    assert (finding.kind, finding.masked) == (kind, masked)
    assert text[finding.start:finding.end].strip()  # points at the text itself


@pytest.mark.parametrize(
    "text",
    [
        "NIP petugas 198503122010011004",  # 18 digits: a NIP, public for officials
        "NIP 19850312 201001 1 004",
        "Antrean dari 07.00 sampai 10.00, tanggal 02-12-2026",
        "Biaya Rp 150.000 untuk 1.500 warga pada tahun 2026",
        "nomor antrean 0012, loket 3",
        "rekening 1234567890123456789",  # 19 digits: not a NIK
        "Pasal 3 ayat (2) huruf a",
        "",
    ],
)
def test_leaves_ordinary_numbers_alone(text):
    assert find_personal_data(text) == []


def test_a_nik_is_reported_once_not_also_as_a_phone_number():
    findings = find_personal_data("0812345678901234")  # 16 digits starting with 0
    assert [f.kind for f in findings] == ["nik"]


def test_kinds_narrow_the_check():
    text = "Hubungi Puskesmas di (031) 5312144 atau pkm@surabaya.go.id; NIK 3578012345670001"
    assert [f.kind for f in find_personal_data(text, kinds=("nik",))] == ["nik"]
    assert [f.kind for f in find_personal_data(text)] == ["phone", "email", "nik"]


def test_message_names_what_was_found_and_how_many_more(app):
    with app.test_request_context():
        one = str(personal_data_message(find_personal_data("WA 081234567890")))
        three = str(personal_data_message(find_personal_data("WA 081234567890, a@b.id, 3578012345670001")))
    assert "nomor telepon (0812…90)" in one and "tampil untuk umum" in one
    assert "Ada 2 data pribadi lain" in three
