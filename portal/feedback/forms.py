from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    validators,
)

from portal.feedback.models import FEEDBACK_TYPES, SKM_ELEMENTS
from portal.forms import EmptyForm, choices, email_address, length, max_length, required, strip
from portal.idempotency import IdempotentFormMixin
from portal.personal_text import NoPersonalData

SCORE_CHOICES = [("1", _l("1 — Tidak baik")), ("2", _l("2 — Kurang baik")), ("3", _l("3 — Baik")), ("4", _l("4 — Sangat baik"))]
SEX_CHOICES = [("", _l("Tidak ingin menjawab")), ("L", _l("Laki-laki")), ("P", _l("Perempuan"))]
EDUCATION_CHOICES = [("", _l("Tidak ingin menjawab")), ("sd", _l("SD atau di bawahnya")), ("smp", "SMP"), ("sma", "SMA/SMK"),
                     ("d3", "D1–D3"), ("s1", "D4/S1"), ("s2", _l("S2 ke atas"))]
OCCUPATION_CHOICES = [("", _l("Tidak ingin menjawab")), ("pns", _l("PNS/TNI/Polri")), ("swasta", _l("Pegawai swasta")),
                      ("wiraswasta", _l("Wiraswasta")), ("pelajar", _l("Pelajar/Mahasiswa")), ("lainnya", _l("Lainnya"))]


# DOMAIN.md §6 (UU 27/2022), as SP4N-LAPOR! offers them: identified, confidential or anonymous.
IDENTITY_CHOICES = [
    ("biasa", _l("Dengan identitas")),
    ("rahasia", _l("Rahasia")),
    ("anonim", _l("Anonim")),
]


class PublishedText(NoPersonalData):
    """Refuse a NIK, phone number or e-mail address only in text the resident chose to publish.

    UU 27/2022 Pasal 16: published text must not carry personal data. A private report is read
    only by the resident and the unit handling it, and is_public is fixed at submission (nothing
    publishes it later), so there a resident may give the NIK or phone number the unit needs to
    resolve the case (a KTP-el or BPJS problem cannot be checked without it).
    """

    def __call__(self, form, field):
        if form.is_public.data:
            super().__call__(form, field)


SCORES = [value for value, _label in SCORE_CHOICES]


def _score_field(label):
    # One message for the web and the API (which fills this form from JSON): 1–4, PermenPANRB 14/2017.
    return RadioField(label, choices=choices(SCORE_CHOICES), validate_choice=False, validators=[
        validators.Optional(), validators.AnyOf(SCORES, message=_l("Nilai survei harus antara 1 dan 4."))])


class SurveyFields:
    """The nine SKM elements and the optional respondent profile, shared by two forms."""

    u1 = _score_field(SKM_ELEMENTS[0][1])
    u2 = _score_field(SKM_ELEMENTS[1][1])
    u3 = _score_field(SKM_ELEMENTS[2][1])
    u4 = _score_field(SKM_ELEMENTS[3][1])
    u5 = _score_field(SKM_ELEMENTS[4][1])
    u6 = _score_field(SKM_ELEMENTS[5][1])
    u7 = _score_field(SKM_ELEMENTS[6][1])
    u8 = _score_field(SKM_ELEMENTS[7][1])
    u9 = _score_field(SKM_ELEMENTS[8][1])
    age = IntegerField(_l("Usia"), validators=[validators.Optional(), validators.NumberRange(min=10, max=120, message=_l("Usia harus 10–120 tahun."))])
    sex = SelectField(_l("Jenis kelamin"), choices=choices(SEX_CHOICES), default="")
    education = SelectField(_l("Pendidikan terakhir"), choices=choices(EDUCATION_CHOICES), default="")
    occupation = SelectField(_l("Pekerjaan"), choices=choices(OCCUPATION_CHOICES), default="")

    def survey_scores(self):
        return {code: getattr(self, code).data for code, _label in SKM_ELEMENTS}

    def survey_answered(self):
        return any(getattr(self, code).data for code, _label in SKM_ELEMENTS)

    def survey_profile(self):
        return {"age": self.age.data, "sex": self.sex.data or None, "education": self.education.data or None,
                "occupation": self.occupation.data or None}


class FeedbackSubmitForm(IdempotentFormMixin, EmptyForm, SurveyFields):
    unit = SelectField(_l("Perangkat daerah"), validators=[required(_l("Pilih perangkat daerah."))])
    service = SelectField(_l("Layanan"))
    type = RadioField(_l("Jenis masukan"), choices=choices(FEEDBACK_TYPES.items()), validate_choice=False, validators=[
        required(_l("Pilih jenis masukan.")),
        validators.AnyOf(list(FEEDBACK_TYPES), message=_l("Pilih jenis masukan: keluhan, saran, atau apresiasi."))])
    title = StringField(_l("Judul"), filters=[strip], validators=[required(), length(5, 200), PublishedText()])
    body = TextAreaField(_l("Isi masukan"), validators=[required(), length(10, 5000), PublishedText()])
    visit_date = DateField(_l("Tanggal Anda menerima layanan"), validators=[validators.Optional()])
    kelurahan = StringField(_l("Kelurahan"), filters=[strip], validators=[max_length(80), PublishedText()])
    photo = FileField(_l("Foto pendukung"))
    is_public = BooleanField(_l("Tampilkan isi masukan saya di halaman publik (nama dan kontak tidak pernah ditampilkan)"))
    identity = RadioField(_l("Identitas Anda"), choices=choices(IDENTITY_CHOICES), default="biasa",
                          validators=[validators.Optional()])

    def identity_choice(self):
        """The chosen way of sending; an older client that sends no choice reports with its identity."""
        return self.identity.data if self.identity.data in dict(IDENTITY_CHOICES) else "biasa"
    contact_name = StringField(_l("Nama"), filters=[strip], validators=[max_length(120)])
    contact_email = EmailField(_l("Email"), filters=[strip], validators=[validators.Optional(), max_length(254), email_address()])
    contact_phone = StringField(_l("Nomor telepon"), filters=[strip], validators=[max_length(30),
                                validators.Optional(), validators.Regexp(r"^\+?[0-9 ()-]{8,20}$", message=_l("Nomor telepon hanya angka, spasi, dan tanda +, misalnya 0812 3456 7890."))])


class SurveyForm(EmptyForm, SurveyFields):
    service = SelectField(_l("Layanan yang Anda terima"), validators=[required(_l("Pilih layanan."))])


class RejectForm(EmptyForm):
    # Shown on the public tracking page: staff may give the unit's own contact, never a resident's NIK.
    reason = TextAreaField(_l("Alasan penolakan"), validators=[required(), length(5, 500), NoPersonalData(kinds=("nik",))])


class AssignForm(EmptyForm):
    asn = SelectField(_l("Tugaskan kepada"), validators=[required(_l("Pilih ASN."))])


class AnswerForm(EmptyForm):
    body = TextAreaField(_l("Jawaban resmi"), validators=[required(), length(10, 10000)])


class RateForm(EmptyForm):
    rating = RadioField(_l("Penilaian atas jawaban"), choices=choices([(str(n), str(n)) for n in range(1, 6)]),
                        validators=[required(_l("Pilih 1 sampai 5 bintang."))])
    comment = TextAreaField(_l("Komentar"), validators=[max_length(1000)])
    kunci = StringField(validators=[max_length(100)])


class ReopenForm(EmptyForm):
    reason = TextAreaField(_l("Mengapa jawaban belum menyelesaikan masalah?"), validators=[required(), length(5, 500)])
    kunci = StringField(validators=[max_length(100)])


class ConfirmForm(EmptyForm):
    kunci = StringField(validators=[max_length(100)])


class TrackForm(EmptyForm):
    class Meta:
        csrf = False  # a GET lookup changes nothing

    nomor = StringField(_l("Nomor pelacakan"), filters=[strip], validators=[required(), max_length(20)])
