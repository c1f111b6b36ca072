"""The regulation's rules for the development record, each coded once.

- PermenPANRB No. 6 Tahun 2022 (pengelolaan kinerja ASN): the supervisor rates hasil kerja and
  perilaku kerja against expectations; the predicate follows from the two ratings by a matrix.
- SE MenPANRB No. 20 Tahun 2021: perilaku kerja is judged on the seven BerAKHLAK core values.
- PP 11/2017 Pasal 203 (as amended by PP 17/2020): at least 20 JP of competency development a
  year, 1 JP = 45 minutes, in classical or non-classical forms.
"""

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

# ---------------------------------------------------------------- ratings and predicate

ABOVE, AS_EXPECTED, BELOW = "di_atas", "sesuai", "di_bawah"

EXPECTATION_RATINGS = {
    ABOVE: _l("Di atas ekspektasi"),
    AS_EXPECTED: _l("Sesuai ekspektasi"),
    BELOW: _l("Di bawah ekspektasi"),
}

SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG = (
    "sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")

PREDICATES = {
    SANGAT_BAIK: _l("Sangat Baik"),
    BAIK: _l("Baik"),
    BUTUH_PERBAIKAN: _l("Butuh Perbaikan"),
    KURANG: _l("Kurang/Misconduct"),
    SANGAT_KURANG: _l("Sangat Kurang"),
}

# PermenPANRB 6/2022, the predicate matrix: (hasil kerja, perilaku kerja) → predikat kinerja.
# Every one of the nine cells is listed; nothing is inferred.
PREDICATE_MATRIX = {
    (ABOVE, BELOW): KURANG,
    (ABOVE, AS_EXPECTED): BAIK,
    (ABOVE, ABOVE): SANGAT_BAIK,
    (AS_EXPECTED, BELOW): KURANG,
    (AS_EXPECTED, AS_EXPECTED): BAIK,
    (AS_EXPECTED, ABOVE): BAIK,
    (BELOW, BELOW): SANGAT_KURANG,
    (BELOW, AS_EXPECTED): BUTUH_PERBAIKAN,
    (BELOW, ABOVE): BUTUH_PERBAIKAN,
}

# Predicates that call for a development action (the supervisor decides; the portal suggests).
NEEDS_ATTENTION = {BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG}


def derive_predicate(hasil_kerja, perilaku_kerja):
    """Return the predicate key for the two ratings by the PermenPANRB 6/2022 matrix."""
    try:
        return PREDICATE_MATRIX[(hasil_kerja, perilaku_kerja)]
    except KeyError:
        raise ValueError(f"unknown rating pair {hasil_kerja!r}, {perilaku_kerja!r}") from None


# SE MenPANRB 20/2021: the core values of ASN, "BerAKHLAK".
BERAKHLAK = {
    "berorientasi_pelayanan": _l("Berorientasi Pelayanan"),
    "akuntabel": _l("Akuntabel"),
    "kompeten": _l("Kompeten"),
    "harmonis": _l("Harmonis"),
    "loyal": _l("Loyal"),
    "adaptif": _l("Adaptif"),
    "kolaboratif": _l("Kolaboratif"),
}

# ---------------------------------------------------------------- competency development

# PP 11/2017 Pasal 203 (PP 17/2020): every ASN has the right to at least 20 JP a year.
JP_TARGET_PER_YEAR = 20
# 1 JP (jam pelajaran) = 45 minutes.
MINUTES_PER_JP = 45
# JP are kept to two decimals (a one-hour webinar is 1,33 JP), as Decimal: never float, so the
# yearly total and the shortfall against 20 JP are exact.
JP_PLACES = Decimal("0.01")
# How a training's length may be entered: in JP as on the certificate, in clock hours, or in minutes.
DURATION_UNITS = {
    "jp": _l("JP"),
    "jam": _l("Jam"),
    "menit": _l("Menit"),
}
_MINUTES_PER_UNIT = {"jp": MINUTES_PER_JP, "jam": 60, "menit": 1}

CLASSICAL, NON_CLASSICAL = "klasikal", "nonklasikal"

DEVELOPMENT_GROUPS = {
    CLASSICAL: _l("Klasikal"),
    NON_CLASSICAL: _l("Nonklasikal"),
}

# PP 11/2017 Pasal 203 ayat (4) (PP 17/2020): the forms of competency development.
DEVELOPMENT_FORMS = {
    "pelatihan_struktural": (CLASSICAL, _l("Pelatihan struktural kepemimpinan")),
    "pelatihan_manajerial": (CLASSICAL, _l("Pelatihan manajerial")),
    "pelatihan_teknis": (CLASSICAL, _l("Pelatihan teknis")),
    "pelatihan_fungsional": (CLASSICAL, _l("Pelatihan fungsional")),
    "pelatihan_sosial_kultural": (CLASSICAL, _l("Pelatihan sosial kultural")),
    "seminar": (CLASSICAL, _l("Seminar/konferensi/sarasehan")),
    "workshop": (CLASSICAL, _l("Workshop atau lokakarya")),
    "kursus": (CLASSICAL, _l("Kursus")),
    "penataran": (CLASSICAL, _l("Penataran")),
    "bimbingan_teknis": (CLASSICAL, _l("Bimbingan teknis")),
    "sosialisasi": (CLASSICAL, _l("Sosialisasi")),
    "coaching": (NON_CLASSICAL, _l("Coaching")),
    "mentoring": (NON_CLASSICAL, _l("Mentoring")),
    "e_learning": (NON_CLASSICAL, _l("E-learning")),
    "pelatihan_jarak_jauh": (NON_CLASSICAL, _l("Pelatihan jarak jauh")),
    "detasering": (NON_CLASSICAL, _l("Detasering (secondment)")),
    "outbound": (NON_CLASSICAL, _l("Pembelajaran alam terbuka (outbound)")),
    "benchmarking": (NON_CLASSICAL, _l("Patok banding (benchmarking)")),
    "pertukaran": (NON_CLASSICAL, _l("Pertukaran PNS dengan swasta/BUMN/BUMD")),
    "belajar_mandiri": (NON_CLASSICAL, _l("Belajar mandiri (self development)")),
    "komunitas_belajar": (NON_CLASSICAL, _l("Komunitas belajar")),
    "bimbingan_di_tempat_kerja": (NON_CLASSICAL, _l("Bimbingan di tempat kerja")),
    "magang": (NON_CLASSICAL, _l("Magang/praktik kerja")),
}


def development_label(form_key):
    """Return the label of a form of development (the key itself if unknown)."""
    entry = DEVELOPMENT_FORMS.get(form_key)
    return entry[1] if entry else form_key


def development_group(form_key):
    """Return 'klasikal' or 'nonklasikal' for a form of development."""
    entry = DEVELOPMENT_FORMS.get(form_key)
    return entry[0] if entry else None


def jp_to_hours(jp):
    """Return the clock hours of a number of JP (1 JP = 45 minutes)."""
    return jp * MINUTES_PER_JP / 60


def jp_from_duration(amount, unit="jp"):
    """Return the JP of a length given in JP, hours or minutes, rounded half-up to two decimals."""
    if unit not in _MINUTES_PER_UNIT:
        raise ValueError(f"unknown duration unit {unit!r}")
    if isinstance(amount, float):
        raise TypeError("JP are counted in Decimal, never float")
    minutes = Decimal(amount) * _MINUTES_PER_UNIT[unit]
    # PP 11/2017: 1 JP = 45 minutes.
    return (minutes / MINUTES_PER_JP).quantize(JP_PLACES, rounding=ROUND_HALF_UP)


def jp_shortfall(total):
    """Return how many JP are missing to the yearly 20 (0 when the target is met), exactly."""
    return max(Decimal(JP_TARGET_PER_YEAR) - Decimal(total or 0), Decimal(0)).quantize(JP_PLACES)
