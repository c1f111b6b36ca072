"""NIP validation: every rule of DOMAIN.md §5."""

from datetime import date

import pytest

from portal.organisation.nip import InvalidNip, format_nip, normalize_nip

TODAY = date(2024, 6, 15)


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("198503122010011004", "198503122010011004"),
        ("19850312 201001 1 004", "198503122010011004"),  # the customary grouping
        ("  19850312  201001 1 004 ", "198503122010011004"),  # stray spaces around and between
        ("19850312\t201001\t1\t004", "198503122010011004"),  # pasted from a spreadsheet
        ("19850312\u00a0201001\u00a01\u00a0004", "198503122010011004"),  # non-breaking spaces
        ("199002282015032001", "199002282015032001"),  # female, sequence 001
        ("200002292020031999", "200002292020031999"),  # born on a leap day, sequence 999
        ("199005152008051001", "199005152008051001"),  # TMT exactly 18 years after the birth month
        ("198001012024061001", "198001012024061001"),  # TMT in the current month
        ("196001011982031050", "196001011982031050"),  # an older civil servant
    ],
)
def test_valid_nip_is_normalised_to_18_digits(raw, digits):
    assert normalize_nip(raw, today=TODAY) == digits


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "NIP wajib diisi."),
        ("", "NIP wajib diisi."),
        ("   ", "NIP wajib diisi."),
        ("19850312201001100", "NIP harus 18 digit, bukan 17."),
        ("1985031220100110041", "NIP harus 18 digit, bukan 19."),
        ("1985031", "NIP harus 18 digit, bukan 7."),
        ("19850312A01001 1 004", "hanya boleh berisi angka"),
        ("19850312-201001-1-004", "hanya boleh berisi angka"),
        ("１９８５０３１２２０１００１１００４", "hanya boleh berisi angka"),  # full-width digits
        ("19850312201001100²", "hanya boleh berisi angka"),  # isdigit() says yes, int() says no
        ("198502302010011004", "tanggal lahir yang sah"),  # 30 February 1985
        ("198513012010011004", "tanggal lahir yang sah"),  # month 13
        ("198503002010011004", "tanggal lahir yang sah"),  # day 0
        ("198503122010001004", "bulan TMT CPNS yang sah"),  # TMT month 00
        ("198503122010131004", "bulan TMT CPNS yang sah"),  # TMT month 13
        ("185001011899121001", "bulan TMT CPNS yang sah"),  # TMT before 1900
        ("198503122024071004", "tidak boleh di masa depan"),  # next month
        ("198503122031011004", "tidak boleh di masa depan"),
        ("199005152008041001", "minimal 18 tahun setelah tanggal lahir"),  # one month short
        ("200001012010011004", "minimal 18 tahun setelah tanggal lahir"),  # appointed at 10
        ("198503122010013004", "jenis kelamin) harus 1 atau 2"),  # sex digit 3
        ("198503122010010004", "jenis kelamin) harus 1 atau 2"),  # sex digit 0
        ("198503122010011000", "Nomor urut NIP (digit 16–18) harus 001–999."),
    ],
)
def test_invalid_nip_says_which_rule_it_breaks(raw, message):
    with pytest.raises(InvalidNip) as caught:
        normalize_nip(raw, today=TODAY)
    assert message in str(caught.value)


def test_future_tmt_is_judged_against_today_by_default():
    next_year = date.today().year + 1
    with pytest.raises(InvalidNip, match="masa depan"):
        normalize_nip(f"19850312{next_year}011004")


def test_format_nip_groups_the_digits():
    assert format_nip("198503122010011004") == "19850312 201001 1 004"
